#include "output/compare.h"

#include "output/csv.h"
#include "sim/check.h"

#include <math.h>
#include <stdlib.h>

/* Mean paired difference of KPI name (NaN when either run lacks it). */
static double mean_difference(const struct result_layout *bl, const struct stats *bs,
                              const struct result_layout *al, const struct stats *as, const char *kpi)
{
    struct compare_row row;
    if (!compare_kpi(bl, bs, al, as, kpi, NAN, &row))
        return NAN;
    return row.diff.mean;
}

bool compare_kpi(const struct result_layout *bl, const struct stats *bs,
                 const struct result_layout *al, const struct stats *as, const char *kpi,
                 double extra_cost, struct compare_row *out)
{
    long kb = result_kpi_index(bl, kpi), ka = result_kpi_index(al, kpi);
    if (kb < 0 || ka < 0)
        return false;
    size_t n = stats_count(bs);
    CHECK(stats_count(as) == n);
    const double *x = stats_kpi_values(bs, (size_t)kb), *y = stats_kpi_values(as, (size_t)ka);
    double *d = check_calloc(n ? n : 1, sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = y[i] - x[i];
    struct summary sb, sa;
    stats_kpi(bs, (size_t)kb, &sb);
    stats_kpi(as, (size_t)ka, &sa);
    out->kpi = bl->kpi[kb].name;
    out->unit = bl->kpi[kb].unit;
    out->better = bl->kpi[kb].better;
    out->base_mean = sb.mean;
    out->alt_mean = sa.mean;
    summary_of(d, n, &out->diff);
    free(d);
    /* An interval that is a single point at zero excludes nothing. */
    out->excludes_zero = out->diff.n >= 2 && (out->diff.ci_low > 0 || out->diff.ci_high < 0);
    double improvement = out->better * out->diff.mean;
    out->cost_per_unit = out->better != 0 && out->excludes_zero && improvement > 0 && isfinite(extra_cost)
                             ? extra_cost / improvement
                             : NAN;
    return true;
}

void compare_write(struct afile *a, const char *base, const char *alt,
                   const struct result_layout *bl, const struct stats *bs,
                   const struct result_layout *al, const struct stats *as, bool header)
{
    if (header)
        afile_puts(a, COMPARE_CSV_HEADER);
    double extra_total = mean_difference(bl, bs, al, as, "cost_total");
    double extra_npv = mean_difference(bl, bs, al, as, "cost_npv");
    for (size_t k = 0; k < bl->n_kpis; k++) {
        struct compare_row row;
        if (!compare_kpi(bl, bs, al, as, bl->kpi[k].name, extra_total, &row))
            continue;
        csv_field(a, base);
        afile_write(a, ",", 1);
        csv_field(a, alt);
        afile_write(a, ",", 1);
        csv_field(a, row.kpi);
        afile_write(a, ",", 1);
        csv_field(a, row.unit);
        csv_next_number(a, row.base_mean);
        csv_next_number(a, row.alt_mean);
        csv_next_number(a, row.diff.mean);
        csv_next_number(a, row.diff.sd);
        csv_next_number(a, row.diff.ci_low);
        csv_next_number(a, row.diff.ci_high);
        afile_puts(a, row.excludes_zero ? ",yes" : ",no");
        csv_next_number(a, (double)row.diff.n);
        csv_next_number(a, extra_total);
        csv_next_number(a, extra_npv);
        csv_next_number(a, row.cost_per_unit);
        afile_write(a, "\n", 1);
    }
}
