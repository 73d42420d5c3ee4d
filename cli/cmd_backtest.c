/* cmd_backtest.c — caseload backtest RECORDS --template T.cfg --fit-until DATE
 *                  [--until DATE2] [-n REPS] [-s SEED] [-o DIR]
 *
 * How good are the forecasts of a scenario fitted to these records? Fit on
 * the records as they stood on DATE (fit/fitmap.h uses only what is dated
 * on or before it: episodes and spells still open then are censored there),
 * simulate from DATE with the state observed then (the cases open, their
 * time in stage or waiting, the staff in post), and score the forecast of
 * each month up to DATE2 against what the records show happened
 * (output/records_series.h, output/backtest.h). Writes into DIR:
 *
 *   fitted.cfg    the scenario fitted on DATE (its start)
 *   fit.csv       the estimates, as caseload fit writes them
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

int cmd_backtest(int argc, char **argv)
{
    struct options o;
    if (!options_parse(&o, argc, argv, 2, "nsjoqfpYdFU")) {
        options_free(&o);
        return EXIT_USAGE;
    }
    int status = EXIT_USAGE;
    struct scenario *sc = NULL;
    struct records rec;
    memset(&rec, 0, sizeof rec);
    struct fit_result fr;
    memset(&fr, 0, sizeof fr);
    struct recseries obs = { 0 }, hist = { 0 };
    struct forecast fc = { 0 };
    struct session s = { 0 };
    bool session_used = false;
    char *cfg = NULL, *fitcsv = NULL;
    struct diag d, notes;
    diag_init(&d, CLI_DIAG_LIMIT);
    diag_init(&notes, BT_NOTES_LIMIT);
    char dir[AFILE_PATH_MAX], err[2 * AFILE_PATH_MAX] = "";
    struct date at, until;

    if (o.n_args != 1) {
        status = usage_error(o.n_args ? "one records folder only" : "the records folder is missing");
        goto done;
    }
    if (!o.template_path) {
        status = usage_error("--template SCENARIO.cfg is missing");
        goto done;
    }
    if (!o.fit_until) {
        status = usage_error("--fit-until DATE is missing");
        goto done;
    }
    if (!date_parse(o.fit_until, &at)) {
        fprintf(stderr, "caseload: --fit-until %s: not a date (allowed: YYYY-MM-DD, a real calendar date)\n",
                o.fit_until);
        goto done;
    }
    if (o.until && !date_parse(o.until, &until)) {
        fprintf(stderr, "caseload: --until %s: not a date (allowed: YYYY-MM-DD, a real calendar date)\n", o.until);
        goto done;
    }
    const char *records_dir = o.args[0];
    sc = cmd_load(o.template_path, &o);
    if (!sc)
        goto done;
    if (sc->report_every != PERIOD_MONTH) {
        fprintf(stderr, "caseload: %s: report_every is \"%s\"; a backtest scores months (allowed: report_every = "
                        "\"month\" in the template)\n", o.template_path, scenario_period_name(sc->report_every));
        goto done;
    }
    if (!records_read(&rec, records_dir, sc, o.drop_bad, &d)) {
        diag_print(&d, stderr, "caseload");
        goto done;
    }
    long end = o.until ? date_to_days(until) : (long)last_day(&rec);
    size_t months = whole_months(at, end);
    if (months == 0) {
        char last[DATE_TEXT_SIZE];
        date_format(date_from_days(end), last);
        fprintf(stderr, "caseload: backtest: no whole month from %s to %s to score (allowed: --until a month or "
                        "more after --fit-until, within the records)\n", o.fit_until, last);
        goto done;
    }

    /* the folder */
    snprintf(dir, sizeof dir, "%s", o.out_dir ? o.out_dir : "results/backtest");
    int prc = runfolder_prepare(dir, o.force, err, sizeof err);
    if (prc != 0) {
        fprintf(stderr, "caseload: %s\n", err);
        status = prc;
        goto done;
    }

    /* fit on the records as they stood on DATE */
    if (!fit_records(&rec, sc, at, &fr, &notes)) {
        fprintf(stderr, "caseload: %s: no referral or episode on or before %s: nothing to fit\n", records_dir,
                o.fit_until);
        goto done;
    }
    if (notes.count && !o.quiet)
        diag_print(&notes, stderr, "caseload: note");
    char about[512];
    snprintf(about, sizeof about, "Fitted at %s to records, for a backtest (template: %s)", o.fit_until,
             o.template_path);
    cfg = fit_scenario_text(o.template_path, sc, &fr, true, about, &d);
    if (!cfg) {
        diag_print(&d, stderr, "caseload");
        goto done;
    }
    fitcsv = fit_csv_text(&fr);
    status = EXIT_FAILURE_RUN;
    struct afile fitted_file;
    if (!write_text(dir, BT_FITTED, cfg, &fitted_file) || !afile_commit(&fitted_file)) {
        fprintf(stderr, "caseload: %s/%s: cannot write (%s)\n", dir, BT_FITTED, strerror(errno));
        goto done;
    }

    /* the forecast: the fitted scenario over the months scored */
    char horizon[64], run_dir[AFILE_PATH_MAX], fitted_path[AFILE_PATH_MAX];
    snprintf(horizon, sizeof horizon, "horizon_years=%.17g", (double)months / 12.0);
    char *sets[] = { horizon, "warmup_days=0" };
    struct options ro = o;
    ro.sets = sets;
    ro.n_sets = 2;
    ro.records = false;
    ro.precision = 0;
    ro.force = true;   /* the folder is ours: prepared above */
    if (!runfolder_path(run_dir, sizeof run_dir, dir, BT_RUN_FOLDER) ||
        !runfolder_path(fitted_path, sizeof fitted_path, dir, BT_FITTED)) {
        fprintf(stderr, "caseload: %s: the folder name is too long\n", dir);
        goto done;
    }
    char *paths[] = { fitted_path };
    session_used = true;
    if ((status = session_load(&s, &ro, paths, 1)) != EXIT_OK) {
        fprintf(stderr, "caseload: internal error: the fitted scenario does not load (%s)\n", fitted_path);
        status = EXIT_FAILURE_RUN;
        goto done;
    }
    if ((status = session_open(&s, run_dir, false)) != EXIT_OK || (status = session_run(&s)) != EXIT_OK)
        goto done;
    if (s.partial) {
        status = EXIT_FAILURE_RUN;
        fprintf(stderr, "caseload: stopped before the forecast was complete; nothing scored\n");
        goto done;
    }
    if ((status = session_finish(&s)) != EXIT_OK)
        goto done;
    status = EXIT_FAILURE_RUN;

    /* what the records show: the months scored, and those before DATE */
    struct date first;
    if (!recseries_first_date(records_dir, &first, err, sizeof err) ||
        !recseries_build(&obs, records_dir, at, months, err, sizeof err)) {
        fprintf(stderr, "caseload: %s\n", err);
        status = EXIT_USAGE;
        goto done;
    }
    size_t back = 0;
    while (date_to_days(date_add_months(at, -(int)back - 1)) >= date_to_days(first))
        back++;
    if (!recseries_build(&hist, records_dir, date_add_months(at, -(int)back), back, err, sizeof err) ||
        !read_forecast(run_dir, &obs, &fc, err, sizeof err)) {
        fprintf(stderr, "caseload: %s\n", err);
        goto done;
    }

    /* score each series the forecast has */
    struct bt_series series[BT_MAX_SERIES];
    struct bt_score score[BT_MAX_SERIES];
    size_t n = 0;
    for (size_t i = 0; i < obs.n_series && n < BT_MAX_SERIES; i++) {
        if (!forecast_has(&fc, i))
            continue;
        struct bt_series *x = &series[n];
        x->name = obs.name[i];
        x->n = months;
        x->y = obs.v + i * months;
        for (int j = 0; j < BT_QUANTILES; j++)
            x->q[j] = fc.q[j] + i * months;
        x->h = recseries_get(&hist, obs.name[i]);
        x->m = x->h ? back : 0;
        backtest_score(x, &score[n]);
        n++;
    }
    char (*dates)[DATE_TEXT_SIZE] = check_calloc(months, sizeof *dates);
    const char **date_list = check_calloc(months, sizeof *date_list);
    for (size_t k = 0; k < months; k++) {
        date_format(date_from_days(obs.last_day[k]), dates[k]);
        date_list[k] = dates[k];
    }
    struct afile f_bt, f_fc, f_fit, f_man;
    struct afile *set[] = { &f_fit, &f_bt, &f_fc, &f_man };
    char path[AFILE_PATH_MAX];
    bool ok = write_text(dir, "fit.csv", fitcsv, &f_fit);
    ok = ok && runfolder_path(path, sizeof path, dir, "backtest.csv") && afile_open(&f_bt, path);
    ok = ok && runfolder_path(path, sizeof path, dir, "forecast.csv") && afile_open(&f_fc, path);
    ok = ok && runfolder_path(path, sizeof path, dir, "manifest.json") && afile_open(&f_man, path);
    if (ok) {
        backtest_csv(&f_bt, series, score, n);
        backtest_forecast_csv(&f_fc, series, n, date_list);
        struct json j;
        json_begin(&j, &f_man);
        json_string(&j, "program", "caseload");
        json_string(&j, "version", CASELOAD_VERSION);
        json_string(&j, "kind", "backtest");
        json_string(&j, "template", o.template_path);
        json_string(&j, "fit_until", o.fit_until);
        json_string(&j, "until", dates[months - 1]);
        json_uint(&j, "months", months);
        json_uint(&j, "history_months", back);
        json_uint(&j, "seed", o.seed);
        json_uint(&j, "replications", s.done);
        json_string(&j, "benchmark", "naive (last value), one step ahead over the months before fit_until");
        static const char *const keep[] = { BT_FITTED, BT_RUN_FOLDER "/", NULL };
        manifest_end(&j, set, sizeof set / sizeof *set, keep);
        ok = runfolder_commit(set, sizeof set / sizeof *set, keep, dir);
    } else {
        for (size_t i = 0; i < sizeof set / sizeof *set; i++)
            afile_abort(set[i]);
    }
    if (!ok) {
        free(dates);
        free(date_list);
        fprintf(stderr, "caseload: %s: writing the backtest failed (%s)\n", dir, strerror(errno));
        goto done;
    }
    if (!o.quiet) {
        printf("backtest: fitted on the records as of %s, forecast %zu month%s to %s (%llu replications) -> %s/\n",
               o.fit_until, months, months == 1 ? "" : "s", dates[months - 1], (unsigned long long)s.done, dir);
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
    free(dates);
    free(date_list);
    status = EXIT_OK;
    int sig = signals_at_once();
    if (sig) {
        status = CLI_EXIT_SIGNAL(sig);
        goto done;
    }
    if (o.plot && cmd_plot_folder(dir, o.quiet, false) != EXIT_OK)
        status = EXIT_FAILURE_RUN;
done:
    if (session_used)
        session_free(&s);
    forecast_free(&fc);
    recseries_free(&obs);
    recseries_free(&hist);
    free(cfg);
    free(fitcsv);
    fit_result_free(&fr);
    records_free(&rec);
    scenario_free(sc);
    diag_free(&d);
    diag_free(&notes);
    options_free(&o);
    return status;
}
