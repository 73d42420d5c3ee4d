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

/* The comparison's files of paired differences the charts read. */
#define PLOT_COMPARE_YEARS_CSV "compare_years.csv"
#define PLOT_DIFFERENCES_CSV "differences.csv"

/* The metrics of summary.csv the run charts draw. */
enum plot_metric {
    PLOT_M_UNALLOCATED,
    PLOT_M_WAITING_OVER,
    PLOT_M_MEAN_WAIT,
    PLOT_M_IN_POST,
    PLOT_M_SICK,
    PLOT_M_AGENCY,
    PLOT_M_VACANCIES,
    PLOT_M_CASELOAD_MEAN,
    PLOT_M_CASELOAD_P90,
    PLOT_M_CASELOAD_CAP,
    PLOT_M_COST_STAFF,
    PLOT_M_COST_AGENCY,
    PLOT_M_COST_RECRUITMENT,
    PLOT_M_COST_TRAINING,
    PLOT_M_COST_INTERVENTIONS,
    PLOT_M_COST_TOTAL,
    PLOT_M_COST_CUMULATIVE,
    PLOT_M_ESTABLISHMENT,
    PLOT_M_COUNT
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
    struct plot_series s[PLOT_M_COUNT];
};

/* Read dir/summary.csv (and dir/manifest.json when there). False with a
 * message naming the file (and line) in err when it cannot be read or is
 * not a summary. Free with plot_run_facts_free. */
bool plot_run_facts_read(const char *dir, struct plot_run_facts *f, char *err, size_t size);
void plot_run_facts_free(struct plot_run_facts *f);

/* One scenario of a comparison. */
struct plot_scenario {
    char *name;
    char *folder;                     /* relative to the comparison folder: scenario-N */
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
 * summary.csv; compare_years.csv and differences.csv when there. */
struct plot_compare_facts {
    size_t n_scenarios;               /* base first */
    struct plot_scenario *scenario;
    size_t n_alternatives;            /* in compare.csv order */
    struct plot_alternative *alt;
    /* compare_years.csv: rows of cost_total and cost_agency of the
     * financial years (not the total) */
    size_t years;                     /* distinct years */
    int first_year;                   /* the first's label's year ("2024-25": 2024) */
    char **year_label;                /* per year, as the file gives it */
    double years_max;                 /* largest finite |value| of the extra cost, agency saving,
                                         net and their intervals; 0 when none */
    /* differences.csv: rows of the backlog (unallocated) */
    bool backlog_diff;                /* some row has a finite mean */
    bool backlog_diff_band;           /* and some p05 and p95 */
    double backlog_diff_min;          /* least and greatest finite mean, p05, p95, */
    double backlog_diff_max;          /* with zero between them */
};

/* Read a comparison folder. The scenarios come from manifest.json
 * ("scenarios": [{"name", "folder"}, ...], the k-th in folder scenario-k)
 * or, without that list, from compare.csv (base first). False with a
 * message in err naming the file. Free with plot_compare_facts_free. */
bool plot_compare_facts_read(const char *dir, struct plot_compare_facts *f, char *err, size_t size);
void plot_compare_facts_free(struct plot_compare_facts *f);

/* ---- sweeps and tornado charts (caseload sweep) ---- */

#define PLOT_MAX_LEVERS 2
/* The most replications a count in a results folder may claim (n in
 * summary.csv, replications_per_point in a manifest): far above what a run
 * may have, far below where a conversion to size_t would overflow. */
#define PLOT_MAX_REPS 1e9
/* Room for a KPI's name (KPI names are letters, digits and underscores). */
#define PLOT_KPI_NAME_SIZE 64

/* One lever of a sweep: a parameter column of sweep.csv (1-based column
 * number), with what the manifest says of it. */
struct plot_lever {
    char *parameter;       /* its path, the column's name */
    char *descr;           /* the registry's description; "" when unknown */
    char *unit;            /* "" when unknown */
    int column;
    size_t values;         /* distinct values, */
    double *value;         /* in increasing order */
    double min, max;
    double gap;            /* widest step between distinct values; with one
                              value, the manifest's step (0 when unknown) */
    bool has_base;         /* the scenario's own value is known, */
    double base;           /* and is this */
};

/* What sweep.csv holds of one KPI (columns NAME_mean, _ci_low, _ci_high,
 * _p05, _p95). */
struct plot_sweep_kpi {
    char *name;            /* NULL: not drawn */
    char *descr;           /* the KPI's description; "" when unknown */
    char *unit;            /* "" when unknown */
    bool discounted;       /* money discounted to present value (else cash) */
    bool mean, ci, range;  /* some point has a finite mean; a CI, p05 to p95 of some width */
    double min, max;       /* of the finite values of the five columns */
    double floor;          /* smallest finite mean, p05 or p95 (the CI may reach below) */
};

/* A sweep folder: sweep.csv and manifest.json. */
struct plot_sweep_facts {
    char *scenario;        /* "" when the manifest does not say */
    char *horizon;         /* "5 years from Apr 2024"; "" when the manifest does not say */
    size_t reps;           /* per point; 0 when unknown */
    size_t points;         /* rows */
    bool partial;
    size_t n_levers;       /* 1 (a curve) or 2 (a grid) */
    struct plot_lever lever[PLOT_MAX_LEVERS];
    struct plot_sweep_kpi kpi;    /* the manifest's "kpi", else the first */
    struct plot_sweep_kpi cost;   /* cost_total; name NULL when it is the KPI or absent */
};

/* Read dir/sweep.csv and dir/manifest.json. False with a message naming
 * the file (and line) in err. Free with plot_sweep_facts_free. */
bool plot_sweep_facts_read(const char *dir, struct plot_sweep_facts *f, char *err, size_t size);
void plot_sweep_facts_free(struct plot_sweep_facts *f);

/* A tornado folder: tornado.csv (one row per parameter, largest swing
 * first) and manifest.json. */
struct plot_tornado_facts {
    char *scenario;        /* "" when the manifest does not say */
    char *horizon;         /* as a sweep's */
    size_t reps;           /* per point; 0 when unknown */
    char *kpi, *unit;      /* unit "" when unknown */
    char *kpi_descr;       /* "" when unknown */
    bool discounted;       /* money discounted to present value (else cash) */
    double spread;         /* e.g. 0.2; NaN when unknown */
    size_t bars;
    char **parameter;      /* per bar, in file order */
    char **descr;          /* per bar: the parameter's description ("" when unknown) */
    char **range;          /* per bar: "LOW to HIGH UNIT", as the script writes it */
    double min, max;       /* of the finite kpi_base, kpi_low, kpi_high */
    double max_swing;      /* largest finite |swing| */
};

bool plot_tornado_facts_read(const char *dir, struct plot_tornado_facts *f, char *err, size_t size);
void plot_tornado_facts_free(struct plot_tornado_facts *f);

/* A backtest folder (forecast.csv): its series, in file order, and the
 * months it covers. */
struct plot_backtest_facts {
    size_t n;
    char **series;
    char first[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE];
};

bool plot_backtest_facts_read(const char *dir, struct plot_backtest_facts *f, char *err, size_t size);
void plot_backtest_facts_free(struct plot_backtest_facts *f);

/* The manifest's "kind" ("comparison", "sweep", ...) into buf; "" when
 * there is no manifest, it cannot be read, or it names none. */
void plot_manifest_kind(const char *dir, char *buf, size_t size);

/* Whether dir/name exists as a regular file. */
bool plot_file_exists(const char *dir, const char *name);

#endif
