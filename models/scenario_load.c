/* scenario_load.c — reading a scenario file into a struct scenario.
 *
 * Every setting is looked up by name (so unknown ones can be reported), type
 * checked, and registered as a parameter with its unit, bounds and a one-line
 * description. Ranges and rules between settings are checked afterwards by
 * scenario_validate, once --set overrides are in. */
#include "models/scenario.h"

#include "models/loader.h"
#include "models/metrics.h"

#include "sim/check.h"
#include "sim/conf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Usual ranges shared by several settings (sources where they are used). */
#define LOADER_USUAL_MAX_FTE 2000.0
#define LOADER_USUAL_MAX_CAP 50.0
#define ADMIN_USUAL_LO 0.2
#define ADMIN_USUAL_HI 0.85
/* Seasonality: assumption, school holidays move referrals by a third at most. */
#define SEASON_USUAL_LO 0.5
#define SEASON_USUAL_HI 1.5

static const char *const month_key[SCENARIO_MONTHS] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
};

/* ---- sections ------------------------------------------------------------- */

/* Registers demand.seasonality.jan .. dec (1 each when absent), reporting
 * a seasonality that is not an array of 12 numbers. */
static void read_seasonality(struct loader *L, struct conf_node *g)
{
    struct scenario *sc = L->sc;
    struct conf_node *season = conf_get(g, "seasonality");
    if (season && (season->type != CONF_ARRAY || season->n_kid != SCENARIO_MONTHS))
        conf_error(L->d, season,
                   "is %s%s, not 12 numbers (allowed: [ jan, feb, ..., dec ], 12 multipliers from 0 to 100)",
                   conf_type_text(season->type),
                   season->type == CONF_ARRAY && season->n_kid != SCENARIO_MONTHS ? " of another length" : "");
    for (int m = 0; m < SCENARIO_MONTHS; m++) {
        double v = 1.0;
        const char *file = g ? loader_file(L, g->file) : NULL;
        int line = g ? g->line : 0;
        if (season && season->type == CONF_ARRAY && season->n_kid == SCENARIO_MONTHS) {
            struct conf_node *x = conf_item(season, (size_t)m);
            file = loader_file(L, season->file);
            line = season->line;
            if (conf_is_number(x))
                v = conf_number(x);
            else
                conf_error(L->d, season, "element %d is %s, not a number (allowed: a multiplier from 0 to 100)", m + 1,
                           conf_type_text(x->type));
        }
        char path[64];
        snprintf(path, sizeof path, "demand.seasonality.%s", month_key[m]);
        sc->p_season[m] = params_add(&sc->reg, path, "multiplier", PARAM_REAL, 0, 100, 0, v, file, line,
                                     "referral rate multiplier in month %d (months are rescaled to average 1)", m + 1);
        params_set_usual(&sc->reg, sc->p_season[m], SEASON_USUAL_LO, SEASON_USUAL_HI);
    }
}

/* The demand.shocks list into sc->shock, one multiplier registered per
 * shock in list order; two shocks from one date are an error. */
static void read_shocks(struct loader *L, struct conf_node *g)
{
    struct scenario *sc = L->sc;
    struct conf_node *shocks = loader_list(L, g, "shocks", false);
    if (shocks) {
        sc->shock = check_calloc(shocks->n_kid, sizeof *sc->shock);
        for (size_t i = 0; i < shocks->n_kid; i++) {
            struct conf_node *s = conf_item(shocks, i);
            struct date from = sc->start;
            char prefix[256];
            snprintf(prefix, sizeof prefix, "demand.shocks.%zu", i + 1);
            if (loader_date(L, s, "from", true, &from)) {
                snprintf(prefix, sizeof prefix, "demand.shocks.%s", conf_get(s, "from")->s);
                for (size_t j = 0; j < i; j++)
                    if (sc->shock[j].from_day == (double)date_diff(sc->start, from))
                        conf_error(L->d, conf_get(s, "from"), "a second shock from %s (allowed: one shock per date; "
                                   "give one multiplier)", conf_get(s, "from")->s);
            }
            sc->shock[i].from_day = (double)date_diff(sc->start, from);
            sc->shock[i].p_multiplier =
                /* usual: the Baby Peter surge raised referrals by about 15%
                 * (scenarios/birmingham-2009.cfg); assumption: 0.5 to 3 */
                loader_num(L, s, prefix, "multiplier", true, 1,
                           loader_usual(loader_real("multiplier", 0, 100, 0), 0.5, 3),
                           "referral rate multiplier from this date on");
        }
        sc->n_shocks = shocks->n_kid;
    }
}

/* Registers demand.rereferral.p and .within_days (both required when the
 * group is there). */
static void read_rereferral(struct loader *L, struct conf_node *g)
{
    struct scenario *sc = L->sc;
    struct conf_node *rr = loader_group(L, g, "rereferral", false);
    /* usual: DfE, 22% re-referred within 12 months */
    sc->p_reref_p = loader_num(L, rr, "demand.rereferral", "p", rr != NULL, 0, loader_usual(loader_share, 0, 0.6),
                               "probability that a closed case is referred again");
    sc->p_reref_within = loader_num(L, rr, "demand.rereferral", "within_days", rr != NULL, 365,
                                    /* usual: DfE counts re-referrals within 12 months;
                                     * assumption: a month to three years */
                                    loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, PARAM_LO_OPEN), 30, 1096),
                                    "window after closure in which a re-referral arrives (uniformly)");
}

static void read_demand(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct conf_node *g = loader_group(L, root, "demand", true);
    sc->p_referrals = loader_num(L, g, "demand", "referrals_per_year", true, 0,
                                 /* usual: DfE, about 630,000 a year over 153 councils (about 4,100
                                  * each); the smallest take tens, Birmingham about 10,000 */
                                 loader_usual(loader_real("referrals per year", 0, LOADER_MAX_REFERRALS_PER_YEAR, 0),
                                              10, 50000),
                                 "referrals received per year at the start (before trend, seasonality, shocks)");
    /* usual: DfE, about 8% of referrals end with no further action;
     * assumption: a front door screening out more than 60% is a typo */
    sc->p_screen_out = loader_num(L, g, "demand", "screen_out", false, 0, loader_usual(loader_share, 0, 0.6),
                                  "share of referrals screened out at the front door (no worker needed)");
    sc->p_trend =
        /* usual: DfE referrals move a few % a year; assumption: beyond -20%
         * or +30% a year (compounded) is a typo, a surge is a shock */
        loader_num(L, g, "demand", "trend_per_year", false, 0,
                   loader_usual(loader_real("share per year", -1, 10, PARAM_LO_OPEN), -0.2, 0.3),
                   "compound growth of the referral rate per year");
    read_seasonality(L, g);
    read_shocks(L, g);
    read_rereferral(L, g);
}

/* The name of grade I (node g), checked against the I names before it;
 * its position "I+1" when missing, malformed or a duplicate. Caller frees. */
static char *grade_name(struct loader *L, struct conf_node *g, size_t i, char **names)
{
    const char *name = loader_text_as(L, g, "name", true, "a grade name in double quotes");
    char fallback[32];
    snprintf(fallback, sizeof fallback, "%zu", i + 1);
    if (name && !loader_name_ok(L, conf_get(g, "name"), "grade", name))
        name = NULL;
    else if (name && loader_lookup(names, i, name) >= 0) {
        conf_error(L->d, conf_get(g, "name"), "grade \"%s\" is defined twice (allowed: each name once)", name);
        name = NULL; /* known by its position from here on */
    }
    return check_strdup(name ? name : fallback);
}

/* gs->agency from g.agency; the agency grade I becomes sc->agency_grade (one
 * at most), and settings that apply only to permanent grades are errors. */
static void read_grade_agency(struct loader *L, struct conf_node *g, struct grade_spec *gs, size_t i)
{
    struct scenario *sc = L->sc;
    struct conf_node *ag = conf_get(g, "agency");
    if (ag && ag->type != CONF_BOOL)
        conf_error(L->d, ag, "is %s, not true or false (allowed: true or false)", conf_type_text(ag->type));
    gs->agency = ag && ag->type == CONF_BOOL && ag->b;
    if (gs->agency) {
        if (sc->agency_grade >= 0)
            conf_error(L->d, ag, "a second agency grade (allowed: one agency grade; %s already is)",
                       sc->grade[sc->agency_grade].name);
        else
            sc->agency_grade = (int)i;
        const char *not_for_agency[] = { "establishment", "in_post", "salary", "oncost", "becomes", "after_days",
                                         "after_months" };
        for (size_t k = 0; k < sizeof not_for_agency / sizeof *not_for_agency; k++) {
            struct conf_node *x = conf_get(g, not_for_agency[k]);
            if (x)
                conf_error(
                    L->d, x,
                    "does not apply to the agency grade (allowed there: cap, day_rate, "
                    "turnover_per_year, supervises; agency workers cover vacancies: see workforce.agency_cover)");
        }
    }
}

/* Registers grade gs's staffing and cost parameters (establishment to
 * supervises, in that order) under PREFIX; gs->agency already read. */
static void read_grade_numbers(struct loader *L, struct conf_node *g, struct grade_spec *gs, const char *prefix)
{
    bool perm = !gs->agency;
    /* usual: Birmingham 2009, about 700 FTE in the whole service; DfE,
     * about 215 social workers per council; assumption: a grade of more
     * than 2,000 FTE is a typo */
    struct loader_num_spec fte = loader_usual(loader_real("FTE", 0, LOADER_MAX_FTE, 0), 0, LOADER_USUAL_MAX_FTE);
    gs->p_establishment =
        loader_num(L, g, prefix, "establishment", perm, 0, fte,
                   "funded posts (full-time equivalent)");
    gs->p_in_post =
        loader_num(L, g, prefix, "in_post", perm, 0,
                   loader_usual(loader_real("FTE", 0, LOADER_MAX_FTE, PARAM_STATIC), 0, LOADER_USUAL_MAX_FTE),
                   "staff in post at the start (FTE)");
    /* usual: DfE, about 16 cases per case-holding FTE; Birmingham 2009,
     * one worker held 32 (weights make points of cases) */
    struct loader_num_spec cap = loader_real("caseload points per FTE", 0, 1000, 0);
    gs->p_cap = loader_num(L, g, prefix, "cap", true, 0, loader_usual(cap, 0, LOADER_USUAL_MAX_CAP),
                           "caseload cap per FTE (0 for grades that hold no cases)");
    /* usual: national pay scales 2024, £34k-£55k; Birmingham 2009 family
     * support workers £20k; assumption: £10k-£150k (n/a for agency) */
    struct loader_num_spec salary = loader_real("£ per FTE-year", 0, 1e7, 0);
    gs->p_salary = loader_num(L, g, prefix, "salary", perm, 0, perm ? loader_usual(salary, 10000, 150000) : salary,
                              "salary per FTE-year");
    /* usual: pension and national insurance, 25-30% in the scenarios;
     * assumption: up to 60% */
    struct loader_num_spec oncost = loader_real("share of salary", 0, 5, 0);
    gs->p_oncost = loader_num(L, g, prefix, "oncost", false, 0, perm ? loader_usual(oncost, 0, 0.6) : oncost,
                              "employer on-costs (pension, national insurance) as a share of salary");
    gs->p_turnover =
        /* usual: DfE, 13.8-15.9% a year; assumption: agency workers
         * 60-80%, and more than one leaver per post a year is a typo */
        loader_num(L, g, prefix, "turnover_per_year", true, 0,
                   loader_usual(loader_real("leavers per FTE-year", 0, 50, 0), 0, 1.5),
                   "annual leaving hazard at or under the cap");
    /* usual: DfE, an agency premium of about £26k a year over a permanent
     * salary, about £320 a working day; Birmingham 2009, about £50 an
     * hour at twice the going rate; assumption: £100-£1,500 (n/a for
     * permanent grades) */
    struct loader_num_spec day_rate = loader_real("£ per working day", 0, 1e5, 0);
    gs->p_day_rate = loader_num(L, g, prefix, "day_rate", gs->agency, 0,
                                gs->agency ? loader_usual(day_rate, 100, 1500) : day_rate,
                                "agency charge per working day");
    /* usual: assumption, a team manager supervises about seven */
    gs->p_supervises = loader_num(L, g, prefix, "supervises", false, 0,
                                  loader_usual(loader_whole("staff", 0, 1000), 0, 20),
                                  "case-holding staff one FTE of this grade can supervise");
}

/* Registers when grade gs's staff progress (after_days or after_months)
 * under PREFIX; the grade they become is linked by link_grade_becomes. */
static void read_grade_after(struct loader *L, struct conf_node *g, struct grade_spec *gs, const char *prefix)
{
    bool has_becomes = conf_get(g, "becomes") != NULL;
    struct conf_node *days = conf_get(g, "after_days"), *months = conf_get(g, "after_months");
    if (days && months)
        conf_error(L->d, days,
                   "and after_months both say when staff progress (allowed: one of them; after_months = 12 "
                   "is the calendar anniversary of the start)");
    gs->after_in_days = days && !months;
    if (gs->after_in_days)
        gs->p_after = loader_num(L, g, prefix, "after_days", has_becomes, 365,
                                 /* usual: the newly qualified year (ASYE) lasts a year; assumption:
                                  * three months to five years */
                                 loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, PARAM_LO_OPEN), 90, 1827),
                                 "days in this grade before progression to the grade it becomes");
    else
        gs->p_after = loader_num(L, g, prefix, "after_months", has_becomes && months, 12,
                                 loader_usual(loader_whole("calendar months", 1, LOADER_MAX_MONTHS), 3, 60),
                                 "calendar months in this grade before progression to the grade it becomes "
                                 "(the anniversary of the start)");
    if (!has_becomes && (days || months))
        conf_error(L->d, days ? days : months,
                   "has no becomes beside it (allowed: with becomes = \"GRADE\", the grade staff progress to)");
}

/* Sets each grade's becomes from the list gl, now that every grade has one
 * of the n names; not itself, not the agency grade. */
static void link_grade_becomes(struct loader *L, struct conf_node *gl, char **names)
{
    struct scenario *sc = L->sc;
    for (size_t i = 0; i < sc->n_grades; i++) {
        struct conf_node *g = gl->kid[i];
        const char *to = loader_text_as(L, g, "becomes", false, "a grade name in double quotes");
        if (!to)
            continue;
        int j = loader_lookup(names, sc->n_grades, to);
        if (j < 0)
            loader_unknown_name(L, conf_get(g, "becomes"), "grade", to, names, sc->n_grades, NULL);
        else if (j == (int)i)
            conf_error(L->d, conf_get(g, "becomes"),
                       "a grade cannot become itself (allowed: another grade, not agency)");
        else if (sc->grade[j].agency)
            conf_error(L->d, conf_get(g, "becomes"),
                       "staff cannot progress into the agency grade (allowed: another grade, not agency)");
        else
            sc->grade[i].becomes = j;
    }
}

/* Grades are read before stages so stages can name them. */
static void read_grades(struct loader *L, struct conf_node *wf)
{
    struct scenario *sc = L->sc;
    struct conf_node *gl = loader_list(L, wf, "grades", wf != NULL);
    L->no_grades = !gl || gl->n_kid == 0;
    if (!gl)
        return;
    if (gl->n_kid == 0)
        conf_error(L->d, gl, "is an empty list (allowed: at least one grade { name = \"sw\"; ... })");
    sc->n_grades = gl->n_kid;
    sc->grade = check_calloc(sc->n_grades, sizeof *sc->grade);
    char **names = check_calloc(sc->n_grades, sizeof *names);
    for (size_t i = 0; i < sc->n_grades; i++) {
        struct conf_node *g = conf_item(gl, i);
        struct grade_spec *gs = &sc->grade[i];
        gs->at = loader_origin(L, g);
        gs->becomes = -1;
        gs->name = grade_name(L, g, i, names);
        names[i] = gs->name;
        char prefix[300];
        snprintf(prefix, sizeof prefix, "workforce.grades.%s", gs->name);
        read_grade_agency(L, g, gs, i);
        read_grade_numbers(L, g, gs, prefix);
        read_grade_after(L, g, gs, prefix);
    }
    link_grade_becomes(L, gl, names);
    free(names);
}

/* g.key, an array of days (the cases open at the start, as observed), into
 * a new array *out of *n; *present when the setting is there. Each element
 * a finite number of days from 0 to LOADER_MAX_DAYS, or an error at
 * PREFIX.KEY[i]. */
static void read_open_days(struct loader *L, struct conf_node *g, const char *prefix, const char *key, double **out,
                           size_t *n, bool *present)
{
    struct conf_node *v = conf_get(g, key);
    if (!v)
        return;
    *present = true;
    if (v->type != CONF_ARRAY) {
        loader_not_array(L, v, "an array of days, [ 12.0, 40.5, ... ] (empty: none)");
        return;
    }
    if ((double)v->n_kid > LOADER_MAX_INITIAL_CASES) {
        conf_error(L->d, v, "lists %zu cases (allowed: up to %.0f)", v->n_kid, LOADER_MAX_INITIAL_CASES);
        return;
    }
    *out = check_calloc(v->n_kid ? v->n_kid : 1, sizeof **out);
    *n = v->n_kid;
    for (size_t i = 0; i < v->n_kid; i++) {
        struct conf_node *x = conf_item(v, i);
        char path[400];
        snprintf(path, sizeof path, "%s.%s[%zu]", prefix, key, i);
        double d = conf_is_number(x) ? conf_number(x) : NAN;
        if (!conf_is_number(x))
            diag_error(L->d, x->file, x->line, path, "is %s, not a number (allowed: days from 0 to %.0f)",
                       conf_type_text(x->type), LOADER_MAX_DAYS);
        else if (!(d >= 0 && d <= LOADER_MAX_DAYS))
            diag_error(L->d, x->file, x->line, path, "is %.10g (allowed: days from 0 to %.0f)", d, LOADER_MAX_DAYS);
        else
            (*out)[i] = d;
    }
}

/* The stage's open cases as observed at the start (open_elapsed_days,
 * open_waiting_days); when either is given, `initial` defaults to their
 * total (scenario_validate checks a value given agrees). */
static void read_observed(struct loader *L, struct conf_node *s, const char *prefix, struct stage_spec *st)
{
    read_open_days(L, s, prefix, "open_elapsed_days", &st->open_elapsed, &st->n_open_elapsed, &st->observed);
    read_open_days(L, s, prefix, "open_waiting_days", &st->open_waiting, &st->n_open_waiting, &st->observed);
    if (st->observed && !conf_peek(s, "initial"))
        L->sc->reg.p[st->p_initial].value = (double)(st->n_open_elapsed + st->n_open_waiting);
}

/* The names of the stages in list sl, each once (a stage named twice, or
 * badly, is known by its position from then on), into sc->stage and names. */
static void read_stage_names(struct loader *L, struct conf_node *sl, char **names)
{
    struct scenario *sc = L->sc;
    for (size_t i = 0; i < sc->n_stages; i++) {
        struct conf_node *s = conf_item(sl, i);
        struct stage_spec *st = &sc->stage[i];
        st->at = loader_origin(L, s);
        const char *name = loader_text_as(L, s, "name", true, "a stage name in double quotes");
        char fallback[32];
        snprintf(fallback, sizeof fallback, "%zu", i + 1);
        if (name && !loader_name_ok(L, conf_get(s, "name"), "stage", name))
            name = NULL;
        else if (name && strcmp(name, "close") == 0)
            conf_error(L->d, conf_get(s, "name"),
                       "\"close\" is reserved (allowed: any other name; close means leaving the pathway)");
        else if (name && loader_lookup(names, i, name) >= 0) {
            conf_error(L->d, conf_get(s, "name"), "stage \"%s\" is defined twice (allowed: each name once)", name);
            name = NULL; /* known by its position from here on */
        }
        st->name = check_strdup(name ? name : fallback);
        names[i] = st->name;
    }
}

/* Stage st's grades = [ ... ]: which grades may hold it (st->eligible). */
static void read_stage_grades(struct loader *L, struct conf_node *s, struct stage_spec *st, char **gnames)
{
    struct scenario *sc = L->sc;
    st->eligible = check_calloc(sc->n_grades ? sc->n_grades : 1, sizeof *st->eligible);
    struct conf_node *gr = conf_get(s, "grades");
    st->at_grades = loader_origin(L, gr ? gr : s);
    if (!gr) {
        char gpath[600];
        loader_child_path(s, "grades", gpath, sizeof gpath);
        diag_error(
            L->d, s->file, s->line, gpath,
            "missing required setting (allowed: grades = [ \"sw\", ... ], the grades that may hold this stage)");
    } else if (gr->type != CONF_ARRAY || gr->n_kid == 0) {
        loader_not_array(L, gr, "a non-empty array of grade names [ \"sw\", ... ]");
    } else {
        for (size_t k = 0; k < gr->n_kid; k++) {
            struct conf_node *x = conf_item(gr, k);
            if (x->type != CONF_STRING) {
                conf_error(L->d, gr, "element %zu is %s, not a name (allowed: grade names in double quotes)", k + 1,
                           conf_type_text(x->type));
                continue;
            }
            int gi = loader_lookup(gnames, sc->n_grades, x->s);
            if (gi < 0)
                loader_unknown_name(L, gr, "grade", x->s, gnames, sc->n_grades, NULL);
            else
                st->eligible[gi] = true;
        }
    }

}

/* Stage st's next = ( { to = ...; p = ...; }, ... ): its transitions. */
static void read_stage_next(struct loader *L, struct conf_node *s, struct stage_spec *st, const char *prefix,
                            char **names)
{
    struct scenario *sc = L->sc;
    struct conf_node *nx = loader_list(L, s, "next", true);
    st->at_next = loader_origin(L, nx ? nx : s);
    if (nx) {
        st->next = check_calloc(nx->n_kid ? nx->n_kid : 1, sizeof *st->next);
        st->n_next = nx->n_kid;
        if (nx->n_kid == 0)
            conf_error(L->d, nx,
                       "is an empty list (allowed: at least one transition, e.g. { to = \"close\"; p = 1.0; })");
        for (size_t k = 0; k < nx->n_kid; k++) {
            struct conf_node *t = conf_item(nx, k);
            const char *to = loader_text_as(L, t, "to", true, "a stage name or \"close\" in double quotes");
            st->next[k].to = STAGE_CLOSE;
            char tprefix[400];
            snprintf(tprefix, sizeof tprefix, "%s.next.%s", prefix, to ? to : "?");
            if (to && strcmp(to, "close") != 0) {
                int si = loader_lookup(names, sc->n_stages, to);
                if (si < 0)
                    loader_unknown_name(L, conf_get(t, "to"), "stage", to, names, sc->n_stages, "close");
                else
                    st->next[k].to = si;
            }
            for (size_t j = 0; to && j < k; j++)
                if (st->next[j].to == st->next[k].to && conf_get(nx->kid[j], "to")
                    && strcmp(conf_get(nx->kid[j], "to")->s ? conf_get(nx->kid[j], "to")->s : "", to) == 0)
                    conf_error(L->d, t, "transition to \"%s\" is listed twice (allowed: each stage once)", to);
            /* usual: any probability */
            st->next[k].p = loader_num(L, t, tprefix, "p", true, 0, loader_share,
                                       "probability of this transition at the end of the stage");
        }
    }
}

/* Stage i's settings (its name already read), in the order they register
 * their parameters. */
static void read_stage(struct loader *L, struct conf_node *s, size_t i, char **names, char **gnames)
{
    struct scenario *sc = L->sc;
    struct stage_spec *st = &sc->stage[i];
    char prefix[300];
    snprintf(prefix, sizeof prefix, "pathway.stages.%s", st->name);
    st->p_weight =
        /* usual: assumption, a case is 0.1 to 10 times an assessment's
         * work (the scenarios use 1-2) */
        loader_num(L, s, prefix, "weight", true, 1,
                   loader_usual(loader_real("caseload points", 0, 1000, PARAM_LO_OPEN), 0.1, 10),
                   "workload of one case in this stage");
    st->p_priority =
        /* usual: any rank (an order, not an amount) */
        loader_num(L, s, prefix, "priority", true, 1, loader_whole("rank (1 = most urgent)", 1, 1000),
                   "allocation priority (1 is served first)");
    st->p_initial =
        /* usual: Birmingham 2009 about 4,000 looked after; assumption: a
         * stage of more than 50,000 open cases in one council is a typo */
        loader_num(L, s, prefix, "initial", false, 0,
                   loader_usual(loader_whole("cases", 0, LOADER_MAX_INITIAL_CASES), 0, 50000),
                   "cases open in this stage at day 0");
    sc->reg.p[st->p_initial].flags |= PARAM_STATIC;
    read_observed(L, s, prefix, st);
    struct conf_node *tf = conf_get(s, "transfer");
    if (tf && tf->type != CONF_BOOL)
        conf_error(L->d, tf, "is %s, not true or false (allowed: true or false)", conf_type_text(tf->type));
    st->transfer = tf && tf->type == CONF_BOOL && tf->b;

    char dprefix[320];
    snprintf(dprefix, sizeof dprefix, "%s.duration", prefix);
    struct conf_node *dur = loader_group(L, s, "duration", true);
    char what[300];
    snprintf(what, sizeof what, "time in stage %s", st->name);
    loader_dist(L, dur, dprefix, what, &st->duration);

    read_stage_grades(L, s, st, gnames);
    read_stage_next(L, s, st, prefix, names);
}

static void read_stages(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct conf_node *g = loader_group(L, root, "pathway", true);
    sc->p_wait_threshold =
        /* usual: Ofsted 2014 counted cases waiting over two months;
         * assumption: up to a year */
        loader_num(L, g, "pathway", "wait_threshold_days", true, 60,
                   loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, 0), 0, 366),
                   "unallocated cases waiting longer than this are reported");
    /* usual: assumption, a backlog of up to a few hundred cases is "cleared"
     * below it */
    sc->p_clear_below = loader_num(L, g, "pathway", "clear_below", false, 10,
                                   loader_usual(loader_real("cases", 0, LOADER_MAX_INITIAL_CASES, PARAM_STATIC), 0, 500),
                                   "the backlog has cleared once unallocated cases stay at or below this "
                                   "(backlog_clear_day)");
    sc->p_clear_periods = loader_num(L, g, "pathway", "clear_periods", false, 3,
                                     loader_whole("period ends", 0, 1000),
                                     "period ends in a row the backlog must stay at or below clear_below to "
                                     "count as cleared (0: up to the end of the horizon)");
    struct conf_node *sl = loader_list(L, g, "stages", g != NULL);
    L->no_stages = !sl || sl->n_kid == 0;
    if (!sl)
        return;
    if (sl->n_kid == 0)
        conf_error(L->d, sl, "is an empty list (allowed: at least one stage { name = \"assessment\"; ... })");
    sc->n_stages = sl->n_kid;
    sc->stage = check_calloc(sc->n_stages, sizeof *sc->stage);
    char **names = check_calloc(sc->n_stages, sizeof *names);
    char **gnames = check_calloc(sc->n_grades + 1, sizeof *gnames);
    for (size_t i = 0; i < sc->n_grades; i++)
        gnames[i] = sc->grade[i].name;

    read_stage_names(L, sl, names);
    for (size_t i = 0; i < sc->n_stages; i++)
        read_stage(L, sl->kid[i], i, names, gnames);
    const char *entry = loader_text_as(L, g, "entry", true, "the name of the stage referrals enter");
    sc->entry = 0;
    if (entry) {
        int e = loader_lookup(names, sc->n_stages, entry);
        if (e < 0)
            loader_unknown_name(L, conf_get(g, "entry"), "stage", entry, names, sc->n_stages, NULL);
        else
            sc->entry = e;
    }
    for (size_t gi = 0; gi < sc->n_grades; gi++)
        for (size_t i = 0; i < sc->n_stages; i++)
            if (sc->stage[i].eligible[gi])
                sc->grade[gi].holds_cases = true;
    free(names);
    free(gnames);
}

/* workforce.admin_share and admin_share_ref. */
static void read_admin(struct loader *L, struct conf_node *wf)
{
    struct scenario *sc = L->sc;
    /* usual: DfE, social workers report about two thirds of their time on
     * computers and paperwork; Birmingham 2009, 60-80% */
    struct loader_num_spec admin_usual =
        loader_usual(loader_real("share", 0, 1, PARAM_HI_OPEN), ADMIN_USUAL_LO, ADMIN_USUAL_HI);
    sc->p_admin_share =
        loader_num(L, wf, "workforce", "admin_share", true, 0, admin_usual,
                   "share of working time spent on recording and admin");
    double admin = sc->reg.p[sc->p_admin_share].value;
    sc->p_admin_ref = loader_num(
        L, wf, "workforce", "admin_share_ref", false, admin,
        loader_usual(loader_real("share", 0, 1, PARAM_HI_OPEN | PARAM_STATIC), ADMIN_USUAL_LO, ADMIN_USUAL_HI),
        "admin share at which caps apply as stated (caps scale with (1 - admin_share)/(1 - admin_share_ref))");
}

/* workforce.sickness. */
static void read_sickness(struct loader *L, struct conf_node *wf)
{
    struct scenario *sc = L->sc;
    struct conf_node *sk = loader_group(L, wf, "sickness", true);
    const char *p = "workforce.sickness";
    sc->p_sick_rate =
        /* usual: DfE, 3.2-3.5% of working days lost (about 2 episodes a
         * year in the scenarios); Birmingham 2009, seven times that;
         * assumption: up to 12 */
        loader_num(L, sk, p, "episodes_per_fte_year", true, 0,
                   loader_usual(loader_real("episodes per FTE-year", 0, 365, 0), 0, 12),
                   "sickness episodes per FTE-year at or under the cap");
    sc->p_sick_short_mean =
        /* usual: short-term absence lasts days (3-5 in the scenarios);
         * assumption: up to four weeks */
        loader_num(L, sk, p, "short_mean_days", true, 1,
                   loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, PARAM_LO_OPEN), 0, 28),
                   "mean length of a short-term sickness episode (exponential)");
    sc->p_sick_long_share =
        /* usual: 8-25% in the scenarios; assumption: up to 60% */
        loader_num(L, sk, p, "long_share", true, 0, loader_usual(loader_share, 0, 0.6),
                   "share of episodes that are long-term");
    sc->p_sick_long_mean =
        /* usual: long-term absence is four weeks or more (45-120 days in the
         * scenarios); assumption: up to a year */
        loader_num(L, sk, p, "long_mean_days", true, 1,
                   loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, PARAM_LO_OPEN), 7, 366),
                   "mean length of a long-term sickness episode (exponential)");
    sc->p_realloc_after =
        /* usual: assumption, four weeks in the scenarios; up to half a year */
        loader_num(L, sk, p, "reallocate_after_days", true, 28,
                   loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, 0), 0, 183),
                   "a sick worker's cases are reallocated after this long off");
}

/* workforce.pressure. */
static void read_pressure(struct loader *L, struct conf_node *wf)
{
    struct scenario *sc = L->sc;
    struct conf_node *pr = loader_group(L, wf, "pressure", true);
    const char *p = "workforce.pressure";
    /* usual: assumption (no published figure; 0.5-1.5 in the scenarios),
     * up to 5 */
    struct loader_num_spec gain = loader_usual(loader_real("per unit of overload", 0, 100, 0), 0, 5);
    sc->p_gain_sick = loader_num(L, pr, p, "sickness_gain", true, 0, gain,
                                 "sickness multiplier = 1 + gain x max(0, load/cap - 1)");
    sc->p_gain_turnover =
        loader_num(L, pr, p, "turnover_gain", true, 0, gain,
                   "leaving multiplier = 1 + gain x max(0, load/cap - 1)");
    sc->p_gain_unsupervised =
        loader_num(L, pr, p, "unsupervised_gain", false, 0,
                   loader_usual(loader_real("per unsupervised share", 0, 100, 0), 0, 5),
                   "sickness and leaving multiplier = 1 + gain x share of case-holders beyond supervision span");
    sc->p_pressure_ref =
        /* usual: as a cap */
        loader_num(L, pr, p, "reference_caseload", false, 0,
                   loader_usual(loader_real("caseload points per FTE", 0, 1000, 0), 0, LOADER_USUAL_MAX_CAP),
                   "caseload per FTE above which pressure builds (0: each worker's own cap)");
}

/* workforce.recruitment.nqsw_cohort, and which grade it joins. */
static void read_cohort(struct loader *L, struct conf_node *rc)
{
    struct scenario *sc = L->sc;
    struct conf_node *co = loader_group(L, rc, "nqsw_cohort", false);
    sc->at_cohort = loader_origin(L, co);
    const char *p = "workforce.recruitment.nqsw_cohort";
    /* usual: any month */
    sc->p_cohort_month = loader_num(L, co, p, "month", co != NULL, 9, loader_whole("month (1-12)", 1, 12),
                                    "calendar month in which the newly qualified cohort starts");
    /* usual: 12-20 in the scenarios (50 with a recruitment drive);
     * assumption: up to 300 a year in one council */
    sc->p_cohort_size = loader_num(L, co, p, "size", co != NULL, 0,
                                   loader_usual(loader_whole("staff", 0, LOADER_MAX_FTE), 0, 300),
                                   "newly qualified staff who can start each year (fills vacancies)");
    /* usual: £6,000-£8,000 in the scenarios; assumption: up to £50,000
     * (a fast-track programme) */
    sc->p_training_cost = loader_num(L, co, p, "training_cost", false, 0,
                                     loader_usual(loader_real("£ per starter", 0, 1e7, 0), 0, 50000),
                                     "training cost per newly qualified starter");
    sc->cohort_grade = -1;
    if (co) {
        const char *gname = loader_text_as(L, co, "grade", false, "a grade name in double quotes");
        if (gname) {
            sc->cohort_grade = scenario_grade(sc, gname);
            if (sc->cohort_grade < 0) {
                char **gnames = check_calloc(sc->n_grades + 1, sizeof *gnames);
                for (size_t i = 0; i < sc->n_grades; i++)
                    gnames[i] = sc->grade[i].name;
                loader_unknown_name(L, conf_get(co, "grade"), "grade", gname, gnames, sc->n_grades, NULL);
                free(gnames);
            }
        } else {
            for (size_t i = 0; i < sc->n_grades; i++)
                if (sc->grade[i].becomes >= 0 && sc->cohort_grade < 0)
                    sc->cohort_grade = (int)i;
            if (sc->cohort_grade < 0) {
                char cpath[600];
                loader_child_path(co, "grade", cpath, sizeof cpath);
                diag_error(L->d, co->file, co->line, cpath, "missing required setting (allowed: grade = \"NAME\"; "
                           "no grade has becomes = to default to)");
            }
        }
        if (sc->cohort_grade >= 0 && sc->grade[sc->cohort_grade].agency)
            conf_error(L->d, conf_get(co, "grade") ? conf_get(co, "grade") : co,
                       "the cohort cannot join the agency grade (allowed: a grade that is not agency)");
    }
}

/* workforce.recruitment, its time to hire and its cohort. */
static void read_recruitment(struct loader *L, struct conf_node *wf)
{
    struct scenario *sc = L->sc;
    struct conf_node *rc = loader_group(L, wf, "recruitment", true);
    const char *p = "workforce.recruitment";
    sc->p_rec_success =
        /* usual: any probability (no published figure) */
        loader_num(L, rc, p, "success", true, 0, loader_share, "probability that a recruitment campaign hires");
    /* usual: assumption, 60-90 days in the scenarios; up to a year */
    sc->p_rec_retry = loader_num(L, rc, p, "retry_days", true, 0,
                                 loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, 0), 0, 366),
                                 "wait before a failed campaign is run again");
    /* usual: assumption (no published figure; £5,000 in the scenarios),
     * up to £50,000 */
    sc->p_rec_cost = loader_num(L, rc, p, "cost_per_campaign", true, 0,
                                loader_usual(loader_real("£", 0, 1e8, 0), 0, 50000),
                                "cost of one recruitment campaign");
    struct conf_node *th = loader_group(L, rc, "time_to_hire", rc != NULL);
    loader_dist(L, th, "workforce.recruitment.time_to_hire", "time to hire", &sc->time_to_hire);
    read_cohort(L, rc);
}

/* workforce.agency_cover. */
static void read_agency_cover(struct loader *L, struct conf_node *wf)
{
    struct scenario *sc = L->sc;
    struct conf_node *ac = loader_group(L, wf, "agency_cover", false);
    sc->has_agency_cover = ac != NULL;
    sc->at_agency_cover = loader_origin(L, ac ? ac : wf);
    const char *p = "workforce.agency_cover";
    /* usual: any (true or false) */
    sc->p_agency_vacancies = loader_num(L, ac, p, "vacancies", false, ac != NULL, loader_boolean,
                                        "agency workers cover vacant case-holding posts");
    sc->p_agency_long_sick = loader_num(L, ac, p, "long_sickness", false, 0, loader_boolean,
                                        "agency workers cover staff off longer than reallocate_after_days");
    /* usual: DfE, agency workers are 16-18% of the workforce; Birmingham
     * 2009 "over-reliance"; assumption: up to 60% */
    sc->p_agency_max_share = loader_num(L, ac, p, "max_share", ac != NULL, 0, loader_usual(loader_share, 0, 0.6),
                                        "ceiling on agency FTE as a share of case-holding establishment");
    /* usual: assumption, two weeks in the scenarios; up to half a year */
    sc->p_agency_delay = loader_num(L, ac, p, "delay_days", ac != NULL, 0,
                                    loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, 0), 0, 183),
                                    "days from a post needing cover to an agency worker starting");
}

/* The workforce's settings beyond its grades, in the order they register
 * their parameters. */
static void read_workforce(struct loader *L, struct conf_node *wf)
{
    read_admin(L, wf);
    read_sickness(L, wf);
    read_pressure(L, wf);
    read_recruitment(L, wf);
    read_agency_cover(L, wf);
}

/* ---- the labour market ------------------------------------------------------- */

/* Largest pool, inflow or output (people), and agency FTE, a scenario may
 * state: far beyond England's 33,000 social workers, so "unlimited" can be
 * written as a number. */
#define MARKET_MAX_PEOPLE 1e9

/* labour_market.grades: the permanent grades that recruit from the pool
 * (qualified social workers); absent, every permanent grade. */
static void read_market_grades(struct loader *L, struct conf_node *g)
{
    struct scenario *sc = L->sc;
    struct market_spec *ms = &sc->market;
    ms->grade = check_calloc(sc->n_grades ? sc->n_grades : 1, sizeof *ms->grade);
    struct conf_node *gr = conf_get(g, "grades");
    if (!gr) {
        for (size_t i = 0; i < sc->n_grades; i++)
            ms->grade[i] = !sc->grade[i].agency;
        return;
    }
    const char *allowed = "an array of permanent grade names [ \"sw\", ... ]";
    if (gr->type != CONF_ARRAY || gr->n_kid == 0) {
        loader_not_array(L, gr, allowed);
        return;
    }
    char **gnames = check_calloc(sc->n_grades + 1, sizeof *gnames);
    for (size_t i = 0; i < sc->n_grades; i++)
        gnames[i] = sc->grade[i].name;
    for (size_t k = 0; k < gr->n_kid; k++) {
        struct conf_node *x = conf_item(gr, k);
        if (x->type != CONF_STRING) {
            conf_error(L->d, gr, "element %zu is %s, not a name (allowed: %s)", k + 1, conf_type_text(x->type),
                       allowed);
            continue;
        }
        int gi = loader_lookup(gnames, sc->n_grades, x->s);
        if (gi < 0 && !L->no_grades)
            loader_unknown_name(L, gr, "grade", x->s, gnames, sc->n_grades, NULL);
        else if (gi >= 0 && sc->grade[gi].agency)
            conf_error(L->d, gr, "\"%s\" is the agency grade, which does not recruit (allowed: %s)", x->s,
                       allowed);
        else if (gi >= 0)
            ms->grade[gi] = true;
    }
    free(gnames);
}

/* Registers labour_market.pool's start, inflow, exit and leaver share. */
static void read_market_pool(struct loader *L, struct conf_node *g)
{
    struct market_spec *ms = &L->sc->market;
    struct conf_node *pool = loader_group(L, g, "pool", true);
    const char *p = "labour_market.pool";
    /* usual ranges: assumption (no published count of social workers open
     * to offers), from none to a region's whole workforce (about 5,000) */
    struct loader_num_spec start = loader_usual(loader_whole("people", 0, MARKET_MAX_PEOPLE), 0, 5000);
    start.flags |= PARAM_STATIC;   /* read at day 0 only */
    ms->p_pool_start = loader_num(L, pool, p, "start", true, 0, start,
                                  "qualified social workers in the region open to offers at the start");
    ms->p_inflow = loader_num(L, pool, p, "inflow_per_year", true, 0,
                              loader_usual(loader_real("people per year", 0, MARKET_MAX_PEOPLE, 0), 0, 5000),
                              "arrivals into the pool a year: returners, movers, other councils' leavers");
    /* usual: assumption, a searcher stays months to a few years */
    ms->p_exit = loader_num(L, pool, p, "exit_per_year", true, 0,
                            loader_usual(loader_real("per person-year", 0, 365, 0), 0, 4),
                            "rate at which a person in the pool leaves it for outside (the profession, the region)");
    ms->p_leaver_share = loader_num(L, pool, p, "leaver_share", true, 0, loader_share,
                                    "share of the council's leavers who join the pool");
}

/* Registers labour_market.matching's efficiency, elasticity, the region's
 * vacancies and the council's intensity. */
static void read_market_matching(struct loader *L, struct conf_node *g)
{
    struct market_spec *ms = &L->sc->market;
    struct conf_node *mt = loader_group(L, g, "matching", true);
    const char *p = "labour_market.matching";
    ms->p_efficiency = loader_num(L, mt, p, "efficiency", true, 0,
                                  loader_usual(loader_real("hires per vacancy-year at U = V", 0, 1e6, 0), 0, 50),
                                  "A in hires = A U^a V^(1-a): vacancy filling rate when the pool equals vacancies");
    /* usual: Petrongolo & Pissarides 2001, 0.5-0.7 */
    ms->p_alpha = loader_num(L, mt, p, "elasticity", true, 0.5, loader_usual(loader_share, 0.3, 0.8),
                             "a in hires = A U^a V^(1-a): elasticity of hires with respect to the pool");
    ms->p_region_vacancies = loader_num(L, mt, p, "region_vacancies_fte", true, 0,
                                        loader_usual(loader_real("FTE", 0, MARKET_MAX_PEOPLE, 0), 0, 5000),
                                        "the region's other councils' vacancies competing for the pool");
    /* usual: assumption, a recruitment push doubles or triples the reach
     * of the council's campaigns at most */
    ms->p_intensity = loader_num(L, mt, p, "intensity", false, 1,
                                 loader_usual(loader_real("multiplier", 0, 1000, 0), 0.25, 4),
                                 "the council's hazard per vacancy over the region's (campaign reach, a hiring team)");
}

/* Registers labour_market.pay's supplement and its hiring and leaving
 * elasticities. */
static void read_market_pay(struct loader *L, struct conf_node *g)
{
    struct market_spec *ms = &L->sc->market;
    struct conf_node *pay = loader_group(L, g, "pay", true);
    const char *p = "labour_market.pay";
    /* usual: assumption, market supplements of up to a third of salary */
    ms->p_supplement = loader_num(L, pay, p, "supplement", false, 0,
                                  loader_usual(loader_real("share of salary", -0.5, 2, 0), 0, 0.35),
                                  "the council's pay above the market (retention payment, market supplement)");
    /* usual: assumption; labour supply elasticities to one employer of 1-5
     * (Manning 2003, Monopsony in Motion) */
    ms->p_hire_elasticity = loader_num(L, pay, p, "hire_elasticity", true, 0,
                                       loader_usual(loader_real("elasticity", 0, 50, 0), 0, 5),
                                       "hiring rate per vacancy x (1 + supplement)^this");
    ms->p_leave_elasticity = loader_num(L, pay, p, "leave_elasticity", true, 0,
                                        loader_usual(loader_real("elasticity", 0, 50, 0), 0, 5),
                                        "leaving hazard / (1 + supplement)^this");
}

/* Registers labour_market.newly_qualified's output, then
 * labour_market.agency's supply, the region's demand and the day rate's
 * elasticity. */
static void read_market_entrants(struct loader *L, struct conf_node *g)
{
    struct market_spec *ms = &L->sc->market;
    struct conf_node *nq = loader_group(L, g, "newly_qualified", true);
    const char *p = "labour_market.newly_qualified";
    ms->p_nq_output = loader_num(L, nq, p, "output_per_year", true, 0,
                                 loader_usual(loader_whole("people per year", 0, MARKET_MAX_PEOPLE), 0, 2000),
                                 "newly qualified from the region's programmes each year, arriving at the cohort");

    struct conf_node *ag = loader_group(L, g, "agency", true);
    p = "labour_market.agency";
    ms->p_agency_supply = loader_num(L, ag, p, "supply_fte", true, 0,
                                     loader_usual(loader_real("FTE", 0, MARKET_MAX_PEOPLE, 0), 0, 5000),
                                     "agency social workers available in the region");
    ms->p_region_agency = loader_num(L, ag, p, "region_demand_fte", true, 0,
                                     loader_usual(loader_real("FTE", 0, MARKET_MAX_PEOPLE, 0), 0, 5000),
                                     "agency FTE the region's other councils engage");
    ms->p_day_rate_elasticity = loader_num(L, ag, p, "day_rate_elasticity", true, 0,
                                           loader_usual(loader_real("elasticity", 0, 50, 0), 0, 5),
                                           "day rate x (demand / supply)^this when demand exceeds supply");
}

/* The labour market (models/market.h): absent, sc->market.on stays false
 * and no parameter is registered, so a scenario without it is as before. */
static void read_market(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct market_spec *ms = &sc->market;
    struct conf_node *g = loader_group(L, root, "labour_market", false);
    if (!g)
        return;
    ms->on = true;
    ms->at = loader_origin(L, g);
    read_market_grades(L, g);
    struct loader_num_spec flag = loader_boolean;
    flag.flags |= PARAM_STATIC;
    ms->p_enabled = loader_num(L, g, "labour_market", "enabled", false, 1, flag,
                               "the labour market is on (false: the model without it, for comparisons)");
    read_market_pool(L, g);
    read_market_matching(L, g);
    read_market_pay(L, g);
    read_market_entrants(L, g);
}

/* Whether path lies under a stage or grade list that could not be read. */
static bool unreadable_path(const struct loader *L, const char *path)
{
    return (L->no_stages && strncmp(path, "pathway.stages.", 15) == 0)
           || (L->no_grades && strncmp(path, "workforce.grades.", 17) == 0);
}

/* An intervention's date `key` as a parameter like any other (days from
 * the start, shown as YYYY-MM-DD), so --set and sweeps move it;
 * scenario_validate checks it against the start and the other date. */
static size_t date_param(struct loader *L, struct conf_node *g, const char *prefix, const char *key, struct date d,
                         bool unreadable, const char *descr)
{
    struct scenario *sc = L->sc;
    char path[512];
    snprintf(path, sizeof path, "%s.%s", prefix, key);
    size_t at = strlen(path) < sizeof path - 24 ? strlen(path) : sizeof path - 24;
    for (size_t k = sc->reg.n; params_find(&sc->reg, path) >= 0; k++)
        snprintf(path + at, sizeof path - at, "#%zu", k);   /* a duplicate name, reported */
    struct conf_node *n = conf_get(g, key);
    struct origin o = loader_origin(L, n ? n : g);
    sc->reg.epoch = date_to_days(sc->start);
    size_t i = params_add(&sc->reg, path, "date", PARAM_DATE, -HUGE_VAL, HUGE_VAL, PARAM_STATIC,
                          (double)date_diff(sc->start, d), o.file, o.line, "%s", descr);
    if (unreadable)
        sc->reg.p[i].flags |= PARAM_UNREAD;
    return i;
}

/* The name of intervention I (node g), checked against the I before it;
 * its position "I+1" when missing or malformed. Caller frees. */
static char *intervention_name(struct loader *L, struct conf_node *g, size_t i)
{
    struct scenario *sc = L->sc;
    const char *name = loader_text(L, g, "name", true);
    char fallback[32];
    snprintf(fallback, sizeof fallback, "%zu", i + 1);
    if (name && !loader_label_ok(L, conf_get(g, "name"), "an intervention", name))
        name = NULL;
    for (size_t j = 0; name && j < i; j++)
        if (strcmp(sc->iv[j].name, name) == 0)
            conf_error(L->d, conf_get(g, "name"), "intervention \"%s\" is defined twice (allowed: each name once)",
                       name);
    return check_strdup(name ? name : fallback);
}

/* Registers iv's from and (when given) until dates under PREFIX and copies
 * their days into iv->from_day and iv->until_day (HUGE_VAL when open). */
static void read_iv_dates(struct loader *L, struct conf_node *g, struct intervention_spec *iv, const char *prefix)
{
    struct scenario *sc = L->sc;
    /* from and until are parameters like any other (dates: days from
     * the start, shown as YYYY-MM-DD), so --set and sweeps move them;
     * scenario_validate checks them against the start and each other */
    struct date from = sc->start, until = sc->start;
    bool from_ok = loader_date(L, g, "from", true, &from);
    iv->p_from = date_param(L, g, prefix, "from", from, !from_ok, "date it starts");
    iv->p_until = SIZE_MAX;
    iv->from_day = sc->reg.p[iv->p_from].value;
    iv->until_day = HUGE_VAL;
    if (conf_get(g, "until")) {
        bool until_ok = loader_date(L, g, "until", false, &until);
        iv->p_until = date_param(L, g, prefix, "until", until, !until_ok,
                                 "date it ends (the first day it is no longer in force)");
        iv->until_day = sc->reg.p[iv->p_until].value;
    }
}

/* iv's change (exactly one of set, add, scale; add when none) and its
 * costs, registered under PREFIX in that order. */
static void read_iv_change(struct loader *L, struct conf_node *g, struct intervention_spec *iv, const char *prefix)
{
    const char *ops[] = { "set", "add", "scale" };
    int found = -1;
    for (int k = 0; k < 3; k++)
        if (conf_get(g, ops[k])) {
            if (found >= 0)
                conf_error(L->d, conf_get(g, ops[k]), "a second change (allowed: one of set, add or scale)");
            else
                found = k;
        }
    if (found < 0) {
        conf_error(L->d, g,
                   "says nothing about how it changes param (allowed: one of set = N, add = N or scale = N)");
        found = 1;
    }
    iv->op = (enum iv_op)found;
    static const char *const op_descr[] = { "value the parameter is set to", "amount added to the parameter",
                                            "factor the parameter is multiplied by" };
    /* usual: any (the values it gives its parameter are checked
     * against that parameter's usual range) */
    iv->p_amount = loader_num(L, g, prefix, ops[found], false, found == IV_SCALE ? 1 : 0,
                              loader_real("as the parameter", -HUGE_VAL, HUGE_VAL, 0), op_descr[found]);
    /* usual: Birmingham 2015, £120m estimated to leave special measures;
     * assumption: up to £200m */
    iv->p_cost_once = loader_num(L, g, prefix, "cost_once", false, 0,
                                 loader_usual(loader_real("£", 0, 1e10, 0), 0, 2e8),
                                 "one-off cost, paid on the from date");
    iv->p_cost_per_year =
        /* usual: Birmingham 2015-16, an extra £21.5m; assumption: up to
         * £50m a year */
        loader_num(L, g, prefix, "cost_per_year", false, 0,
                   loader_usual(loader_real("£ per year", 0, 1e10, 0), 0, 5e7),
                   "running cost per year while in force");
}

/* iv->param from g.param: a parameter registered before it that may change
 * during a run and is no intervention's; SIZE_MAX otherwise (reported). */
static void link_iv_param(struct loader *L, struct conf_node *g, struct intervention_spec *iv)
{
    struct scenario *sc = L->sc;
    const char *param = loader_text(L, g, "param", true);
    iv->param = SIZE_MAX;
    if (param) {
        long k = params_find(&sc->reg, param);
        struct conf_node *pn = conf_get(g, "param");
        if (k < 0 && unreadable_path(L, param)) {
            /* its stage or grade list could not be read (reported) */
        } else if (k < 0) {
            const char *near = params_nearest(&sc->reg, param);
            if (near)
                conf_error(L->d, pn, "\"%.200s\" names no parameter (did you mean %s?)", param, near);
            else
                conf_error(L->d, pn, "\"%.200s\" names no parameter (allowed: a path that caseload params "
                           "SCENARIO lists)", param);
        } else if (sc->reg.p[k].flags & PARAM_STATIC) {
            conf_error(L->d, pn, "\"%s\" is fixed at day 0 and cannot change during a run (allowed: a parameter "
                       "that may change, e.g. an establishment or a rate)", param);
        } else if (strncmp(param, "interventions.", 14) == 0) {
            conf_error(L->d, pn, "an intervention cannot change another intervention (allowed: a parameter "
                       "outside interventions.*)");
        } else {
            iv->param = (size_t)k;
        }
    }
}

static void read_interventions(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct conf_node *il = loader_list(L, root, "interventions", false);
    if (!il)
        return;
    sc->n_iv = il->n_kid;
    sc->iv = check_calloc(sc->n_iv ? sc->n_iv : 1, sizeof *sc->iv);
    for (size_t i = 0; i < sc->n_iv; i++) {
        struct conf_node *g = conf_item(il, i);
        struct intervention_spec *iv = &sc->iv[i];
        iv->at = loader_origin(L, g);
        iv->name = intervention_name(L, g, i);
        char prefix[300];
        snprintf(prefix, sizeof prefix, "interventions.%s", iv->name);
        read_iv_dates(L, g, iv, prefix);
        read_iv_change(L, g, iv, prefix);
        link_iv_param(L, g, iv);
    }
}

static void read_uncertain(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct conf_node *u = conf_get(root, "uncertain");
    if (!u)
        return;
    if (u->type != CONF_ARRAY) {
        conf_error(L->d, u, "is %s, not an array (allowed: parameter paths [ \"demand.referrals_per_year\", ... ])",
                   conf_type_text(u->type));
        return;
    }
    sc->uncertain = check_calloc(u->n_kid ? u->n_kid : 1, sizeof *sc->uncertain);
    for (size_t i = 0; i < u->n_kid; i++) {
        struct conf_node *x = conf_item(u, i);
        if (x->type != CONF_STRING) {
            conf_error(L->d, u, "element %zu is %s, not a path (allowed: parameter paths in double quotes)", i + 1,
                       conf_type_text(x->type));
            continue;
        }
        long k = params_find(&sc->reg, x->s);
        if (k < 0 && unreadable_path(L, x->s))
            continue;
        if (k < 0) {
            const char *near = params_nearest(&sc->reg, x->s);
            if (near)
                conf_error(L->d, u, "\"%.200s\" names no parameter (did you mean %s?)", x->s, near);
            else
                conf_error(L->d, u, "\"%.200s\" names no parameter (allowed: a path that caseload params SCENARIO "
                           "lists)", x->s);
            continue;
        }
        sc->uncertain[sc->n_uncertain++] = (size_t)k;
    }
}

void scenario_risk_value_text(double v, char *buf, size_t size)
{
    int digits = 1;
    for (; digits < 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    snprintf(buf, size, "%.*g", digits, v);
    /* %g writes 100 as 1e+02 at one digit: a whole number is written whole */
    if (strchr(buf, 'e') && fabs(v) >= 1 && fabs(v) < 1e17)
        snprintf(buf, size, "%.0f", v);
}

bool scenario_add_risk(struct scenario *sc, const char *metric, double above, const char *file, int line,
                       const char *path, struct diag *d)
{
    long c = metrics_find(sc, metric);
    if (c < 0) {
        char msg[8192];
        size_t w = (size_t)snprintf(msg, sizeof msg, "\"%.200s\" is not a metric (allowed: a series.csv column:", metric);
        size_t n = metrics_count(sc);
        for (size_t i = 0; i < n && w < sizeof msg; i++) {
            char name[300];
            metrics_name(sc, i, name, sizeof name);
            w += (size_t)snprintf(msg + w, sizeof msg - w, "%s %s", i ? "," : "", name);
        }
        diag_error(d, file, line, path, "%s)", msg);
        return false;
    }
    if (!isfinite(above)) {
        diag_error(d, file, line, path, "the value %g is not a finite number (allowed: e.g. 100)", above);
        return false;
    }
    for (size_t i = 0; i < sc->n_risks; i++)
        if (sc->risk[i].column == (size_t)c && sc->risk[i].above == above)
            return true;
    sc->risk = check_realloc(sc->risk, (sc->n_risks + 1) * sizeof *sc->risk);
    struct risk_spec *r = &sc->risk[sc->n_risks++];
    r->metric = check_strdup(metric);
    r->column = (size_t)c;
    r->above = above;
    char value[64], slug[400];
    scenario_risk_value_text(above, value, sizeof value);
    snprintf(slug, sizeof slug, "%s_gt_%s", metric, value);
    r->slug = check_strdup(slug);
    r->at = (struct origin){ file, line };
    return true;
}

/* risks = ( { metric = "unallocated"; above = 100.0; }, ... ) */
static void read_risks(struct loader *L, struct conf_node *root)
{
    struct conf_node *rl = loader_list(L, root, "risks", false);
    for (size_t i = 0; rl && i < rl->n_kid; i++) {
        struct conf_node *g = conf_item(rl, i);
        const char *metric = loader_text(L, g, "metric", true);
        struct conf_node *a = conf_get(g, "above");
        double above = NAN;
        if (!a)
            conf_error(L->d, g, "has no above (allowed: above = 100.0, the value the metric must exceed)");
        else if (a->type == CONF_INT)
            above = (double)a->i;
        else if (a->type == CONF_FLOAT)
            above = a->f;
        else
            conf_error(L->d, a, "is %s, not a number (allowed: e.g. above = 100.0)", conf_type_text(a->type));
        if (!metric || !a || !isfinite(above))
            continue;
        if (unreadable_path(L, "pathway.stages.") || unreadable_path(L, "workforce.grades."))
            continue;   /* the columns per stage and grade are unknown (reported) */
        struct origin at = loader_origin(L, conf_get(g, "metric"));
        char path[64];
        snprintf(path, sizeof path, "risks.%zu.metric", i + 1);
        scenario_add_risk(L->sc, metric, above, at.file, at.line, path, L->d);
    }
}

static void read_top(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    const char *name = loader_text(L, root, "name", true);
    sc->name = check_strdup(name ? name : "unnamed");
    sc->at_name = loader_origin(L, conf_get(root, "name") ? conf_get(root, "name") : root);
    if (name && !scenario_name_ok(name))
        conf_error(L->d, conf_get(root, "name"),
                   "\"%.80s%s\" cannot name a scenario (allowed: " SCENARIO_NAME_RULE "; it names the results "
                   "folder)", name, strlen(name) > 80 ? "..." : "");
    const char *descr = loader_text(L, root, "description", false);
    sc->description = check_strdup(descr ? descr : "");
    sc->start.year = 2000;
    sc->start.month = sc->start.day = 1;
    loader_date(L, root, "start", true, &sc->start);
    sc->p_horizon_years = loader_num(L, root, "", "horizon_years", true, 1,
                                     /* usual: assumption, a plan of a few months to 30 years
                                      * (the scenarios: 5-13) */
                                     loader_usual(loader_real("years", 0, LOADER_MAX_HORIZON_YEARS,
                                                              PARAM_LO_OPEN | PARAM_STATIC), 0, 30),
                                     "length of the simulated period");
    sc->p_warmup_days =
        /* usual: six months in scenarios/birmingham-2009.cfg; assumption:
         * up to two years */
        loader_num(L, root, "", "warmup_days", false, 0,
                   loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, PARAM_STATIC), 0, 731),
                   "start-up period excluded from every statistic");
    sc->at_warmup = loader_origin(L, conf_get(root, "warmup_days") ? conf_get(root, "warmup_days") : root);
    sc->p_drift_notice =
        loader_num(L, root, "", "drift_notice", false, 0.05, loader_real("share", 0, 1, PARAM_STATIC),
                   "check and run give notice when, with no intervention, a key stock moves by more than this "
                   "share of its scale in the first year (docs/model.md)");
    const char *every = loader_text(L, root, "report_every", false);
    sc->report_every = PERIOD_MONTH;
    if (every) {
        if (strcmp(every, "week") == 0)
            sc->report_every = PERIOD_WEEK;
        else if (strcmp(every, "quarter") == 0)
            sc->report_every = PERIOD_QUARTER;
        else if (strcmp(every, "month") != 0)
            conf_error(L->d, conf_get(root, "report_every"),
                       "\"%.80s\" is not a period (allowed: week, month or quarter)", every);
    }
}

static void read_costs(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct conf_node *c = loader_group(L, root, "costs", false);
    /* HM Treasury Green Book discount rate: 3.5% a year. */
    sc->p_discount = loader_num(L, c, "costs", "discount_rate", false, 0.035,
                                /* usual: the Green Book's 3.5% (1.5-3.5%
                                 * beyond 30 years); assumption: up to 10% */
                                loader_usual(loader_real("per year", 0, 1, PARAM_HI_OPEN | PARAM_STATIC), 0, 0.1),
                                "discount rate for net present value");
    /* 261 weekdays less 8 bank holidays in England. */
    sc->p_working_days =
        /* usual: 261 weekdays less leave and holidays */
        loader_num(L, c, "costs", "working_days_per_year", false, 253,
                   loader_usual(loader_real("days", 0, 366, PARAM_LO_OPEN), 180, 262),
                   "working days per year (converts agency day rates to annual cost)");
    struct loader_num_spec month = loader_whole("month", 1, 12);
    month.flags |= PARAM_STATIC;
    /* usual: April, as English councils' financial years */
    sc->p_year_start_month = loader_num(L, c, "costs", "year_start_month", false, 4, month,
                                        "month the financial year starts in (1 January ... 12 December)");
    struct loader_num_spec year = loader_whole("year", 0, DATE_MAX_YEAR);
    year.flags |= PARAM_STATIC;
    sc->p_discount_base_year =
        loader_num(L, c, "costs", "discount_base_year", false, 0, year,
                   "calendar year in which the financial year discounted as t = 0 starts (0: the first reported)");
    const char *how = c ? loader_text_as(L, c, "discounting", false, "\"annual\" or \"continuous\"") : NULL;
    sc->discounting = DISCOUNT_ANNUAL;
    if (how) {
        if (strcmp(how, "continuous") == 0)
            sc->discounting = DISCOUNT_CONTINUOUS;
        else if (strcmp(how, "annual") != 0)
            conf_error(L->d, conf_get(c, "discounting"),
                       "\"%.80s\" is not a discounting method (allowed: annual or continuous)", how);
    }
}

static void read_allocation(struct loader *L, struct conf_node *root)
{
    struct scenario *sc = L->sc;
    struct conf_node *a = loader_group(L, root, "allocation", false);
    sc->p_overload_priority =
        /* usual: any rank */
        loader_num(L, a, "allocation", "overload_priority", false, 0, loader_whole("rank", 0, 1000),
                   "cases of this priority or more urgent may exceed the cap (0: none)");
    sc->p_overload_factor =
        /* usual: 1.25-1.3 in the scenarios; assumption: up to twice the cap */
        loader_num(L, a, "allocation", "overload_factor", false, 1,
                   loader_usual(loader_real("multiple of cap", 1, 10, 0), 1, 2),
                   "how far above cap such cases may be allocated");
}

/* Read a loaded document (freed here) into a scenario; see scenario_load. */
static struct scenario *from_doc(struct conf_doc *doc, const char *path, char *const *sets, size_t n_sets,
                                 struct diag *d, size_t before)
{
    struct scenario *sc = check_calloc(1, sizeof *sc);
    params_init(&sc->reg);
    sc->file = check_strdup(path);
    sc->agency_grade = -1;
    sc->cohort_grade = -1;
    sc->files = check_calloc(doc->n_files, sizeof *sc->files);
    sc->file_sha256 = check_calloc(doc->n_files ? doc->n_files : 1, sizeof *sc->file_sha256);
    for (size_t i = 0; i < doc->n_files; i++) {
        sc->files[i] = check_strdup(doc->files[i]);
        memcpy(sc->file_sha256[i], doc->sha256[i], sizeof sc->file_sha256[i]);
    }
    sc->n_files = doc->n_files;

    struct loader L = { .sc = sc, .d = d };
    struct conf_node *root = doc->root;
    read_top(&L, root);
    read_demand(&L, root);
    struct conf_node *wf = loader_group(&L, root, "workforce", true);
    read_grades(&L, wf);
    read_stages(&L, root);
    read_allocation(&L, root);
    read_workforce(&L, wf);
    read_market(&L, root);
    read_costs(&L, root);
    read_interventions(&L, root);
    scenario_order_interventions(sc);
    read_uncertain(&L, root);
    read_risks(&L, root);
    conf_report_unused(doc, d);
    conf_free(doc);

    for (size_t i = 0; i < n_sets; i++)
        scenario_set(sc, sets[i], "--set", d);
    /* Value rules too, even after other problems: every problem of a file
     * is reported at once (a setting that could not be read keeps its
     * default, which is always allowed). */
    scenario_validate(sc, d);
    if (d->count != before) {
        scenario_free(sc);
        return NULL;
    }
    return sc;
}

struct scenario *scenario_load(const char *path, char *const *sets, size_t n_sets, struct diag *d)
{
    size_t before = d->count;
    struct conf_doc *doc = conf_load(path, d);
    return doc ? from_doc(doc, path, sets, n_sets, d, before) : NULL;
}

struct scenario *scenario_load_text(const char *text, const char *name, const char *dir, char *const *sets,
                                    size_t n_sets, struct diag *d)
{
    size_t before = d->count;
    struct conf_doc *doc = conf_load_text(text, name, dir, d);
    return doc ? from_doc(doc, name, sets, n_sets, d, before) : NULL;
}
