/* eval.h — a scenario's results at given parameter values: the building
 * block of sweeps, tornado charts and goal seeking.
 *
 * An evaluation runs n replications of a scenario as its registry stands,
 * always from the same master seed, so evaluations at different parameter
 * values are paired replication by replication (common random numbers). It
 * keeps every replication's KPIs and, when asked, one metric read at one
 * period — nothing that grows with periods x replications. */
#ifndef CLI_EVAL_H
#define CLI_EVAL_H

#include "cli/options.h"
#include "cli/progress.h"
#include "models/caseload.h"
#include "output/stats.h"
#include "sim/result.h"

#include <stdbool.h>

struct eval {
    struct result_layout layout;   /* of the scenario at this point */
    struct result_layout kpis;     /* the same KPIs, no periods (shares layout's arrays) */
    struct stats *stats;           /* KPI values, every replication */
    long metric, period;           /* metric read at a period, or -1 */
    double *at;                    /* its value per replication (n), or NULL */
    size_t n;
    struct progress *prog;
    uint64_t *done;
};

/* Run o->reps replications of sc (seed o->seed, o->threads threads), with
 * metric `metric` (index in the scenario's layout, or NULL name) read at the
 * first period that ends on or after `at_date` (NULL: none). prog/done may
 * be NULL; done counts replications across evaluations for the progress
 * line. Returns 0, 1 (out of memory or interrupted: message printed) or 2
 * (bad metric or date: message printed). */
int eval_run(struct eval *e, const struct scenario *sc, const struct options *o, const char *metric,
             const char *at_date, struct progress *prog, uint64_t *done);

/* Summary of KPI name (false when there is none). */
bool eval_kpi(const struct eval *e, const char *name, struct summary *out);

/* The values of KPI name, one per replication (NULL when there is none). */
const double *eval_kpi_values(const struct eval *e, const char *name);

void eval_free(struct eval *e);

/* A parameter's value as text for people ("12.5", "true"). */
void eval_value_text(const struct scenario *sc, size_t param, double v, char *buf, size_t size);

#endif
