/* stats.h — statistics across replications.
 *
 * For every (period, metric) a stats object keeps running moments and P²
 * quantile estimates (GSL's gsl_rstat), so memory does not grow with the
 * number of replications; for every KPI it keeps all values (one number per
 * replication), so KPI quantiles are exact and paired comparisons possible.
 * Replications must be added in replication order: the P² estimates depend
 * on order, and the same order gives the same bytes. */
#ifndef OUTPUT_STATS_H
#define OUTPUT_STATS_H

#include "sim/result.h"

#include <stddef.h>

/* Confidence level of every interval reported. */
#define STATS_CI_LEVEL 0.95

struct summary {
    size_t n;
    double mean, sd;          /* sd: sample standard deviation (n - 1) */
    double ci_low, ci_high;   /* Student t interval for the mean */
    double p05, p25, p50, p75, p95;
};

struct stats;

/* Accumulators for the layout l (which must outlive the stats). NULL when
 * out of memory. */
struct stats *stats_create(const struct result_layout *l);
void stats_destroy(struct stats *s);

/* Add one replication (the next in replication order). */
void stats_add(struct stats *s, const struct rep_result *r);

size_t stats_count(const struct stats *s);

/* Summary of metric m in period p (P² quantiles; exact below 5 values). With
 * fewer than 2 replications sd and the interval are NaN. */
void stats_metric(const struct stats *s, size_t p, size_t m, struct summary *out);

/* Summary of KPI k, quantiles exact (linear interpolation, R's type 7). */
void stats_kpi(const struct stats *s, size_t k, struct summary *out);

/* The values of KPI k, in replication order (stats_count of them). */
const double *stats_kpi_values(const struct stats *s, size_t k);

/* Exact summary of x[0..n) (x is not changed). */
void summary_of(const double *x, size_t n, struct summary *out);

/* The two-sided Student t critical value for STATS_CI_LEVEL and n values. */
double stats_t_critical(size_t n);

#endif
