/* sweepfolder.h — the folder of a sweep over a grid of one or two
 * parameters (caseload sweep --vary):
 *
 *   sweep.csv      one row per point, in run order: point, the value of
 *                  each lever (a date as days from the start), then for
 *                  each KPI its mean, ci_low, ci_high, p05 and p95 across
 *                  the point's replications (columns KPI_mean, …)
 *   manifest.json  manifest.h's members, then what was swept: scenario,
 *                  file, files (each with its SHA-256), overrides, start,
 *                  horizon_years, seed, replications_per_point, points,
 *                  partial, command_line, started, finished, vary (each
 *                  lever's parameter, description, unit, base, from, to,
 *                  steps), kpi, kpi_description, kpi_unit and
 *                  kpi_discounted (what the charts draw, in the words and
 *                  units their titles and axes use)
 *
 * The members the sweep and the tornado chart share (sweepfolder_head)
 * are written here for both. */
#ifndef OUTPUT_SWEEPFOLDER_H
#define OUTPUT_SWEEPFOLDER_H

#include "output/json.h"
#include "output/manifest.h"
#include "output/stats.h"
#include "output/tablefolder.h"
#include "sim/result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SWEEPFOLDER_CSV "sweep.csv"

/* The statistics sweep.csv gives each KPI, in column order; column
 * KPI_SUFFIX. */
enum sweepfolder_stat { SWEEPFOLDER_MEAN, SWEEPFOLDER_CI_LOW, SWEEPFOLDER_CI_HIGH, SWEEPFOLDER_P05,
                        SWEEPFOLDER_P95, SWEEPFOLDER_STATS };
extern const char *const sweepfolder_suffix[SWEEPFOLDER_STATS];

/* What was run, common to a sweep's and a tornado chart's manifest. */
struct sweepfolder_run {
    const char *version, *scenario, *file;
    const struct manifest_sources *sources;
    const char *start;           /* the scenario's start date */
    double horizon_years;
    time_t started;
    const char *kpi_descr;       /* the KPI's description (the registry's) */
    bool kpi_discounted;         /* money discounted to present value (else cash) */
    uint64_t seed, reps_per_point;
    size_t points;               /* points run (all, or those finished) */
    bool partial;
    unsigned ranks, threads;     /* manifest_ranks */
    int argc;
    char *const *argv;
};

/* One lever of the grid. */
struct sweepfolder_lever {
    const char *parameter, *descr, *unit;
    double base, from, to;
    size_t steps;
};

/* The members sweepfolder_run gives, in the manifest j. */
void sweepfolder_head(struct json *j, const struct sweepfolder_run *r);

/* The KPI's members: kpi, kpi_description, kpi_unit, kpi_discounted. */
void sweepfolder_kpi(struct json *j, const struct sweepfolder_run *r, const char *kpi, const char *kpi_unit);

/* sweep.csv's header: point, the levers' parameters[0..n_levers), then
 * the statistics of every KPI of kpis. */
void sweepfolder_header(struct tablefolder *t, const char *const *parameters, size_t n_levers,
                        const struct result_layout *kpis);

/* Row of point (1-based) at lever values v[0..n_levers), the KPIs of st. */
void sweepfolder_row(struct tablefolder *t, size_t point, const double *v, size_t n_levers,
                     const struct stats *st, size_t n_kpis);

/* Write the manifest and commit the folder (tablefolder_commit). */
bool sweepfolder_commit(struct tablefolder *t, const struct sweepfolder_run *r,
                        const struct sweepfolder_lever *lv, size_t n_levers, const char *kpi, const char *kpi_unit);

#endif
