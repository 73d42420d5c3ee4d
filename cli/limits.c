#include "cli/limits.h"

#include "cli/batch.h"
#include "models/caseload.h"
#include "output/stats.h"

#include <errno.h>
#include <gsl/gsl_rstat.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct limits_cost {
    double events, hours, memory, disk;      /* estimates */
    double memory_limit, disk_free;          /* limits (HUGE_VAL when unknown) */
    bool memory_from_ulimit;                 /* memory_limit is of ulimit -v, not of the machine */
};

/* Statistics kept per (period, metric): running moments and five P²
 * quantile estimators (output/stats.c), plus the values kept for exact
 * quantiles (stats_kept_bytes). */
#define STATS_CELL_BYTES (32.0 + 5.0 * sizeof(gsl_rstat_quantile_workspace))

/* Bytes of cell values one stats object keeps for exact quantiles over r
 * replications: its rows grow by doubling, so up to 2r rows, and never past
 * STATS_EXACT_VALUES. (sweep and target keep none, but are charged as runs:
 * the estimate errs on the safe side.) */
static double stats_kept_bytes(double cells, double r)
{
    return fmin(cells * 2 * r, (double)STATS_EXACT_VALUES) * sizeof(double);
}
/* series.csv: bytes per value and per row beyond the values (measured on
 * the shipped scenarios: 4 to 5 bytes a value, with the separator). */
#define SERIES_VALUE_BYTES 6.0
#define SERIES_ROW_BYTES 40.0
/* summary.csv: one row per period and metric. */
#define SUMMARY_ROW_BYTES 140.0

/* Space free in the file system that holds dir, or of its nearest existing
 * parent; HUGE_VAL when unknown. */
static double disk_free(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (;;) {
        struct statvfs st;
        if (statvfs(path, &st) == 0)
            return (double)st.f_bavail * (double)st.f_frsize;
        if (errno != ENOENT && errno != ENOTDIR)
            return HUGE_VAL;
        char *slash = strrchr(path, '/');
        if (!slash)
            return statvfs(".", &st) == 0 ? (double)st.f_bavail * (double)st.f_frsize : HUGE_VAL;
        if (slash == path) {
            path[1] = '\0';
            return statvfs(path, &st) == 0 ? (double)st.f_bavail * (double)st.f_frsize : HUGE_VAL;
        }
        *slash = '\0';
    }
}

/* CLI_MAX_MEMORY_SHARE of physical memory, or of the address-space limit
 * (ulimit -v) when that is lower; *from_ulimit says which. */
static double memory_limit(bool *from_ulimit)
{
    double limit = HUGE_VAL;
    *from_ulimit = false;
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && size > 0)
        limit = (double)pages * (double)size;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < limit) {
        limit = (double)rl.rlim_cur;
        *from_ulimit = true;
    }
    return limit * CLI_MAX_MEMORY_SHARE;
}

static void limits_cost_estimate(const struct scenario *const *sc, const struct result_layout *l, size_t n,
                       uint64_t reps, unsigned threads, const char *dir, struct limits_cost *c)
{
    memset(c, 0, sizeof *c);
    double r = (double)reps;
    double th = fmin(threads ? threads : 1, reps ? (double)reps : 1); /* threads that get work */
    double models = 0;
    for (size_t i = 0; i < n; i++) {
        struct estimate e;
        estimate_scenario(sc[i], &e);
        double cells = (double)l[i].n_periods * (double)l[i].n_metrics;
        c->events += r * e.events_per_rep;
        models += e.bytes_per_model;
        c->memory += cells * STATS_CELL_BYTES + stats_kept_bytes(cells, r) /* statistics */
                     + 2 * th * (cells + (double)l[i].n_kpis) * sizeof(double) /* results in flight */
                     + 2 * r * (double)l[i].n_kpis * sizeof(double);          /* KPI values kept */
        c->disk += r * (double)l[i].n_periods * ((double)l[i].n_metrics * SERIES_VALUE_BYTES + SERIES_ROW_BYTES)
                   + cells * SUMMARY_ROW_BYTES;
        if (n > 1 && i > 0)  /* paired differences against the first */
            c->memory += cells * STATS_CELL_BYTES + stats_kept_bytes(cells, r), c->disk += cells * SUMMARY_ROW_BYTES;
    }
    c->memory += th * models;
    /* caseload-mpi: every rank's threads share the time (assumed as many
     * as rank 0's); the memory above is rank 0's */
    double ranks = batch_ranks() ? (double)batch_ranks() : 1;
    double cores = fmin((threads ? threads : 1) * ranks, reps ? (double)reps : 1);
    c->hours = c->events / (CLI_EVENTS_PER_SECOND * cores) / 3600.0;
    c->memory_limit = memory_limit(&c->memory_from_ulimit);
    c->disk_free = disk_free(dir);
}

/* 1.5 GB, 820 MB, ... */
static void bytes_text(double b, char *buf, size_t size)
{
    if (b >= 1e12)
        snprintf(buf, size, "%.3g TB", b / 1e12);
    else if (b >= 1e9)
        snprintf(buf, size, "%.3g GB", b / 1e9);
    else
        snprintf(buf, size, "%.3g MB", b / 1e6);
}

int limits_check_cost(const struct scenario *const *sc, const struct result_layout *l, size_t n, uint64_t reps,
                   unsigned threads, const char *dir, const char *what)
{
    struct limits_cost c;
    limits_cost_estimate(sc, l, n, reps, threads, dir, &c);
    int rc = 0;
    if (!(c.hours <= CLI_MAX_HOURS)) {
        fprintf(stderr,
                "caseload: %s: too long: about %.3g events, some %.0f hours on %u thread%s%s "
                "(allowed: an estimated %.0f hours at most; use fewer replications (-n), a shorter horizon_years, "
                "lower referral rates or more threads (-j))\n",
                what, c.events, c.hours, threads, threads == 1 ? "" : "s", batch_ranks() > 1 ? " per rank" : "",
                CLI_MAX_HOURS);
        rc = 2;
    }
    if (!(c.memory <= c.memory_limit)) {
        char need[32], have[32];
        bytes_text(c.memory, need, sizeof need);
        bytes_text(c.memory_limit, have, sizeof have);
        fprintf(stderr,
                "caseload: %s: too big: it would need about %s of memory (allowed: %s, %.0f%% of %s; "
                "use fewer threads (-j), fewer cases (initial, referral rates), a shorter horizon_years or "
                "fewer replications)\n",
                what, need, have, 100 * CLI_MAX_MEMORY_SHARE,
                c.memory_from_ulimit ? "the address space this process may use (ulimit -v)" : "this machine's");
        rc = 2;
    }
    if (!(c.disk <= c.disk_free)) {
        char need[32], have[32];
        bytes_text(c.disk, need, sizeof need);
        bytes_text(c.disk_free, have, sizeof have);
        fprintf(stderr,
                "caseload: %s: %s: the results would take about %s (allowed: the %s free there; use fewer "
                "replications (-n), report_every = \"quarter\" or another folder (-o))\n",
                what, dir, need, have);
        rc = 2;
    }
    return rc;
}
