/* cmd_backtest.c — caseload backtest RECORDS --template T.cfg --fit-until DATE
 *                  [--until DATE2] [-n REPS] [-s SEED] [-o DIR]
 *
 * How good are the forecasts of a scenario fitted to these records? Fit on
 * the records as they stood on DATE (fit/fitmap.h uses only what is dated
 * on or before it: episodes and spells still open then are censored there),
 * simulate from DATE with the state observed then (the cases open, their
 * time in stage or waiting, the staff in post), each replication drawing
 * the fitted parameters from the fit's sampling distribution
 * (fit_draws), and score the forecast of
 * each month up to DATE2 against what the records show happened
 * (output/records_series.h, output/backtest.h). Writes into DIR:
 *
 *   fitted.cfg    the scenario fitted on DATE (its start)
 *   fit.csv       the estimates, as caseload fit writes them
 *   fit_cov.csv   their covariances, which each replication of the
 *                 forecast draws the fitted parameters from
 *   run/          the forecast: a run folder of the fitted scenario over
 *                 the months DATE..DATE2 (series.csv, summary.csv, ...)
 *   backtest.csv  per series: months, coverage of the 50% and 90%
 *                 intervals, MAE of the median, the naive MAE, MASE
 *   forecast.csv  per series and month: observed and the forecast's
 *                 quantiles, which the charts backtest_SERIES draw
 *   manifest.json what was done, and the files
 *
 * Each set is written whole or not at all; the folder is locked while it
 * is written. */
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/signals.h"

#include "fit/fitmap.h"
#include "fit/fitout.h"
#include "fit/records.h"
#include "output/backtest.h"
#include "output/csv_in.h"
#include "output/json.h"
#include "output/manifest.h"
#include "output/records_series.h"
#include "output/runfolder.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_NOTES_LIMIT 1000
#define BT_RUN_FOLDER "run"
#define BT_FITTED "fitted.cfg"
#define BT_MAX_SERIES 256

static int usage_error(const char *what)
{
    fprintf(stderr, "caseload: backtest: %s (usage: caseload backtest RECORDS --template SCENARIO.cfg "
                    "--fit-until DATE [--until DATE2] [-n REPS] [-s SEED] [-o DIR] [--force] [--plot] [-q])\n",
            what);
    return EXIT_USAGE;
}

/* The latest day any row of the records names. */
static int32_t last_day(const struct records *r)
{
    int32_t last = INT32_MIN;
#define SEEN(x) do { if ((x) != RECORDS_NONE && (x) > last) last = (x); } while (0)
    for (size_t i = 0; i < r->n_ref; i++)
        SEEN(r->ref[i].day);
    for (size_t i = 0; i < r->n_ep; i++) {
        SEEN(r->ep[i].start);
        SEEN(r->ep[i].end);
    }
    for (size_t i = 0; i < r->n_spell; i++) {
        SEEN(r->spell[i].start);
        SEEN(r->spell[i].end);
    }
    for (size_t i = 0; i < r->n_abs; i++) {
        SEEN(r->abs[i].start);
        SEEN(r->abs[i].end);
    }
#undef SEEN
    return last;
}

/* Whole months from `from` whose last day is on or before day `until`. */
static size_t whole_months(struct date from, long until)
{
    size_t n = 0;
    while (date_to_days(date_add_months(from, (int)n + 1)) - 1 <= until)
        n++;
    return n;
}

/* The forecast's quantiles from summary.csv of the run: q[j][metric k's
 * slot][period]; names[] the metrics wanted. False with err set. */
struct forecast {
    size_t n_series, n_months;
    double *q[BT_QUANTILES];   /* [n_series * n_months] */
};

static bool read_forecast(const char *run_dir, const struct recseries *obs, struct forecast *f, char *err,
                          size_t size)
{
    static const char *const need[] = { "period", "metric", "p05", "p25", "p50", "p75", "p95" };
    long col[7];
    char path[AFILE_PATH_MAX];
    if (!runfolder_path(path, sizeof path, run_dir, "summary.csv")) {
        snprintf(err, size, "%s: the folder name is too long", run_dir);
        return false;
    }
    struct csv_in c;
    if (!csv_in_open(&c, path, need, col, 7, err, size))
        return false;
    f->n_series = obs->n_series;
    f->n_months = obs->n_months;
    for (int j = 0; j < BT_QUANTILES; j++) {
        f->q[j] = check_calloc(f->n_series * f->n_months + 1, sizeof *f->q[j]);
        for (size_t i = 0; i < f->n_series * f->n_months; i++)
            f->q[j][i] = NAN;
    }
    int rc;
    while ((rc = csv_in_next(&c)) > 0) {
        const char *metric = csv_in_field(&c, col[1]);
        double period = csv_in_number(csv_in_field(&c, col[0]));
        if (!metric || !(period >= 1) || period > (double)f->n_months)
            continue;
        for (size_t i = 0; i < obs->n_series; i++)
            if (strcmp(obs->name[i], metric) == 0)
                for (int j = 0; j < BT_QUANTILES; j++)
                    f->q[j][i * f->n_months + (size_t)period - 1] = csv_in_number(csv_in_field(&c, col[2 + j]));
    }
    csv_in_free(&c);
    if (rc < 0) {
        snprintf(err, size, "%s: unterminated quoted field", path);
        return false;
    }
    return true;
}

static void forecast_free(struct forecast *f)
{
    for (int j = 0; j < BT_QUANTILES; j++)
        free(f->q[j]);
}

/* Whether series i has a forecast (some quantile that is a number). */
static bool forecast_has(const struct forecast *f, size_t i)
{
    for (size_t k = 0; k < f->n_months; k++)
        if (!isnan(f->q[BT_P50][i * f->n_months + k]))
            return true;
    return false;
}

static bool write_text(const char *dir, const char *name, const char *text, struct afile *a)
{
    char path[AFILE_PATH_MAX];
    if (!runfolder_path(path, sizeof path, dir, name) || !afile_open(a, path))
        return false;
    afile_puts(a, text);
    return true;
}

/* Everything one backtest holds, from its options to its forecast; bt_free
 * releases it. */
struct bt {
    struct options o;
    struct scenario *sc;
    struct records rec;
    struct fit_result fr;
    struct recseries obs, hist;
    struct forecast fc;
    struct session s;
    bool session_used;
    char *cfg, *fitcsv;
    struct diag d, notes;
    char dir[AFILE_PATH_MAX], run_dir[AFILE_PATH_MAX], err[2 * AFILE_PATH_MAX];
    struct date at, until;
    const char *records_dir;
    size_t months, back;
    size_t n_drawn;          /* parameters each replication of the forecast draws */
    char *covcsv;
};

/* Releases all that b holds, its options last. */
static void bt_free(struct bt *b)
{
    if (b->session_used)
        session_free(&b->s);
    forecast_free(&b->fc);
    recseries_free(&b->obs);
    recseries_free(&b->hist);
    free(b->cfg);
    free(b->fitcsv);
    free(b->covcsv);
    fit_result_free(&b->fr);
    records_free(&b->rec);
    scenario_free(b->sc);
    diag_free(&b->d);
    diag_free(&b->notes);
    options_free(&b->o);
}

/* Checks the arguments and parses the dates; EXIT_OK, or the status after
 * printing what is wrong. */
static int bt_check_args(struct bt *b)
{
    const struct options *o = &b->o;
    if (o->n_args != 1)
        return usage_error(o->n_args ? "one records folder only" : "the records folder is missing");
    if (!o->template_path)
        return usage_error("--template SCENARIO.cfg is missing");
    if (!o->fit_until)
        return usage_error("--fit-until DATE is missing");
    if (!date_parse(o->fit_until, &b->at)) {
        fprintf(stderr, "caseload: --fit-until %s: not a date (allowed: YYYY-MM-DD, a real calendar date)\n",
                o->fit_until);
        return EXIT_USAGE;
    }
    if (o->until && !date_parse(o->until, &b->until)) {
        fprintf(stderr, "caseload: --until %s: not a date (allowed: YYYY-MM-DD, a real calendar date)\n", o->until);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Loads the template and the records and counts the whole months to score;
 * EXIT_OK, or EXIT_USAGE after printing what is wrong. */
static int bt_load(struct bt *b)
{
    const struct options *o = &b->o;
    b->records_dir = o->args[0];
    b->sc = cmd_load(o->template_path, &b->o);
    if (!b->sc)
        return EXIT_USAGE;
    if (b->sc->report_every != PERIOD_MONTH) {
        fprintf(stderr, "caseload: %s: report_every is \"%s\"; a backtest scores months (allowed: report_every = "
                        "\"month\" in the template)\n", o->template_path, scenario_period_name(b->sc->report_every));
        return EXIT_USAGE;
    }
    if (!records_read(&b->rec, b->records_dir, b->sc, o->drop_bad, &b->d)) {
        diag_print(&b->d, stderr, "caseload");
        return EXIT_USAGE;
    }
    long end = o->until ? date_to_days(b->until) : (long)last_day(&b->rec);
    b->months = whole_months(b->at, end);
    if (b->months == 0) {
        char last[DATE_TEXT_SIZE];
        date_format(date_from_days(end), last);
        fprintf(stderr, "caseload: backtest: no whole month from %s to %s to score (allowed: --until a month or "
                        "more after --fit-until, within the records)\n", o->fit_until, last);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Prepares the folder, fits on the records as they stood on DATE and writes
 * the fitted scenario there; EXIT_OK, or the status after printing why. */
static int bt_fit(struct bt *b)
{
    const struct options *o = &b->o;
    snprintf(b->dir, sizeof b->dir, "%s", o->out_dir ? o->out_dir : "results/backtest");
    int prc = runfolder_prepare(b->dir, o->force, b->err, sizeof b->err);
    if (prc != 0) {
        fprintf(stderr, "caseload: %s\n", b->err);
        return prc;
    }
    if (!fit_records(&b->rec, b->sc, b->at, &b->fr, &b->notes)) {
        fprintf(stderr, "caseload: %s: no referral or episode on or before %s: nothing to fit\n", b->records_dir,
                o->fit_until);
        return EXIT_USAGE;
    }
    if (b->notes.count && !o->quiet)
        diag_print(&b->notes, stderr, "caseload: note");
    char about[512];
    snprintf(about, sizeof about, "Fitted at %s to records, for a backtest (template: %s)", o->fit_until,
             o->template_path);
    b->cfg = fit_scenario_text(o->template_path, b->sc, &b->fr, true, about, &b->d);
    if (!b->cfg) {
        diag_print(&b->d, stderr, "caseload");
        return EXIT_USAGE;
    }
    b->fitcsv = fit_csv_text(&b->fr);
    b->covcsv = fit_cov_text(&b->fr);
    struct afile fitted_file;
    if (!write_text(b->dir, BT_FITTED, b->cfg, &fitted_file) || !afile_commit(&fitted_file)) {
        fprintf(stderr, "caseload: %s/%s: cannot write (%s)\n", b->dir, BT_FITTED, strerror(errno));
        return EXIT_FAILURE_RUN;
    }
    return EXIT_OK;
}

/* Runs the fitted scenario over the months scored into the run folder;
 * EXIT_OK, or the status after printing why. */
static int bt_forecast(struct bt *b)
{
    char horizon[64], fitted_path[AFILE_PATH_MAX];
    snprintf(horizon, sizeof horizon, "horizon_years=%.17g", (double)b->months / 12.0);
    char *sets[] = { horizon, "warmup_days=0" };
    struct options ro = b->o;
    ro.sets = sets;
    ro.n_sets = 2;
    ro.records = false;
    ro.precision = 0;
    ro.force = true;   /* the folder is ours: prepared above */
    if (!runfolder_path(b->run_dir, sizeof b->run_dir, b->dir, BT_RUN_FOLDER) ||
        !runfolder_path(fitted_path, sizeof fitted_path, b->dir, BT_FITTED)) {
        fprintf(stderr, "caseload: %s: the folder name is too long\n", b->dir);
        return EXIT_FAILURE_RUN;
    }
    char *paths[] = { fitted_path };
    b->session_used = true;
    int status;
    if ((status = session_load(&b->s, &ro, paths, 1)) != EXIT_OK) {
        fprintf(stderr, "caseload: internal error: the fitted scenario does not load (%s)\n", fitted_path);
        return EXIT_FAILURE_RUN;
    }
    /* parameter uncertainty: each replication draws the fitted parameters
     * from the fit's sampling distribution */
    struct scenario *sc = b->s.item[0].sc;
    struct pdraw pd;
    if (!fit_draws(b->fr.draw, b->fr.n_draw, b->fr.cov, b->fr.n_cov, sc, &pd, fitted_path, &b->d)) {
        fprintf(stderr, "caseload: internal error: the fit's covariances cannot be drawn from:\n");
        diag_print(&b->d, stderr, "caseload");
        return EXIT_FAILURE_RUN;
    }
    char from[AFILE_PATH_MAX + 32];
    snprintf(from, sizeof from, "%s/" FIT_COV_CSV, b->dir);
    scenario_set_draws(sc, &pd, from);
    b->n_drawn = sc->draws->n;
    if ((status = session_open(&b->s, b->run_dir, false)) != EXIT_OK || (status = session_run(&b->s)) != EXIT_OK)
        return status;
    if (b->s.partial) {
        fprintf(stderr, "caseload: stopped before the forecast was complete; nothing scored\n");
        return EXIT_FAILURE_RUN;
    }
    return session_finish(&b->s);
}

/* Reads what the records show (the months scored, and those before DATE)
 * and the forecast's quantiles; EXIT_OK, or the status after printing why. */
static int bt_observe(struct bt *b)
{
    struct date first;
    if (!recseries_first_date(b->records_dir, &first, b->err, sizeof b->err) ||
        !recseries_build(&b->obs, b->records_dir, b->at, b->months, b->err, sizeof b->err)) {
        fprintf(stderr, "caseload: %s\n", b->err);
        return EXIT_USAGE;
    }
    b->back = 0;
    while (date_to_days(date_add_months(b->at, -(int)b->back - 1)) >= date_to_days(first))
        b->back++;
    if (!recseries_build(&b->hist, b->records_dir, date_add_months(b->at, -(int)b->back), b->back, b->err,
                         sizeof b->err) ||
        !read_forecast(b->run_dir, &b->obs, &b->fc, b->err, sizeof b->err)) {
        fprintf(stderr, "caseload: %s\n", b->err);
        return EXIT_FAILURE_RUN;
    }
    return EXIT_OK;
}

/* Scores each series the forecast has into series and score (at most
 * BT_MAX_SERIES); returns how many. */
static size_t bt_score_all(struct bt *b, struct bt_series *series, struct bt_score *score)
{
    size_t n = 0;
    for (size_t i = 0; i < b->obs.n_series && n < BT_MAX_SERIES; i++) {
        if (!forecast_has(&b->fc, i))
            continue;
        struct bt_series *x = &series[n];
        x->name = b->obs.name[i];
        x->n = b->months;
        x->y = b->obs.v + i * b->months;
        for (int j = 0; j < BT_QUANTILES; j++)
            x->q[j] = b->fc.q[j] + i * b->months;
        x->h = recseries_get(&b->hist, b->obs.name[i]);
        x->m = x->h ? b->back : 0;
        backtest_score(x, &score[n]);
        n++;
    }
    return n;
}

/* Writes fit.csv, backtest.csv, forecast.csv and the manifest as one set;
 * false (errno set) if it failed, leaving none of them. */
static bool bt_write(struct bt *b, const struct bt_series *series, const struct bt_score *score, size_t n,
                     char (*dates)[DATE_TEXT_SIZE], const char **date_list)
{
    const struct options *o = &b->o;
    struct afile f_bt = { 0 }, f_fc = { 0 }, f_fit = { 0 }, f_cov = { 0 }, f_man = { 0 };
    struct afile *set[] = { &f_fit, &f_cov, &f_bt, &f_fc, &f_man };
    char path[AFILE_PATH_MAX];
    bool ok = write_text(b->dir, "fit.csv", b->fitcsv, &f_fit);
    ok = ok && write_text(b->dir, FIT_COV_CSV, b->covcsv, &f_cov);
    ok = ok && runfolder_path(path, sizeof path, b->dir, "backtest.csv") && afile_open(&f_bt, path);
    ok = ok && runfolder_path(path, sizeof path, b->dir, "forecast.csv") && afile_open(&f_fc, path);
    ok = ok && runfolder_path(path, sizeof path, b->dir, "manifest.json") && afile_open(&f_man, path);
    if (!ok) {
        for (size_t i = 0; i < sizeof set / sizeof *set; i++)
            afile_abort(set[i]);
        return false;
    }
    backtest_csv(&f_bt, series, score, n);
    backtest_forecast_csv(&f_fc, series, n, date_list);
    struct json j;
    json_begin(&j, &f_man);
    json_string(&j, "program", "caseload");
    json_string(&j, "version", CASELOAD_VERSION);
    json_string(&j, "kind", "backtest");
    json_string(&j, "template", o->template_path);
    json_string(&j, "fit_until", o->fit_until);
    json_string(&j, "until", dates[b->months - 1]);
    json_uint(&j, "months", b->months);
    json_uint(&j, "history_months", b->back);
    json_uint(&j, "seed", o->seed);
    json_uint(&j, "replications", b->s.done);
    json_object(&j, "parameter_uncertainty");
    json_string(&j, "from", FIT_COV_CSV);
    json_uint(&j, "parameters", b->n_drawn);
    json_close(&j);
    json_string(&j, "benchmark", "naive (last value), one step ahead over the months before fit_until");
    static const char *const keep[] = { BT_FITTED, BT_RUN_FOLDER "/", NULL };
    manifest_end(&j, set, sizeof set / sizeof *set, keep);
    return runfolder_commit(set, sizeof set / sizeof *set, keep, b->dir);
}

/* Prints the one-line account and the table of scores to stdout. */
static void bt_print(const struct bt *b, const struct bt_series *series, const struct bt_score *score, size_t n,
                     const char *until)
{
    printf("backtest: fitted on the records as of %s, forecast %zu month%s to %s (%llu replications) -> %s/\n",
           b->o.fit_until, b->months, b->months == 1 ? "" : "s", until, (unsigned long long)b->s.done, b->dir);
    printf("  %-28s %6s %9s %9s %8s\n", "series", "months", "cover 50%", "cover 90%", "MASE");
    for (size_t i = 0; i < n; i++) {
        printf("  %-28s %6zu %8.0f%% %8.0f%% ", series[i].name, score[i].n, 100 * score[i].coverage50,
               100 * score[i].coverage90);
        if (isnan(score[i].mase))
            printf("%8s\n", "NA");
        else
            printf("%8.2f\n", score[i].mase);
    }
}

/* Scores the forecast, writes the result set and prints the scores unless
 * quiet; EXIT_OK, or EXIT_FAILURE_RUN after printing why. */
static int bt_report(struct bt *b)
{
    struct bt_series series[BT_MAX_SERIES];
    struct bt_score score[BT_MAX_SERIES];
    size_t n = bt_score_all(b, series, score);
    char (*dates)[DATE_TEXT_SIZE] = check_calloc(b->months, sizeof *dates);
    const char **date_list = check_calloc(b->months, sizeof *date_list);
    for (size_t k = 0; k < b->months; k++) {
        date_format(date_from_days(b->obs.last_day[k]), dates[k]);
        date_list[k] = dates[k];
    }
    if (!bt_write(b, series, score, n, dates, date_list)) {
        free(dates);
        free(date_list);
        fprintf(stderr, "caseload: %s: writing the backtest failed (%s)\n", b->dir, strerror(errno));
        return EXIT_FAILURE_RUN;
    }
    if (!b->o.quiet)
        bt_print(b, series, score, n, dates[b->months - 1]);
    free(dates);
    free(date_list);
    return EXIT_OK;
}

int cmd_backtest(int argc, char **argv)
{
    struct bt b;
    memset(&b, 0, sizeof b);
    if (!options_parse(&b.o, argc, argv, 2, "nsjoqfpYdFU")) {
        options_free(&b.o);
        return EXIT_USAGE;
    }
    diag_init(&b.d, CLI_DIAG_LIMIT);
    diag_init(&b.notes, BT_NOTES_LIMIT);
    int status;
    if ((status = bt_check_args(&b)) == EXIT_OK && (status = bt_load(&b)) == EXIT_OK &&
        (status = bt_fit(&b)) == EXIT_OK && (status = bt_forecast(&b)) == EXIT_OK &&
        (status = bt_observe(&b)) == EXIT_OK && (status = bt_report(&b)) == EXIT_OK) {
        int sig = signals_at_once();
        if (sig)
            status = CLI_EXIT_SIGNAL(sig);
        else if (b.o.plot && cmd_plot_folder(b.dir, b.o.quiet, false) != EXIT_OK)
            status = EXIT_FAILURE_RUN;
    }
    bt_free(&b);
    return status;
}
