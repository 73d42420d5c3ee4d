/* session.h — running one or more scenarios into result folders.
 *
 * `run` is a session of one scenario written to DIR; `compare` a session of
 * several, paired replication by replication (same seeds), each written to
 * DIR/scenario-N/ (compare_folder; N from 1, the base), with the paired differences of every alternative
 * against the first scenario kept as they arrive. A session also carries the
 * precision rule: add replications in batches until the confidence interval
 * of a KPI is narrow enough. */
#ifndef CLI_SESSION_H
#define CLI_SESSION_H

#include "cli/options.h"
#include "cli/progress.h"
#include "models/caseload.h"
#include "output/runfolder.h"
#include "output/stats.h"
#include "sim/result.h"

#include <stdbool.h>
#include <stdint.h>

/* Precision mode: the first batch, and the largest run, unless told. */
#define SESSION_FIRST_BATCH 10ULL
#define SESSION_DEFAULT_MAX_REPS 10000ULL
/* The KPI --precision watches unless --kpi names another. */
#define SESSION_DEFAULT_KPI "backlog_mean"

struct session_item {
    struct scenario *sc;
    struct result_layout layout;
    struct runfolder rf;
    char dir[AFILE_PATH_MAX];
    char *label;                 /* table and scenario column name (unique in the session) */
    bool open;
};

/* Paired differences alternative - base over the metrics both have. */
struct session_diff {
    struct result_layout layout; /* common metrics; periods when they match;
                                  * years: the financial years' common
                                  * metrics when both have the same years,
                                  * then a last "total" over them */
    long *base_col, *alt_col;    /* metric columns in base / alternative */
    long *ybase_col, *yalt_col;  /* ... of the years */
    struct stats *stats;
    struct stats *ystats;        /* of layout.years */
    struct rep_result res;
};

struct session {
    const struct options *o;
    size_t n;
    struct session_item *item;
    struct session_diff *diff;   /* n - 1 of them when comparing, else NULL */
    struct progress prog;
    uint64_t done;
    bool partial;
    bool precision_met;
    int write_errno;             /* a result file could not be written (run stopped) */
    size_t write_item;           /* ... in this item's folder */
    long precision_kpi;          /* KPI index, or -1 */
};

/* Load every scenario (paths[0..n)), with the --set overrides of o. Returns
 * 0, or 2 after printing every problem. */
int session_load(struct session *s, const struct options *o, char *const *paths, size_t n);

/* Prepare the result folders: dir itself for one scenario without pairing,
 * dir/scenario-N/ for each when compare is true. Returns 0, 1 or 2 (message
 * printed). */
int session_open(struct session *s, const char *dir, bool compare);

/* Run the replications (a fixed number, or by precision), writing as they
 * arrive. Returns 0, or 1 after printing the problem. s->partial is set when
 * interrupted. */
int session_run(struct session *s);

/* Write every scenario's summary, KPIs and manifest. Returns 0 or 1. */
int session_finish(struct session *s);

/* Free everything (folders not finished are removed). */
void session_free(struct session *s);

/* The date `day` days after sc's start date (to the nearest day) into buf,
 * as kpis.csv's backlog_clear_day counts; "not within the horizon" when day
 * is not a number (a time-to KPI's quantile that does not exist). */
void session_day_text(const struct scenario *sc, double day, char *buf, size_t size);

/* The KPIs given as shares in the run's and compare's tables: the share of
 * replications whose backlog never clears, then each risk of sc, any
 * period end and the last. session_shares counts them; session_share
 * writes the k-th's KPI name and its table label (each
 * SESSION_SHARE_TEXT bytes). */
#define SESSION_SHARE_TEXT 400
size_t session_shares(const struct scenario *sc);
void session_share(const struct scenario *sc, size_t k, char name[SESSION_SHARE_TEXT],
                   char label[SESSION_SHARE_TEXT]);

#endif
