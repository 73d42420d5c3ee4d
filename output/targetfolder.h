/* targetfolder.h — the folder of a goal seek (caseload target): the
 * smallest lever value that keeps a KPI below a level in a given share of
 * replications.
 *
 *   target.csv     one row per evaluation, by lever value: evaluation,
 *                  lever, value, share_below and its 95% CI (share_ci_low,
 *                  share_ci_high), kpi_mean, cost_total, cost_npv
 *   manifest.json  manifest.h's members, then the question (scenario,
 *                  file, files with their SHA-256, overrides, start,
 *                  horizon_years, lever with lever_description and
 *                  lever_unit, kpi with kpi_description and kpi_unit, at,
 *                  below, probability), the answer
 *                  (found, value with its bracket value_low..value_high,
 *                  share_below, cost_total, cost_npv; null when not
 *                  found), the lever today (current_value,
 *                  current_cost_total), evaluations, seed,
 *                  replications_per_evaluation, command_line, started and
 *                  finished */
#ifndef OUTPUT_TARGETFOLDER_H
#define OUTPUT_TARGETFOLDER_H

#include "output/manifest.h"
#include "output/tablefolder.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TARGETFOLDER_CSV "target.csv"

/* One evaluation of the lever. */
struct targetfolder_point {
    double x;                    /* lever value */
    double p, p_low, p_high;     /* share of replications below, 95% CI */
    double kpi_mean;
    double cost, npv;            /* total cost, net present cost */
};

/* The question and its answer. */
struct targetfolder_search {
    const char *version, *scenario, *file, *lever, *kpi, *at;
    const struct manifest_sources *sources;
    const char *start;                         /* the scenario's start date */
    double horizon_years;
    const char *lever_descr, *lever_unit;      /* in the registry's words */
    const char *kpi_descr, *kpi_unit;
    time_t started;
    double below, probability;
    const struct targetfolder_point *answer;   /* NULL when not found */
    double value_low, value_high;              /* the answer's bracket */
    const struct targetfolder_point *now;      /* at the scenario's value */
    size_t evaluations;
    uint64_t seed, reps;
    unsigned ranks, threads;                   /* manifest_ranks */
    int argc;
    char *const *argv;
};

/* The header row. */
void targetfolder_header(struct tablefolder *t);

/* Row of evaluation i (1-based) of lever. */
void targetfolder_row(struct tablefolder *t, size_t i, const char *lever, const struct targetfolder_point *p);

/* Write the manifest and commit the folder (tablefolder_commit). */
bool targetfolder_commit(struct tablefolder *t, const struct targetfolder_search *s);

#endif
