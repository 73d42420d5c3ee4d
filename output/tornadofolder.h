/* tornadofolder.h — the folder of a tornado chart (caseload sweep
 * --tornado): which assumptions move a KPI most.
 *
 *   tornado.csv    one row per parameter, largest swing first: rank,
 *                  parameter, unit, base_value, low_value, high_value,
 *                  kpi, kpi_base, kpi_low, kpi_high (the KPI's mean at the
 *                  scenario's values, at low, at high), swing (high - low,
 *                  paired by replication) and its 95% CI
 *   manifest.json  manifest.h's members, the run (sweepfolder_head), then
 *                  kpi, kpi_description, kpi_unit, kpi_discounted, spread
 *                  and descriptions (each parameter's description, in
 *                  plain words, as [{"parameter", "description"}]) */
#ifndef OUTPUT_TORNADOFOLDER_H
#define OUTPUT_TORNADOFOLDER_H

#include "output/stats.h"
#include "output/sweepfolder.h"
#include "output/tablefolder.h"

#include <stdbool.h>
#include <stddef.h>

#define TORNADOFOLDER_CSV "tornado.csv"

/* tornado.csv's columns, in order. */
enum tornadofolder_column {
    TORNADO_RANK, TORNADO_PARAMETER, TORNADO_UNIT, TORNADO_BASE_VALUE, TORNADO_LOW_VALUE, TORNADO_HIGH_VALUE,
    TORNADO_KPI, TORNADO_KPI_BASE, TORNADO_KPI_LOW, TORNADO_KPI_HIGH, TORNADO_SWING, TORNADO_SWING_CI_LOW,
    TORNADO_SWING_CI_HIGH, TORNADO_COLUMNS
};
extern const char *const tornadofolder_columns[TORNADO_COLUMNS];

/* One bar: a parameter at its low and high values. */
struct tornadofolder_bar {
    const char *parameter, *descr, *unit;
    double base, low, high;         /* the parameter's values */
    double kpi_low, kpi_high;       /* the KPI's mean at low and high */
    struct summary swing;           /* of high - low, paired by replication */
};

/* The header row. */
void tornadofolder_header(struct tablefolder *t);

/* Row of the bar ranked rank (1-based) of KPI kpi (mean kpi_base at the
 * scenario's values). */
void tornadofolder_row(struct tablefolder *t, size_t rank, const struct tornadofolder_bar *b, const char *kpi,
                       double kpi_base);

/* Write the manifest (with the descriptions of bars[0..n)) and commit the
 * folder (tablefolder_commit). */
bool tornadofolder_commit(struct tablefolder *t, const struct sweepfolder_run *r, const struct tornadofolder_bar *bars,
                          size_t n, const char *kpi, const char *kpi_unit, double spread);

#endif
