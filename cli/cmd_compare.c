/* cmd_compare.c — caseload compare BASE.cfg ALT.cfg [ALT2.cfg ...]: paired
 * runs of every scenario (same seeds: common random numbers) and the
 * differences of each alternative against the base. */
#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/signals.h"
#include "output/compare.h"
#include "output/csv.h"
#include "output/json.h"
#include "output/manifest.h"
#include "output/numfmt.h"
#include "output/plot.h"
#include "output/runfolder.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Longest default folder name before it is shortened to a count. */
#define COMPARE_DIR_NAME_MAX 120

/* The KPI options are ranked by when --rank does not say. */
#define COMPARE_DEFAULT_RANK "child_days_unallocated"

static const struct {
    const char *kpi, *label;
    double scale;
} shown[] = {
    { "backlog_mean", "unallocated cases (mean)", 1 },
    { "child_days_unallocated", "child-days unallocated", 1 },
    { "waiting_over_threshold_end", "waiting over threshold (end)", 1 },
    { "mean_wait_days", "wait to allocation (days)", 1 },
    { "caseload_mean", "caseload per worker (points)", 1 },
    { "vacancy_rate_mean", "vacancy rate (%)", 100 },
    { "sickness_rate_mean", "sickness absence (%)", 100 },
    { "agency_fte_mean", "agency workers (FTE)", 1 },
    { "cost_agency_total", "agency spend (£m)", 1e-6 },
    { "cost_total", "total cost (£m)", 1e-6 },
    { "cost_npv", "NPV of cost (£m)", 1e-6 },
};

static void fmt(char *buf, size_t size, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else
        numfmt_table(buf, size, fabs(v) >= 1000 ? "%.0f" : "%.2f", v);
}

/* What an alternative's extra cost buys in one outcome, in words (the
 * verdict of compare.csv's value_for_money). */
static void print_value(const char *what, const char *unit, const struct compare_row *r)
{
    char v[32];
    fmt(v, sizeof v, r->cost_per_unit);
    if (r->verdict == COMPARE_COST_PER_GAIN)
        printf("  %-36s £%s per %s avoided\n", what, v, unit);
    else if (r->verdict == COMPARE_SAVING_PER_LOSS)
        printf("  %-36s saves £%s per extra %s\n", what, v, unit);
    else
        printf("  %-36s %s\n", what, compare_verdict_text(r->verdict));
}

/* When the backlog clears in each, and the shares (never clears, the
 * risks: in %, the difference in percentage points with Newcombe's paired
 * interval). */
static void print_outlook(const struct session_item *b, const struct session_item *a, const struct compare_row *pc)
{
    long kb = result_kpi_index(&b->layout, "backlog_clear_day"), ka = result_kpi_index(&a->layout, "backlog_clear_day");
    if (kb >= 0 && ka >= 0) {
        struct summary sb, sa;
        stats_kpi(b->rf.stats, (size_t)kb, &sb);
        stats_kpi(a->rf.stats, (size_t)ka, &sa);
        char bd[48], ad[48];
        session_day_text(b->sc, sb.p50, bd, sizeof bd);
        session_day_text(a->sc, sa.p50, ad, sizeof ad);
        printf("  ");
        numfmt_pad("backlog clears (median date)", 30);
        printf(" %12s %12s\n", isfinite(sb.p50) ? bd : "not within", isfinite(sa.p50) ? ad : "not within");
    }
    const struct scenario *sc = b->sc;
    for (size_t q = 0; q < session_shares(sc); q++) {
        char name[SESSION_SHARE_TEXT], label[SESSION_SHARE_TEXT];
        session_share(sc, q, name, label);
        struct compare_row row;
        if (!compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, name, pc, &row))
            continue;
        char bm[32], am[32], d[32], lo[32], hi[32];
        fmt(bm, sizeof bm, row.base_mean * 100);
        fmt(am, sizeof am, row.alt_mean * 100);
        fmt(d, sizeof d, row.diff.mean * 100);
        fmt(lo, sizeof lo, row.diff.ci_low * 100);
        fmt(hi, sizeof hi, row.diff.ci_high * 100);
        printf("  ");
        numfmt_pad(label, 30);
        printf(" %12s %12s   %s (%s to %s)%s\n", bm, am, d, lo, hi, row.excludes_zero ? " *" : "");
    }
}

/* The place of every scenario of s (the base first) by KPI kpi: its
 * paired extra net present cost and gain against the base (compare_rank).
 * Returns the options (n of them; the caller frees), or NULL when the
 * scenarios lack the KPI or cost_npv. */
static struct compare_option *rank_options(const struct session *s, const char *kpi)
{
    const struct session_item *b = &s->item[0];
    struct compare_option *opt = check_calloc(s->n, sizeof *opt);
    for (size_t i = 1; i < s->n; i++) {
        const struct session_item *a = &s->item[i];
        struct compare_row npv, r;
        if (!compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, "cost_npv", NULL, &npv)
            || !compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, kpi, NULL, &r)) {
            free(opt);
            return NULL;
        }
        opt[i].cost = npv.diff.mean;
        opt[i].gain = r.better * r.diff.mean;
    }
    compare_rank(opt, s->n);
    return opt;
}

/* The ranking in a table, in rank order. */
static void print_ranking(const struct session *s, const char *kpi, const struct compare_option *opt)
{
    const struct result_layout *l = &s->item[0].layout;
    long k = result_kpi_index(l, kpi);
    CHECK(k >= 0);
    printf("\n  Options ranked by net present cost per unit of %s gained (£, %s)\n", kpi, l->kpi[k].unit);
    printf("  %4s  %-28s %14s %14s %14s   %s\n", "rank", "option", "extra NPC", "gain", "ICER", "dominated");
    for (size_t r = 1; r <= s->n; r++)
        for (size_t i = 0; i < s->n; i++) {
            if (opt[i].rank != r)
                continue;
            char c[32], g[32], icer[32];
            fmt(c, sizeof c, opt[i].cost);
            fmt(g, sizeof g, opt[i].gain);
            fmt(icer, sizeof icer, opt[i].icer);
            const char *dom = compare_dominance_text(opt[i].dominated);
            printf("  %4zu  ", r);
            numfmt_pad(s->item[i].label, 28);
            printf(" %14s %14s %14s%s%s%s\n", c, g, icer, dom[0] || i == 0 ? "   " : "", dom,
                   i == 0 ? (dom[0] ? " (base)" : "(base)") : "");
        }
    for (size_t i = 0; i < s->n; i++)
        if (opt[i].rank == 0)
            printf("  %4s  %s: not ranked (its cost or %s is not a number)\n", "-", s->item[i].label, kpi);
    printf("  extra NPC: net present cost, paired mean difference against the base; gain: the KPI's paired mean\n"
           "  improvement; ICER: extra cost per unit gained over the next cheaper option on the frontier\n");
}

/* The money in a planner's words: the agency saving and the net present
 * cost of the option (the discounted net difference), with their 95%
 * intervals. */
static void print_money(const struct session_item *b, const struct session_item *a)
{
    struct compare_row r;
    char d[32], lo[32], hi[32];
    if (compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, "cost_agency_total", NULL, &r)) {
        fmt(d, sizeof d, -r.diff.mean * 1e-6);
        fmt(lo, sizeof lo, -r.diff.ci_high * 1e-6);
        fmt(hi, sizeof hi, -r.diff.ci_low * 1e-6);
        printf("  %-36s £%sm (%s to %s)\n", "agency saving", d, lo, hi);
    }
    if (compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, "cost_npv", NULL, &r)) {
        fmt(d, sizeof d, r.diff.mean * 1e-6);
        fmt(lo, sizeof lo, r.diff.ci_low * 1e-6);
        fmt(hi, sizeof hi, r.diff.ci_high * 1e-6);
        printf("  %-36s £%sm (%s to %s)\n", "net present cost of the option", d, lo, hi);
    }
}

static void print_table(const struct session *s)
{
    const struct session_item *b = &s->item[0];
    for (size_t i = 1; i < s->n; i++) {
        const struct session_item *a = &s->item[i];
        printf("\n  %s (alternative) against %s (base)\n", a->label, b->label);
        printf("  %-30s %12s %12s   %s\n", "", "base", "alternative", "difference (95% CI)");
        struct compare_row cost;
        bool have_cost = compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, "cost_total", NULL, &cost);
        const struct compare_row *pc = have_cost ? &cost : NULL;
        for (size_t k = 0; k < sizeof shown / sizeof *shown; k++) {
            struct compare_row r;
            if (!compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, shown[k].kpi, pc, &r))
                continue;
            double f = shown[k].scale;
            char bm[32], am[32], d[32], lo[32], hi[32];
            fmt(bm, sizeof bm, r.base_mean * f);
            fmt(am, sizeof am, r.alt_mean * f);
            fmt(d, sizeof d, r.diff.mean * f);
            fmt(lo, sizeof lo, r.diff.ci_low * f);
            fmt(hi, sizeof hi, r.diff.ci_high * f);
            printf("  ");
            numfmt_pad(shown[k].label, 30);
            printf(" %12s %12s   %s (%s to %s)%s\n", bm, am, d, lo, hi, r.excludes_zero ? " *" : "");
        }
        print_outlook(b, a, pc);
        const char *per[][3] = { { "child_days_unallocated", "child-days waiting", "child-day of waiting" },
                                 { "waiting_over_threshold_end", "cases over the threshold", "case over the threshold" } };
        for (size_t k = 0; k < 2; k++) {
            struct compare_row r;
            if (compare_kpi(&b->layout, b->rf.stats, &a->layout, a->rf.stats, per[k][0], pc, &r))
                print_value(per[k][1], per[k][2], &r);
        }
        print_money(b, a);
    }
    printf("\n  * the 95%% confidence interval of the paired difference excludes zero (for the shares in %%:\n"
           "    Newcombe's interval for paired proportions)\n");
}

/* A paired comparison sets like against like: every alternative must run
 * over the base's days (start, horizon, warm-up) and report the same
 * periods, or its totals and NPV would measure a different span. */
static int same_time_frame(const struct session *s)
{
    const struct scenario *b = s->item[0].sc;
    int rc = EXIT_OK;
    for (size_t i = 1; i < s->n; i++) {
        const struct scenario *a = s->item[i].sc;
        double bh = b->reg.p[b->p_horizon_years].value, ah = a->reg.p[a->p_horizon_years].value;
        double bw = b->reg.p[b->p_warmup_days].value, aw = a->reg.p[a->p_warmup_days].value;
        char bs[DATE_TEXT_SIZE], as[DATE_TEXT_SIZE];
        date_format(b->start, bs);
        date_format(a->start, as);
        if (strcmp(bs, as) == 0 && bh == ah && bw == aw && b->report_every == a->report_every)
            continue;
        /* the way out: --set for the settings it can change, else the files */
        char fix[256];
        if (strcmp(bs, as) != 0 || b->report_every != a->report_every)
            snprintf(fix, sizeof fix, "the same start and report_every in both files");
        else if (bh != ah && bw != aw)
            snprintf(fix, sizeof fix, "e.g. --set horizon_years=%.10g --set warmup_days=%.10g", fmax(bh, ah), bw);
        else if (bh != ah)
            snprintf(fix, sizeof fix, "e.g. --set horizon_years=%.10g", fmax(bh, ah));
        else
            snprintf(fix, sizeof fix, "e.g. --set warmup_days=%.10g", bw);
        fprintf(stderr,
                "caseload: compare: %s runs from %s for %.10g years (warm-up %.10g days, reported every %s), "
                "but the base %s from %s for %.10g years (warm-up %.10g days, reported every %s) (allowed: the "
                "same start, horizon, warm-up and periods; %s%s)\n",
                a->file, as, ah, aw, scenario_period_name(a->report_every), b->file, bs, bh, bw,
                scenario_period_name(b->report_every), fix,
                fix[0] == 'e' ? ", which applies to every scenario" : "");
        rc = EXIT_USAGE;
    }
    return rc;
}

/* Write the comparison's own files into dir (compare_commit_folder). */
static bool write_compare_files(const struct session *s, const char *dir, const char *rank_kpi,
                                const struct compare_option *ranked)
{
    struct compare_scenario *sc = check_calloc(s->n, sizeof *sc);
    for (size_t i = 0; i < s->n; i++) {
        const struct session_item *it = &s->item[i];
        sc[i] = (struct compare_scenario){ .label = it->label, .file = it->sc->file, .layout = &it->layout,
                                           .stats = it->rf.stats, .ranked = ranked ? &ranked[i] : NULL };
        if (i > 0) {
            sc[i].diff = &s->diff[i - 1].layout;
            sc[i].diff_stats = s->diff[i - 1].stats;
            sc[i].diff_years = s->diff[i - 1].ystats;
        }
    }
    struct compare_run r = { .version = CASELOAD_VERSION, .rank_kpi = rank_kpi, .seed = s->o->seed,
                             .replications = s->done, .partial = s->partial, .ranks = batch_ranks(),
                             .threads = s->o->threads, .argc = s->o->argc, .argv = s->o->argv };
    bool ok = compare_commit_folder(dir, &r, sc, s->n);
    int e = errno;
    free(sc);
    errno = e;
    return ok;
}

/* Whether options can be ranked by KPI name: it must exist and be
 * priceable (a cost per unit of a rate or score means nothing). */
static int rank_kpi_ok(const struct result_layout *l, const char *name)
{
    long k = result_kpi_index(l, name);
    if (k >= 0 && l->kpi[k].priceable)
        return EXIT_OK;
    if (k < 0)
        fprintf(stderr, "caseload: --rank %s: no such KPI", name);
    else
        fprintf(stderr, "caseload: --rank %s: the KPI is in %s, not a count one can put a price on, so no cost "
                        "per unit of it ranks options", name, l->kpi[k].unit);
    fprintf(stderr, " (allowed:");
    for (size_t i = 0, n = 0; i < l->n_kpis; i++)
        if (l->kpi[i].priceable)
            fprintf(stderr, "%s %s", n++ ? "," : "", l->kpi[i].name);
    fprintf(stderr, ")\n");
    return EXIT_USAGE;
}

int cmd_compare(int argc, char **argv)
{
    struct options o;
    struct session s = { 0 };
    int rc = EXIT_USAGE;
    struct compare_option *ranked = NULL;
    if (!options_parse(&o, argc, argv, 2, "nsjoSqfPKMpWCZX"))
        goto out;
    if (o.n_args < 2) {
        fprintf(stderr, "caseload: compare needs a base and at least one alternative "
                        "(caseload compare BASE.cfg ALT.cfg [ALT2.cfg ...])\n");
        goto out;
    }
    if ((rc = session_load(&s, &o, o.args, o.n_args)) != EXIT_OK)
        goto out;
    if ((rc = same_time_frame(&s)) != EXIT_OK)
        goto out;
    const char *rank_kpi = o.rank ? o.rank : COMPARE_DEFAULT_RANK;
    if ((rc = rank_kpi_ok(&s.item[0].layout, rank_kpi)) != EXIT_OK)
        goto out;
    char dir[AFILE_PATH_MAX];
    if (o.out_dir) {
        snprintf(dir, sizeof dir, "%s", o.out_dir);
    } else {
        char name[COMPARE_DIR_NAME_MAX + 64] = "";
        size_t w = (size_t)snprintf(name, sizeof name, "%s", s.item[0].label);
        for (size_t i = 1; i < s.n && w < sizeof name; i++)
            w += (size_t)snprintf(name + w, sizeof name - w, "--%s", s.item[i].label);
        if (w > COMPARE_DIR_NAME_MAX)
            snprintf(name, sizeof name, "%s--%zu-alternatives", s.item[0].label, s.n - 1);
        snprintf(dir, sizeof dir, "results/compare/%s", name);
    }
    if ((rc = session_open(&s, dir, true)) != EXIT_OK)
        goto out;
    if ((rc = session_run(&s)) != EXIT_OK || (rc = session_finish(&s)) != EXIT_OK)
        goto out;
    ranked = rank_options(&s, rank_kpi);
    if (!write_compare_files(&s, dir, rank_kpi, ranked)) {
        fprintf(stderr, "caseload: %s: writing the comparison failed (%s)\n", dir, strerror(errno));
        rc = EXIT_FAILURE_RUN;
        goto out;
    }
    if (!o.quiet) {
        printf("%s vs %zu alternative%s: %llu paired replications (seed %llu) -> %s/\n", s.item[0].label,
               s.n - 1, s.n > 2 ? "s" : "", (unsigned long long)s.done, (unsigned long long)o.seed, dir);
        print_table(&s);
        if (ranked)
            print_ranking(&s, rank_kpi, ranked);
    }
    rc = s.partial ? EXIT_FAILURE_RUN : EXIT_OK;
    /* the results are whole: a signal from now on stops at once */
    int sig = s.partial ? 0 : signals_at_once();
    if (sig) {
        rc = CLI_EXIT_SIGNAL(sig);   /* it came after the last replication: no charts */
        goto out;
    }
    if (!s.partial && o.plot && cmd_plot_folder(dir, o.quiet, false) != EXIT_OK)
        rc = EXIT_FAILURE_RUN;
out:
    free(ranked);
    session_free(&s);
    options_free(&o);
    return rc;
}
