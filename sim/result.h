/* result.h — what a replication produces, in a form the writers can read
 * without knowing the model: named metrics by reporting period, and named
 * headline figures (KPIs) over the whole horizon. */
#ifndef SIM_RESULT_H
#define SIM_RESULT_H

#include "date.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum metric_kind {
    METRIC_STOCK,   /* value at the end of the period */
    METRIC_FLOW,    /* total (or rate) over the period */
};

/* The values a metric or KPI can take. Reported interval bounds are kept
 * inside it (output/stats.h). The zero value is "any real", so a definition
 * that does not say (a difference between two scenarios) is unbounded. */
enum value_range {
    RANGE_REAL = 0,   /* (-inf, inf): differences */
    RANGE_NONNEG,     /* [0, inf): counts, stocks, flows, days, costs */
    RANGE_UNIT,       /* [0, 1]: shares */
};

/* The least and greatest value of range r (-INFINITY / INFINITY when open). */
void result_range_bounds(enum value_range r, double *lo, double *hi);

struct metric_def {
    char *name;           /* CSV column name, e.g. "unallocated" */
    char *unit;           /* "cases", "FTE", "£", "days", "share" */
    enum metric_kind kind;
    enum value_range range;
};

/* How a KPI's values across replications are summarised (output/stats.h). */
enum kpi_stat {
    KPI_STAT_MEAN = 0,    /* any number: mean with Student t interval */
    KPI_STAT_SHARE,       /* 0 or 1 per replication: the share with Wilson's interval */
    KPI_STAT_TIME_TO,     /* a day, or +INFINITY for "not within the horizon":
                             quantiles only, mean only when every value is finite */
};

struct kpi_def {
    char *name;           /* e.g. "backlog_mean" */
    char *unit;
    char *descr;          /* one line for people */
    int better;           /* -1: lower is better, +1: higher is better, 0: neither */
    bool priceable;       /* its unit is a count a committee can put a price on
                           * (cases, days, child-days, FTE), so a cost per
                           * unit of it means something; never a rate, share
                           * or score */
    enum value_range range;
    enum kpi_stat stat;
};

/* The shape shared by every replication of one scenario. */
struct result_layout {
    size_t n_metrics;
    struct metric_def *metric;
    size_t n_periods;
    char (*date)[DATE_TEXT_SIZE];   /* last day of each period */
    double *period_end;             /* end of each period, in days from start */
    size_t n_kpis;
    struct kpi_def *kpi;
    /* Financial years, or NULL: a layout of their own whose periods are the
     * years (date: the label, "2024-25"; period_end: the year's end, clipped
     * to the horizon; days: days of the year inside the reporting span) and
     * which has no KPIs. Owned: freed with this layout. */
    struct result_layout *years;
    double *days;                   /* NULL except in a years layout */
};

/* One replication's numbers. values is period-major: value of metric m in
 * period p is values[p * n_metrics + m]. */
struct rep_result {
    uint64_t rep;          /* 0-based replication index */
    double *values;        /* n_periods * n_metrics */
    double *kpi;           /* n_kpis */
    double *years;         /* the years layout's values (same order), or NULL */
    uint64_t events;       /* events the replication processed */
};

/* Free every owned field of a layout (the struct itself is the caller's). */
void result_layout_free(struct result_layout *l);

/* Index of a metric or KPI by name, or -1. */
long result_metric_index(const struct result_layout *l, const char *name);
long result_kpi_index(const struct result_layout *l, const char *name);

/* Allocate / free the arrays of r for layout l (years too when l has them). */
void rep_result_alloc(struct rep_result *r, const struct result_layout *l);
void rep_result_free(struct rep_result *r);

#endif
