/* main.c — the caseload command: dispatch to a subcommand. */
#include "cli/commands.h"
#include "cli/signals.h"
#ifdef CASELOAD_MPI
#include "cli/mpi/cluster.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage:\n"
    "  caseload run SCENARIO.cfg [-n REPS] [-s SEED] [-j THREADS] [-o DIR]\n"
    "                            [--set PATH=VALUE]... [-q] [--force] [--plot] [--strict]\n"
    "                            [--precision REL [--kpi NAME] [--max-reps N]]\n"
    "                            [--clear-below N] [--risk 'METRIC>VALUE']...\n"
    "                            [--records [--records-rep K]]\n"
    "                            [--parameter-uncertainty FITTED-fit/fit.csv]\n"
    "  caseload compare BASE.cfg ALT.cfg [ALT2.cfg ...] [same options] [--rank KPI]\n"
    "  caseload sweep SCENARIO.cfg --vary PATH=FROM:TO:STEPS [--vary ...] [--kpi NAME] [--plot]\n"
    "  caseload sweep SCENARIO.cfg --tornado [--spread 0.2] [--kpi NAME] [--plot]\n"
    "  caseload target SCENARIO.cfg --lever PATH --kpi NAME [--at DATE] --below VALUE\n"
    "                  [--probability 0.9] [--range LO:HI] [--step S]\n"
    "  caseload check SCENARIO.cfg [--set PATH=VALUE]... [--strict]\n"
    "  caseload params SCENARIO.cfg [--set PATH=VALUE]...\n"
    "  caseload plot DIR\n"
    "  caseload report DIR [-o FILE.html]\n"
    "  caseload fit RECORDS --at DATE --template SCENARIO.cfg [-o FITTED.cfg] [--drop-bad]\n"
    "  caseload backtest RECORDS --template SCENARIO.cfg --fit-until DATE [--until DATE2]\n"
    "                    [-n REPS] [-s SEED] [-o DIR] [--plot]\n"
    "  caseload --help | --version\n"
    "\n"
    "  run      simulate REPS replications (default 100) into DIR\n"
    "           (default results/<scenario name>/): series.csv, summary.csv,\n"
    "           kpis.csv, manifest.json\n"
    "  compare  run every scenario with the same seeds (paired replications)\n"
    "           into DIR/<scenario>/ and write compare.csv (paired differences\n"
    "           of every KPI, with 95% CI and, for KPIs counted in cases,\n"
    "           days, child-days or FTE, cost per unit of outcome) and\n"
    "           differences.csv (per period); default DIR results/compare/...;\n"
    "           ranks the options, the base among them, by net present cost\n"
    "           per unit of --rank KPI gained (default child_days_unallocated),\n"
    "           marking those dominated off the cost-effectiveness frontier\n"
    "  sweep    run the scenario at every point of a grid of one or two\n"
    "           parameters (same seeds at every point) into sweep.csv; with\n"
    "           --tornado, each uncertain parameter low and high in turn,\n"
    "           largest swing of the KPI first, into tornado.csv\n"
    "  target   the smallest lever value for which the KPI (a metric read\n"
    "           --at DATE, or a KPI over the horizon) is below VALUE in at\n"
    "           least the given share of replications, with its cost\n"
    "  check    validate a scenario and print its resolved parameters\n"
    "  params   list every parameter path with value, unit and description\n"
    "  report   one self-contained HTML page of a run, comparison, sweep,\n"
    "           tornado or target folder, for a committee paper: summary,\n"
    "           tables, charts, assumptions, method (default DIR/report.html)\n"
    "  plot     draw the charts of a run, comparison, sweep, tornado or\n"
    "           backtest folder: NAME.png and NAME.svg for each, and plots.gp, the\n"
    "           gnuplot script that drew them (cd DIR && gnuplot plots.gp\n"
    "           re-draws them)\n"
    "  fit      estimate from a council's records (folder RECORDS: referrals,\n"
    "           episodes, staff, absences, vacancies, establishment .csv) every\n"
    "           parameter they identify at DATE, and write the template with\n"
    "           those replaced as FITTED.cfg (default NAME-fitted.cfg here), and\n"
    "           fit.csv, drops.csv and charts in FITTED-fit/ (docs/fitting.md)\n"
    "  backtest fit on the records as they stood on DATE, forecast from the\n"
    "           state observed then, and score each month to DATE2 (default:\n"
    "           the records' last whole month) against the records: coverage\n"
    "           of the 50% and 90% intervals and MASE per series in\n"
    "           backtest.csv, with the forecast in DIR/run/ (default DIR\n"
    "           results/backtest/) and charts backtest_SERIES with --plot\n"
    "\n"
    "options:\n"
    "  -n, --reps N          replications (1..1000000)\n"
    "  -s, --seed N          master seed (default 1); same seed, same results\n"
    "  -j, --threads N       worker threads (default: number of cores)\n"
    "  -o, --out DIR         results folder\n"
    "      --set PATH=VALUE  override a parameter (see caseload params); an\n"
    "                        intervention's dates too, as YYYY-MM-DD:\n"
    "                        --set \"interventions.NAME.from=2025-10-01\"\n"
    "  -q, --quiet           no progress, no summary table\n"
    "      --force           write into a folder that is not empty, replacing\n"
    "                        the results there\n"
    "      --plot            draw the charts too (as caseload plot DIR)\n"
    "      --strict          a value outside its usual range is an error\n"
    "                        (exit 2), not a warning\n"
    "      --precision REL   add replications until the 95% CI half-width of\n"
    "                        a KPI is within REL of its mean (e.g. 0.05)\n"
    "      --kpi NAME        the KPI for --precision (default backlog_mean)\n"
    "      --max-reps N      stop there even if not precise (default 10000)\n"
    "      --clear-below N   the backlog has cleared once it stays at or below\n"
    "                        N cases (default pathway.clear_below, 10):\n"
    "                        backlog_clear_day, backlog_never_clears\n"
    "      --at DATE         fit: the date fitted at (the scenario's start)\n"
    "      --template FILE   fit: the scenario whose structure and other\n"
    "                        settings the fitted one keeps\n"
    "      --fit-until DATE  backtest: fit on the records up to this date\n"
    "      --until DATE2     backtest: score the months up to this date\n"
    "      --drop-bad        fit: skip bad rows of the records (counted by\n"
    "                        reason in drops.csv) instead of stopping\n"
    "      --risk 'M>V'      report the probability that series.csv metric M\n"
    "                        exceeds V at any period end and at the last\n"
    "                        (risk_any_M_gt_V, risk_end_M_gt_V); repeatable\n"
    "      --records         run: also write DIR/records/, the records a case\n"
    "                        system and HR would hold of one replication\n"
    "                        (synthetic; docs/fitting.md)\n"
    "      --records-rep K   which replication (default 1)\n"
    "      --parameter-uncertainty FIT.csv\n"
    "                        run: each replication draws the parameters a fit\n"
    "                        estimated from their sampling distribution\n"
    "                        (fit_cov.csv beside FIT.csv; docs/fitting.md)\n"
    "\n"
    "results go only into a new or empty folder unless --force, which removes\n"
    "only what the previous result's manifest lists; one command at a time\n"
    "writes a folder (DIR/.caseload.lock).\n"
    "\n"
    "exit status: 0 success, 1 failure while running (or interrupted: the\n"
    "             replications finished are written, marked partial),\n"
    "             2 bad usage, bad scenario, folder in use or not empty,\n"
    "             128+N stopped at once by signal N (130 a second Ctrl-C,\n"
    "             143 SIGTERM; also the first once the results are written,\n"
    "             e.g. while charts are drawn; nothing half written)\n";

/* Whether standard output is a pipe nobody reads any more (an earlier
 * write failed with EPIPE, leaving only the error flag). */
static bool stdout_closed_by_reader(void)
{
    struct stat st;
    if (fstat(STDOUT_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode))
        return false;
    struct pollfd p = { STDOUT_FILENO, 0, 0 };
    return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/* A GSL error is a bug in how we call GSL: report it as one. */
static void gsl_policy(const char *reason, const char *file, int line, int gsl_errno)
{
    fprintf(stderr, "caseload: internal error: GSL %s:%d: %s (%s)\n", file, line, reason,
            gsl_strerror(gsl_errno));
    abort();
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);   /* caseload run --help, as caseload --help */
            return EXIT_OK;
        }
    if (strcmp(cmd, "--version") == 0) {
        printf("caseload %s\n", CASELOAD_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc, argv);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc, argv);
    if (strcmp(cmd, "target") == 0)
        return cmd_target(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc, argv);
    if (strcmp(cmd, "params") == 0)
        return cmd_params(argc, argv);
    if (strcmp(cmd, "plot") == 0)
        return cmd_plot(argc, argv);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc, argv);
    if (strcmp(cmd, "fit") == 0)
        return cmd_fit(argc, argv);
    if (strcmp(cmd, "backtest") == 0)
        return cmd_backtest(argc, argv);
    fprintf(stderr, "caseload: unknown command \"%s\" (see caseload --help)\n", cmd);
    return EXIT_USAGE;
}

/* The command, then a check that standard output got everything. */
static int caseload_main(int argc, char **argv)
{
    errno = 0;
    int rc = dispatch(argc, argv);
    /* What went to standard output (tables, parameters) must have arrived:
     * a full disk is a failure, not a silent success. A reader that went
     * away (`| head`, EPIPE) took what it wanted: the result files are
     * whole, and that is no failure. */
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        if (e != EPIPE && !stdout_closed_by_reader()) {
            fprintf(stderr, "caseload: cannot write to standard output (%s)\n", strerror(e ? e : EIO));
            if (rc == EXIT_OK)
                rc = EXIT_FAILURE_RUN;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler(gsl_policy);
    signals_ignore_pipe();
#ifdef CASELOAD_MPI
    return cluster_main(argc, argv, caseload_main);
#else
    return caseload_main(argc, argv);
#endif
}
