/* scenario.c — overrides, validation and lookups on a loaded scenario. */
#include "models/scenario.h"

#include "sim/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Transition probabilities must sum to 1 within this (they are typed by hand
 * with a few decimals). */
#define PROB_SUM_TOLERANCE 1e-6

/* A horizon within this many months of a whole number of months is taken as
 * that many calendar months. */
#define HORIZON_MONTH_TOLERANCE 1e-6

#define DAYS_PER_WEEK 7
#define MONTHS_PER_QUARTER 3

static void free_dist(struct dist_spec *d) { free(d->values); }

void scenario_free(struct scenario *sc)
{
    if (!sc)
        return;
    free(sc->market.grade);
    for (size_t i = 0; i < sc->n_stages; i++) {
        free(sc->stage[i].name);
        free(sc->stage[i].eligible);
        free(sc->stage[i].next);
        free_dist(&sc->stage[i].duration);
        free(sc->stage[i].open_elapsed);
        free(sc->stage[i].open_waiting);
    }
    for (size_t i = 0; i < sc->n_grades; i++)
        free(sc->grade[i].name);
    for (size_t i = 0; i < sc->n_iv; i++)
        free(sc->iv[i].name);
    for (size_t i = 0; i < sc->n_files; i++)
        free(sc->files[i]);
    free(sc->file_sha256);
    free_dist(&sc->time_to_hire);
    free(sc->stage);
    free(sc->grade);
    free(sc->iv);
    free(sc->iv_by_start);
    free(sc->shock);
    free(sc->files);
    free(sc->uncertain);
    scenario_set_draws(sc, NULL, NULL);
    for (size_t i = 0; i < sc->n_risks; i++) {
        free(sc->risk[i].metric);
        free(sc->risk[i].slug);
    }
    free(sc->risk);
    free(sc->name);
    free(sc->description);
    free(sc->file);
    params_free(&sc->reg);
    free(sc);
}

void scenario_set_draws(struct scenario *sc, struct pdraw *d, const char *from)
{
    if (sc->draws) {
        pdraw_free(sc->draws);
        free(sc->draws);
    }
    free(sc->draws_from);
    sc->draws = NULL;
    sc->draws_from = NULL;
    if (!d)
        return;
    sc->draws = check_malloc(sizeof *sc->draws);
    *sc->draws = *d;
    memset(d, 0, sizeof *d);
    sc->draws_from = check_strdup(from ? from : "");
}

int scenario_grade(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_grades; i++)
        if (strcmp(sc->grade[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *scenario_period_name(enum period_kind k)
{
    return k == PERIOD_WEEK ? "week" : k == PERIOD_QUARTER ? "quarter" : "month";
}

bool scenario_name_ok(const char *name)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= SCENARIO_LABEL_MAX && name[0] != '.';
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr(" -_.()", c);
    }
    return ok;
}

double scenario_horizon_days(const struct scenario *sc, const double *pv)
{
    double years = pv ? pv[sc->p_horizon_years] : sc->reg.p[sc->p_horizon_years].value;
    double months = years * SCENARIO_MONTHS;
    /* Whole months (5 years, 18 months) end on the same day of the month, as
     * a planner means them; anything else is rounded to whole days. */
    if (fabs(months - round(months)) < HORIZON_MONTH_TOLERANCE)
        return (double)date_diff(sc->start, date_add_months(sc->start, (int)round(months)));
    return round(years * SCENARIO_DAYS_PER_YEAR);
}

double scenario_value_at(const struct scenario *sc, size_t i, double t)
{
    double v = sc->reg.p[i].value;
    for (size_t k = 0; k < sc->n_iv; k++) {
        const struct intervention_spec *iv = &sc->iv[sc->iv_by_start[k]];
        if (iv->param != i || !(iv->from_day <= t && t < iv->until_day))
            continue;
        double a = sc->reg.p[iv->p_amount].value;
        v = iv->op == IV_SET ? a : iv->op == IV_ADD ? v + a : v * a;
    }
    return v;
}

double scenario_report_start(const struct scenario *sc, const double *pv)
{
    return round(pv ? pv[sc->p_warmup_days] : sc->reg.p[sc->p_warmup_days].value);
}

double scenario_period_boundary(const struct scenario *sc, double from, int k)
{
    struct date d, f = date_from_days(date_to_days(sc->start) + (long)from);
    if (sc->report_every == PERIOD_WEEK)
        d = date_from_days(date_to_days(f) + (long)k * DAYS_PER_WEEK);
    else
        d = date_add_months(f, k * (sc->report_every == PERIOD_QUARTER ? MONTHS_PER_QUARTER : 1));
    return (double)date_diff(sc->start, d);
}

struct iv_start {
    double day;
    size_t iv;
};

static int cmp_start(const void *a, const void *b)
{
    const struct iv_start *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->iv < y->iv ? -1 : x->iv > y->iv;
}

void scenario_order_interventions(struct scenario *sc)
{
    size_t n = sc->n_iv ? sc->n_iv : 1;
    struct iv_start *by = check_calloc(n, sizeof *by);
    for (size_t i = 0; i < sc->n_iv; i++)
        by[i] = (struct iv_start){ sc->iv[i].from_day, i };
    qsort(by, sc->n_iv, sizeof *by, cmp_start);
    if (!sc->iv_by_start)
        sc->iv_by_start = check_calloc(n, sizeof *sc->iv_by_start);
    for (size_t i = 0; i < sc->n_iv; i++)
        sc->iv_by_start[i] = by[i].iv;
    free(by);
}

void scenario_set_value(struct scenario *sc, size_t i, double v)
{
    CHECK(i < sc->reg.n);
    sc->reg.p[i].value = v;
    bool moved = false;
    for (size_t k = 0; k < sc->n_iv; k++) {
        struct intervention_spec *iv = &sc->iv[k];
        if (iv->p_from == i) {
            iv->from_day = v;
            moved = true;
        }
        if (iv->p_until == i) {
            iv->until_day = v;
            moved = true;
        }
    }
    if (moved)
        scenario_order_interventions(sc);
}

bool scenario_set(struct scenario *sc, const char *assignment, const char *origin, struct diag *d)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        diag_error(d, origin, 0, NULL, "\"%.200s\" is not PATH=VALUE (allowed: e.g. demand.referrals_per_year=4200)",
                   assignment);
        return false;
    }
    char path[512];
    size_t len = (size_t)(eq - assignment);
    if (len >= sizeof path)
        len = sizeof path - 1;
    memcpy(path, assignment, len);
    path[len] = '\0';
    long i = params_find(&sc->reg, path);
    if (i < 0) {
        const char *near = params_nearest(&sc->reg, path);
        if (near)
            diag_error(d, origin, 0, path, "unknown parameter (did you mean %s?)", near);
        else
            diag_error(d, origin, 0, path, "unknown parameter (allowed: a path that caseload params SCENARIO lists)");
        return false;
    }
    double v;
    if (!params_parse_value(&sc->reg, (size_t)i, eq + 1, &v)) {
        char range[128];
        params_range_text(&sc->reg, (size_t)i, range, sizeof range);
        diag_error(d, origin, 0, path, "\"%.80s\" is not a valid value (allowed: %s)", eq + 1, range);
        return false;
    }
    scenario_set_value(sc, (size_t)i, v);
    sc->reg.p[i].file = origin;
    sc->reg.p[i].line = 0;
    return true;
}

static void param_error(const struct scenario *sc, struct diag *d, size_t i, const char *fmt, double v,
                        const char *extra)
{
    const struct param *p = &sc->reg.p[i];
    char msg[512];
    snprintf(msg, sizeof msg, fmt, v);
    diag_error(d, p->file, p->line, p->path, "%s%s", msg, extra ? extra : "");
}

/* Whether parameter i could not be read from its file (already reported,
 * so no rule about it is checked). */
static bool unread(const struct scenario *sc, size_t i)
{
    return i != SIZE_MAX && (sc->reg.p[i].flags & PARAM_UNREAD);
}

static void check_ranges(const struct scenario *sc, struct diag *d)
{
    for (size_t i = 0; i < sc->reg.n; i++) {
        const struct param *p = &sc->reg.p[i];
        if (unread(sc, i) || params_allowed(&sc->reg, i, p->value))
            continue;
        char range[160], extra[200];
        params_range_text(&sc->reg, i, range, sizeof range);
        snprintf(extra, sizeof extra, " (allowed: %s)", range);
        param_error(sc, d, i, p->value < 0 && p->lo >= 0 ? "must not be negative: %.10g" : "%.10g is out of range",
                    p->value, extra);
    }
}

static void check_dist(const struct scenario *sc, struct diag *d, const struct dist_spec *ds,
                       const struct origin *at)
{
    const double *v = NULL;
    if (ds->reported || unread(sc, ds->p1) || unread(sc, ds->p2))
        return;
    double p1 = ds->p1 != SIZE_MAX ? sc->reg.p[ds->p1].value : 0;
    double p2 = ds->p2 != SIZE_MAX ? sc->reg.p[ds->p2].value : 0;
    if (ds->kind == DIST_EMPIRICAL)
        v = ds->values;
    struct dist tmp;
    const char *why;
    if (dist_init(&tmp, ds->kind, p1, p2, v, ds->n_values, &why))
        return;
    size_t where = ds->p2 != SIZE_MAX && (strstr(why, "sd") || strstr(why, "max")) ? ds->p2 : ds->p1;
    if (where != SIZE_MAX)
        diag_error(d, sc->reg.p[where].file, sc->reg.p[where].line, sc->reg.p[where].path,
                   "%.10g does not fit a %s distribution (allowed: %s)", sc->reg.p[where].value,
                   dist_kind_name(ds->kind), why);
    else
        diag_error(d, at->file, at->line, NULL, "no valid %s distribution (allowed: %s)", dist_kind_name(ds->kind),
                   why);
}

/* Which stages can reach close through transitions with p > 0. */
static void check_reachability(const struct scenario *sc, struct diag *d)
{
    size_t n = sc->n_stages;
    bool *ok = check_calloc(n ? n : 1, sizeof *ok);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t s = 0; s < n; s++) {
            if (ok[s])
                continue;
            for (size_t k = 0; k < sc->stage[s].n_next; k++) {
                const struct transition *t = &sc->stage[s].next[k];
                if (sc->reg.p[t->p].value > 0 && (t->to == STAGE_CLOSE || ok[t->to])) {
                    ok[s] = changed = true;
                    break;
                }
            }
        }
    }
    for (size_t s = 0; s < n; s++)
        if (!ok[s] && sc->stage[s].n_next > 0) {
            char path[300];
            snprintf(path, sizeof path, "pathway.stages.%s.next", sc->stage[s].name);
            diag_error(d, sc->stage[s].at_next.file, sc->stage[s].at_next.line, path,
                       "cases in this stage can never reach close (allowed: every stage leads to close through "
                       "transitions with p > 0)");
        }
    free(ok);
}

/* Interventions change parameters at known dates: replay the starts and
 * ends in the order a replication processes them (by date; on one date in
 * the order interventions_start schedules them: each intervention's start,
 * then its end), each giving its parameter the fold of the interventions in
 * force (scenario_value_at), and check that every value stays allowed and
 * every distribution it touches stays valid — a replication checks neither
 * (it would stop on a broken invariant). */
struct iv_step {
    double day;
    size_t iv;
    bool end;
};

static int cmp_step(const void *a, const void *b)
{
    const struct iv_step *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->iv != y->iv)
        return x->iv < y->iv ? -1 : 1;
    return (int)x->end - (int)y->end;
}

/* Report ds (named by path) if the values v make it invalid. */
static void check_dist_values(const struct scenario *sc, struct diag *d, const struct dist_spec *ds,
                              const char *dist_path, const double *v, const struct intervention_spec *iv)
{
    double p1 = ds->p1 != SIZE_MAX ? v[ds->p1] : 0;
    double p2 = ds->p2 != SIZE_MAX ? v[ds->p2] : 0;
    struct dist tmp;
    const char *why;
    if (dist_init(&tmp, ds->kind, p1, p2, ds->kind == DIST_EMPIRICAL ? ds->values : NULL, ds->n_values, &why))
        return;
    char path[300];
    snprintf(path, sizeof path, "interventions.%s", iv->name);
    diag_error(d, iv->at.file, iv->at.line, path, "would make %s = %.10g, which %s does not allow (allowed: %s)",
               sc->reg.p[iv->param].path, v[iv->param], dist_path, why);
}

/* Each intervention starts on or after the start and ends after it starts
 * (its dates may come from the file or from --set). */
static void check_iv_dates(const struct scenario *sc, struct diag *d)
{
    for (size_t k = 0; k < sc->n_iv; k++) {
        const struct intervention_spec *iv = &sc->iv[k];
        const struct param *f = &sc->reg.p[iv->p_from];
        char date[DATE_TEXT_SIZE];
        if (!unread(sc, iv->p_from) && f->value < 0) {
            date_format(sc->start, date);
            diag_error(d, f->file, f->line, f->path, "is before the scenario's start (allowed: %s or later)", date);
        }
        if (iv->p_until == SIZE_MAX || unread(sc, iv->p_until) || unread(sc, iv->p_from))
            continue;
        const struct param *u = &sc->reg.p[iv->p_until];
        if (u->value <= f->value) {
            char from[64];
            params_format_value(&sc->reg, iv->p_from, f->value, from, sizeof from);
            diag_error(d, u->file, u->line, u->path, "is not after from, %s (allowed: a date after from)", from);
        }
    }
}

static void check_interventions(const struct scenario *sc, struct diag *d)
{
    if (sc->n_iv == 0)
        return;
    double *v = check_calloc(sc->reg.n, sizeof *v);
    for (size_t i = 0; i < sc->reg.n; i++)
        v[i] = sc->reg.p[i].value;
    struct iv_step *steps = check_calloc(2 * sc->n_iv, sizeof *steps);
    size_t n = 0;
    for (size_t i = 0; i < sc->n_iv; i++) {
        if (sc->iv[i].param == SIZE_MAX || unread(sc, sc->iv[i].p_amount) || unread(sc, sc->iv[i].param))
            continue;
        steps[n++] = (struct iv_step){ sc->iv[i].from_day, i, false };
        if (isfinite(sc->iv[i].until_day))
            steps[n++] = (struct iv_step){ sc->iv[i].until_day, i, true };
    }
    qsort(steps, n, sizeof *steps, cmp_step);
    for (size_t k = 0; k < n; k++) {
        const struct intervention_spec *iv = &sc->iv[steps[k].iv];
        double *x = &v[iv->param];
        *x = scenario_value_at(sc, iv->param, steps[k].day);
        if (!params_allowed(&sc->reg, iv->param, *x)) {
            char range[160];
            params_range_text(&sc->reg, iv->param, range, sizeof range);
            char path[300];
            snprintf(path, sizeof path, "interventions.%s", iv->name);
            diag_error(d, iv->at.file, iv->at.line, path, "would make %s = %.10g (allowed: %s)",
                       sc->reg.p[iv->param].path, *x, range);
            continue;
        }
        for (size_t s = 0; s < sc->n_stages; s++) {
            const struct dist_spec *ds = &sc->stage[s].duration;
            if (ds->p1 == iv->param || ds->p2 == iv->param) {
                char dist_path[300];
                snprintf(dist_path, sizeof dist_path, "the %s duration of stage %s", dist_kind_name(ds->kind),
                         sc->stage[s].name);
                check_dist_values(sc, d, ds, dist_path, v, iv);
            }
        }
        const struct dist_spec *th = &sc->time_to_hire;
        if (th->p1 == iv->param || th->p2 == iv->param) {
            char dist_path[300];
            snprintf(dist_path, sizeof dist_path, "the %s time to hire", dist_kind_name(th->kind));
            check_dist_values(sc, d, th, dist_path, v, iv);
        }
    }
    free(steps);
    free(v);
}

/* Reporting starts on the warm-up rounded to a whole day; after a warm-up at
 * least one whole period must fit before the horizon, or the only period
 * would be cut short (or empty) and every statistic would rest on it. */
static void check_warmup(const struct scenario *sc, struct diag *d)
{
    if (unread(sc, sc->p_warmup_days) || unread(sc, sc->p_horizon_years))
        return;
    double h = scenario_horizon_days(sc, NULL), from = scenario_report_start(sc, NULL);
    if (from <= 0 || scenario_period_boundary(sc, from, 1) <= h)
        return;
    double most = fmin(from, h) - 1;   /* the latest start that leaves a whole period */
    while (most > 0 && scenario_period_boundary(sc, most, 1) > h)
        most--;
    const struct param *w = &sc->reg.p[sc->p_warmup_days];
    const char *period = scenario_period_name(sc->report_every);
    if (most > 0)
        diag_error(d, w->file, w->line, w->path,
                   "warm-up of %.10g days starts reporting on day %.0f, which leaves no whole %s before the "
                   "%.0f-day horizon (allowed: at most %.0f days)", w->value, from, period, h, most);
    else
        diag_error(d, w->file, w->line, w->path,
                   "warm-up of %.10g days starts reporting on day %.0f, which leaves no whole %s before the "
                   "%.0f-day horizon (allowed: 0, as the horizon holds no %s after a warm-up)", w->value, from,
                   period, h, period);
}

size_t scenario_warnings(const struct scenario *sc, struct diag *w)
{
    size_t before = w->count;
    char value[64], usual[200];
    for (size_t i = 0; i < sc->reg.n; i++) {
        const struct param *p = &sc->reg.p[i];
        if (params_usual(&sc->reg, i, p->value))
            continue;
        params_format_value(&sc->reg, i, p->value, value, sizeof value);
        params_usual_text(&sc->reg, i, usual, sizeof usual);
        diag_error(w, p->file, p->line, p->path, "warning: %s is outside the usual range %s", value, usual);
    }
    /* The values interventions give: one warning per intervention, at the
     * first day it leaves one outside. */
    for (size_t k = 0; k < sc->n_iv; k++) {
        const struct intervention_spec *iv = &sc->iv[k];
        if (iv->param == SIZE_MAX)
            continue;
        double days[2] = { iv->from_day, iv->until_day };
        for (int e = 0; e < 2 && isfinite(days[e]); e++) {
            double v = scenario_value_at(sc, iv->param, days[e]);
            if (params_usual(&sc->reg, iv->param, v))
                continue;
            char path[300], date[DATE_TEXT_SIZE];
            snprintf(path, sizeof path, "interventions.%s", iv->name);
            date_format(date_from_days(date_to_days(sc->start) + (long)days[e]), date);
            params_format_value(&sc->reg, iv->param, v, value, sizeof value);
            params_usual_text(&sc->reg, iv->param, usual, sizeof usual);
            diag_error(w, iv->at.file, iv->at.line, path, "warning: %s %s = %s %s %s, outside the usual range %s",
                       e == 0 ? "makes" : "leaves", sc->reg.p[iv->param].path, value,
                       e == 0 ? "from" : "when it ends on", date, usual);
            break;
        }
    }
    return w->count - before;
}

bool scenario_validate(const struct scenario *sc, struct diag *d)
{
    size_t before = d->count;
    check_ranges(sc, d);

    for (size_t s = 0; s < sc->n_stages; s++) {
        const struct stage_spec *st = &sc->stage[s];
        check_dist(sc, d, &st->duration, &st->at);
        const struct param *ini = &sc->reg.p[st->p_initial];
        double observed = (double)(st->n_open_elapsed + st->n_open_waiting);
        if (st->observed && !unread(sc, st->p_initial) && ini->value != observed)
            diag_error(d, ini->file, ini->line, ini->path,
                       "%.10g, but open_elapsed_days and open_waiting_days list %.0f open cases (allowed: leave "
                       "initial out, or %.0f)", ini->value, observed, observed);
        double sum = 0;
        bool all_read = true;
        for (size_t k = 0; k < st->n_next; k++) {
            sum += sc->reg.p[st->next[k].p].value;
            all_read &= !unread(sc, st->next[k].p);
        }
        if (st->n_next > 0 && all_read && !(fabs(sum - 1.0) <= PROB_SUM_TOLERANCE)) {
            char path[300];
            snprintf(path, sizeof path, "pathway.stages.%s.next", st->name);
            diag_error(d, st->at_next.file, st->at_next.line, path,
                       "transition probabilities sum to %.10g (they must sum to 1)", sum);
        }
    }
    for (size_t g = 0; g < sc->n_grades; g++) {
        const struct param *cap = &sc->reg.p[sc->grade[g].p_cap];
        size_t s = 0;
        while (s < sc->n_stages && !sc->stage[s].eligible[g])
            s++;
        if (s < sc->n_stages && !unread(sc, sc->grade[g].p_cap) && !(cap->value > 0))
            diag_error(d, cap->file, cap->line, cap->path,
                       "%.10g leaves grade %s no room for cases, but stage %s lists it (allowed: a cap > 0 for a "
                       "grade that holds cases)", cap->value, sc->grade[g].name, sc->stage[s].name);
    }
    check_reachability(sc, d);
    check_dist(sc, d, &sc->time_to_hire, &sc->at_agency_cover);

    check_warmup(sc, d);
    double h = scenario_horizon_days(sc, NULL);
    /* Results carry the last day of each period as YYYY-MM-DD: the horizon
     * must end by 9999-12-31 (whether set in the file or by --set). */
    struct date last = date_from_days(date_to_days(sc->start) + (long)h - 1);
    if (last.year > DATE_MAX_YEAR && !unread(sc, sc->p_horizon_years)) {
        const struct param *hy = &sc->reg.p[sc->p_horizon_years];
        char st[DATE_TEXT_SIZE];
        date_format(sc->start, st);
        diag_error(d, hy->file, hy->line, hy->path,
                   "%.10g years from %s run past %d-12-31, the last date results can carry (allowed: a horizon "
                   "whose last day is %d-12-31 or earlier)", hy->value, st, DATE_MAX_YEAR, DATE_MAX_YEAR);
    }
    if (sc->has_agency_cover && sc->agency_grade < 0 && sc->n_grades > 0)
        diag_error(d, sc->at_agency_cover.file, sc->at_agency_cover.line, "workforce.agency_cover",
                   "no grade has agency = true (allowed: agency cover with a grade { name = \"agency\"; "
                   "agency = true; cap, day_rate and turnover_per_year })");
    if (!sc->has_agency_cover && sc->agency_grade >= 0) {
        const struct grade_spec *g = &sc->grade[sc->agency_grade];
        diag_error(d, g->at.file, g->at.line, "workforce.agency_cover",
                   "missing, but grade %s is an agency grade (allowed: agency_cover = { ... } saying when agency "
                   "workers are used, or no agency grade)", g->name);
    }
    check_iv_dates(sc, d);
    check_interventions(sc, d);
    return d->count == before;
}
