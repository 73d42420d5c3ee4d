/* fitmap.h — from checked records to scenario parameters (docs/fitting.md).
 *
 * fit_records estimates every parameter the records identify at the date
 * `at` (only records before or on it are used), with the generic
 * estimators of fit/estim.h, and says for each scenario path what to write:
 * the rows of fit.csv (estimate, se, interval, n, method), the settings to
 * replace in the template (libconfig text, with a comment), and the
 * starting state (cases open at `at`, per START_STATE.md). A parameter the
 * records cannot estimate (too few events) keeps the template's value and
 * is listed with the reason. Nothing here reads or writes files. */
#ifndef FIT_FITMAP_H
#define FIT_FITMAP_H

#include "fit/estim.h"
#include "fit/records.h"
#include "models/scenario.h"
#include "sim/date.h"
#include "sim/pdraw.h"

#include <stdbool.h>
#include <stddef.h>

/* Fewest events (ended episodes, leavers, progressions, absences, filled
 * vacancies) an estimate rests on: below it the normal-theory intervals and
 * the AIC comparison of families mean little, and the template value is
 * kept. */
#define FIT_MIN_EVENTS 10
/* Fewest whole months of referrals for a trend (a year, so the trend is not
 * one season), and for monthly seasonality (two of each calendar month). */
#define FIT_MIN_MONTHS_TREND 12
#define FIT_MIN_MONTHS_SEASON 24
/* A same-day episode or vacancy lasted some part of a day: counted as half. */
#define FIT_SAME_DAY 0.5

#define FIT_PATH_MAX 160
#define FIT_METHOD_MAX 200

/* One row of fit.csv. se, lo, hi are NaN when the method gives none;
 * fitted false: the template's value, kept (method says why). */
struct fit_row {
    char path[FIT_PATH_MAX];
    double estimate, se, lo, hi, n;
    char method[FIT_METHOD_MAX];
    bool fitted;
};

/* A setting of the fitted scenario: path (a conf path, as conf_path writes
 * it) gets value (libconfig text: a number, a string, an array or a group),
 * with the comment written on the line above it. */
struct fit_setting {
    char path[FIT_PATH_MAX];
    char *value;            /* owned */
    char *comment;          /* owned, one line, no '#' */
    bool start_state;       /* one of the open_elapsed_days / open_waiting_days arrays */
};

/* What a chart of one stage's durations needs: the grouped data, its
 * Kaplan–Meier estimate and the chosen family. */
struct fit_stage_chart {
    double *t, *events, *censored, *km;   /* owned, n each */
    size_t n;
    struct estim_dur best;                /* best.ok false: nothing fitted */
};

/* Parameter uncertainty: a fitted parameter drawn in each replication of
 * a forecast (sim/pdraw.h), on the scale its estimator works on, and the
 * covariances of the estimates on those scales (a and b index draw[];
 * only within a group of parameters estimated together; a <= b). */
struct fit_draw {
    char path[FIT_PATH_MAX];
    enum pdraw_scale scale;
};
struct fit_cov {
    size_t a, b;
    double cov;
};

struct fit_result {
    struct date at;
    struct fit_row *row;
    size_t n_rows, cap_rows;
    struct fit_setting *set;
    size_t n_set, cap_set;
    /* starting state, per stage (sc->n_stages each) */
    double **open_elapsed, **open_waiting;   /* owned */
    size_t *n_elapsed, *n_waiting;
    /* charts */
    struct fit_stage_chart *stage;           /* [n_stages] */
    size_t n_stages;
    struct date *month;                      /* first day of each month fitted */
    double *month_count, *month_fitted;      /* observed and fitted referrals */
    size_t n_months;
    size_t n_unfitted;                       /* rows kept from the template for want of data */
    struct fit_draw *draw;                   /* the parameters with a sampling distribution */
    size_t n_draw, cap_draw;
    struct fit_cov *cov;                     /* their covariances */
    size_t n_cov, cap_cov;
};

/* Estimate from r (read against sc) at date at into *out (freed with
 * fit_result_free). Each parameter kept at the template for want of data
 * is reported on `notes` (one line each, "PATH: kept from the template:
 * why"). Returns false when the records hold nothing on or before at. */
bool fit_records(const struct records *r, const struct scenario *sc, struct date at, struct fit_result *out,
                 struct diag *notes);

void fit_result_free(struct fit_result *f);

/* The row for path, or NULL. */
const struct fit_row *fit_row_find(const struct fit_result *f, const char *path);

/* The parameter draws of f's fitted parameters for sc (the fitted
 * scenario, holding f's estimates), into *out; the paths sc does not have
 * are left out. False, with the reason in d, when the covariance is not
 * one. */
bool fit_draws(const struct fit_draw *draw, size_t n_draw, const struct fit_cov *cov, size_t n_cov,
               const struct scenario *sc, struct pdraw *out, const char *file, struct diag *d);

/* Reads FIT.csv (path, estimate) and FIT_cov.csv beside it (fit_cov.csv
 * for fit.csv: path_a, scale_a, path_b, scale_b, cov) into the draws of
 * sc, checking that sc holds the estimates fit.csv gives for them. False
 * with the problems in d. */
bool fit_draws_read(const char *fit_csv, const struct scenario *sc, struct pdraw *out, struct diag *d);

/* The name of the covariance file beside fit.csv. */
#define FIT_COV_CSV "fit_cov.csv"

#endif
