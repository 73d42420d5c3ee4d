#include "output/stats.h"

#include "sim/check.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rstat.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Values that are not finite (NaN: the model had nothing to report) are
 * missing: they are left out of every statistic, and summary.n counts only
 * the values used. KPI value arrays keep them, so pairs stay aligned. */

/* The quantiles every summary reports. */
enum { STATS_Q05, STATS_Q25, STATS_Q50, STATS_Q75, STATS_Q95, STATS_N_QUANTILES };
static const double stats_prob[STATS_N_QUANTILES] = {0.05, 0.25, 0.50, 0.75, 0.95};

/* First capacity of the KPI value arrays (they double after that). */
#define STATS_KPI_CAP0 16

/* Upper tail probability of the two-sided interval's critical value. */
#define STATS_T_PROB (1.0 - (1.0 - STATS_CI_LEVEL) / 2.0)

/* Running moments of one (period, metric): Welford's update on the values
 * less the first one, so a large common level (costs in millions with a
 * spread of pounds) costs no precision. */
struct stats_moments {
    size_t n;
    double shift;   /* the first value */
    double mean;    /* mean of (x - shift) */
    double m2;      /* sum of squared deviations from the mean */
};

struct stats {
    const struct result_layout *l;
    size_t count;                          /* replications added */
    size_t n_cells;                        /* n_periods * n_metrics */
    struct stats_moments *mom;             /* n_cells */
    /* Exact phase: every replication's row of cell values, in order. */
    bool exact;
    double *rows;                          /* rows_cap rows of n_cells */
    size_t rows_cap, max_rows;
    /* P² phase, after the exact one (or from the start): */
    gsl_rstat_quantile_workspace *quant;   /* n_cells * STATS_N_QUANTILES */
    size_t kpi_cap;
    double **kpi;                          /* n_kpis arrays of kpi_cap values */
};

struct stats *stats_create(const struct result_layout *l)
{
    return stats_create_bounded(l, STATS_EXACT_VALUES);
}

struct stats *stats_create_bounded(const struct result_layout *l, size_t exact_values)
{
    struct stats *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->l = l;
    s->n_cells = l->n_periods * l->n_metrics;
    s->max_rows = s->n_cells ? exact_values / s->n_cells : 0;
    s->exact = s->max_rows > 0;
    /* At least one element each, so an empty layout is not mistaken for a
     * failed allocation. */
    s->mom = calloc(s->n_cells ? s->n_cells : 1, sizeof *s->mom);
    s->quant = calloc(s->n_cells ? s->n_cells * STATS_N_QUANTILES : 1, sizeof *s->quant);
    s->kpi = calloc(l->n_kpis ? l->n_kpis : 1, sizeof *s->kpi);
    if (!s->mom || !s->quant || !s->kpi) {
        stats_destroy(s);
        return NULL;
    }
    for (size_t c = 0; c < s->n_cells; c++) {
        for (int j = 0; j < STATS_N_QUANTILES; j++) {
            gsl_rstat_quantile_workspace *w = &s->quant[c * STATS_N_QUANTILES + j];
            w->p = stats_prob[j];          /* gsl_rstat_quantile_reset reads p */
            gsl_rstat_quantile_reset(w);
        }
    }
    return s;
}

void stats_destroy(struct stats *s)
{
    if (!s)
        return;
    if (s->kpi)
        for (size_t k = 0; k < s->l->n_kpis; k++)
            free(s->kpi[k]);
    free(s->kpi);
    free(s->rows);
    free(s->quant);
    free(s->mom);
    free(s);
}

static void stats_grow_kpis(struct stats *s)
{
    size_t cap = s->kpi_cap ? 2 * s->kpi_cap : STATS_KPI_CAP0;
    for (size_t k = 0; k < s->l->n_kpis; k++)
        s->kpi[k] = check_realloc(s->kpi[k], cap * sizeof *s->kpi[k]);
    s->kpi_cap = cap;
}

/* Add one row of cell values to the P² estimators. */
static void stats_p2_add(struct stats *s, const double *row)
{
    for (size_t c = 0; c < s->n_cells; c++)
        if (isfinite(row[c]))
            for (int j = 0; j < STATS_N_QUANTILES; j++)
                gsl_rstat_quantile_add(row[c], &s->quant[c * STATS_N_QUANTILES + j]);
}

/* Keep a row for exact quantiles, or, when the rows would pass their
 * bound, hand every kept row (in order) and this one to P². */
static void stats_keep(struct stats *s, const double *row)
{
    if (s->exact && s->count < s->max_rows) {
        if (s->count == s->rows_cap) {
            size_t cap = s->rows_cap ? 2 * s->rows_cap : STATS_KPI_CAP0;
            s->rows_cap = cap < s->max_rows ? cap : s->max_rows;
            s->rows = check_realloc(s->rows, s->rows_cap * s->n_cells * sizeof *s->rows);
        }
        memcpy(s->rows + s->count * s->n_cells, row, s->n_cells * sizeof *row);
        return;
    }
    if (s->exact) {
        for (size_t i = 0; i < s->count; i++)
            stats_p2_add(s, s->rows + i * s->n_cells);
        free(s->rows);
        s->rows = NULL;
        s->rows_cap = 0;
        s->exact = false;
    }
    stats_p2_add(s, row);
}

void stats_add(struct stats *s, const struct rep_result *r)
{
    CHECK(r->rep == s->count);    /* replication order: the P² estimates depend on it */
    stats_keep(s, r->values);
    for (size_t c = 0; c < s->n_cells; c++) {
        double x = r->values[c];
        if (!isfinite(x))
            continue;
        struct stats_moments *m = &s->mom[c];
        if (m->n == 0)
            m->shift = x;
        double y = x - m->shift;
        m->n++;
        double d = y - m->mean;
        m->mean += d / (double)m->n;
        m->m2 += d * (y - m->mean);
    }
    if (s->count == s->kpi_cap)
        stats_grow_kpis(s);
    for (size_t k = 0; k < s->l->n_kpis; k++)
        s->kpi[k][s->count] = r->kpi[k];
    s->count++;
}

size_t stats_count(const struct stats *s) { return s->count; }

bool stats_exact(const struct stats *s) { return s->exact; }

/* Exact type-7 quantiles of one cell's kept values (NaN left out). */
static void stats_exact_quantiles(const struct stats *s, size_t c, double q[])
{
    double *v = check_malloc((s->count ? s->count : 1) * sizeof *v);
    size_t used = 0;
    for (size_t i = 0; i < s->count; i++) {
        double x = s->rows[i * s->n_cells + c];
        if (isfinite(x))
            v[used++] = x;
    }
    gsl_sort(v, 1, used);
    for (int j = 0; j < STATS_N_QUANTILES; j++)
        q[j] = used > 0 ? gsl_stats_quantile_from_sorted_data(v, 1, used, stats_prob[j]) : NAN;
    free(v);
}

double stats_t_critical(size_t n)
{
    if (n < 2)
        return NAN;
    return gsl_cdf_tdist_Pinv(STATS_T_PROB, (double)(n - 1));
}

/* Fill n, mean, sd and the interval from n values' mean and sum of squared
 * deviations; the quantiles are the caller's. */
static void stats_moments_summary(struct summary *out, size_t n, double mean, double m2)
{
    out->n = n;
    out->mean = n > 0 ? mean : NAN;
    out->sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
    double half = stats_t_critical(n) * out->sd / sqrt((double)n);
    out->ci_low = out->mean - half;
    out->ci_high = out->mean + half;
}

static void stats_set_quantiles(struct summary *out, const double q[STATS_N_QUANTILES])
{
    out->p05 = q[STATS_Q05];
    out->p25 = q[STATS_Q25];
    out->p50 = q[STATS_Q50];
    out->p75 = q[STATS_Q75];
    out->p95 = q[STATS_Q95];
}

void stats_metric(const struct stats *s, size_t p, size_t m, struct summary *out)
{
    CHECK(p < s->l->n_periods && m < s->l->n_metrics);
    size_t c = p * s->l->n_metrics + m;
    const struct stats_moments *mom = &s->mom[c];
    double q[STATS_N_QUANTILES];
    if (s->exact) {
        stats_exact_quantiles(s, c, q);
    } else {
        for (int j = 0; j < STATS_N_QUANTILES; j++) {
            /* A copy: gsl_rstat_quantile_get sorts its heights while n < 5. */
            gsl_rstat_quantile_workspace w = s->quant[c * STATS_N_QUANTILES + j];
            q[j] = mom->n > 0 ? gsl_rstat_quantile_get(&w) : NAN;
        }
    }
    stats_moments_summary(out, mom->n, mom->shift + mom->mean, mom->m2);
    stats_set_quantiles(out, q);
    stats_summary_clip(out, s->l->metric[m].range);
}

void stats_wilson(double k, double n, double *lo, double *hi)
{
    CHECK(n >= 1 && k >= 0 && k <= n);
    double z = gsl_cdf_ugaussian_Pinv(STATS_T_PROB), z2 = z * z;
    double p = k / n;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    /* at k = 0 and k = n the bound is 0 or 1 exactly, not a rounding of it */
    *lo = k == 0 ? 0 : fmax(0, centre - half);
    *hi = k == n ? 1 : fmin(1, centre + half);
}

void stats_paired_share_diff(size_t both, size_t only_a, size_t only_b, size_t neither, double *diff, double *lo,
                             double *hi)
{
    double n = (double)(both + only_a + only_b + neither);
    CHECK(n >= 1);
    double a1 = (double)(both + only_a), a0 = (double)(only_b + neither);   /* a's events, non-events */
    double b1 = (double)(both + only_b), b0 = (double)(only_a + neither);
    double pa = a1 / n, pb = b1 / n;
    double la, ua, lb, ub;
    stats_wilson(a1, n, &la, &ua);
    stats_wilson(b1, n, &lb, &ub);
    /* the correlation of the two proportions, corrected for continuity */
    double phi = 0;
    if (a1 > 0 && a0 > 0 && b1 > 0 && b0 > 0) {
        double cross = (double)both * (double)neither - (double)only_a * (double)only_b;
        double scale = sqrt(a1 * a0 * b1 * b0);
        if (cross > n / 2)
            phi = (cross - n / 2) / scale;
        else if (cross < 0)
            phi = cross / scale;
    }
    *diff = pa - pb;
    double dl = pa - la, du = ub - pb, el = ua - pa, eu = pb - lb;
    *lo = *diff - sqrt(fmax(0, dl * dl - 2 * phi * dl * du + du * du));
    *hi = *diff + sqrt(fmax(0, eu * eu - 2 * phi * eu * el + el * el));
}

/* Type-7 quantile of sorted x[0..n) where +INFINITY may close the list: a
 * quantile that would touch an infinite value is +INFINITY. */
static double time_to_quantile(const double *x, size_t n, double prob)
{
    double pos = prob * (double)(n - 1);
    size_t lo = (size_t)pos;
    double frac = pos - (double)lo;
    if (frac == 0 || lo + 1 >= n)
        return x[lo];
    if (!isfinite(x[lo + 1]))
        return INFINITY;
    return x[lo] + frac * (x[lo + 1] - x[lo]);
}

void stats_summary_time_to(const double *x, size_t n, struct summary *out)
{
    double *v = check_malloc((n ? n : 1) * sizeof *v);
    size_t used = 0, finite = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            CHECK(x[i] != -INFINITY);
            v[used++] = x[i];
            finite += isfinite(x[i]) != 0;
        }
    if (finite == used) {
        stats_summary_of(v, used, out);
        free(v);
        return;
    }
    gsl_sort(v, 1, used);   /* +INFINITY sorts last */
    memset(out, 0, sizeof *out);
    out->n = used;
    out->mean = out->sd = out->ci_low = out->ci_high = NAN;
    double q[STATS_N_QUANTILES];
    for (int j = 0; j < STATS_N_QUANTILES; j++) {
        double t = time_to_quantile(v, used, stats_prob[j]);
        q[j] = isfinite(t) ? t : NAN;
    }
    stats_set_quantiles(out, q);
    free(v);
}

void stats_kpi(const struct stats *s, size_t k, struct summary *out)
{
    CHECK(k < s->l->n_kpis);
    const struct kpi_def *kd = &s->l->kpi[k];
    if (kd->stat == KPI_STAT_TIME_TO) {
        stats_summary_time_to(s->kpi[k], s->count, out);
    } else {
        stats_summary_of(s->kpi[k], s->count, out);
        if (kd->stat == KPI_STAT_SHARE && out->n > 0)
            stats_wilson(nearbyint(out->mean * (double)out->n), (double)out->n, &out->ci_low, &out->ci_high);
    }
    stats_summary_clip(out, kd->range);
}

void stats_summary_clip(struct summary *s, enum value_range r)
{
    double lo, hi;
    result_range_bounds(r, &lo, &hi);
    if (!(s->mean >= lo && s->mean <= hi))
        return;                     /* NaN, or a range declared wrongly */
    if (s->ci_low < lo)             /* false for NaN */
        s->ci_low = lo;
    if (s->ci_high > hi)
        s->ci_high = hi;
}

const double *stats_kpi_values(const struct stats *s, size_t k)
{
    CHECK(k < s->l->n_kpis);
    return s->kpi[k];
}

void stats_summary_of(const double *x, size_t n, struct summary *out)
{
    double *v = check_malloc((n ? n : 1) * sizeof *v);
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            v[used++] = x[i];
    gsl_sort(v, 1, used);

    /* Two passes; the second corrects the mean's rounding error (the
     * "corrected two-pass algorithm" of Chan, Golub and LeVeque). */
    double sum = 0.0;
    for (size_t i = 0; i < used; i++)
        sum += v[i];
    double mean = used > 0 ? sum / (double)used : NAN;
    double ss = 0.0, sum_d = 0.0;
    for (size_t i = 0; i < used; i++) {
        double d = v[i] - mean;
        ss += d * d;
        sum_d += d;
    }
    double m2 = used > 0 ? ss - sum_d * sum_d / (double)used : 0.0;
    if (m2 < 0.0)
        m2 = 0.0;
    stats_moments_summary(out, used, mean, m2);

    double q[STATS_N_QUANTILES];
    for (int j = 0; j < STATS_N_QUANTILES; j++)
        q[j] = used > 0 ? gsl_stats_quantile_from_sorted_data(v, 1, used, stats_prob[j]) : NAN;
    stats_set_quantiles(out, q);
    free(v);
}
