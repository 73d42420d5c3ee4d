/* costs.h — money by category, per period, in total and discounted.
 *
 * Running costs are rates (£ per day) that change only when staffing or
 * interventions change; they are integrated exactly between changes, and so
 * is their present value at the scenario's discount rate (continuous
 * discounting from day 0 at ln(1 + r) per year). One-off costs are lumps.
 * The pay of staff off sick is kept as a memo: part of staff cost, not added
 * to the total again. */
#ifndef MODELS_COSTS_H
#define MODELS_COSTS_H

#include "models/model.h"

/* Day 0: rates zero, totals zero, discount from the scenario. */
void costs_reset(struct model *m);

/* Integrate the rates in force up to now. */
void costs_advance(struct model *m);

/* Advance, then recompute the rates from the current staff, agency workers
 * and interventions in force. */
void costs_update_rates(struct model *m);

/* A one-off cost now. */
void costs_lump(struct model *m, enum cost_cat cat, double amount);

/* Names of the categories as metric suffixes: "staff", "agency", ... */
const char *costs_cat_name(enum cost_cat cat);

#endif
