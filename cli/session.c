#include "cli/session.h"

#include "cli/batch.h"
#include "cli/commands.h"
#include "cli/limits.h"
#include "cli/signals.h"
#include "models/caseload.h"
#include "output/compare.h"
#include "sim/check.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each precision batch asks for this much more than the estimate, so the
 * rule is met in one more batch rather than creeping up on it. */
#define PRECISION_MARGIN 1.1

int session_load(struct session *s, const struct options *o, char *const *paths, size_t n)
{
    memset(s, 0, sizeof *s);
    s->o = o;
    s->precision_kpi = -1;
    s->item = check_calloc(n, sizeof *s->item);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        struct session_item *it = &s->item[s->n];
        it->sc = cmd_load(paths[i], o);
        if (!it->sc) {
            rc = EXIT_USAGE;
            continue;
        }
        caseload_layout(it->sc, &it->layout);
        /* unique labels: a scenario compared with itself gets name-2 */
        char label[512];
        snprintf(label, sizeof label, "%s", it->sc->name);
        for (int k = 2;; k++) {
            bool taken = false;
            for (size_t j = 0; j < s->n; j++)
                taken |= strcmp(s->item[j].label, label) == 0;
            if (!taken)
                break;
            snprintf(label, sizeof label, "%s-%d", it->sc->name, k);
        }
        it->label = check_strdup(label);
        /* a variant that @includes another and names nothing itself takes
         * the other's name: say so rather than rename it silently */
        if (strcmp(label, it->sc->name) != 0 && it->sc->at_name.file
            && strcmp(it->sc->at_name.file, it->sc->file) != 0)
            fprintf(stderr, "caseload: notice: %s sets no name of its own (it has \"%s\" from %s), so its results "
                            "are labelled %s (allowed: name = \"...\"; in %s)\n", it->sc->file, it->sc->name,
                    it->sc->at_name.file, label, it->sc->file);
        s->n++;
    }
    if (rc != EXIT_OK)
        return rc;
    if (o->max_reps && o->precision <= 0) {
        fprintf(stderr, "caseload: --max-reps %llu: only meaningful with --precision REL (use -n for a fixed number)\n",
                (unsigned long long)o->max_reps);
        return EXIT_USAGE;
    }
    if (o->kpi && o->precision <= 0) {
        fprintf(stderr, "caseload: --kpi %s: only meaningful with --precision REL\n", o->kpi);
        return EXIT_USAGE;
    }
    if (o->precision > 0) {
        const char *name = o->kpi ? o->kpi : SESSION_DEFAULT_KPI;
        s->precision_kpi = result_kpi_index(&s->item[0].layout, name);
        if (s->precision_kpi < 0) {
            const struct result_layout *l = &s->item[0].layout;
            fprintf(stderr, "caseload: --kpi %s: no such KPI (one of:", name);
            for (size_t k = 0; k < l->n_kpis; k++)
                fprintf(stderr, "%s %s", k ? "," : "", l->kpi[k].name);
            fprintf(stderr, ")\n");
            return EXIT_USAGE;
        }
        if (s->item[0].layout.kpi[s->precision_kpi].stat == KPI_STAT_TIME_TO) {
            /* the precision rule judges an interval for the mean, which a
             * date that may not come within the horizon does not have */
            fprintf(stderr, "caseload: --kpi %s: a date that may not come within the horizon has no mean to make "
                            "precise (allowed: a KPI with a mean, e.g. backlog_never_clears)\n", name);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* Label of the row of compare_years.csv that sums the years. */
#define SESSION_YEARS_TOTAL "total"

/* Whether a financial year's metric adds up over the years (money and
 * referrals), so that the "total" row holds its sum; else it is NA there. */
static bool year_metric_adds(const struct metric_def *m)
{
    return strcmp(m->unit, "£") == 0 || strcmp(m->name, "referrals") == 0;
}

/* The financial years' differences: the metrics both have, over the years
 * when both have the same ones (else none), then a "total" row. */
static void diff_years(struct session_diff *d, const struct result_layout *b, const struct result_layout *a)
{
    struct result_layout *y = check_calloc(1, sizeof *y);
    d->layout.years = y;
    size_t nb = b ? b->n_metrics : 0;
    d->ybase_col = check_calloc(nb ? nb : 1, sizeof *d->ybase_col);
    d->yalt_col = check_calloc(nb ? nb : 1, sizeof *d->yalt_col);
    y->metric = check_calloc(nb ? nb : 1, sizeof *y->metric);
    for (size_t m = 0; m < nb && a; m++) {
        long k = result_metric_index(a, b->metric[m].name);
        if (k < 0)
            continue;
        d->ybase_col[y->n_metrics] = (long)m;
        d->yalt_col[y->n_metrics] = k;
        struct metric_def *md = &y->metric[y->n_metrics++];
        md->name = check_strdup(b->metric[m].name);
        md->unit = check_strdup(b->metric[m].unit);
        md->kind = b->metric[m].kind;   /* range: any real, a difference */
    }
    bool same = a && b && a->n_periods == b->n_periods;
    for (size_t p = 0; same && p < b->n_periods; p++)
        same = strcmp(a->date[p], b->date[p]) == 0 && a->days[p] == b->days[p];
    size_t n = same ? b->n_periods + 1 : 0;
    y->n_periods = n;
    y->date = check_calloc(n ? n : 1, sizeof *y->date);
    y->period_end = check_calloc(n ? n : 1, sizeof *y->period_end);
    y->days = check_calloc(n ? n : 1, sizeof *y->days);
    for (size_t p = 0; p + 1 < n; p++) {
        memcpy(y->date[p], b->date[p], DATE_TEXT_SIZE);
        y->period_end[p] = b->period_end[p];
        y->days[p] = b->days[p];
        y->days[n - 1] += b->days[p];
    }
    if (n) {
        snprintf(y->date[n - 1], DATE_TEXT_SIZE, "%s", SESSION_YEARS_TOTAL);
        y->period_end[n - 1] = b->period_end[n - 2];
    }
    y->kpi = check_calloc(1, sizeof *y->kpi);
}

/* The common metrics of base and alternative, by name in the base's order;
 * periods only when both report the same dates. */
static void diff_layout(struct session_diff *d, const struct result_layout *b, const struct result_layout *a)
{
    struct result_layout *l = &d->layout;
    memset(l, 0, sizeof *l);
    d->base_col = check_calloc(b->n_metrics, sizeof *d->base_col);
    d->alt_col = check_calloc(b->n_metrics, sizeof *d->alt_col);
    l->metric = check_calloc(b->n_metrics, sizeof *l->metric);
    for (size_t m = 0; m < b->n_metrics; m++) {
        long k = result_metric_index(a, b->metric[m].name);
        if (k < 0)
            continue;
        d->base_col[l->n_metrics] = (long)m;
        d->alt_col[l->n_metrics] = k;
        struct metric_def *md = &l->metric[l->n_metrics++];
        md->name = check_strdup(b->metric[m].name);
        md->unit = check_strdup(b->metric[m].unit);
        md->kind = b->metric[m].kind;   /* range: any real, a difference */
    }
    bool same = a->n_periods == b->n_periods;
    for (size_t p = 0; same && p < b->n_periods; p++)
        same = strcmp(a->date[p], b->date[p]) == 0;
    l->n_periods = same ? b->n_periods : 0;
    l->date = check_calloc(l->n_periods ? l->n_periods : 1, sizeof *l->date);
    l->period_end = check_calloc(l->n_periods ? l->n_periods : 1, sizeof *l->period_end);
    for (size_t p = 0; p < l->n_periods; p++) {
        memcpy(l->date[p], b->date[p], DATE_TEXT_SIZE);
        l->period_end[p] = b->period_end[p];
    }
    l->kpi = check_calloc(b->n_kpis, sizeof *l->kpi);
    for (size_t k = 0; k < b->n_kpis; k++) {
        if (result_kpi_index(a, b->kpi[k].name) < 0)
            continue;
        struct kpi_def *kd = &l->kpi[l->n_kpis++];
        kd->name = check_strdup(b->kpi[k].name);
        kd->unit = check_strdup(b->kpi[k].unit);
        kd->descr = check_strdup(b->kpi[k].descr);
        kd->better = b->kpi[k].better;
        kd->priceable = b->kpi[k].priceable;
    }
    diff_years(d, b->years, a->years);
    d->stats = stats_create(l);
    d->ystats = stats_create(l->years);
    rep_result_alloc(&d->res, l);
}

int session_open(struct session *s, const char *dir, bool compare)
{
    /* Before anything is created: would the run fit in time, memory and
     * disk (cli/limits.h)? */
    const struct scenario **scs = check_calloc(s->n, sizeof *scs);
    struct result_layout *ls = check_calloc(s->n, sizeof *ls);
    for (size_t i = 0; i < s->n; i++) {
        scs[i] = s->item[i].sc;
        ls[i] = s->item[i].layout;
    }
    uint64_t reps = s->o->precision > 0 ? (s->o->max_reps ? s->o->max_reps : SESSION_DEFAULT_MAX_REPS) : s->o->reps;
    int rc = limits_check_cost(scs, ls, s->n, reps, s->o->threads, dir, compare ? "compare" : "run");
    free(scs);
    free(ls);
    if (rc != 0)
        return EXIT_USAGE;

    char err[2 * AFILE_PATH_MAX];
    rc = runfolder_prepare(dir, s->o->force, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "caseload: %s\n", err);
        return rc;
    }
    for (size_t i = 0; i < s->n; i++) {
        struct session_item *it = &s->item[i];
        char sub[COMPARE_FOLDER_SIZE];
        compare_folder(sub, i);
        int w = compare ? snprintf(it->dir, sizeof it->dir, "%s/%s", dir, sub)
                        : snprintf(it->dir, sizeof it->dir, "%s", dir);
        if (w < 0 || (size_t)w >= sizeof it->dir) {
            fprintf(stderr, "caseload: %s: results folder name too long\n", dir);
            return EXIT_USAGE;
        }
        if (compare && (rc = runfolder_prepare_sub(dir, sub, s->o->force, err, sizeof err)) != 0) {
            fprintf(stderr, "caseload: %s\n", err);
            return rc;
        }
        if (!runfolder_open(&it->rf, it->dir, it->label, &it->layout)) {
            fprintf(stderr, "caseload: %s: cannot write results (%s)\n", it->dir, strerror(errno));
            return EXIT_FAILURE_RUN;
        }
        it->open = true;
    }
    if (compare && s->n > 1) {
        s->diff = check_calloc(s->n - 1, sizeof *s->diff);
        for (size_t i = 1; i < s->n; i++)
            diff_layout(&s->diff[i - 1], &s->item[0].layout, &s->item[i].layout);
    }
    return EXIT_OK;
}

/* One replication's paired differences of the financial years, and their
 * sums over the years in the "total" row. */
static void diff_years_add(struct session_diff *d, const struct result_layout *bl, const struct rep_result *b,
                           const struct result_layout *al, const struct rep_result *a, uint64_t rep)
{
    const struct result_layout *y = d->layout.years;
    if (y->n_periods == 0)
        return;
    size_t nm = y->n_metrics, last = y->n_periods - 1;
    for (size_t m = 0; m < nm; m++) {
        double sum = 0;
        for (size_t p = 0; p < last; p++) {
            double v = a->years[p * al->years->n_metrics + (size_t)d->yalt_col[m]]
                       - b->years[p * bl->years->n_metrics + (size_t)d->ybase_col[m]];
            d->res.years[p * nm + m] = v;
            sum += v;
        }
        d->res.years[last * nm + m] = year_metric_adds(&y->metric[m]) ? sum : NAN;
    }
    struct rep_result r = { .rep = rep, .values = d->res.years };
    stats_add(d->ystats, &r);
}

static bool sink(void *ctx, uint64_t rep, const struct rep_result *res)
{
    struct session *s = ctx;
    for (size_t i = 0; i < s->n; i++) {
        runfolder_add(&s->item[i].rf, &res[i]);
        if (s->item[i].rf.series.err && !s->write_errno) {
            s->write_errno = s->item[i].rf.series.err; /* disk full, ...: stop now, not at the end */
            s->write_item = i;
        }
    }
    for (size_t i = 1; s->diff && i < s->n; i++) {
        struct session_diff *d = &s->diff[i - 1];
        const struct result_layout *bl = &s->item[0].layout, *al = &s->item[i].layout;
        size_t nm = d->layout.n_metrics;
        for (size_t p = 0; p < d->layout.n_periods; p++)
            for (size_t m = 0; m < nm; m++)
                d->res.values[p * nm + m] = res[i].values[p * al->n_metrics + (size_t)d->alt_col[m]]
                                            - res[0].values[p * bl->n_metrics + (size_t)d->base_col[m]];
        for (size_t k = 0; k < d->layout.n_kpis; k++) {
            const char *name = d->layout.kpi[k].name;
            d->res.kpi[k] = res[i].kpi[result_kpi_index(al, name)] - res[0].kpi[result_kpi_index(bl, name)];
        }
        d->res.rep = rep;
        stats_add(d->stats, &d->res);
        diff_years_add(d, bl, &res[0], al, &res[i], rep);
    }
    progress_update(&s->prog, ++s->done);
    return s->write_errno == 0;
}

/* How many replications the precision rule still wants (0: it is met). */
static uint64_t precision_wanted(struct session *s)
{
    double factor = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct summary sm;
        stats_kpi(s->item[i].rf.stats, (size_t)s->precision_kpi, &sm);
        if (sm.n < 2)
            return 2;
        /* The Student t half-width, before the interval is clipped to the
         * KPI's range: clipping would make a poor estimate look precise. */
        double half = stats_t_critical(sm.n) * sm.sd / sqrt((double)sm.n);
        double target = s->o->precision * fabs(sm.mean);
        if (half <= target)
            continue;
        double f = target > 0 ? (half / target) * (half / target) : HUGE_VAL;
        factor = fmax(factor, f);
    }
    if (factor == 0)
        return 0;
    double need = (double)s->done * factor * PRECISION_MARGIN;
    return need > 1e12 ? (uint64_t)1e12 : (uint64_t)ceil(need);
}

int session_run(struct session *s)
{
    const struct options *o = s->o;
    const struct scenario **scs = check_calloc(s->n, sizeof *scs);
    struct result_layout *ls = check_calloc(s->n, sizeof *ls);
    for (size_t i = 0; i < s->n; i++) {
        scs[i] = s->item[i].sc;
        ls[i] = s->item[i].layout;
    }
    struct batch b = { scs, ls, s->n, o->seed, sink, s, false, -1 };
    uint64_t max = o->precision > 0 ? (o->max_reps ? o->max_reps : SESSION_DEFAULT_MAX_REPS) : o->reps;
    uint64_t batch = o->precision > 0 ? (o->reps_given ? o->reps : SESSION_FIRST_BATCH) : o->reps;
    if (batch < 2 && o->precision > 0)
        batch = 2;
    if (batch > max)
        batch = max;
    signals_install();
    progress_start(&s->prog, s->item[0].label, max, o->quiet);
    int rc = EXIT_OK;
    for (;;) {
        long long got = batch_run(&b, s->done, batch, o->threads, &signals_stop);
        if (got < 0) {
            fprintf(stderr, "caseload: out of memory starting the replications\n");
            rc = EXIT_FAILURE_RUN;
            break;
        }
        if (s->write_errno) {
            progress_end(&s->prog);
            fprintf(stderr, "caseload: %s/series.csv: cannot write the results (%s); nothing written there\n",
                    s->item[s->write_item].dir, strerror(s->write_errno));
            rc = EXIT_FAILURE_RUN;
            break;
        }
        if ((uint64_t)got < batch) {
            s->partial = true;
            break;
        }
        if (o->precision <= 0)
            break;
        uint64_t want = precision_wanted(s);
        if (want == 0) {
            s->precision_met = true;
            break;
        }
        if (s->done >= max)
            break;
        uint64_t more = want > s->done ? want - s->done : 1;
        if (more < o->threads)
            more = o->threads;
        batch = more < max - s->done ? more : max - s->done;
    }
    progress_end(&s->prog);
    free(scs);
    free(ls);
    if (rc == EXIT_OK && s->done == 0) {
        fprintf(stderr, "caseload: stopped before any replication finished; nothing written\n");
        rc = EXIT_FAILURE_RUN;
    }
    return rc;
}

/* A run with --records: its records/ folder is part of the result. */
static const char *const session_records_keep[] = { "records/", NULL };

int session_finish(struct session *s)
{
    const struct options *o = s->o;
    for (size_t i = 0; i < s->n; i++) {
        struct session_item *it = &s->item[i];
        char start[DATE_TEXT_SIZE];
        date_format(it->sc->start, start);
        struct run_info info = {
            .version = CASELOAD_VERSION, .scenario = it->label, .description = it->sc->description,
            .files = it->sc->files, .n_files = it->sc->n_files, .start_date = start,
            .file_sha256 = (const char (*)[SHA256_HEX_SIZE])it->sc->file_sha256,
            .report_every = scenario_period_name(it->sc->report_every), .seed = o->seed,
            .reps_requested = o->precision > 0 ? s->done : o->reps, .threads = o->threads, .ranks = batch_ranks(),
            .argc = o->argc, .argv = o->argv, .sets = o->sets, .n_sets = o->n_sets,
            .precision = o->precision,
            .precision_kpi = s->precision_kpi >= 0 ? it->layout.kpi[s->precision_kpi].name : NULL,
            .precision_met = s->precision_met,
            .keep = o->records && s->n == 1 ? session_records_keep : NULL,
            .draws_from = it->sc->draws ? it->sc->draws_from : NULL,
            .draws_n = it->sc->draws ? it->sc->draws->n : 0,
        };
        if (!runfolder_finish(&it->rf, &info, s->partial)) {
            fprintf(stderr, "caseload: %s: writing results failed (%s); nothing written there\n", it->dir,
                    strerror(errno));
            return EXIT_FAILURE_RUN;
        }
    }
    if (s->partial)
        fprintf(stderr, "caseload: interrupted: %llu replications written (marked partial)\n",
                (unsigned long long)s->done);
    return EXIT_OK;
}

void session_free(struct session *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct session_item *it = &s->item[i];
        if (it->open)
            runfolder_close(&it->rf);
        result_layout_free(&it->layout);
        scenario_free(it->sc);
        free(it->label);
    }
    for (size_t i = 0; s->diff && i + 1 < s->n; i++) {
        struct session_diff *d = &s->diff[i];
        stats_destroy(d->stats);
        stats_destroy(d->ystats);
        rep_result_free(&d->res);
        free(d->ybase_col);
        free(d->yalt_col);
        result_layout_free(&d->layout);
        free(d->base_col);
        free(d->alt_col);
    }
    free(s->diff);
    free(s->item);
    memset(s, 0, sizeof *s);
}

void session_day_text(const struct scenario *sc, double day, char *buf, size_t size)
{
    if (!isfinite(day)) {
        snprintf(buf, size, "not within the horizon");
        return;
    }
    char text[DATE_TEXT_SIZE];
    date_format(date_from_days(date_to_days(sc->start) + (long)floor(day + 0.5)), text);
    snprintf(buf, size, "%s", text);
}

size_t session_shares(const struct scenario *sc)
{
    return 1 + 2 * sc->n_risks;
}

void session_share(const struct scenario *sc, size_t k, char name[SESSION_SHARE_TEXT],
                   char label[SESSION_SHARE_TEXT])
{
    if (k == 0) {
        snprintf(name, SESSION_SHARE_TEXT, "backlog_never_clears");
        snprintf(label, SESSION_SHARE_TEXT, "backlog never clears (%%)");
        return;
    }
    const struct risk_spec *rs = &sc->risk[(k - 1) / 2];
    bool end = (k - 1) % 2 == 1;
    char value[64];
    scenario_risk_value_text(rs->above, value, sizeof value);
    snprintf(name, SESSION_SHARE_TEXT, "risk_%s_%s", end ? "end" : "any", rs->slug);
    snprintf(label, SESSION_SHARE_TEXT, "%s > %s, %s (%%)", rs->metric, value, end ? "at end" : "ever");
}
