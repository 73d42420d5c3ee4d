/* cmd_run.c — caseload run: replications of one scenario into a run folder. */
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/signals.h"
#include "models/caseload.h"
#include "output/json.h"
#include "output/manifest.h"
#include "output/numfmt.h"
#include "output/plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define RECORDS_FOLDER "records"

/* The KPIs printed after a run, with how to show them. */
static const struct {
    const char *kpi, *label, *fmt;
    double scale;
} headline[] = {
    { "backlog_mean", "unallocated cases (mean)", "%.1f", 1 },
    { "backlog_end", "unallocated cases (at the end)", "%.1f", 1 },
    { "mean_wait_days", "wait to allocation (days)", "%.1f", 1 },
    { "caseload_mean", "caseload per worker (points)", "%.1f", 1 },
    { "vacancy_rate_mean", "vacancy rate (%)", "%.1f", 100 },
    { "sickness_rate_mean", "sickness absence (%)", "%.1f", 100 },
    { "agency_fte_mean", "agency workers (FTE)", "%.1f", 1 },
    { "cost_total", "total cost (£m)", "%.2f", 1e-6 },
    { "cost_npv", "NPV of cost (£m)", "%.2f", 1e-6 },
};

static void print_headline(const struct result_layout *l, const struct stats *s)
{
    printf("  %-32s %10s   %s\n", "", "mean", "95% confidence interval");
    for (size_t i = 0; i < sizeof headline / sizeof *headline; i++) {
        long k = result_kpi_index(l, headline[i].kpi);
        if (k < 0)
            continue;
        struct summary sm;
        stats_kpi(s, (size_t)k, &sm);
        char mean[32], lo[32], hi[32];
        double f = headline[i].scale;
        numfmt_table(mean, sizeof mean, headline[i].fmt, sm.mean * f);
        printf("  ");
        numfmt_pad(headline[i].label, 32);
        if (sm.n >= 2) {
            numfmt_table(lo, sizeof lo, headline[i].fmt, sm.ci_low * f);
            numfmt_table(hi, sizeof hi, headline[i].fmt, sm.ci_high * f);
            printf(" %10s   %s to %s\n", mean, lo, hi);
        } else {
            printf(" %10s\n", mean);
        }
    }
}

/* When the backlog clears, and the risks, each a share of replications
 * with its Wilson interval. */
static void print_outlook(const struct scenario *sc, const struct result_layout *l, const struct stats *s)
{
    long k = result_kpi_index(l, "backlog_clear_day");
    if (k >= 0) {
        struct summary sm;
        stats_kpi(s, (size_t)k, &sm);
        char p50[48], p05[48], p95[48];
        session_day_text(sc, sm.p50, p50, sizeof p50);
        session_day_text(sc, sm.p05, p05, sizeof p05);
        session_day_text(sc, sm.p95, p95, sizeof p95);
        printf("  ");
        numfmt_pad("backlog clears (median date)", 32);
        if (isfinite(sm.p50))
            printf(" %10s   5th to 95th percentile: %s to %s\n", p50, p05, p95);
        else if (isfinite(sm.p05))
            printf(" %10s   not within the horizon in half the replications or more (5th percentile: %s)\n", "-",
                   p05);
        else
            printf(" %10s   not within the horizon\n", "-");
    }
    for (size_t q = 0; q < session_shares(sc); q++) {
        char name[SESSION_SHARE_TEXT], label[SESSION_SHARE_TEXT];
        session_share(sc, q, name, label);
        long i = result_kpi_index(l, name);
        if (i < 0)
            continue;
        struct summary sm;
        stats_kpi(s, (size_t)i, &sm);
        char mean[32], lo[32], hi[32];
        numfmt_table(mean, sizeof mean, "%.1f", sm.mean * 100);
        numfmt_table(lo, sizeof lo, "%.1f", sm.ci_low * 100);
        numfmt_table(hi, sizeof hi, "%.1f", sm.ci_high * 100);
        printf("  ");
        numfmt_pad(label, 32);
        printf(" %10s   %s to %s\n", mean, lo, hi);
    }
}

static void put_line(void *arg, const char *line) { afile_puts(arg, line); }

/* Replication rep (from 0) of sc under seed again, its events recorded, and
 * its records written into dir/records/ as a set with its own manifest
 * (written whole or not at all: runfolder_commit). The replication is a
 * pure function of scenario, seed and index, so these are the records of
 * the replication of that number in the run's results. Returns 0, or 1
 * after printing the problem. */
static int write_records(const struct scenario *sc, uint64_t seed, uint64_t rep, const char *dir)
{
    char sub[AFILE_PATH_MAX], err[AFILE_PATH_MAX + 128];
    if (!runfolder_path(sub, sizeof sub, dir, RECORDS_FOLDER)) {
        fprintf(stderr, "caseload: %s/%s: the folder name is too long\n", dir, RECORDS_FOLDER);
        return EXIT_FAILURE_RUN;
    }
    int prc = runfolder_prepare_sub(dir, RECORDS_FOLDER, true, err, sizeof err);
    if (prc != 0) {
        fprintf(stderr, "caseload: %s\n", err);
        return EXIT_FAILURE_RUN;
    }
    struct result_layout l;
    caseload_layout(sc, &l);
    struct rep_result out;
    rep_result_alloc(&out, &l);
    struct model *m = model_create(sc);
    struct recorder *r = recorder_create(sc);
    int rc = EXIT_OK;
    if (!m) {
        fprintf(stderr, "caseload: out of memory\n");
        rc = EXIT_FAILURE_RUN;
        goto done;
    }
    model_set_trace(m, recorder_trace(r));
    if (model_run(m, seed, rep, &l, &out, &signals_stop) != 0) {
        fprintf(stderr, "caseload: stopped; no records written\n");
        rc = EXIT_FAILURE_RUN;
        goto done;
    }
    struct afile files[RECORDER_FILES + 1];
    struct afile *set[RECORDER_FILES + 1];
    char path[AFILE_PATH_MAX];
    size_t opened = 0;
    for (; opened <= RECORDER_FILES; opened++) {
        const char *name = opened < RECORDER_FILES ? recorder_file_name((enum recorder_file)opened) : "manifest.json";
        set[opened] = &files[opened];
        if (!runfolder_path(path, sizeof path, sub, name) || !afile_open(&files[opened], path))
            break;
    }
    if (opened <= RECORDER_FILES) {
        int e = errno;
        while (opened-- > 0)
            afile_abort(&files[opened]);
        fprintf(stderr, "caseload: %s: cannot write the records (%s)\n", sub, strerror(e));
        rc = EXIT_FAILURE_RUN;
        goto done;
    }
    for (size_t f = 0; f < RECORDER_FILES; f++)
        recorder_write(r, (enum recorder_file)f, put_line, &files[f]);
    struct json j;
    json_begin(&j, &files[RECORDER_FILES]);
    json_string(&j, "program", "caseload");
    json_string(&j, "version", CASELOAD_VERSION);
    json_string(&j, "records", "synthetic: one simulated replication, as a case system and HR would record it");
    json_string(&j, "scenario", sc->name);
    json_uint(&j, "seed", seed);
    json_uint(&j, "replication", rep + 1);
    manifest_end(&j, set, RECORDER_FILES + 1, NULL);
    if (!runfolder_commit(set, RECORDER_FILES + 1, NULL, sub)) {
        fprintf(stderr, "caseload: %s: writing the records failed (%s); nothing written there\n", sub,
                strerror(errno));
        rc = EXIT_FAILURE_RUN;
    }
done:
    recorder_destroy(r);
    model_destroy(m);
    rep_result_free(&out);
    result_layout_free(&l);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    struct options o;
    struct session s = { 0 };
    int rc = EXIT_USAGE;
    if (!options_parse(&o, argc, argv, 2, "nsjoSqfPKMpWCZrku"))
        goto out;
    if (o.records && o.precision <= 0 && o.records_rep > o.reps) {
        fprintf(stderr, "caseload: --records-rep %llu: there are only %llu replications (allowed: 1 to -n)\n",
                (unsigned long long)o.records_rep, (unsigned long long)o.reps);
        goto out;
    }
    if (o.n_args != 1) {
        fprintf(stderr, "caseload: run needs one scenario file (caseload run SCENARIO.cfg [options])\n");
        goto out;
    }
    if ((rc = session_load(&s, &o, o.args, 1)) != EXIT_OK)
        goto out;
    if (!o.quiet)
        cmd_drift_notice(s.item[0].sc, o.seed);
    char dir[AFILE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s%s", o.out_dir ? "" : "results/", o.out_dir ? o.out_dir : s.item[0].sc->name);
    if ((rc = session_open(&s, dir, false)) != EXIT_OK)
        goto out;
    if ((rc = session_run(&s)) != EXIT_OK)
        goto out;
    if (o.records && !s.partial && o.records_rep > s.done) {
        fprintf(stderr, "caseload: --records-rep %llu: only %llu replications were run\n",
                (unsigned long long)o.records_rep, (unsigned long long)s.done);
        rc = EXIT_USAGE;
        goto out;
    }
    if (o.records && !s.partial && (rc = write_records(s.item[0].sc, o.seed, o.records_rep - 1, dir)) != EXIT_OK)
        goto out;
    if ((rc = session_finish(&s)) != EXIT_OK)
        goto out;
    if (!o.quiet) {
        printf("%s: %llu replications (seed %llu) -> %s/\n", s.item[0].label, (unsigned long long)s.done,
               (unsigned long long)o.seed, dir);
        if (o.records)
            printf("  records of replication %llu (synthetic) -> %s/%s/\n", (unsigned long long)o.records_rep, dir,
                   RECORDS_FOLDER);
        if (o.precision > 0)
            printf("  precision: %s's 95%% CI within %.3g of its mean %s\n",
                   s.item[0].layout.kpi[s.precision_kpi].name, o.precision,
                   s.precision_met ? "(met)" : "(NOT met: the replication limit came first)");
        print_headline(&s.item[0].layout, s.item[0].rf.stats);
        print_outlook(s.item[0].sc, &s.item[0].layout, s.item[0].rf.stats);
    }
    rc = s.partial ? EXIT_FAILURE_RUN : EXIT_OK;
    /* the results are whole: a signal from now on stops at once */
    int sig = s.partial ? 0 : signals_at_once();
    if (sig) {
        rc = CLI_EXIT_SIGNAL(sig);   /* it came after the last replication: no charts */
        goto out;
    }
    if (!s.partial && !o.quiet)
        cmd_plot_terminal(dir);
    if (!s.partial && o.plot && cmd_plot_folder(dir, o.quiet, false) != EXIT_OK)
        rc = EXIT_FAILURE_RUN;
out:
    session_free(&s);
    options_free(&o);
    return rc;
}
