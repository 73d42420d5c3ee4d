/* plot_data.h — what the charts need to know about a result folder before
 * the script is written: which metrics hold data, their size (to choose £k
 * or £m), the dates covered, the scenarios of a comparison and their order.
 * The numbers themselves stay in the CSV files, which the script reads.
 * Internal to output/plot*.c. */
#ifndef OUTPUT_PLOT_DATA_H
#define OUTPUT_PLOT_DATA_H

#include "sim/date.h"

#include <stdbool.h>
#include <stddef.h>

/* The metrics of summary.csv the run charts draw. */
enum plot_metric {
    PM_UNALLOCATED,
    PM_WAITING_OVER,
    PM_MEAN_WAIT,
    PM_IN_POST,
    PM_SICK,
    PM_AGENCY,
    PM_VACANCIES,
    PM_CASELOAD_MEAN,
    PM_CASELOAD_P90,
    PM_CASELOAD_CAP,
    PM_COST_STAFF,
    PM_COST_AGENCY,
    PM_COST_RECRUITMENT,
    PM_COST_TRAINING,
    PM_COST_INTERVENTIONS,
    PM_COST_TOTAL,
    PM_COST_CUMULATIVE,
    PM_COUNT
};

/* The metric's column name in summary.csv. */
const char *plot_metric_name(enum plot_metric m);

/* What summary.csv says about one metric. */
struct plot_series {
    bool mean;          /* some period has a finite mean */
    bool bands;         /* some period has finite p05, p25, p50, p75, p95 */
    double max_mean;    /* largest finite |mean| (0 when none) */
    double max;         /* largest finite |value| among mean and quantiles */
};

/* A run folder, from summary.csv and manifest.json. */
struct plot_run_facts {
    char *scenario;                   /* from summary.csv's scenario column */
    char *period;                     /* "month", "week", "quarter" or "period" */
    size_t reps;                      /* largest n */
    int date_column;                  /* 1-based column of the date */
    char first[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE];   /* dates covered */
    long days;                        /* last - first */
    size_t periods;                   /* rows of the first metric */
    struct plot_series s[PM_COUNT];
};

/* Read dir/summary.csv (and dir/manifest.json when there). False with a
 * message naming the file (and line) in err when it cannot be read or is
 * not a summary. Free with plot_run_facts_free. */
bool plot_run_facts_read(const char *dir, struct plot_run_facts *f, char *err, size_t size);
void plot_run_facts_free(struct plot_run_facts *f);

/* One scenario of a comparison. */
struct plot_scenario {
    char *name;
    char *folder;                     /* relative to the comparison folder */
    struct plot_run_facts run;
};

/* One alternative's point on the cost-effectiveness plane. */
struct plot_alternative {
    char *name;
    size_t scenario;                  /* index in plot_compare_facts.scenario */
    double days, days_low, days_high; /* child-days of unallocated waiting avoided */
    double cost, cost_low, cost_high; /* extra cost, £ */
};

/* A comparison folder: manifest.json, compare.csv and each scenario's
 * summary.csv. */
struct plot_compare_facts {
    size_t n_scenarios;               /* base first */
    struct plot_scenario *scenario;
    size_t n_alternatives;            /* in compare.csv order */
    struct plot_alternative *alt;
};

/* Read a comparison folder. The scenarios come from manifest.json
 * ("scenarios": [{"name", "folder"}, ...]) or, without that list, from
 * compare.csv (base first, folders named as the scenarios). False with a
 * message in err naming the file. Free with plot_compare_facts_free. */
bool plot_compare_facts_read(const char *dir, struct plot_compare_facts *f, char *err, size_t size);
void plot_compare_facts_free(struct plot_compare_facts *f);

/* Whether dir/name exists as a regular file. */
bool plot_file_exists(const char *dir, const char *name);

#endif
