#include "output/tornadofolder.h"

#include "output/csv.h"

const char *const tornadofolder_columns[TORNADO_COLUMNS] = {
    [TORNADO_RANK] = "rank",
    [TORNADO_PARAMETER] = "parameter",
    [TORNADO_UNIT] = "unit",
    [TORNADO_BASE_VALUE] = "base_value",
    [TORNADO_LOW_VALUE] = "low_value",
    [TORNADO_HIGH_VALUE] = "high_value",
    [TORNADO_KPI] = "kpi",
    [TORNADO_KPI_BASE] = "kpi_base",
    [TORNADO_KPI_LOW] = "kpi_low",
    [TORNADO_KPI_HIGH] = "kpi_high",
    [TORNADO_SWING] = "swing",
    [TORNADO_SWING_CI_LOW] = "swing_ci_low",
    [TORNADO_SWING_CI_HIGH] = "swing_ci_high",
};

void tornadofolder_header(struct tablefolder *t)
{
    for (size_t c = 0; c < TORNADO_COLUMNS; c++)
        afile_printf(&t->csv, "%s%s", c ? "," : "", tornadofolder_columns[c]);
    afile_puts(&t->csv, "\n");
}

void tornadofolder_row(struct tablefolder *t, size_t rank, const struct tornadofolder_bar *b, const char *kpi,
                       double kpi_base)
{
    /* in tornadofolder_columns' order */
    afile_printf(&t->csv, "%zu,", rank);
    csv_field(&t->csv, b->parameter);
    afile_puts(&t->csv, ",");
    csv_field(&t->csv, b->unit);
    csv_next_number(&t->csv, b->base);
    csv_next_number(&t->csv, b->low);
    csv_next_number(&t->csv, b->high);
    afile_puts(&t->csv, ",");
    csv_field(&t->csv, kpi);
    csv_next_number(&t->csv, kpi_base);
    csv_next_number(&t->csv, b->kpi_low);
    csv_next_number(&t->csv, b->kpi_high);
    csv_next_number(&t->csv, b->swing.mean);
    csv_next_number(&t->csv, b->swing.ci_low);
    csv_next_number(&t->csv, b->swing.ci_high);
    afile_puts(&t->csv, "\n");
}

bool tornadofolder_commit(struct tablefolder *t, const struct sweepfolder_run *r, const struct tornadofolder_bar *bars,
                          size_t n, const char *kpi, const char *kpi_unit, double spread)
{
    struct json *j = tablefolder_manifest(t, r->version, "tornado");
    sweepfolder_head(j, r);
    sweepfolder_kpi(j, r, kpi, kpi_unit);
    json_number(j, "spread", spread);
    json_array(j, "descriptions");
    for (size_t i = 0; i < n; i++) {
        json_object(j, NULL);
        json_string(j, "parameter", bars[i].parameter);
        json_string(j, "description", bars[i].descr);
        json_close(j);
    }
    json_close(j);
    return tablefolder_commit(t);
}
