/* caseload.h — the façade: all the front end (cli/) needs of models/.
 *
 * cli/ includes this header and no other of models/ (the layout section of
 * docs/model.md; models/README.md for the inside of models/). What it
 * offers:
 *   - the scenario (scenario.h): load a file with --set overrides, read and
 *     set its parameters, validate it, its warnings;
 *   - a replication's workspace (replication.h): struct model stays opaque;
 *     create, run one replication into a rep_result, destroy;
 *   - the layout of a scenario's results (caseload_layout), which the
 *     output writers and the statistics need;
 *   - the synthetic records of a replication (recorder.h): a recorder is
 *     the trace (trace.h) given to a model by model_set_trace;
 *   - what caseload check and the limits report before anything runs: the
 *     drift notice (drift.h) and the cost estimate (estimate.h). */
#ifndef MODELS_CASELOAD_H
#define MODELS_CASELOAD_H

#include "models/drift.h"
#include "models/estimate.h"
#include "models/recorder.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "sim/result.h"

/* The layout of sc's results (metric and KPI definitions, period dates,
 * financial years) from the registry's values as they stand. Free with
 * result_layout_free. */
void caseload_layout(const struct scenario *sc, struct result_layout *out);

/* Whether the KPI name is money discounted to present value (other KPIs
 * in £ are cash, not discounted): what a chart's title says of it. */
bool caseload_kpi_discounted(const char *name);

#endif
