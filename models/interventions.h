/* interventions.h — scheduled changes to parameters, with their costs.
 *
 * At its from date an intervention sets, adds to or scales one parameter and
 * pays its one-off cost; its yearly cost runs while it is in force. At its
 * until date (if any) it stops. Whenever one starts or ends, its parameter
 * becomes the fold of every intervention on it in force then
 * (scenario_value_at). The dispatcher (replication.c) then refreshes what
 * depends on the parameters (model_refresh): raising an establishment
 * starts recruitment, lowering it lets posts lapse. */
#ifndef MODELS_INTERVENTIONS_H
#define MODELS_INTERVENTIONS_H

#include "models/model.h"

/* Day 0: schedule every start and end. */
void interventions_start(struct model *m);

/* EV_IV_START / EV_IV_END: costs, the flag, the parameter's new value;
 * the caller then calls model_refresh. */
void interventions_begin(struct model *m, uint32_t i);
void interventions_end(struct model *m, uint32_t i);

#endif
