/* cmd_run.c — caseload run: replications of one scenario into a run folder. */
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "models/metrics.h"
#include "output/runfolder.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct run_ctx {
    struct runfolder rf;
    struct progress prog;
    uint64_t done;
};

static bool sink(void *ctx, uint64_t rep, const struct rep_result *res)
{
    struct run_ctx *c = ctx;
    (void)rep;
    runfolder_add(&c->rf, &res[0]);
    progress_update(&c->prog, ++c->done);
    return true;
}

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
        snprintf(mean, sizeof mean, headline[i].fmt, sm.mean * f);
        if (sm.n >= 2) {
            snprintf(lo, sizeof lo, headline[i].fmt, sm.ci_low * f);
            snprintf(hi, sizeof hi, headline[i].fmt, sm.ci_high * f);
            printf("  %-32s %10s   %s to %s\n", headline[i].label, mean, lo, hi);
        } else {
            printf("  %-32s %10s\n", headline[i].label, mean);
        }
    }
}

int cmd_run(int argc, char **argv)
{
    struct cli_opts o;
    if (!cli_parse(&o, argc, argv, 2, "nsjoSqf")) {
        cli_opts_free(&o);
        return EXIT_USAGE;
    }
    if (o.n_args != 1) {
        fprintf(stderr, "caseload: run needs one scenario file (caseload run SCENARIO.cfg [options])\n");
        cli_opts_free(&o);
        return EXIT_USAGE;
    }
    struct scenario *sc = cli_load(o.args[0], &o);
    if (!sc) {
        cli_opts_free(&o);
        return EXIT_USAGE;
    }
    struct result_layout layout;
    metrics_layout(sc, &layout);

    char dir[AFILE_PATH_MAX];
    if (o.out_dir)
        snprintf(dir, sizeof dir, "%s", o.out_dir);
    else
        snprintf(dir, sizeof dir, "results/%s", sc->name);
    char err[AFILE_PATH_MAX + 200];
    int rc = runfolder_prepare(dir, o.force, err, sizeof err);
    struct run_ctx ctx = { .done = 0 };
    if (rc != 0) {
        fprintf(stderr, "caseload: %s\n", err);
        goto out;
    }
    if (!runfolder_open(&ctx.rf, dir, sc->name, &layout)) {
        fprintf(stderr, "caseload: %s: cannot write results (%s)\n", dir, strerror(errno));
        rc = EXIT_FAILURE_RUN;
        goto out;
    }

    cli_signals_install();
    progress_start(&ctx.prog, sc->name, o.reps, o.quiet);
    const struct scenario *scs[1] = { sc };
    struct batch b = { scs, &layout, 1, o.seed, sink, &ctx };
    long long done = batch_run(&b, 0, o.reps, o.threads, &cli_stop);
    progress_end(&ctx.prog);
    if (done < 0) {
        fprintf(stderr, "caseload: out of memory starting the replications\n");
        runfolder_close(&ctx.rf);
        rc = EXIT_FAILURE_RUN;
        goto out;
    }
    bool partial = (uint64_t)done < o.reps;
    if (done == 0) {
        fprintf(stderr, "caseload: stopped before any replication finished; nothing written\n");
        runfolder_close(&ctx.rf);
        rc = EXIT_FAILURE_RUN;
        goto out;
    }
    char start[DATE_TEXT_SIZE];
    date_format(sc->start, start);
    struct run_info info = {
        .version = CASELOAD_VERSION, .scenario = sc->name, .description = sc->description,
        .files = sc->files, .n_files = sc->n_files, .start_date = start,
        .report_every = scenario_period_name(sc->report_every), .seed = o.seed,
        .reps_requested = o.reps, .threads = o.threads, .argc = argc, .argv = argv,
        .sets = o.sets, .n_sets = o.n_sets,
    };
    if (!runfolder_finish(&ctx.rf, &info, partial)) {
        fprintf(stderr, "caseload: %s: writing results failed (%s); nothing written\n", dir, strerror(errno));
        runfolder_close(&ctx.rf);
        rc = EXIT_FAILURE_RUN;
        goto out;
    }
    if (partial)
        fprintf(stderr, "caseload: interrupted: %lld of %llu replications written to %s (marked partial)\n",
                done, (unsigned long long)o.reps, dir);
    if (!o.quiet) {
        printf("%s: %lld replications (seed %llu) -> %s/\n", sc->name, done, (unsigned long long)o.seed, dir);
        print_headline(&layout, ctx.rf.stats);
    }
    runfolder_close(&ctx.rf);
    rc = partial ? EXIT_FAILURE_RUN : EXIT_OK;
out:
    result_layout_free(&layout);
    scenario_free(sc);
    cli_opts_free(&o);
    return rc;
}
