/* scenario.h — a scenario: the service to simulate, read from a file.
 *
 * Structure (stages, grades, transitions, dates, interventions) is fixed at
 * load; every number lives in the parameter registry `reg` under a path such
 * as "workforce.grades.sw.establishment", and the structs below hold the
 * registry index of each (fields named p_*). A replication copies the values
 * and reads them by index, so --set, sweeps and interventions need nothing
 * but a path. A scenario is read-only once loaded and shared by threads. */
#ifndef MODELS_SCENARIO_H
#define MODELS_SCENARIO_H

#include "sim/date.h"
#include "sim/diag.h"
#include "sim/dist.h"
#include "sim/params.h"
#include "sim/pdraw.h"
#include "sim/sha256.h"

#include <stdbool.h>
#include <stddef.h>

#define STAGE_CLOSE (-1)          /* transition target: the case leaves the pathway */
#define SCENARIO_MONTHS 12
/* Longest stage or grade name (letters, digits, _ and -), and longest
 * scenario or intervention name (printable, no '='; a scenario name from the safe
 * set of scenario_name_ok). */
#define SCENARIO_NAME_MAX 64
#define SCENARIO_LABEL_MAX 120
#define SCENARIO_DAYS_PER_YEAR 365.25

enum period_kind { PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER };

/* Where a setting was written, for messages about rules between settings. */
struct origin {
    const char *file;             /* owned by the scenario's files[] */
    int line;
};

/* A duration or delay distribution whose parameters are registry entries. */
struct dist_spec {
    enum dist_kind kind;
    size_t p1, p2;                /* value | mean | min ; sd | max (SIZE_MAX if unused) */
    double *values;               /* empirical: owned */
    size_t n_values;
    bool reported;                /* the loader found it wrong and said so */
};

struct transition {
    int to;                       /* stage index or STAGE_CLOSE */
    size_t p;                     /* probability (renormalised when drawn) */
};

struct stage_spec {
    char *name;
    size_t p_weight, p_priority, p_initial;
    struct dist_spec duration;
    bool *eligible;               /* [n_grades]: which grades may hold it */
    struct transition *next;
    size_t n_next;
    bool transfer;                /* always a hand-over: the case re-queues */
    struct origin at, at_next, at_grades;
    /* The cases open at the start as observed (docs/fitting.md), when
     * `observed`: days each allocated one has spent in the stage, days each
     * unallocated one has waited. Owned. They replace `initial`, whose
     * value is then their total count. */
    double *open_elapsed, *open_waiting;
    size_t n_open_elapsed, n_open_waiting;
    bool observed;
};

struct grade_spec {
    char *name;
    bool agency;                  /* agency workers: cover, no establishment */
    bool holds_cases;             /* some stage lists it */
    size_t p_establishment, p_in_post, p_cap, p_salary, p_oncost, p_turnover;
    size_t p_day_rate, p_supervises;
    size_t p_after;               /* time before progression: after_months or after_days */
    bool after_in_days;           /* p_after is days (after_days), not calendar months */
    int becomes;                  /* grade index, or -1 */
    struct origin at;
};

struct shock_spec {
    double from_day;              /* days from start */
    size_t p_multiplier;
};

enum iv_op { IV_SET, IV_ADD, IV_SCALE };

/* How costs are discounted to a net present value (models/costs.h). */
enum discounting {
    DISCOUNT_ANNUAL,              /* HM Treasury Green Book: year t's cost / (1 + r)^t */
    DISCOUNT_CONTINUOUS,          /* each day's cost at e^(-t ln(1 + r)), t in years */
};

struct intervention_spec {
    char *name;
    size_t p_from, p_until;       /* its dates (PARAM_DATE); p_until SIZE_MAX when open-ended */
    double from_day, until_day;   /* their values (until_day = +inf when open-ended), kept so by
                                   * scenario_set_value */
    size_t param;                 /* the parameter it changes */
    enum iv_op op;
    size_t p_amount;              /* the value set, added or multiplied by */
    size_t p_cost_once, p_cost_per_year;
    struct origin at;
};

/* A risk reported as two KPIs: whether metric `column` (a series.csv
 * column) exceeds `above` at any period end, and at the last. */
struct risk_spec {
    char *metric;                 /* the column's name */
    size_t column;                /* its index in series.csv's metrics */
    double above;
    char *slug;                   /* "<metric>_gt_<value>" (scenario_risk_value_text) */
    struct origin at;
};

/* The labour market (models/market.h): registered only when the scenario
 * has a labour_market section (on). */
struct market_spec {
    bool on;
    bool *grade;                  /* [n_grades]: which recruit from the pool (owned) */
    size_t p_enabled;             /* labour_market.enabled: on unless set false (market_on) */
    size_t p_pool_start, p_inflow, p_exit, p_leaver_share;
    size_t p_efficiency, p_alpha, p_region_vacancies, p_intensity;
    size_t p_supplement, p_hire_elasticity, p_leave_elasticity;
    size_t p_nq_output;
    size_t p_agency_supply, p_region_agency, p_day_rate_elasticity;
    struct origin at;
};

struct scenario {
    char *name, *description;
    struct origin at_name;        /* where name was set */
    char *file;                   /* as given on the command line */
    char **files;                 /* every file read (includes), for the manifest */
    char (*file_sha256)[SHA256_HEX_SIZE]; /* SHA-256 of the bytes of files[i] as
                                           * they were parsed ("" for text in memory) */
    size_t n_files;
    struct date start;
    enum period_kind report_every;
    struct params reg;

    size_t p_horizon_years, p_warmup_days;
    size_t p_drift_notice;        /* share: see models/drift.h */

    /* demand */
    size_t p_referrals, p_screen_out, p_trend, p_season[SCENARIO_MONTHS];
    size_t p_reref_p, p_reref_within;
    struct shock_spec *shock;
    size_t n_shocks;

    /* pathway */
    int entry;
    size_t p_wait_threshold;
    size_t p_clear_below, p_clear_periods; /* backlog clearance (models/metrics.h) */
    struct stage_spec *stage;
    size_t n_stages;

    /* allocation */
    size_t p_overload_priority, p_overload_factor;

    /* workforce */
    size_t p_admin_share, p_admin_ref;
    struct grade_spec *grade;
    size_t n_grades;
    int agency_grade;             /* -1 when there is none */
    size_t p_sick_rate, p_sick_short_mean, p_sick_long_share, p_sick_long_mean, p_realloc_after;
    size_t p_gain_sick, p_gain_turnover, p_gain_unsupervised, p_pressure_ref;
    size_t p_rec_success, p_rec_retry, p_rec_cost;
    struct dist_spec time_to_hire;
    int cohort_grade;             /* -1 when no cohort */
    size_t p_cohort_month, p_cohort_size, p_training_cost;
    bool has_agency_cover;
    size_t p_agency_vacancies, p_agency_long_sick, p_agency_max_share, p_agency_delay;
    struct origin at_cohort, at_agency_cover, at_warmup;
    struct market_spec market;

    /* costs */
    size_t p_discount, p_working_days;
    size_t p_year_start_month;    /* financial years start on the 1st of this month */
    size_t p_discount_base_year;  /* year whose financial year is t = 0 (0: the first reported) */
    enum discounting discounting;

    struct intervention_spec *iv;
    size_t n_iv;
    size_t *iv_by_start;          /* [n_iv]: by from_day, file order for equal days */

    size_t *uncertain;            /* parameters the scenario marks uncertain */
    size_t n_uncertain;
    /* Parameter uncertainty (sim/pdraw.h): when set, every replication
     * draws these parameters' values from it (replication.c, keyed by the
     * replication), around the values here. Owned; NULL by default (set
     * by scenario_set_draws). draws_from names where it came from. */
    struct pdraw *draws;
    char *draws_from;

    struct risk_spec *risk;       /* risks = ( ... ) then --risk, each once */
    size_t n_risks;
};

/* Read path, apply the "PATH=VALUE" overrides in sets[0..n_sets), and check
 * everything. Every problem goes to d (file, line, path); returns NULL if
 * there was any. Free with scenario_free. */
struct scenario *scenario_load(const char *path, char *const *sets, size_t n_sets, struct diag *d);

/* The same from text in memory (tests, the fuzzer): name stands for the file
 * in messages and dir resolves its @include lines. */
struct scenario *scenario_load_text(const char *text, const char *name, const char *dir, char *const *sets,
                                    size_t n_sets, struct diag *d);

void scenario_free(struct scenario *sc);

/* Apply one "PATH=VALUE" override (as --set does); problems go to d with the
 * source label `origin` (e.g. "--set"). */
bool scenario_set(struct scenario *sc, const char *assignment, const char *origin, struct diag *d);

/* Add the risk "metric above value" (a risk already there is not added
 * twice). A metric that is not a series.csv column goes to d at file:line
 * and path (which may be NULL), with the valid names; false then. */
bool scenario_add_risk(struct scenario *sc, const char *metric, double above, const char *file, int line,
                       const char *path, struct diag *d);

/* The text of a risk's value in KPI names: the shortest decimal that reads
 * back as the same double (%g with the fewest digits), whole numbers from 1
 * to 1e17 written whole: 100 -> "100", 2.5 -> "2.5", 0.1 -> "0.1",
 * -3 -> "-3", 0.00001 -> "1e-05". */
void scenario_risk_value_text(double v, char *buf, size_t size);

/* Give parameter i the value v (as --set, sweeps and goal seeking do). An
 * intervention's date also moves the intervention: from_day or until_day,
 * and the order of starts (iv_by_start) that scenario_value_at folds in.
 * Bounds and rules are not checked here (scenario_validate). */
void scenario_set_value(struct scenario *sc, size_t i, double v);

/* Sort iv_by_start (allocated if NULL) by from_day, file order for equal
 * days. */
void scenario_order_interventions(struct scenario *sc);

/* Check every value and cross-rule (ranges, probabilities summing to 1,
 * reachability of close, ...). Problems go to d; true when there are none. */
bool scenario_validate(const struct scenario *sc, struct diag *d);

/* Values that are allowed but outside their usual range (params_usual): each
 * parameter's value, and each value an intervention gives its parameter on
 * a day it starts or ends (scenario_value_at). One line each goes to w, as
 * "warning: VALUE is outside the usual range LO–HI UNIT" under the file,
 * line and path of the setting (of the intervention for the values it
 * gives); returns how many. Call on a valid scenario. */
size_t scenario_warnings(const struct scenario *sc, struct diag *w);

/* Days in the horizon, from the values pv (or the registry when pv is NULL):
 * whole calendar months from the start when horizon_years is a whole number
 * of months (5.0 years from 2024-04-01 ends on 2029-04-01), else
 * horizon_years x 365.25 rounded to whole days. */
double scenario_horizon_days(const struct scenario *sc, const double *pv);

/* The day reporting starts, from the values pv (or the registry when pv is
 * NULL): warmup_days rounded to a whole day. */
double scenario_report_start(const struct scenario *sc, const double *pv);

/* The end of the k-th reporting period (k >= 1) after the day `from`, in
 * days from day 0: k calendar weeks, months or quarters later, not clipped
 * to the horizon. */
double scenario_period_boundary(const struct scenario *sc, double from, int k);

/* The value parameter i has on day t: its registry value folded through
 * every intervention on it in force at t (from_day <= t < until_day), in
 * order of start, file order for equal starts: set replaces the value, add
 * adds to it, scale multiplies it. An intervention ending on t and another
 * starting on t: only the new one is in force. The one rule by which the
 * run, validation and the pre-run estimate know a value over time. */
double scenario_value_at(const struct scenario *sc, size_t i, double t);

/* Index of a grade by name, or -1. */
int scenario_grade(const struct scenario *sc, const char *name);

/* Human text for a period kind ("week", "month", "quarter"). */
const char *scenario_period_name(enum period_kind k);

/* Whether name is a safe scenario name: 1 to SCENARIO_LABEL_MAX ASCII
 * letters, digits, spaces and - _ . ( ), not starting with '.'. It names a
 * results folder and is written into CSV, JSON and gnuplot scripts, so it
 * holds no '/', quote, control character or byte that is not ASCII (always
 * valid UTF-8), and is never ".", ".." or a hidden file. SCENARIO_NAME_RULE
 * says so in words, for messages. */
bool scenario_name_ok(const char *name);
#define SCENARIO_STR_(x) #x
#define SCENARIO_STR(x) SCENARIO_STR_(x)
#define SCENARIO_NAME_RULE \
    "1 to " SCENARIO_STR(SCENARIO_LABEL_MAX) " letters, digits, spaces and - _ . ( ), not starting with ."

/* Give sc the parameter draws d (moved: *d is left empty), from `from`
 * (a file, or a description; copied), replacing any it had; d NULL
 * removes them. */
void scenario_set_draws(struct scenario *sc, struct pdraw *d, const char *from);

#endif
