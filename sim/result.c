#include "result.h"

#include "check.h"

#include <math.h>
#include <string.h>

void result_layout_free(struct result_layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_metrics; i++) {
        free(l->metric[i].name);
        free(l->metric[i].unit);
    }
    for (size_t i = 0; i < l->n_kpis; i++) {
        free(l->kpi[i].name);
        free(l->kpi[i].unit);
        free(l->kpi[i].descr);
    }
    if (l->years) {
        result_layout_free(l->years);
        free(l->years);
    }
    free(l->days);
    free(l->metric);
    free(l->kpi);
    free(l->date);
    free(l->period_end);
    memset(l, 0, sizeof *l);
}

void result_range_bounds(enum value_range r, double *lo, double *hi)
{
    switch (r) {
    case RANGE_REAL:
        *lo = -INFINITY;
        *hi = INFINITY;
        return;
    case RANGE_NONNEG:
        *lo = 0.0;
        *hi = INFINITY;
        return;
    case RANGE_UNIT:
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    CHECK(!"unknown value range");
}

long result_metric_index(const struct result_layout *l, const char *name)
{
    for (size_t i = 0; i < l->n_metrics; i++)
        if (strcmp(l->metric[i].name, name) == 0)
            return (long)i;
    return -1;
}

long result_kpi_index(const struct result_layout *l, const char *name)
{
    for (size_t i = 0; i < l->n_kpis; i++)
        if (strcmp(l->kpi[i].name, name) == 0)
            return (long)i;
    return -1;
}

void rep_result_alloc(struct rep_result *r, const struct result_layout *l)
{
    r->rep = 0;
    r->events = 0;
    r->values = check_calloc(l->n_periods * l->n_metrics, sizeof *r->values);
    r->kpi = check_calloc(l->n_kpis, sizeof *r->kpi);
    r->years = l->years ? check_calloc(l->years->n_periods * l->years->n_metrics + 1, sizeof *r->years) : NULL;
}

void rep_result_free(struct rep_result *r)
{
    if (!r)
        return;
    free(r->values);
    free(r->kpi);
    free(r->years);
    r->values = r->kpi = r->years = NULL;
}
