#include "output/compare.h"

#include "output/csv.h"
#include "output/manifest.h"
#include "output/runfolder.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    [COMPARE_BETTER_DEARER] = "better and dearer (no cost per unit: the KPI is not a count one can price)",
    [COMPARE_WORSE_CHEAPER] = "worse and cheaper (no cost per unit: the KPI is not a count one can price)",
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
        /* dearer and better, or cheaper and worse: money for outcome, with
         * a price only for a unit one can price */
        if (!r->priceable) {
            r->verdict = gain > 0 ? COMPARE_BETTER_DEARER : COMPARE_WORSE_CHEAPER;
            return;
        }
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
    out->priceable = bl->kpi[kb].priceable;
    out->base_mean = sb.mean;
    out->alt_mean = sa.mean;
    stats_summary_of(d, n, &out->diff);
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

static const char *const dominance_text[] = {
    [COMPARE_ON_FRONTIER] = "",
    [COMPARE_EXTENDEDLY] = "extendedly",
    [COMPARE_STRONGLY] = "strongly",
    [COMPARE_UNRANKED] = "",
};

const char *compare_dominance_text(enum compare_dominance d)
{
    CHECK((size_t)d < sizeof dominance_text / sizeof *dominance_text);
    return dominance_text[d];
}

/* Whether option i strongly dominates option j: no dearer, no worse, and
 * strictly one of them (of two identical options, the earlier wins). */
static bool dominates(const struct compare_option *o, size_t i, size_t j)
{
    if (o[i].cost > o[j].cost || o[i].gain < o[j].gain)
        return false;
    return o[i].cost < o[j].cost || o[i].gain > o[j].gain || i < j;
}

/* The order in which options are placed: an option that gains (in the
 * ranking KPI's good direction) before one that does not, gainers by net
 * present cost per unit gained against the base (an option cheaper and
 * better than the base has a negative cost per unit and comes first), the
 * rest by what they lose (none first), then by cost; then by index. */
static bool by_value(const struct compare_option *x, const struct compare_option *y, size_t i, size_t j)
{
    bool gx = x->gain > 0, gy = y->gain > 0;
    if (gx != gy)
        return gx;
    if (!gx && x->gain != y->gain)
        return x->gain > y->gain;   /* the base (no change) before any that does worse */
    double kx = gx ? x->cost / x->gain : x->cost, ky = gy ? y->cost / y->gain : y->cost;
    if (kx != ky)
        return kx < ky;
    return i < j;
}

/* Whether option i comes before option j in a ranking: the frontier, then
 * the extendedly and the strongly dominated, each by value (by_value). */
static bool ranks_before(const struct compare_option *o, size_t i, size_t j)
{
    if (o[i].dominated != o[j].dominated)
        return o[i].dominated < o[j].dominated;
    return by_value(&o[i], &o[j], i, j);
}

/* Whether option i costs less than option j (the frontier's order); then
 * by index. */
static bool cheaper(const struct compare_option *o, size_t i, size_t j)
{
    if (o[i].cost != o[j].cost)
        return o[i].cost < o[j].cost;
    return i < j;
}

/* Insertion sort of idx[0..m) by before (a handful of options). */
static void sort_places(const struct compare_option *o, size_t *idx, size_t m,
                        bool (*before)(const struct compare_option *, size_t, size_t))
{
    for (size_t k = 1; k < m; k++)
        for (size_t j = k; j > 0 && before(o, idx[j], idx[j - 1]); j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

void compare_rank(struct compare_option *opt, size_t n)
{
    size_t *idx = check_calloc(n ? n : 1, sizeof *idx), m = 0;
    for (size_t i = 0; i < n; i++) {
        opt[i].icer = NAN;
        opt[i].rank = 0;
        opt[i].dominated = isfinite(opt[i].cost) && isfinite(opt[i].gain) ? COMPARE_ON_FRONTIER : COMPARE_UNRANKED;
    }
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n && opt[j].dominated == COMPARE_ON_FRONTIER; i++)
            if (i != j && opt[i].dominated != COMPARE_UNRANKED && dominates(opt, i, j))
                opt[j].dominated = COMPARE_STRONGLY;
    /* what is left, by cost: the gains rise strictly with it */
    for (size_t i = 0; i < n; i++)
        if (opt[i].dominated == COMPARE_ON_FRONTIER)
            idx[m++] = i;
    sort_places(opt, idx, m, cheaper);
    /* remove, one at a time, a middle option whose ICER exceeds the next's */
    for (size_t k = 1; k + 1 < m;) {
        const struct compare_option *p = &opt[idx[k - 1]], *c = &opt[idx[k]], *q = &opt[idx[k + 1]];
        double in = (c->cost - p->cost) / (c->gain - p->gain), out = (q->cost - c->cost) / (q->gain - c->gain);
        if (in > out) {
            opt[idx[k]].dominated = COMPARE_EXTENDEDLY;
            memmove(&idx[k], &idx[k + 1], (m - k - 1) * sizeof *idx);
            m--;
            k = 1;   /* a removal can break the order before it */
        } else {
            k++;
        }
    }
    for (size_t k = 1; k < m; k++)
        opt[idx[k]].icer = (opt[idx[k]].cost - opt[idx[k - 1]].cost) / (opt[idx[k]].gain - opt[idx[k - 1]].gain);
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (opt[i].dominated != COMPARE_UNRANKED)
            idx[m++] = i;
    sort_places(opt, idx, m, ranks_before);
    for (size_t k = 0; k < m; k++)
        opt[idx[k]].rank = k + 1;
    free(idx);
}

/* Append the rows of one alternative to compare.csv (header first if
 * header). ranked: its place by KPI rank_kpi, written on that KPI's row
 * (NULL: no ranking, both columns empty). */
static void compare_write(struct afile *a, const char *base, const char *alt,
                   const struct result_layout *bl, const struct stats *bs,
                   const struct result_layout *al, const struct stats *as, bool header,
                   const char *rank_kpi, const struct compare_option *ranked)
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
        if (ranked && rank_kpi && strcmp(row.kpi, rank_kpi) == 0 && ranked->rank > 0) {
            afile_printf(a, ",%zu,", ranked->rank);
            afile_puts(a, compare_dominance_text(ranked->dominated));
        } else {
            afile_puts(a, ",,");
        }
        afile_write(a, "\n", 1);
    }
}

void compare_folder(char buf[COMPARE_FOLDER_SIZE], size_t index)
{
    snprintf(buf, COMPARE_FOLDER_SIZE, COMPARE_FOLDER_PREFIX "%zu", index + 1);
}

/* The manifest of the comparison (manifest.h), up to its end. */
static void compare_manifest(struct json *j, struct afile *man, const struct compare_run *r,
                             const struct compare_scenario *sc, size_t n)
{
    manifest_begin(j, man, r->version, "comparison");
    json_array(j, "scenarios");
    for (size_t i = 0; i < n; i++) {
        json_object(j, NULL);
        json_string(j, "name", sc[i].label);
        char sub[COMPARE_FOLDER_SIZE];
        compare_folder(sub, i);
        json_string(j, "folder", sub);
        json_string(j, "file", sc[i].file);
        json_string(j, "role", i == 0 ? "base" : "alternative");
        json_close(j);
    }
    json_close(j);
    json_uint(j, "seed", r->seed);
    json_string(j, "rank_kpi", r->rank_kpi);
    json_uint(j, "replications", r->replications);
    json_bool(j, "partial", r->partial);
    /* differences.csv's quantiles: exact only if every alternative's are */
    bool exact = true;
    for (size_t i = 1; i < n; i++)
        exact = exact && stats_exact(sc[i].diff_stats);
    json_string(j, "quantiles", exact ? "exact" : "P2");
    manifest_ranks(j, r->ranks, r->threads);
    manifest_command_line(j, r->argc, r->argv);
    manifest_time(j, "finished", time(NULL));
}

bool compare_commit_folder(const char *dir, const struct compare_run *r, const struct compare_scenario *sc,
                           size_t n)
{
    struct afile cmp, diff, years, man;
    /* in commit order, the manifest last */
    struct afile *const order[] = { &cmp, &diff, &years, &man };
    static const char *const names[] = { COMPARE_CSV, COMPARE_DIFFERENCES_CSV, COMPARE_YEARS_CSV, MANIFEST_FILE };
    size_t n_order = sizeof order / sizeof *order;
    char path[AFILE_PATH_MAX];
    for (size_t i = 0; i < n_order; i++) {
        if (runfolder_path(path, sizeof path, dir, names[i]) && afile_open(order[i], path))
            continue;
        int e = errno;
        while (i-- > 0)
            afile_abort(order[i]);
        errno = e;
        return false;
    }
    const struct compare_scenario *b = &sc[0];
    for (size_t i = 1; i < n; i++) {
        const struct compare_scenario *a = &sc[i];
        compare_write(&cmp, b->label, a->label, b->layout, b->stats, a->layout, a->stats, i == 1, r->rank_kpi,
                      a->ranked);
        csv_summary(&diff, a->label, a->diff, a->diff_stats, i == 1);
        csv_years(&years, a->label, a->diff->years, a->diff_years, i == 1);
    }
    struct json j;
    compare_manifest(&j, &man, r, sc, n);
    /* the scenario folders are the comparison's too: a later comparison
     * forced into dir removes those it no longer has */
    char **keep = check_calloc(n + 1, sizeof *keep);
    for (size_t i = 0; i < n; i++) {
        char sub[COMPARE_FOLDER_SIZE];
        compare_folder(sub, i);
        keep[i] = check_calloc(strlen(sub) + 2, 1);
        sprintf(keep[i], "%s/", sub);
    }
    manifest_end(&j, order, n_order, (const char *const *)keep);
    bool ok = runfolder_commit(order, n_order, (const char *const *)keep, dir);
    int e = errno;
    for (size_t i = 0; i < n; i++)
        free(keep[i]);
    free(keep);
    errno = e;
    return ok;
}
