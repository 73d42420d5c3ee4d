#include "models/drift.h"

#include "models/metrics.h"
#include "models/model.h"
#include "models/replication.h"
#include "models/posts.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const stock_name[DRIFT_STOCKS] = {
    [DRIFT_VACANCIES] = "vacancies_fte", [DRIFT_AGENCY] = "agency_fte",
    [DRIFT_BACKLOG] = "unallocated", [DRIFT_CASELOAD] = "caseload_mean",
};
static const char *const scale_name[DRIFT_STOCKS] = {
    [DRIFT_VACANCIES] = "the establishment", [DRIFT_AGENCY] = "the establishment",
    [DRIFT_BACKLOG] = "the open cases", [DRIFT_CASELOAD] = "the caseload cap",
};
static const int stock_metric[DRIFT_STOCKS] = {
    [DRIFT_VACANCIES] = M_VACANCIES, [DRIFT_AGENCY] = M_AGENCY,
    [DRIFT_BACKLOG] = M_UNALLOCATED, [DRIFT_CASELOAD] = M_CASELOAD_MEAN,
};

const char *drift_stock_name(enum drift_stock k) { return stock_name[k]; }
const char *drift_scale_name(enum drift_stock k) { return scale_name[k]; }

struct day0 {
    bool seen;
    double stock[DRIFT_STOCKS], scale[DRIFT_STOCKS];
};

/* The model's observer: the first call is day 0, set up. */
static void read_day0(const struct model *m, void *arg)
{
    struct day0 *d = arg;
    if (d->seen)
        return;
    d->seen = true;
    double mean, cap;
    metrics_caseload(m, &mean, &cap);
    d->stock[DRIFT_VACANCIES] = posts_vacancies(m);
    d->stock[DRIFT_AGENCY] = m->agency_fte;
    d->stock[DRIFT_BACKLOG] = (double)m->n_queued;
    d->stock[DRIFT_CASELOAD] = mean;
    d->scale[DRIFT_VACANCIES] = d->scale[DRIFT_AGENCY] = posts_establishment(m);
    d->scale[DRIFT_BACKLOG] = (double)m->open_cases;
    d->scale[DRIFT_CASELOAD] = cap;
}

void drift_measure(const struct scenario *sc, uint64_t seed, size_t reps, struct drift *out)
{
    CHECK(reps > 0);
    memset(out, 0, sizeof *out);
    /* The scenario as it stands, on its own: no interventions, no warm-up,
     * the first year. A shallow copy with its own parameter values. */
    struct scenario quiet = *sc;
    quiet.n_iv = 0;
    quiet.reg.p = check_malloc(sc->reg.n * sizeof *quiet.reg.p);
    memcpy(quiet.reg.p, sc->reg.p, sc->reg.n * sizeof *quiet.reg.p);
    double *years = &quiet.reg.p[sc->p_horizon_years].value;
    *years = fmin(*years, DRIFT_SPAN_YEARS);
    quiet.reg.p[sc->p_warmup_days].value = 0;

    struct model *m = model_create(&quiet);
    struct result_layout l;
    metrics_layout(&quiet, &l);
    struct rep_result res;
    rep_result_alloc(&res, &l);
    out->days = scenario_horizon_days(&quiet, NULL);
    out->reps = reps;
    for (size_t r = 0; r < reps; r++) {
        struct day0 d = { 0 };
        m->after_event = read_day0;
        m->after_event_arg = &d;
        CHECK(model_run(m, seed, r, &l, &res, NULL) == 0);
        CHECK(d.seen);
        const double *last = res.values + (l.n_periods - 1) * l.n_metrics;
        for (int k = 0; k < DRIFT_STOCKS; k++) {
            out->day0[k] += d.stock[k] / (double)reps;
            out->scale[k] += d.scale[k] / (double)reps;
            out->end[k] += last[stock_metric[k]] / (double)reps;
        }
    }
    for (int k = 0; k < DRIFT_STOCKS; k++)
        out->share[k] = out->scale[k] > 0 ? fabs(out->end[k] - out->day0[k]) / out->scale[k] : 0;
    rep_result_free(&res);
    result_layout_free(&l);
    model_destroy(m);
    free(quiet.reg.p);
}

bool drift_notable(const struct scenario *sc, const struct drift *d, enum drift_stock k)
{
    return d->share[k] > sc->reg.p[sc->p_drift_notice].value;
}
