/* compare.h — paired comparison of an alternative against a base.
 *
 * Both scenarios ran the same replications with the same seeds, so
 * replication r of each saw the same children and the same workers' draws:
 * the difference alternative - base is taken replication by replication and
 * its mean, sd and Student t interval reported. compare.csv has one row per
 * alternative x KPI:
 *
 *   base,alternative,kpi,unit,base_mean,alternative_mean,difference,
 *   difference_sd,ci_low,ci_high,excludes_zero,n,extra_cost_total,
 *   extra_cost_npv,cost_per_unit
 *
 * extra_cost_* are the mean paired differences of cost_total and cost_npv;
 * cost_per_unit is extra_cost_total divided by the improvement (the
 * difference in the KPI's better direction) when the interval excludes zero
 * and the KPI improved, else NA: e.g. £ per child-day of unallocated waiting
 * avoided. */
#ifndef OUTPUT_COMPARE_H
#define OUTPUT_COMPARE_H

#include "output/afile.h"
#include "output/stats.h"
#include "sim/result.h"

#include <stdbool.h>

#define COMPARE_CSV_HEADER                                                              \
    "base,alternative,kpi,unit,base_mean,alternative_mean,difference,difference_sd,"   \
    "ci_low,ci_high,excludes_zero,n,extra_cost_total,extra_cost_npv,cost_per_unit\n"

/* One KPI's paired comparison. */
struct compare_row {
    const char *kpi, *unit;
    int better;
    double base_mean, alt_mean;
    struct summary diff;
    bool excludes_zero;
    double cost_per_unit;        /* NaN when not meaningful */
};

/* Paired comparison of KPI name between two finished runs (same
 * replications). False when either has no such KPI. extra_cost is the mean
 * paired difference of cost_total (NaN when absent). */
bool compare_kpi(const struct result_layout *bl, const struct stats *bs,
                 const struct result_layout *al, const struct stats *as, const char *kpi,
                 double extra_cost, struct compare_row *out);

/* Append the rows of one alternative to compare.csv (header first if
 * header). */
void compare_write(struct afile *a, const char *base, const char *alt,
                   const struct result_layout *bl, const struct stats *bs,
                   const struct result_layout *al, const struct stats *as, bool header);

#endif
