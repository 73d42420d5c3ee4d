/* caseload.c — the façade's own functions (caseload.h). */
#include "models/caseload.h"

#include "models/metrics.h"

void caseload_layout(const struct scenario *sc, struct result_layout *out)
{
    metrics_layout(sc, out);
}

bool caseload_kpi_discounted(const char *name)
{
    return metrics_kpi_discounted(name);
}
