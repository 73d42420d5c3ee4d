#include "output/compare.h"

#include "output/csv.h"
#include "sim/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const verdict_text[COMPARE_VERDICT_COUNT] = {
    [COMPARE_NEUTRAL] = "not judged: neither higher nor lower is better",
    [COMPARE_NO_CHANGE] = "no significant change",
    [COMPARE_BETTER_SAME_COST] = "better, at no significant difference in cost",
    [COMPARE_WORSE_SAME_COST] = "worse, at no significant difference in cost",
    [COMPARE_BETTER_CHEAPER] = "better and cheaper",
    [COMPARE_WORSE_DEARER] = "worse and dearer",
    [COMPARE_COST_PER_GAIN] = "better and dearer: cost_per_unit is the extra cost per unit gained",
    [COMPARE_SAVING_PER_LOSS] = "worse and cheaper: cost_per_unit is the saving per unit lost",
    [COMPARE_NO_PAIRED_DAYS] = "not judged: in some replication it never happened within the horizon",
};

const char *compare_verdict_text(enum compare_verdict v)
{
    CHECK(v < COMPARE_VERDICT_COUNT);
    return verdict_text[v];
}

static void judge(struct compare_row *r, const struct compare_row *cost)
{
    r->cost_per_unit = NAN;
    double gain = r->better * r->diff.mean;   /* > 0: the alternative is better */
    if (r->better == 0) {
        r->verdict = COMPARE_NEUTRAL;
        return;
    }
    if (!r->excludes_zero) {
        r->verdict = COMPARE_NO_CHANGE;
        return;
    }
    if (!cost || !cost->excludes_zero || !isfinite(cost->diff.mean)) {
        r->verdict = gain > 0 ? COMPARE_BETTER_SAME_COST : COMPARE_WORSE_SAME_COST;
        return;
    }
    double extra = cost->diff.mean;
    if (gain > 0 && extra <= 0) {
        r->verdict = COMPARE_BETTER_CHEAPER;
    } else if (gain < 0 && extra >= 0) {
        r->verdict = COMPARE_WORSE_DEARER;
    } else {
        /* dearer and better, or cheaper and worse: money for outcome */
        r->verdict = gain > 0 ? COMPARE_COST_PER_GAIN : COMPARE_SAVING_PER_LOSS;
        r->cost_per_unit = extra / gain;   /* both signs agree: > 0 */
    }
}

bool compare_kpi(const struct result_layout *bl, const struct stats *bs,
                 const struct result_layout *al, const struct stats *as, const char *kpi,
                 const struct compare_row *cost, struct compare_row *out)
{
    long kb = result_kpi_index(bl, kpi), ka = result_kpi_index(al, kpi);
    if (kb < 0 || ka < 0)
        return false;
    size_t n = stats_count(bs);
    CHECK(stats_count(as) == n);
    const double *x = stats_kpi_values(bs, (size_t)kb), *y = stats_kpi_values(as, (size_t)ka);
    double *d = check_calloc(n ? n : 1, sizeof *d);
    size_t cell[2][2] = { { 0, 0 }, { 0, 0 } };   /* [alternative][base] had the event */
    bool never = false;
    for (size_t i = 0; i < n; i++) {
        d[i] = y[i] - x[i];
        never = never || isinf(x[i]) || isinf(y[i]);
        if (!isnan(x[i]) && !isnan(y[i]))
            cell[y[i] != 0][x[i] != 0]++;
    }
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
    enum kpi_stat stat = bl->kpi[kb].stat;
    CHECK(al->kpi[ka].stat == stat);
    if (stat == KPI_STAT_SHARE && out->diff.n > 0) {
        /* paired binary outcomes: Newcombe's interval, not Student's */
        double diff;   /* = out->diff.mean */
        stats_paired_share_diff(cell[1][1], cell[1][0], cell[0][1], cell[0][0], &diff, &out->diff.ci_low,
                                &out->diff.ci_high);
    } else if (stat == KPI_STAT_TIME_TO && never) {
        /* a replication that never got there has no difference in days */
        out->diff = (struct summary){ .n = cell[0][0] + cell[0][1] + cell[1][0] + cell[1][1] };
        out->diff.mean = out->diff.sd = out->diff.ci_low = out->diff.ci_high = NAN;
        out->diff.p05 = out->diff.p25 = out->diff.p50 = out->diff.p75 = out->diff.p95 = NAN;
    }
    /* An interval that is a single point at zero excludes nothing. */
    out->excludes_zero = out->diff.n >= 2 && (out->diff.ci_low > 0 || out->diff.ci_high < 0);
    judge(out, cost);
    if (stat == KPI_STAT_TIME_TO && never)
        out->verdict = COMPARE_NO_PAIRED_DAYS;
    return true;
}

void compare_write(struct afile *a, const char *base, const char *alt,
                   const struct result_layout *bl, const struct stats *bs,
                   const struct result_layout *al, const struct stats *as, bool header)
{
    if (header)
        afile_puts(a, COMPARE_CSV_HEADER);
    struct compare_row cost, npv;
    bool have_cost = compare_kpi(bl, bs, al, as, "cost_total", NULL, &cost);
    bool have_npv = compare_kpi(bl, bs, al, as, "cost_npv", NULL, &npv);
    double extra_total = have_cost ? cost.diff.mean : NAN;
    double extra_npv = have_npv ? npv.diff.mean : NAN;
    for (size_t k = 0; k < bl->n_kpis; k++) {
        struct compare_row row;
        if (!compare_kpi(bl, bs, al, as, bl->kpi[k].name, have_cost ? &cost : NULL, &row))
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
        afile_write(a, ",", 1);
        csv_field(a, compare_verdict_text(row.verdict));
        afile_write(a, "\n", 1);
    }
}

void compare_folder(char buf[COMPARE_FOLDER_SIZE], size_t index)
{
    snprintf(buf, COMPARE_FOLDER_SIZE, COMPARE_FOLDER_PREFIX "%zu", index + 1);
}
