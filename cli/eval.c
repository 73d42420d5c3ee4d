#include "cli/eval.h"

#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/signals.h"
#include "models/caseload.h"
#include "sim/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool sink(void *ctx, uint64_t rep, const struct rep_result *res)
{
    struct eval *e = ctx;
    stats_add(e->stats, &res[0]);
    if (e->at)
        e->at[rep] = res[0].values[(size_t)e->period * e->layout.n_metrics + (size_t)e->metric];
    e->n++;
    if (e->done)
        progress_update(e->prog, ++*e->done);
    return true;
}

int eval_run(struct eval *e, const struct scenario *sc, const struct options *o, const char *metric,
             const char *at_date, struct progress *prog, uint64_t *done)
{
    memset(e, 0, sizeof *e);
    e->metric = e->period = -1;
    e->prog = prog;
    e->done = done;
    caseload_layout(sc, &e->layout);
    e->kpis = e->layout;
    e->kpis.n_periods = 0;
    if (metric) {
        e->metric = result_metric_index(&e->layout, metric);
        if (e->metric < 0) {
            fprintf(stderr, "caseload: --kpi %s: no such metric column (see series.csv's header, e.g. unallocated)\n",
                    metric);
            return EXIT_USAGE;
        }
        for (size_t p = 0; p < e->layout.n_periods && e->period < 0; p++)
            if (strcmp(e->layout.date[p], at_date) >= 0)
                e->period = (long)p;
        if (e->period < 0) {
            fprintf(stderr, "caseload: --at %s: after the last reported day (%s)\n", at_date,
                    e->layout.date[e->layout.n_periods - 1]);
            return EXIT_USAGE;
        }
        e->at = check_calloc(o->reps, sizeof *e->at);
    }
    e->stats = stats_create(&e->kpis);
    if (!e->stats) {
        fprintf(stderr, "caseload: out of memory\n");
        return EXIT_FAILURE_RUN;
    }
    const struct scenario *scs[1] = { sc };
    long keep = e->at ? e->period * (long)e->layout.n_metrics + e->metric : -1;
    struct batch b = { scs, &e->layout, 1, o->seed, sink, e, true, keep };   /* the sink reads KPIs and keep */
    long long got = batch_run(&b, 0, o->reps, o->threads, &signals_stop);
    if (got < 0) {
        fprintf(stderr, "caseload: out of memory starting the replications\n");
        return EXIT_FAILURE_RUN;
    }
    if ((uint64_t)got < o->reps)
        return EXIT_FAILURE_RUN; /* interrupted */
    return EXIT_OK;
}

bool eval_kpi(const struct eval *e, const char *name, struct summary *out)
{
    long k = result_kpi_index(&e->kpis, name);
    if (k < 0)
        return false;
    stats_kpi(e->stats, (size_t)k, out);
    return true;
}

const double *eval_kpi_values(const struct eval *e, const char *name)
{
    long k = result_kpi_index(&e->kpis, name);
    return k < 0 ? NULL : stats_kpi_values(e->stats, (size_t)k);
}

void eval_free(struct eval *e)
{
    stats_destroy(e->stats);
    free(e->at);
    result_layout_free(&e->layout);
    memset(e, 0, sizeof *e);
}

void eval_value_text(const struct scenario *sc, size_t param, double v, char *buf, size_t size)
{
    params_format_value(&sc->reg, param, v, buf, size);
}
