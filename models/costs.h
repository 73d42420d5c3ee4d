/* costs.h — money by category, per period, per financial year, in total
 * and discounted.
 *
 * Running costs are rates (£ per day) that change only when staff, posts or
 * interventions change; they are integrated exactly between changes. One-off
 * costs are lumps. The pay of staff off sick is kept as a memo: part of
 * staff cost, not added to the total again.
 *
 * An intervention's recurring cost accrues day by day over exactly its span:
 * in the k-th year from its start (from the start date's k-th anniversary
 * to the next) at cost_per_year / (days in that year) a day, so each whole
 * year of its span costs exactly cost_per_year (three years at £1.2m a year
 * are £3.6m) and a part year its share of that year's days.
 *
 * Each financial year's costs are also discounted continuously to the
 * reporting start at ln(1 + r) a year (year_pv), which `discounting =
 * "continuous"` reports; the default, annual (Green Book) discounting of
 * whole years, is applied when a year closes (metrics.c). */
#ifndef MODELS_COSTS_H
#define MODELS_COSTS_H

#include "models/model.h"

/* Start of a replication: rates and totals zero; the discount rate from
 * the scenario, discounting to the reporting start (the end of the warm-up,
 * or day 0 without one), where the costs counted start too. */
void costs_reset(struct model *m);

/* Integrate the rates in force up to now. */
void costs_advance(struct model *m);

/* Advance, then recompute the rates from the current staff, agency workers
 * and interventions in force. */
void costs_update_rates(struct model *m);

/* A one-off cost now. */
void costs_lump(struct model *m, enum cost_cat cat, double amount);

/* Intervention i starts now: its one-off cost, and its recurring cost
 * accrues from now (call before it is marked active). */
void costs_iv_begin(struct model *m, uint32_t i);

/* The labour market's prices (models/market.h), 1 without one: pay on
 * permanent grade g, 1 + labour_market.pay.supplement when g recruits from
 * the pool; the agency day rate's multiplier, max(1, D / S)^elasticity with
 * D the region's other agency demand + the agency FTE engaged now and S the
 * supply. */
double costs_pay_factor(const struct model *m, uint32_t g);
double costs_day_rate_factor(const struct model *m);

#endif
