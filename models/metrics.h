/* metrics.h — what a replication reports: metrics per period and KPIs.
 *
 * The metric columns and KPI names are part of the product's contract (see
 * docs/model.md). A stock is the value at the end of a period, a flow the
 * total over it. Reporting starts after the warm-up, in calendar periods
 * (week, month or quarter) from the reporting start date, the last one
 * clipped to the horizon. */
#ifndef MODELS_METRICS_H
#define MODELS_METRICS_H

#include "models/model.h"
#include "sim/result.h"

/* Fixed metrics, in column order; per-stage and per-grade columns follow. */
enum metric {
    M_REFERRALS, M_SCREENED_OUT, M_OPEN_CASES, M_ALLOCATED, M_UNALLOCATED,
    M_WAITING_OVER, M_MEAN_WAIT, M_REALLOCATIONS, M_CLOSED,
    M_IN_POST, M_SICK, M_VACANCIES, M_AGENCY, M_UNSUPERVISED,
    M_CASELOAD_MEAN, M_CASELOAD_P90, M_STARTERS, M_LEAVERS, M_SICKNESS_RATE,
    M_COST_STAFF, M_COST_AGENCY, M_COST_RECRUITMENT, M_COST_TRAINING, M_COST_INTERVENTIONS,
    M_COST_TOTAL, M_COST_CUMULATIVE, M_ESTABLISHMENT, M_ALLOCATIONS, M_AGENCY_STARTS, M_CASELOAD_CAP,
    M_VACANT_UNCOVERED, M_COST_SICKNESS, M_SUPERNUMERARY,
    M_FIXED_COUNT
};

enum kpi {
    K_BACKLOG_MEAN, K_BACKLOG_END, K_CHILD_DAYS_UNALLOCATED, K_CHILD_DAYS_OVER,
    K_WAITING_OVER_END, K_MEAN_WAIT, K_CASELOAD_MEAN, K_STAFF_IN_POST_MEAN,
    K_VACANCY_RATE, K_SICKNESS_RATE, K_AGENCY_FTE_MEAN, K_AGENCY_SHARE_COST,
    K_TURNOVER_RATE, K_REALLOCATIONS, K_CHANGES_PER_CLOSED, K_REFERRALS, K_CLOSED,
    K_COST_TOTAL, K_COST_NPV, K_COST_STAFF, K_COST_AGENCY, K_COST_RECRUITMENT,
    K_COST_TRAINING, K_COST_INTERVENTIONS, K_COST_SICKNESS,
    K_BACKLOG_CLEAR_DAY, K_BACKLOG_NEVER_CLEARS,
    K_COUNT
};
/* After the fixed KPIs come two per risk r of the scenario (sc->risk[r]):
 * risk_any_<slug> at K_COUNT + 2r, risk_end_<slug> at K_COUNT + 2r + 1. */

/* The series.csv metric columns of sc: how many, the name of column i
 * (into buf), and the column of a name (-1 when there is none). */
size_t metrics_count(const struct scenario *sc);
void metrics_name(const struct scenario *sc, size_t i, char *buf, size_t size);
long metrics_find(const struct scenario *sc, const char *name);

/* The period end from which the backlog stays at or below `below` for at
 * least `need` period ends in a row (with need = 0: up to the last period
 * end), as an index into unallocated[0..n) (the backlog at each period
 * end); n when there is none within the n. */
size_t metrics_clear_period(const double *unallocated, size_t n, double below, size_t need);

/* Metrics of a financial year (years.csv), in column order; then per
 * intervention i cost_once_<slug> at Y_FIXED_COUNT + 2i and
 * cost_recurring_<slug> just after it. */
enum year_metric {
    Y_COST_STAFF, Y_COST_AGENCY, Y_COST_RECRUITMENT, Y_COST_TRAINING, Y_COST_INTERVENTIONS,
    Y_COST_SICKNESS, Y_COST_TOTAL, Y_DISCOUNT_FACTOR, Y_COST_DISCOUNTED,
    Y_IN_POST, Y_AGENCY, Y_VACANCIES, Y_REFERRALS, Y_BACKLOG_END,
    Y_FIXED_COUNT
};

/* Build the layout of scenario sc (metric and KPI definitions, period dates)
 * from the registry's values. Free with result_layout_free. */
void metrics_layout(const struct scenario *sc, struct result_layout *out);

/* Whether KPI name is money discounted to present value (the others in £
 * are cash). */
bool metrics_kpi_discounted(const char *name);

/* Mean load, and mean effective cap, of the case-holding workers at work
 * now (caseload_mean and caseload_cap); 0 when there are none. */
void metrics_caseload(const struct model *m, double *mean, double *cap);

/* Day 0 / end of warm-up: zero every tally. */
void metrics_reset(struct model *m);

/* Add the stocks' time integrals up to now (called before every event). */
static inline void metrics_advance(struct model *m)
{
    double dt = m->sim.now - m->in_period.since;
    if (dt <= 0)
        return;
    double in_post = m->fte_in_post_all, sick = m->fte_sick_all;
    struct integrals *a = &m->in_period, *b = &m->in_total;
    double q = (double)m->n_queued;
    a->unallocated += q * dt;
    b->unallocated += q * dt;
    a->in_post += in_post * dt;
    b->in_post += in_post * dt;
    a->sick += sick * dt;
    b->sick += sick * dt;
    a->agency += m->agency_fte * dt;
    b->agency += m->agency_fte * dt;
    m->in_year.in_post += in_post * dt;
    m->in_year.agency += m->agency_fte * dt;
    a->since = b->since = m->in_year.since = m->sim.now;
}

/* End of reporting period p: write its row into m->out and start the next. */
void metrics_period_end(struct model *m, size_t p);

/* End of financial year y before the horizon: its row into m->out->years
 * and start the next. (The last year closes in metrics_finish.) */
void metrics_year_end(struct model *m, size_t y);

/* The calendar year in which the financial year holding day (days from
 * the scenario's start) starts. */
int metrics_fy_of_day(const struct scenario *sc, double day);

/* End of the horizon: the last year's row and the KPIs into m->out. */
void metrics_finish(struct model *m);

#endif
