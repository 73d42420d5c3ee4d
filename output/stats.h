/* stats.h — statistics across replications.
 *
 * For every (period, metric) a stats object keeps running moments, and for
 * its quantiles the values themselves while they number at most
 * STATS_EXACT_VALUES (replications x cells), so that the quantiles are
 * exact; past that it feeds them, in order, to P² estimators (GSL's
 * gsl_rstat) and frees them, so memory stays bounded whatever the number of
 * replications. For every KPI it keeps all values (one number per
 * replication), so KPI quantiles are exact and paired comparisons possible.
 * The interval of a metric or KPI is kept inside the values it can take
 * (its value_range): see summary_clip.
 * Replications must be added in replication order: the P² estimates depend
 * on order, and the same order gives the same bytes. */
#ifndef OUTPUT_STATS_H
#define OUTPUT_STATS_H

#include "sim/result.h"

#include <stdbool.h>
#include <stddef.h>

/* Confidence level of every interval reported. */
#define STATS_CI_LEVEL 0.95

/* Values of the (period, metric) cells one stats object keeps for exact
 * quantiles (8 bytes each: 32 MB). */
#define STATS_EXACT_VALUES 4000000u

struct summary {
    size_t n;
    double mean, sd;          /* sd: sample standard deviation (n - 1) */
    double ci_low, ci_high;   /* Student t interval for the mean (stats_metric
                                 and stats_kpi: clipped to the range) */
    double p05, p25, p50, p75, p95;
};

struct stats;

/* Accumulators for the layout l (which must outlive the stats). NULL when
 * out of memory. */
struct stats *stats_create(const struct result_layout *l);
/* The same keeping at most exact_values cell values for exact quantiles
 * (stats_create: STATS_EXACT_VALUES; 0: P² from the start). */
struct stats *stats_create_bounded(const struct result_layout *l, size_t exact_values);
void stats_destroy(struct stats *s);

/* Add one replication (the next in replication order). */
void stats_add(struct stats *s, const struct rep_result *r);

size_t stats_count(const struct stats *s);

/* Whether the metric quantiles are still exact (every value kept). */
bool stats_exact(const struct stats *s);

/* Summary of metric m in period p: quantiles exact (R's type 7) while the
 * values are kept (stats_exact), else P² estimates (exact below 5 values).
 * With fewer than 2 replications sd and the interval are NaN. The interval
 * is clipped to the metric's range (summary_clip). */
void stats_metric(const struct stats *s, size_t p, size_t m, struct summary *out);

/* Summary of KPI k, quantiles exact (linear interpolation, R's type 7),
 * the interval clipped to the KPI's range (summary_clip). By the KPI's stat
 * (sim/result.h): KPI_STAT_SHARE gives Wilson's interval (stats_wilson);
 * KPI_STAT_TIME_TO counts +INFINITY ("not within the horizon") as later
 * than every day: a quantile is NaN unless it lies among the finite
 * values, and the mean, sd and interval are NaN unless all values are
 * finite. */
void stats_kpi(const struct stats *s, size_t k, struct summary *out);

/* The summary of a time-to KPI's values x[0..n) (see stats_kpi); NaN
 * values are left out. */
void stats_summary_time_to(const double *x, size_t n, struct summary *out);

/* Wilson's score interval (Wilson 1927) at STATS_CI_LEVEL for a proportion
 * of k successes in n trials (0 <= k <= n, n >= 1). */
void stats_wilson(double k, double n, double *lo, double *hi);

/* The difference pa - pb of two proportions measured on the same n
 * replications, and its interval at STATS_CI_LEVEL by Newcombe's hybrid
 * score method for paired data (Newcombe 1998, method 10, with the
 * continuity-corrected correlation of Fagerland, Lydersen and Laake 2017,
 * ch. 8): both, only_a, only_b and neither count the replications where
 * both, a only, b only and neither had the event (their sum >= 1). */
void stats_paired_share_diff(size_t both, size_t only_a, size_t only_b, size_t neither, double *diff, double *lo,
                             double *hi);

/* The values of KPI k, in replication order (stats_count of them). */
const double *stats_kpi_values(const struct stats *s, size_t k);

/* Exact summary of x[0..n) (x is not changed), the interval unclipped: the
 * values may be any real (paired differences). */
void stats_summary_of(const double *x, size_t n, struct summary *out);

/* Keep the interval of s inside range r: a bound beyond the range's end is
 * moved onto it. The true mean of a quantity that cannot leave the range
 * lies inside it, so whenever the Student t interval covers the true mean the
 * clipped one does too: coverage is unchanged. Nothing is done when the
 * interval is NaN, or when the mean itself lies outside r (the range was
 * declared wrongly; hiding that would be worse). */
void stats_summary_clip(struct summary *s, enum value_range r);

/* The two-sided Student t critical value for STATS_CI_LEVEL and n values. */
double stats_t_critical(size_t n);

#endif
