/* fitmap.c — records to scenario parameters (see fitmap.h, docs/fitting.md).
 *
 * One function per part of the scenario (demand, stages, workforce,
 * sickness, recruitment), each reading the records once or sorting an
 * index array once: O(n log n) time, O(n) memory. Days are whole days
 * (date_to_days); D is the day fitted at. */
#include "fit/fitmap.h"

#include "sim/check.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Months a case's id must be found among referrals for re-referrals to be
 * linked: at least this share of closed cases must carry an id that
 * referrals.csv also has (case_id is the child's id); below it the two
 * files number children differently and re-referral cannot be measured. */
#define FIT_LINK_SHARE 0.5
#define DAYS_PER_MONTH (SCENARIO_DAYS_PER_YEAR / SCENARIO_MONTHS)
/* Values of an array written per line of the fitted scenario. */
#define ARRAY_PER_LINE 10

static const char *const month_key[SCENARIO_MONTHS] = { "jan", "feb", "mar", "apr", "may", "jun",
                                                        "jul", "aug", "sep", "oct", "nov", "dec" };

/* ---- rows, settings, text --------------------------------------------- */

static struct fit_row *add_row(struct fit_result *f, const char *path, double est, double se, double lo, double hi,
                               double n, bool fitted, const char *fmt, ...) __attribute__((format(printf, 9, 10)));
static struct fit_row *add_row(struct fit_result *f, const char *path, double est, double se, double lo, double hi,
                               double n, bool fitted, const char *fmt, ...)
{
    if (f->n_rows == f->cap_rows) {
        f->cap_rows = f->cap_rows ? 2 * f->cap_rows : 64;
        f->row = check_realloc(f->row, f->cap_rows * sizeof *f->row);
    }
    struct fit_row *r = &f->row[f->n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    r->estimate = est;
    r->se = se;
    r->lo = lo;
    r->hi = hi;
    r->n = n;
    r->fitted = fitted;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->method, sizeof r->method, fmt, ap);
    va_end(ap);
    return r;
}

/* A number as libconfig reads it back as a float: "%.10g", with ".0" where
 * it would otherwise read as an integer, never an exponent. */
static void num_text(double v, char *buf, size_t size)
{
    if (v != 0 && fabs(v) < 1e-4)
        snprintf(buf, size, "%.12f", v);
    else
        snprintf(buf, size, "%.10g", v);
    if (!strpbrk(buf, ".e") && strlen(buf) + 3 < size)
        strcat(buf, ".0");
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    CHECK(n >= 0);
    char *s = check_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* The comment of a fitted setting, from its rows. */
static char *row_comment(const struct fit_row *r)
{
    char e[64], s[64], lo[64], hi[64];
    snprintf(e, sizeof e, "%.6g", r->estimate);
    snprintf(s, sizeof s, "%.3g", r->se);
    snprintf(lo, sizeof lo, "%.6g", r->lo);
    snprintf(hi, sizeof hi, "%.6g", r->hi);
    if (isnan(r->se))
        return dup_printf("fitted: n=%.0f, estimate %s, method %s", r->n, e, r->method);
    return dup_printf("fitted: n=%.0f, estimate %s, se %s (95%% CI %s to %s), method %s", r->n, e, s, lo, hi,
                      r->method);
}

static void add_setting(struct fit_result *f, const char *path, char *value, char *comment, bool start_state)
{
    if (f->n_set == f->cap_set) {
        f->cap_set = f->cap_set ? 2 * f->cap_set : 64;
        f->set = check_realloc(f->set, f->cap_set * sizeof *f->set);
    }
    struct fit_setting *s = &f->set[f->n_set++];
    snprintf(s->path, sizeof s->path, "%s", path);
    s->value = value;
    s->comment = comment;
    s->start_state = start_state;
}

/* A fitted number: its row, and the setting `path` = its value. */
static void fitted_number(struct fit_result *f, const char *path, double est, double se, double lo, double hi,
                          double n, bool whole, const char *method)
{
    const struct fit_row *r = add_row(f, path, est, se, lo, hi, n, true, "%s", method);
    char buf[64];
    if (whole)
        snprintf(buf, sizeof buf, "%.0f", round(est));
    else
        num_text(est, buf, sizeof buf);
    add_setting(f, path, check_strdup(buf), row_comment(r), false);
}

/* A parameter kept at the template for want of data: a row and a note. */
static void kept(struct fit_result *f, const struct scenario *sc, struct diag *notes, const char *path,
                 const char *why)
{
    long i = params_find(&sc->reg, path);
    double v = i >= 0 ? sc->reg.p[i].value : NAN;
    add_row(f, path, v, NAN, NAN, NAN, 0, false, "from template (%s)", why);
    f->n_unfitted++;
    diag_error(notes, NULL, 0, path, "kept from the template: %s", why);
}

/* ---- parameter uncertainty (fitmap.h's draw and cov) ---------------------- */

/* A group of n parameters estimated together: their paths, the scales
 * their estimator works on, and the covariance of the estimates on those
 * scales (n x n). Left out when a variance is not a positive number. */
static void add_draw_group(struct fit_result *f, size_t n, const char *const *path, const enum pdraw_scale *scale,
                           const double *cov)
{
    for (size_t i = 0; i < n; i++)
        if (!(cov[i * n + i] > 0) || !isfinite(cov[i * n + i]))
            return;
    size_t first = f->n_draw;
    for (size_t i = 0; i < n; i++) {
        if (f->n_draw == f->cap_draw) {
            f->cap_draw = f->cap_draw ? 2 * f->cap_draw : 32;
            f->draw = check_realloc(f->draw, f->cap_draw * sizeof *f->draw);
        }
        struct fit_draw *d = &f->draw[f->n_draw++];
        snprintf(d->path, sizeof d->path, "%s", path[i]);
        d->scale = scale[i];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++) {
            if (f->n_cov == f->cap_cov) {
                f->cap_cov = f->cap_cov ? 2 * f->cap_cov : 64;
                f->cov = check_realloc(f->cov, f->cap_cov * sizeof *f->cov);
            }
            f->cov[f->n_cov++] = (struct fit_cov){ first + i, first + j, cov[i * n + j] };
        }
}

/* One parameter drawn alone, with variance v on its scale. */
static void add_draw(struct fit_result *f, const char *path, enum pdraw_scale scale, double v)
{
    add_draw_group(f, 1, &path, &scale, &v);
}

/* A share p of n trials, drawn on the logit scale: var(logit p) = 1 / (n p (1 - p)). */
static void add_draw_share(struct fit_result *f, const char *path, double p, double n)
{
    if (p > 0 && p < 1 && n > 0)
        add_draw(f, path, PDRAW_LOGIT, 1 / (n * p * (1 - p)));
}

static double normal_lo(double est, double se) { return est - ESTIM_Z * se; }
static double normal_hi(double est, double se) { return est + ESTIM_Z * se; }

/* ---- sorted (id, day) pairs for linking ---------------------------------- */

struct pair {
    int32_t id, day;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->day < y->day ? -1 : x->day > y->day;
}

/* Index of the first pair >= (id, day) in p[0..n). */
static size_t lower_bound(const struct pair *p, size_t n, int32_t id, int32_t day)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].id < id || (p[mid].id == id && p[mid].day < day))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- demand ------------------------------------------------------------- */

/* Closures (case, end) and referrals (child, day) on or before D, each
 * sorted by (id, day), for linking re-referrals; the owner frees clo, ref. */
struct demand_links {
    struct pair *clo, *ref;
    size_t n_clo, n_ref;
    bool linked;   /* enough closures' ids are referrals' ids */
};

/* Fits demand.rereferral.p (closures re-referred within W days) and adds the
 * template's window W; fills L. */
static void demand_fit_rereferral(const struct records *r, const struct scenario *sc, long D, struct fit_result *f,
                                  struct diag *notes, struct demand_links *L)
{
    double W = sc->reg.p[sc->p_reref_within].value;
    int32_t w = (int32_t)ceil(W);

    /* re-referral: closures (case, end) and referrals (child, day) linked by id */
    L->clo = check_malloc((r->n_ep + 1) * sizeof *L->clo);
    L->ref = check_malloc((r->n_ref + 1) * sizeof *L->ref);
    L->n_clo = L->n_ref = 0;
    for (size_t i = 0; i < r->n_ep; i++)
        if (r->ep[i].next == STAGE_CLOSE && r->ep[i].end <= D)
            L->clo[L->n_clo++] = (struct pair){ r->ep[i].case_ix, r->ep[i].end };
    for (size_t i = 0; i < r->n_ref; i++)
        if (r->ref[i].day <= D)
            L->ref[L->n_ref++] = (struct pair){ r->ref[i].child, r->ref[i].day };
    qsort(L->clo, L->n_clo, sizeof *L->clo, cmp_pair);
    qsort(L->ref, L->n_ref, sizeof *L->ref, cmp_pair);
    const struct pair *clo = L->clo, *ref = L->ref;
    size_t n_clo = L->n_clo, n_ref = L->n_ref;
    size_t found = 0, trials = 0, rerefs = 0;
    for (size_t i = 0; i < n_clo; i++) {
        size_t k = lower_bound(ref, n_ref, clo[i].id, INT32_MIN);
        if (k < n_ref && ref[k].id == clo[i].id)
            found++;
        if ((long)clo[i].day + w > D)
            continue;   /* its window is not over by D */
        trials++;
        k = lower_bound(ref, n_ref, clo[i].id, clo[i].day + 1);
        if (k < n_ref && ref[k].id == clo[i].id && ref[k].day <= clo[i].day + W)
            rerefs++;
    }
    L->linked = n_clo > 0 && (double)found >= FIT_LINK_SHARE * (double)n_clo;
    if (!L->linked)
        kept(f, sc, notes, "demand.rereferral.p",
             n_clo ? "case_id of episodes.csv is not the child_id of referrals.csv, so closures cannot be linked "
                     "to later referrals"
                   : "no closed cases");
    else if (trials < FIT_MIN_EVENTS)
        kept(f, sc, notes, "demand.rereferral.p", "too few closures whose re-referral window ended by the date");
    else {
        double p, se, lo, hi;
        estim_proportion((double)rerefs, (double)trials, &p, &se, &lo, &hi);
        char m[FIT_METHOD_MAX];
        snprintf(m, sizeof m, "share of closures re-referred within %g days (Wilson interval)", W);
        fitted_number(f, "demand.rereferral.p", p, se, lo, hi, (double)trials, false, m);
        add_draw_share(f, "demand.rereferral.p", p, (double)trials);
    }
    add_row(f, "demand.rereferral.within_days", W, NAN, NAN, NAN, 0, false,
            "from template (the service's definition of a re-referral)");
}

/* Flags the referrals that are re-referrals (a closure of the same id within
 * W days before), which the base rate leaves out as the model adds them;
 * all false unless L is linked. Returns r->n_ref + 1 flags; the caller frees. */
static bool *demand_rereferrals(const struct records *r, const struct scenario *sc, const struct demand_links *L)
{
    double W = sc->reg.p[sc->p_reref_within].value;
    int32_t w = (int32_t)ceil(W);
    bool *is_reref = check_calloc(r->n_ref + 1, sizeof *is_reref);
    if (L->linked)
        for (size_t i = 0; i < r->n_ref; i++) {
            const struct records_referral *x = &r->ref[i];
            size_t k = lower_bound(L->clo, L->n_clo, x->child, (int32_t)(x->day - w));
            if (k < L->n_clo && L->clo[k].id == x->child && L->clo[k].day < x->day && L->clo[k].day >= x->day - W)
                is_reref[i] = true;
        }
    return is_reref;
}

/* Fits demand.screen_out from every referral on or before D; returns the
 * first such referral's day (INT32_MAX if none). */
static int32_t demand_fit_screen_out(const struct records *r, const struct scenario *sc, long D,
                                     struct fit_result *f, struct diag *notes)
{
    double screened = 0, all = 0;
    int32_t first = INT32_MAX;
    for (size_t i = 0; i < r->n_ref; i++)
        if (r->ref[i].day <= D) {
            all++;
            screened += r->ref[i].screened_out;
            if (r->ref[i].day < first)
                first = r->ref[i].day;
        }
    if (all < FIT_MIN_EVENTS)
        kept(f, sc, notes, "demand.screen_out", "too few referrals");
    else {
        double p, se, lo, hi;
        estim_proportion(screened, all, &p, &se, &lo, &hi);
        fitted_number(f, "demand.screen_out", p, se, lo, hi, all, false,
                      "share of referrals screened out (Wilson interval)");
        add_draw_share(f, "demand.screen_out", p, all);
    }
    return first;
}

/* The whole calendar months from day first (INT32_MAX: none) to D: sets *m0
 * to the first of them and returns how many. */
static size_t demand_months(int32_t first, long D, struct date *m0)
{
    size_t M = 0;
    *m0 = (struct date){ 0, 0, 0 };
    if (first != INT32_MAX) {
        struct date d0 = date_from_days(first);
        *m0 = (struct date){ d0.year, d0.month, 1 };
        if (d0.day != 1)
            *m0 = date_add_months(*m0, 1);
        while (date_to_days(date_add_months(*m0, (int)M + 1)) <= D)
            M++;
    }
    return M;
}

/* Sets f's M months from m0 and counts in each the referrals that are not
 * re-referrals (*n_base in all); returns the months' first days ms[0..M],
 * which the caller frees. */
static long *demand_count_months(const struct records *r, const bool *is_reref, struct date m0, size_t M,
                                 struct fit_result *f, double *n_base)
{
    f->n_months = M;
    f->month = check_malloc(M * sizeof *f->month);
    f->month_count = check_calloc(M, sizeof *f->month_count);
    f->month_fitted = check_calloc(M, sizeof *f->month_fitted);
    long *ms = check_malloc((M + 1) * sizeof *ms);
    for (size_t k = 0; k <= M; k++)
        ms[k] = date_to_days(date_add_months(m0, (int)k));
    for (size_t k = 0; k < M; k++)
        f->month[k] = date_add_months(m0, (int)k);
    *n_base = 0;
    for (size_t i = 0; i < r->n_ref; i++) {
        long d = r->ref[i].day;
        if (is_reref[i] || d < ms[0] || d >= ms[M])
            continue;
        size_t lo = 0, hi = M;   /* the month holding d */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (ms[mid] <= d)
                lo = mid;
            else
                hi = mid;
        }
        f->month_count[lo]++;
        (*n_base)++;
    }
    return ms;
}

/* A Poisson regression of the monthly counts: M rows of p columns in x
 * (intercept, then a trend, then month effects), its fit in beta and cov. */
struct demand_model {
    size_t M, p;
    bool trend, season;
    double *x, *off, *beta, *cov;
};

/* Adds demand.seasonality's twelve rows and its setting, from the month
 * effects e (sum of them sum, mean meanfac), js the first one's column. */
static void demand_fit_seasonality(struct fit_result *f, const struct demand_model *m, const double *e, double sum,
                                   double meanfac, size_t js, double n_base)
{
    size_t p = m->p;
    /* s_k = e_k / mean(e); d s_k / d g_j = s_k (delta_kj - e_j / sum) */
    char arr[1024] = "[ ";
    char comment[2048] = "";
    for (int k = 0; k < SCENARIO_MONTHS; k++) {
        double s = e[k] / meanfac, vv = 0;
        double gk[SCENARIO_MONTHS];
        for (int j = 1; j < SCENARIO_MONTHS; j++)
            gk[j] = s * ((j == k) - e[j] / sum);
        for (int i = 1; i < SCENARIO_MONTHS; i++)
            for (int j = 1; j < SCENARIO_MONTHS; j++)
                vv += gk[i] * m->cov[(js + (size_t)i - 1) * p + js + (size_t)j - 1] * gk[j];
        double se = sqrt(fmax(vv, 0));
        char path[FIT_PATH_MAX];
        snprintf(path, sizeof path, "demand.seasonality.%s", month_key[k]);
        add_row(f, path, s, se, normal_lo(s, se), normal_hi(s, se), n_base, true,
                "Poisson regression: month effect, rescaled to average 1");
        char t[64];
        num_text(s, t, sizeof t);
        size_t len = strlen(arr);
        snprintf(arr + len, sizeof arr - len, "%s%s", t, k + 1 < SCENARIO_MONTHS ? ", " : " ]");
        len = strlen(comment);
        snprintf(comment + len, sizeof comment - len, "%s%.3g (se %.2g)", k ? ", " : "", s, se);
    }
    add_setting(f, "demand.seasonality", check_strdup(arr),
                dup_printf("fitted: n=%.0f, month effects %s, method Poisson regression of %zu monthly "
                           "counts, rescaled to average 1",
                           n_base, comment, m->M),
                false);
}

/* The draws of the regression's parameters: log referrals_per_year,
 * log(1 + trend_per_year) and log seasonality.K, jointly normal with the
 * covariance J cov J' of the regression's (J their gradient in beta). */
static void demand_draws(struct fit_result *f, const struct demand_model *m, const double *e, double sum, size_t js)
{
    size_t p = m->p, n = 1 + (m->trend ? 1 : 0) + (m->season ? SCENARIO_MONTHS : 0);
    double *J = check_calloc(n * p, sizeof *J), *V = check_calloc(n * n, sizeof *V);
    const char *path[1 + 1 + SCENARIO_MONTHS];
    enum pdraw_scale scale[1 + 1 + SCENARIO_MONTHS];
    char season_path[SCENARIO_MONTHS][FIT_PATH_MAX];
    size_t r = 0;
    path[r] = "demand.referrals_per_year";
    scale[r] = PDRAW_LOG;
    J[r * p] = 1;
    if (m->season)
        for (int k = 1; k < SCENARIO_MONTHS; k++)
            J[r * p + js + (size_t)k - 1] = e[k] / sum;
    r++;
    if (m->trend) {
        path[r] = "demand.trend_per_year";
        scale[r] = PDRAW_LOG1P;
        J[r * p + 1] = 1;
        r++;
    }
    if (m->season)
        for (int k = 0; k < SCENARIO_MONTHS; k++, r++) {
            /* log s_k = g_k - log mean_j e^g_j, g_0 = 0 */
            snprintf(season_path[k], FIT_PATH_MAX, "demand.seasonality.%s", month_key[k]);
            path[r] = season_path[k];
            scale[r] = PDRAW_LOG;
            for (int j = 1; j < SCENARIO_MONTHS; j++)
                J[r * p + js + (size_t)j - 1] = (j == k) - e[j] / sum;
        }
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            double v = 0;
            for (size_t i = 0; i < p; i++)
                for (size_t j = 0; j < p; j++)
                    v += J[a * p + i] * m->cov[i * p + j] * J[b * p + j];
            V[a * n + b] = v;
        }
    add_draw_group(f, n, path, scale, V);
    free(J);
    free(V);
}

/* From the converged regression m: the fitted monthly counts, and the rows
 * demand.referrals_per_year, demand.trend_per_year, demand.seasonality (kept
 * from the template when too few months). */
static void demand_fit_rows(const struct scenario *sc, struct fit_result *f, struct diag *notes,
                            const struct demand_model *m, bool linked, double n_base)
{
    size_t M = m->M, p = m->p;
    bool trend = m->trend, season = m->season;
    for (size_t k = 0; k < M; k++) {
        double eta = m->off[k];
        for (size_t j = 0; j < p; j++)
            eta += m->x[k * p + j] * m->beta[j];
        f->month_fitted[k] = exp(eta);
    }
    size_t js = trend ? 2 : 1;   /* first seasonal coefficient */
    double e[SCENARIO_MONTHS], sum = 0;
    for (int k = 0; k < SCENARIO_MONTHS; k++) {
        e[k] = season && k > 0 ? exp(m->beta[js + (size_t)k - 1]) : 1;
        sum += e[k];
    }
    double meanfac = sum / SCENARIO_MONTHS;
    /* R = 365.25 exp(b0) mean_k exp(g_k); gradient of log R */
    double *g = check_calloc(p, sizeof *g);
    g[0] = 1;
    if (season)
        for (int k = 1; k < SCENARIO_MONTHS; k++)
            g[js + (size_t)k - 1] = e[k] / sum;
    double v = 0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            v += g[i] * m->cov[i * p + j] * g[j];
    double R = SCENARIO_DAYS_PER_YEAR * exp(m->beta[0]) * meanfac, sl = sqrt(v);
    char method[FIT_METHOD_MAX];
    snprintf(method, sizeof method, "Poisson regression of %zu monthly counts (log link%s%s)%s", M,
             trend ? ", trend" : "", season ? ", months" : "", linked ? ", re-referrals left out" : "");
    fitted_number(f, "demand.referrals_per_year", R, R * sl, R * exp(-ESTIM_Z * sl), R * exp(ESTIM_Z * sl),
                  n_base, false, method);
    free(g);
    if (trend) {
        double b = m->beta[1], sb = sqrt(m->cov[1 * p + 1]);
        fitted_number(f, "demand.trend_per_year", expm1(b), exp(b) * sb, expm1(b - ESTIM_Z * sb),
                      expm1(b + ESTIM_Z * sb), n_base, false, "Poisson regression: exp(slope per year) - 1");
    } else {
        kept(f, sc, notes, "demand.trend_per_year", "fewer than 12 whole months of referrals");
    }
    if (season)
        demand_fit_seasonality(f, m, e, sum, meanfac, js, n_base);
    else
        kept(f, sc, notes, "demand.seasonality", "fewer than 24 whole months of referrals");
    demand_draws(f, m, e, sum, js);
}

/* Fits the referral rate, trend and seasonality by a Poisson regression of
 * f's M monthly counts (months starting ms[0..M]); kept from the template if
 * it does not converge. */
static void demand_fit_rate(const struct scenario *sc, long D, struct fit_result *f, struct diag *notes,
                            const long *ms, size_t M, bool linked, double n_base)
{
    struct demand_model m = { .M = M };
    m.trend = M >= FIT_MIN_MONTHS_TREND;
    m.season = M >= FIT_MIN_MONTHS_SEASON;
    bool trend = m.trend, season = m.season;
    size_t p = m.p = 1 + (trend ? 1 : 0) + (season ? SCENARIO_MONTHS - 1 : 0);
    double *x = m.x = check_calloc(M * p, sizeof *x), *off = m.off = check_malloc(M * sizeof *off);
    int *cal = check_malloc(M * sizeof *cal);
    for (size_t k = 0; k < M; k++) {
        double *row = x + k * p;
        row[0] = 1;
        size_t j = 1;
        if (trend)
            row[j++] = ((double)(ms[k] + ms[k + 1]) / 2 - (double)D) / SCENARIO_DAYS_PER_YEAR;
        cal[k] = f->month[k].month - 1;
        if (season && cal[k] > 0)
            row[j + (size_t)cal[k] - 1] = 1;
        off[k] = log((double)(ms[k + 1] - ms[k]));
    }
    m.beta = check_malloc(p * sizeof *m.beta);
    m.cov = check_malloc(p * p * sizeof *m.cov);
    double dev;
    if (!estim_poisson(x, f->month_count, off, M, p, m.beta, m.cov, &dev))
        kept(f, sc, notes, "demand.referrals_per_year", "the Poisson regression did not converge");
    else
        demand_fit_rows(sc, f, notes, &m, linked, n_base);
    free(m.beta);
    free(m.cov);
    free(cal);
    free(off);
    free(x);
}

static void fit_demand(const struct records *r, const struct scenario *sc, long D, struct fit_result *f,
                       struct diag *notes)
{
    struct demand_links L;
    demand_fit_rereferral(r, sc, D, f, notes, &L);
    bool *is_reref = demand_rereferrals(r, sc, &L);
    int32_t first = demand_fit_screen_out(r, sc, D, f, notes);

    /* monthly counts: whole calendar months from the first referral to D */
    struct date m0;
    size_t M = demand_months(first, D, &m0);
    if (M == 0) {
        kept(f, sc, notes, "demand.referrals_per_year", "no whole month of referrals before the date");
    } else {
        double n_base;
        long *ms = demand_count_months(r, is_reref, m0, M, f, &n_base);
        demand_fit_rate(sc, D, f, notes, ms, M, L.linked, n_base);
        free(ms);
    }
    free(is_reref);
    free(L.clo);
    free(L.ref);
}

/* ---- stages --------------------------------------------------------------- */

/* Grouped survival data from per-day counts ev[0..n_days], ce[0..n_days]. */
static void group(const double *ev, const double *ce, size_t n_days, struct fit_stage_chart *c)
{
    size_t n = 0;
    for (size_t d = 0; d <= n_days; d++)
        n += ev[d] > 0 || ce[d] > 0;
    c->t = check_malloc((n + 1) * sizeof *c->t);
    c->events = check_malloc((n + 1) * sizeof *c->events);
    c->censored = check_malloc((n + 1) * sizeof *c->censored);
    c->km = check_malloc((n + 1) * sizeof *c->km);
    c->n = 0;
    for (size_t d = 0; d <= n_days; d++)
        if (ev[d] > 0 || ce[d] > 0) {
            c->t[c->n] = d == 0 ? FIT_SAME_DAY : (double)d;
            c->events[c->n] = ev[d];
            c->censored[c->n] = ce[d];
            c->n++;
        }
}

/* Frees what group() allocated. */
static void group_free(struct fit_stage_chart *c)
{
    free(c->t);
    free(c->events);
    free(c->censored);
    free(c->km);
}

/* The libconfig text of a duration group. */
static char *dist_text(enum dist_kind k, double mean, double sd)
{
    char m[64], s[64];
    num_text(mean, m, sizeof m);
    num_text(sd, s, sizeof s);
    if (k == DIST_EXPONENTIAL)
        return dup_printf("{ dist = \"exponential\"; mean = %s; }", m);
    return dup_printf("{ dist = \"%s\"; mean = %s; sd = %s; }", dist_kind_name(k), m, s);
}

/* Fit the best family to grouped data c; rows PREFIX.mean and PREFIX.sd. */
static bool fit_duration(struct fit_result *f, struct fit_stage_chart *c, const char *prefix, const char *what,
                         double *aic_out)
{
    struct estim_surv s = { c->t, c->events, c->censored, c->n };
    struct estim_dur fam[ESTIM_N_FAMILIES];
    int b = estim_duration_best(&s, fam);
    if (b < 0)
        return false;
    c->best = fam[b];
    estim_kaplan_meier(&s, c->km, NULL);
    char aics[160] = "";
    for (int k = 0; k < ESTIM_N_FAMILIES; k++) {
        size_t len = strlen(aics);
        if (fam[k].ok)
            snprintf(aics + len, sizeof aics - len, "%s%s %.1f", len ? ", " : "", dist_kind_name(fam[k].kind),
                     fam[k].aic);
    }
    double ev = estim_surv_events(&s), tot = estim_surv_total(&s);
    char path[FIT_PATH_MAX];
    snprintf(path, sizeof path, "%s.mean", prefix);
    const struct estim_dur *d = &fam[b];
    const struct fit_row *rm =
        add_row(f, path, d->mean, d->se_mean, normal_lo(d->mean, d->se_mean), normal_hi(d->mean, d->se_mean), ev,
                true, "right-censored ML of %s (%.0f censored), %s by AIC (%s)", what, tot - ev,
                dist_kind_name(d->kind), aics);
    const struct fit_row *rs = NULL;
    if (d->kind != DIST_EXPONENTIAL) {
        snprintf(path, sizeof path, "%s.sd", prefix);
        rs = add_row(f, path, d->sd, d->se_sd, normal_lo(d->sd, d->se_sd), normal_hi(d->sd, d->se_sd), ev, true,
                     "right-censored ML, %s by AIC", dist_kind_name(d->kind));
    }
    char *cm = row_comment(rm);
    char *comment = rs ? dup_printf("%s; sd %.6g, se %.3g", cm, rs->estimate, rs->se) : check_strdup(cm);
    free(cm);
    add_setting(f, prefix, dist_text(d->kind, d->mean, d->sd), comment, false);
    {
        char pm[FIT_PATH_MAX], ps[FIT_PATH_MAX];
        snprintf(pm, sizeof pm, "%s.mean", prefix);
        snprintf(ps, sizeof ps, "%s.sd", prefix);
        const char *paths[2] = { pm, ps };
        const enum pdraw_scale scales[2] = { PDRAW_LOG, PDRAW_LOG };
        add_draw_group(f, d->kind == DIST_EXPONENTIAL ? 1 : 2, paths, scales, d->cov_log);
    }
    if (aic_out)
        *aic_out = d->aic;
    return true;
}

static char *array_text(const double *v, size_t n)
{
    size_t cap = 16 + n * 24, len = 0;
    char *s = check_malloc(cap);
    len += (size_t)snprintf(s, cap, "[");
    for (size_t i = 0; i < n; i++) {
        char t[64];
        num_text(v[i], t, sizeof t);
        len += (size_t)snprintf(s + len, cap - len, "%s%s%s", i ? "," : "",
                                i && i % ARRAY_PER_LINE == 0 ? "\n      " : " ", t);
    }
    snprintf(s + len, cap - len, " ]");
    return s;
}

/* The episodes started by D, per stage: per day in the stage, those ended
 * (ev) and open at D (ce), [stage][0..nd), and the transitions taken,
 * moves[stage][k] for k < the stage's n_next (row length max_next + 1). */
struct episode_tally {
    size_t nd, max_next;
    double *ev, *ce, *moves;
};

/* Sets up f's stages and the arrays for the cases open at D; returns the
 * longest time in a stage, in days, of an episode started by D. */
static long stages_prepare(const struct records *r, const struct scenario *sc, long D, struct fit_result *f)
{
    size_t S = sc->n_stages;
    f->n_stages = S;
    f->stage = check_calloc(S, sizeof *f->stage);
    f->open_elapsed = check_calloc(S, sizeof *f->open_elapsed);
    f->open_waiting = check_calloc(S, sizeof *f->open_waiting);
    f->n_elapsed = check_calloc(S, sizeof *f->n_elapsed);
    f->n_waiting = check_calloc(S, sizeof *f->n_waiting);
    long max_days = 0;
    size_t *n_open = check_calloc(S, sizeof *n_open);
    for (size_t i = 0; i < r->n_ep; i++) {
        const struct records_episode *e = &r->ep[i];
        if (e->start > D)
            continue;
        long t = (e->end != RECORDS_NONE && e->end <= D ? e->end : D) - e->start;
        if (t > max_days)
            max_days = t;
        if (e->end == RECORDS_NONE || e->end > D)
            n_open[e->stage]++;
    }
    for (size_t s = 0; s < S; s++) {
        f->open_elapsed[s] = check_malloc((n_open[s] + 1) * sizeof(double));
        f->open_waiting[s] = check_malloc((n_open[s] + 1) * sizeof(double));
    }
    free(n_open);
    return max_days;
}

/* Tallies the episodes started by D into t (max_days: stages_prepare's) and
 * the ages of the cases open at D into f (allocated or waiting). */
static void stages_tally(const struct records *r, const struct scenario *sc, long D, long max_days,
                         struct fit_result *f, struct episode_tally *t)
{
    size_t S = sc->n_stages;
    size_t nd = t->nd = (size_t)max_days + 1;
    double *ev = t->ev = check_calloc(S * nd, sizeof *ev), *ce = t->ce = check_calloc(S * nd, sizeof *ce);
    /* transition counts: [stage][k] for k < n_next */
    size_t max_next = 0;
    for (size_t s = 0; s < S; s++)
        if (sc->stage[s].n_next > max_next)
            max_next = sc->stage[s].n_next;
    t->max_next = max_next;
    double *moves = t->moves = check_calloc(S * (max_next + 1), sizeof *moves);
    for (size_t i = 0; i < r->n_ep; i++) {
        const struct records_episode *e = &r->ep[i];
        if (e->start > D)
            continue;
        size_t s = (size_t)e->stage;
        if (e->end != RECORDS_NONE && e->end <= D) {
            ev[s * nd + (size_t)(e->end - e->start)]++;
            const struct stage_spec *st = &sc->stage[s];
            for (size_t k = 0; k < st->n_next; k++)
                if (st->next[k].to == e->next)
                    moves[s * (max_next + 1) + k]++;
        } else {
            ce[s * nd + (size_t)(D - e->start)]++;
            double age = (double)(D - e->start);
            if (e->allocated != RECORDS_NONE && e->allocated <= D)
                f->open_elapsed[s][f->n_elapsed[s]++] = age;
            else
                f->open_waiting[s][f->n_waiting[s]++] = age;
        }
    }
}

/* Fits stage s's duration (its chart's data into f->stage[s]), or keeps the
 * template's when too few episodes ended or no family fits. */
static void stages_fit_duration(const struct scenario *sc, struct fit_result *f, struct diag *notes,
                                const struct episode_tally *t, size_t s)
{
    const struct stage_spec *st = &sc->stage[s];
    char prefix[FIT_PATH_MAX - 16], path[FIT_PATH_MAX];
    snprintf(prefix, sizeof prefix, "pathway.stages.%s.duration", st->name);
    struct fit_stage_chart *c = &f->stage[s];
    group(t->ev + s * t->nd, t->ce + s * t->nd, t->nd - 1, c);
    struct estim_surv es = { c->t, c->events, c->censored, c->n };
    char what[96];
    snprintf(what, sizeof what, "%s episodes", st->name);
    if (estim_surv_events(&es) < FIT_MIN_EVENTS) {
        snprintf(path, sizeof path, "%s.mean", prefix);
        kept(f, sc, notes, path, "fewer than 10 ended episodes");
    } else if (!fit_duration(f, c, prefix, what, NULL)) {
        snprintf(path, sizeof path, "%s.mean", prefix);
        kept(f, sc, notes, path, "no duration family could be fitted");
    }
}

/* The draws of stage s's transition shares p_k (n ended episodes,
 * moves[k] of them to k): log p_k, jointly normal with the multinomial's
 * covariance (1 - p_k) / (n p_k) on the diagonal and -1/n off it, which
 * leaves their sum 1 to first order (the model divides by the sum). Not
 * drawn when a share is 0 or the stage has one transition. */
static void stages_draw_transitions(const struct scenario *sc, struct fit_result *f, const double *moves, double n,
                                    size_t s)
{
    const struct stage_spec *st = &sc->stage[s];
    size_t K = st->n_next;
    if (K < 2 || n < FIT_MIN_EVENTS)
        return;
    for (size_t k = 0; k < K; k++)
        if (!(moves[k] > 0))
            return;
    char (*pth)[FIT_PATH_MAX] = check_malloc(K * sizeof *pth);
    const char **path = check_malloc(K * sizeof *path);
    enum pdraw_scale *scale = check_malloc(K * sizeof *scale);
    double *V = check_malloc(K * K * sizeof *V);
    for (size_t k = 0; k < K; k++) {
        const char *to = st->next[k].to == STAGE_CLOSE ? "close" : sc->stage[st->next[k].to].name;
        snprintf(pth[k], FIT_PATH_MAX, "pathway.stages.%s.next.%s.p", st->name, to);
        path[k] = pth[k];
        scale[k] = PDRAW_LOG;
        for (size_t j = 0; j < K; j++)
            V[k * K + j] = j == k ? (1 - moves[k] / n) / moves[k] : -1 / n;
    }
    add_draw_group(f, K, path, scale, V);
    free(V);
    free(scale);
    free(path);
    free(pth);
}

/* Fits the share of stage s's ended episodes taking each transition. */
static void stages_fit_transitions(const struct scenario *sc, struct fit_result *f, struct diag *notes,
                                   const struct episode_tally *t, size_t s)
{
    const struct stage_spec *st = &sc->stage[s];
    const double *moves = t->moves + s * (t->max_next + 1);
    char path[FIT_PATH_MAX];
    double n = 0;
    for (size_t k = 0; k < st->n_next; k++)
        n += moves[k];
    for (size_t k = 0; k < st->n_next; k++) {
        const char *to = st->next[k].to == STAGE_CLOSE ? "close" : sc->stage[st->next[k].to].name;
        snprintf(path, sizeof path, "pathway.stages.%s.next.%s.p", st->name, to);
        if (st->n_next == 1) {
            add_row(f, path, 1.0, NAN, NAN, NAN, n, false, "from template (the only transition)");
            continue;
        }
        if (n < FIT_MIN_EVENTS) {
            kept(f, sc, notes, path, "fewer than 10 ended episodes");
            continue;
        }
        double p, se, lo, hi;
        estim_proportion(moves[k], n, &p, &se, &lo, &hi);
        fitted_number(f, path, p, se, lo, hi, n, false, "share of ended episodes (Wilson interval)");
    }
    stages_draw_transitions(sc, f, moves, n, s);
}

/* Adds stage s's starting state: the cases open at the date, and the days
 * each has spent in the stage or waiting. */
static void stages_fit_start(const struct scenario *sc, struct fit_result *f, size_t s)
{
    const struct stage_spec *st = &sc->stage[s];
    char path[FIT_PATH_MAX];
    size_t open = f->n_elapsed[s] + f->n_waiting[s];
    snprintf(path, sizeof path, "pathway.stages.%s.initial", st->name);
    char m[FIT_METHOD_MAX];
    snprintf(m, sizeof m, "cases open at the date (%zu allocated, %zu waiting)", f->n_elapsed[s], f->n_waiting[s]);
    fitted_number(f, path, (double)open, NAN, NAN, NAN, (double)open, true, m);
    snprintf(path, sizeof path, "pathway.stages.%s.open_elapsed_days", st->name);
    add_setting(f, path, array_text(f->open_elapsed[s], f->n_elapsed[s]),
                dup_printf("observed: days each allocated case open at the date has spent in the stage"), true);
    snprintf(path, sizeof path, "pathway.stages.%s.open_waiting_days", st->name);
    add_setting(f, path, array_text(f->open_waiting[s], f->n_waiting[s]),
                dup_printf("observed: days each unallocated case open at the date has waited"), true);
}

static void fit_stages(const struct records *r, const struct scenario *sc, long D, struct fit_result *f,
                       struct diag *notes)
{
    long max_days = stages_prepare(r, sc, D, f);
    struct episode_tally t;
    stages_tally(r, sc, D, max_days, f, &t);
    for (size_t s = 0; s < sc->n_stages; s++) {
        stages_fit_duration(sc, f, notes, &t, s);
        stages_fit_transitions(sc, f, notes, &t, s);
        stages_fit_start(sc, f, s);
    }
    free(t.moves);
    free(t.ev);
    free(t.ce);
}

/* ---- workforce ------------------------------------------------------------ */

static int cmp_spell_ix(const void *a, const void *b, const struct records_spell *sp)
{
    const struct records_spell *x = &sp[*(const size_t *)a], *y = &sp[*(const size_t *)b];
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Spells in (person, start) order by a counting sort on person then an
 * insertion of each person's few spells: O(n). */
static size_t *spell_order(const struct records *r, size_t **begin_out)
{
    size_t P = r->n_persons, n = r->n_spell;
    size_t *begin = check_calloc(P + 2, sizeof *begin);
    for (size_t i = 0; i < n; i++)
        begin[r->spell[i].person + 1]++;
    for (size_t p = 0; p < P; p++)
        begin[p + 1] += begin[p];
    begin[P + 1] = begin[P];
    size_t *ord = check_malloc((n + 1) * sizeof *ord), *fill = check_malloc((P + 1) * sizeof *fill);
    memcpy(fill, begin, (P + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        ord[fill[r->spell[i].person]++] = i;
    for (size_t p = 0; p < P; p++)
        for (size_t i = begin[p] + 1; i < begin[p + 1]; i++)
            for (size_t j = i; j > begin[p] && cmp_spell_ix(&ord[j - 1], &ord[j], r->spell) > 0; j--) {
                size_t t = ord[j];
                ord[j] = ord[j - 1];
                ord[j - 1] = t;
            }
    free(fill);
    *begin_out = begin;
    return ord;
}

/* Calendar months from day a to day b: whole months from a's day of the
 * month, and the days beyond as a share of an average month (so the
 * anniversaries the model progresses on are whole numbers). */
static double months_between(long a, long b)
{
    struct date x = date_from_days(a), y = date_from_days(b);
    int whole = (y.year - x.year) * SCENARIO_MONTHS + (y.month - x.month);
    long anniversary = date_to_days(date_add_months(x, whole));
    if (anniversary > b) {
        whole--;
        anniversary = date_to_days(date_add_months(x, whole));
    }
    return whole + (double)(b - anniversary) / DAYS_PER_MONTH;
}

/* What staff.csv shows by the date D, per grade: FTE in post, FTE-years of
 * exposure, leavers, spells and the times to progression; staff_tally_free
 * releases it. */
struct staff_tally {
    size_t G;
    size_t *ord, *begin;   /* spell_order's */
    double *in_post, *expo, *leavers, *spells;
    double **prog;         /* [grade][n_prog[grade]] */
    size_t *n_prog;
    double agency_fte, holding_fte;   /* in post at D, case-holding grades */
};

/* Tallies the spells started by D into t. */
static void staff_tally(const struct records *r, const struct scenario *sc, long D, struct staff_tally *t)
{
    size_t G = t->G = sc->n_grades;
    t->ord = spell_order(r, &t->begin);
    t->in_post = check_calloc(G, sizeof(double));
    t->expo = check_calloc(G, sizeof(double));
    t->leavers = check_calloc(G, sizeof(double));
    t->spells = check_calloc(G, sizeof(double));
    t->prog = check_calloc(G, sizeof *t->prog);
    t->n_prog = check_calloc(G, sizeof *t->n_prog);
    for (size_t g = 0; g < G; g++)
        t->prog[g] = check_malloc((r->n_spell + 1) * sizeof(double));
    t->agency_fte = t->holding_fte = 0;
    for (size_t k = 0; k < r->n_spell; k++) {
        const struct records_spell *s = &r->spell[t->ord[k]];
        if (s->start > D)
            continue;
        size_t g = (size_t)s->grade;
        t->spells[g]++;
        long stop = s->end != RECORDS_NONE && s->end < D ? s->end : D;
        if (stop > s->start)
            t->expo[g] += s->fte * (double)(stop - s->start) / SCENARIO_DAYS_PER_YEAR;
        if (s->end == RECORDS_NONE || s->end > D) {
            t->in_post[g] += s->fte;
            if (sc->grade[g].holds_cases) {
                t->holding_fte += s->fte;
                t->agency_fte += s->agency ? s->fte : 0;
            }
            continue;
        }
        /* ended by D: progression (the next spell of the person starts at
         * once in the grade this one becomes) or leaving the grade */
        const struct records_spell *nx =
            k + 1 < t->begin[s->person + 1] ? &r->spell[t->ord[k + 1]] : NULL;
        bool goes_on = nx && nx->start <= s->end + 1;
        if (goes_on && sc->grade[g].becomes >= 0 && nx->grade == sc->grade[g].becomes)
            t->prog[g][t->n_prog[g]++] = sc->grade[g].after_in_days ? (double)(s->end - s->start)
                                                                    : months_between(s->start, s->end);
        else
            t->leavers[g]++;
    }
}

static void staff_tally_free(struct staff_tally *t)
{
    for (size_t g = 0; g < t->G; g++)
        free(t->prog[g]);
    free(t->prog);
    free(t->n_prog);
    free(t->in_post);
    free(t->expo);
    free(t->leavers);
    free(t->spells);
    free(t->ord);
    free(t->begin);
}

/* Fits grade g's in_post (not agency), turnover_per_year and, if it
 * progresses, after_months or after_days, from t. */
static void workforce_fit_grade(const struct scenario *sc, struct fit_result *f, struct diag *notes,
                                const struct staff_tally *t, size_t g)
{
    const struct grade_spec *gs = &sc->grade[g];
    char path[FIT_PATH_MAX];
    if (!gs->agency) {
        snprintf(path, sizeof path, "workforce.grades.%s.in_post", gs->name);
        if (t->spells[g] == 0)
            kept(f, sc, notes, path, "no spell of this grade in staff.csv");
        else
            fitted_number(f, path, t->in_post[g], NAN, NAN, NAN, t->spells[g], false,
                          "FTE in post at the date (spells open at it)");
    }
    snprintf(path, sizeof path, "workforce.grades.%s.turnover_per_year", gs->name);
    if (t->expo[g] <= 0 || t->leavers[g] < 1)
        kept(f, sc, notes, path, "no leavers or no exposure in staff.csv");
    else {
        double rate, se, lo, hi;
        estim_rate(t->leavers[g], t->expo[g], &rate, &se, &lo, &hi);
        char m[FIT_METHOD_MAX];
        snprintf(m, sizeof m, "leavers per FTE-year in post (%.1f FTE-years; exact Poisson interval)", t->expo[g]);
        fitted_number(f, path, rate, se, lo, hi, t->leavers[g], false, m);
        add_draw(f, path, PDRAW_LOG, 1 / t->leavers[g]);   /* var(log rate) = 1 / leavers */
    }
    if (gs->becomes < 0)
        return;
    snprintf(path, sizeof path, "workforce.grades.%s.%s", gs->name, gs->after_in_days ? "after_days" : "after_months");
    if (t->n_prog[g] < FIT_MIN_EVENTS)
        kept(f, sc, notes, path, "fewer than 10 progressions");
    else {
        double m, se, lo, hi;
        estim_mean(t->prog[g], t->n_prog[g], &m, &se, &lo, &hi);
        if (gs->after_in_days) {
            fitted_number(f, path, m, se, lo, hi, (double)t->n_prog[g], false,
                          "mean days in the grade before progression");
            if (m > 0)
                add_draw(f, path, PDRAW_LOG, (se / m) * (se / m));
        }
        else if (m < 0.5)
            kept(f, sc, notes, path, "staff progress within half a month (after_months is at least 1)");
        else
            fitted_number(f, path, m, se, lo, hi, (double)t->n_prog[g], true,
                          "mean calendar months in the grade before progression (written rounded)");
    }
}

/* Fits each non-agency grade's establishment at D: the latest row of
 * establishment.csv on or before it (nothing if the file is absent). */
static void workforce_fit_establishment(const struct records *r, const struct scenario *sc, long D,
                                        struct fit_result *f, struct diag *notes)
{
    if (!r->has_establishment)
        return;
    size_t G = sc->n_grades;
    int32_t *when = check_malloc(G * sizeof *when);
    double *fte = check_calloc(G, sizeof *fte);
    for (size_t g = 0; g < G; g++)
        when[g] = INT32_MIN;
    for (size_t i = 0; i < r->n_est; i++) {
        const struct records_estab *e = &r->est[i];
        if (e->day <= D && e->day >= when[e->grade]) {
            when[e->grade] = e->day;
            fte[e->grade] = e->fte;
        }
    }
    for (size_t g = 0; g < G; g++) {
        if (sc->grade[g].agency)
            continue;
        char path[FIT_PATH_MAX];
        snprintf(path, sizeof path, "workforce.grades.%s.establishment", sc->grade[g].name);
        if (when[g] == INT32_MIN)
            kept(f, sc, notes, path, "no row of establishment.csv on or before the date");
        else
            fitted_number(f, path, fte[g], NAN, NAN, NAN, 1, false, "establishment.csv, latest row by the date");
    }
    free(fte);
    free(when);
}

/* The absences begun before D: per length in days (inclusive), those ended
 * (ev) and still open at D (ce), both [0..*nd] and freed by the caller;
 * *started counts them and *absent sums their FTE-years off work. */
static void sickness_tally(const struct records *r, long D, const struct staff_tally *t, double **ev_out,
                           double **ce_out, size_t *nd_out, double *started, double *absent)
{
    long max_days = 0;
    for (size_t i = 0; i < r->n_abs; i++) {
        const struct records_absence *a = &r->abs[i];
        if (a->start >= D)
            continue;
        long stop = a->end != RECORDS_NONE && a->end < D ? a->end + 1 : D;
        if (stop - a->start > max_days)
            max_days = stop - a->start;
    }
    size_t nd = (size_t)max_days + 1;
    double *ev = check_calloc(nd + 1, sizeof *ev), *ce = check_calloc(nd + 1, sizeof *ce);
    for (size_t i = 0; i < r->n_abs; i++) {
        const struct records_absence *a = &r->abs[i];
        if (a->start >= D)
            continue;
        (*started)++;
        /* the person's FTE: that of their spell holding the start */
        double fte = 1;
        for (size_t k = t->begin[a->person]; k < t->begin[a->person + 1]; k++)
            if (r->spell[t->ord[k]].start <= a->start)
                fte = r->spell[t->ord[k]].fte;
        bool ended = a->end != RECORDS_NONE && a->end < D;
        long len = (ended ? a->end + 1 : D) - a->start;
        *absent += fte * (double)len / SCENARIO_DAYS_PER_YEAR;
        if (ended)
            ev[len]++;
        else
            ce[len]++;
    }
    *ev_out = ev;
    *ce_out = ce;
    *nd_out = nd;
}

/* Fits the sickness absence rate per FTE-year at work, and the mixture of
 * short and long episodes, from the absences begun before D. */
static void workforce_fit_sickness(const struct records *r, const struct scenario *sc, long D, struct fit_result *f,
                                   struct diag *notes, const struct staff_tally *t)
{
    /* sickness: absences of everybody, exposure at work in FTE-years */
    double fte_years = 0, absent = 0, started = 0;
    for (size_t g = 0; g < t->G; g++)
        fte_years += t->expo[g];
    double *ev, *ce;
    size_t nd;
    sickness_tally(r, D, t, &ev, &ce, &nd, &started, &absent);
    double at_work = fte_years - absent;
    if (started < 1 || at_work <= 0)
        kept(f, sc, notes, "workforce.sickness.episodes_per_fte_year", "no absences or no time at work");
    else {
        double rate, se, lo, hi;
        estim_rate(started, at_work, &rate, &se, &lo, &hi);
        char m[FIT_METHOD_MAX];
        snprintf(m, sizeof m, "absences begun per FTE-year at work (%.1f FTE-years; exact Poisson interval)", at_work);
        fitted_number(f, "workforce.sickness.episodes_per_fte_year", rate, se, lo, hi, started, false, m);
        add_draw(f, "workforce.sickness.episodes_per_fte_year", PDRAW_LOG, 1 / started);
    }
    struct fit_stage_chart c = { 0 };
    group(ev, ce, nd, &c);
    struct estim_surv es = { c.t, c.events, c.censored, c.n };
    struct estim_mix mx;
    if (estim_surv_events(&es) < FIT_MIN_EVENTS || !estim_exp_mixture_days(&es, &mx)) {
        kept(f, sc, notes, "workforce.sickness.long_share",
             "too few absences for the mixture of short and long episodes");
    } else {
        double n = estim_surv_events(&es);
        const char *m = "ML of a mixture of two exponentials (the model's short and long episodes) from days "
                        "off counted inclusive, each an interval of the time off; open absences censored";
        fitted_number(f, "workforce.sickness.long_share", mx.q, mx.se_q, fmax(0, normal_lo(mx.q, mx.se_q)),
                      fmin(1, normal_hi(mx.q, mx.se_q)), n, false, m);
        fitted_number(f, "workforce.sickness.short_mean_days", mx.short_mean, mx.se_short,
                      normal_lo(mx.short_mean, mx.se_short), normal_hi(mx.short_mean, mx.se_short), n, false, m);
        fitted_number(f, "workforce.sickness.long_mean_days", mx.long_mean, mx.se_long,
                      normal_lo(mx.long_mean, mx.se_long), normal_hi(mx.long_mean, mx.se_long), n, false, m);
        const char *paths[3] = { "workforce.sickness.long_share", "workforce.sickness.short_mean_days",
                                 "workforce.sickness.long_mean_days" };
        const enum pdraw_scale scales[3] = { PDRAW_LOGIT, PDRAW_LOG, PDRAW_LOG };
        add_draw_group(f, 3, paths, scales, mx.cov);
    }
    group_free(&c);
    free(ev);
    free(ce);
}

static void fit_workforce(const struct records *r, const struct scenario *sc, long D, struct fit_result *f,
                          struct diag *notes)
{
    struct staff_tally t;
    staff_tally(r, sc, D, &t);
    for (size_t g = 0; g < t.G; g++)
        workforce_fit_grade(sc, f, notes, &t, g);
    if (t.holding_fte > 0) {
        double p, se, lo, hi;
        estim_proportion(t.agency_fte, t.holding_fte, &p, &se, &lo, &hi);
        add_row(f, "observed.agency_share", p, se, lo, hi, t.holding_fte, true,
                "agency FTE / case-holding FTE in post at the date (descriptive, no scenario setting)");
    }
    workforce_fit_establishment(r, sc, D, f, notes);
    workforce_fit_sickness(r, sc, D, f, notes, &t);
    staff_tally_free(&t);
}

/* ---- recruitment ---------------------------------------------------------- */

static void fit_recruitment(const struct records *r, const struct scenario *sc, long D, struct fit_result *f,
                            struct diag *notes)
{
    const char *path = "workforce.recruitment.time_to_hire.mean";
    if (!r->has_vacancies) {
        kept(f, sc, notes, path, "no vacancies.csv");
        return;
    }
    const struct dist_spec *th = &sc->time_to_hire;
    if (th->kind == DIST_FIXED || th->kind == DIST_UNIFORM || th->kind == DIST_EMPIRICAL) {
        kept(f, sc, notes, path, "the template's time_to_hire is not a family with a mean and sd");
        return;
    }
    long max_days = 0;
    for (size_t i = 0; i < r->n_vac; i++)
        if (r->vac[i].from <= D) {
            long t = (r->vac[i].filled != RECORDS_NONE && r->vac[i].filled <= D ? r->vac[i].filled : D) - r->vac[i].from;
            if (t > max_days)
                max_days = t;
        }
    size_t nd = (size_t)max_days + 1;
    double *ev = check_calloc(nd + 1, sizeof *ev), *ce = check_calloc(nd + 1, sizeof *ce);
    for (size_t i = 0; i < r->n_vac; i++) {
        const struct records_vacancy *v = &r->vac[i];
        if (v->from > D)
            continue;
        if (v->filled != RECORDS_NONE && v->filled <= D)
            ev[v->filled - v->from]++;
        else
            ce[D - v->from]++;
    }
    struct fit_stage_chart c = { 0 };
    group(ev, ce, nd, &c);
    struct estim_surv es = { c.t, c.events, c.censored, c.n };
    struct estim_dur fam[ESTIM_N_FAMILIES];
    int b = estim_surv_events(&es) >= FIT_MIN_EVENTS ? estim_duration_best(&es, fam) : -1;
    double p = sc->reg.p[sc->p_rec_success].value, retry = sc->reg.p[sc->p_rec_retry].value;
    if (b < 0)
        kept(f, sc, notes, path, "fewer than 10 filled vacancies");
    else if (!(p > 0))
        kept(f, sc, notes, path, "the template's recruitment.success is 0");
    else {
        /* fill time T = N campaigns of time H and N - 1 retries, N ~ geometric(p):
         * E[T] = E[H] / p + (1 / p - 1) retry, so E[H] = p E[T] - (1 - p) retry */
        double T = fam[b].mean, seT = fam[b].se_mean, H = p * T - (1 - p) * retry, se = p * seT;
        if (!(H > 0))
            kept(f, sc, notes, path, "the time to fill is shorter than the template's failed campaigns imply");
        else {
            char m[FIT_METHOD_MAX];
            snprintf(m, sizeof m,
                     "censored ML of time to fill (%s by AIC, mean %.1f days) as success x fill - (1 - success) x "
                     "retry_days",
                     dist_kind_name(fam[b].kind), T);
            const struct fit_row *row = add_row(f, path, H, se, normal_lo(H, se), normal_hi(H, se),
                                                estim_surv_events(&es), true, "%s", m);
            double sd = th->p2 != SIZE_MAX ? sc->reg.p[th->p2].value : H;
            if (th->kind != DIST_EXPONENTIAL)
                add_row(f, "workforce.recruitment.time_to_hire.sd", sd, NAN, NAN, NAN, 0, false,
                        "from template (a campaign's spread is not seen in the records)");
            add_setting(f, "workforce.recruitment.time_to_hire", dist_text(th->kind, H, sd), row_comment(row), false);
            add_draw(f, path, PDRAW_LOG, (se / H) * (se / H));
        }
    }
    group_free(&c);
    free(ev);
    free(ce);
}

/* ---- the whole fit -------------------------------------------------------- */

const struct fit_row *fit_row_find(const struct fit_result *f, const char *path)
{
    for (size_t i = 0; i < f->n_rows; i++)
        if (strcmp(f->row[i].path, path) == 0)
            return &f->row[i];
    return NULL;
}

bool fit_records(const struct records *r, const struct scenario *sc, struct date at, struct fit_result *out,
                 struct diag *notes)
{
    memset(out, 0, sizeof *out);
    out->at = at;
    long D = date_to_days(at);
    bool any = false;
    for (size_t i = 0; i < r->n_ref && !any; i++)
        any = r->ref[i].day <= D;
    for (size_t i = 0; i < r->n_ep && !any; i++)
        any = r->ep[i].start <= D;
    if (!any)
        return false;
    char day[DATE_TEXT_SIZE];
    date_format(at, day);
    add_row(out, "start", NAN, NAN, NAN, NAN, NAN, true, "the date fitted at (%s)", day);
    add_setting(out, "start", dup_printf("\"%s\"", day), dup_printf("fitted: the date the records were fitted at"),
                false);
    fit_demand(r, sc, D, out, notes);
    fit_stages(r, sc, D, out, notes);
    fit_workforce(r, sc, D, out, notes);
    fit_recruitment(r, sc, D, out, notes);
    /* every other parameter: the template's */
    for (size_t i = 0; i < sc->reg.n; i++) {
        const struct param *p = &sc->reg.p[i];
        if (!fit_row_find(out, p->path))
            add_row(out, p->path, p->value, NAN, NAN, NAN, 0, false, "from template");
    }
    return true;
}

void fit_result_free(struct fit_result *f)
{
    for (size_t i = 0; i < f->n_set; i++) {
        free(f->set[i].value);
        free(f->set[i].comment);
    }
    free(f->set);
    free(f->row);
    for (size_t s = 0; s < f->n_stages; s++) {
        free(f->open_elapsed[s]);
        free(f->open_waiting[s]);
        group_free(&f->stage[s]);
    }
    free(f->open_elapsed);
    free(f->open_waiting);
    free(f->n_elapsed);
    free(f->n_waiting);
    free(f->stage);
    free(f->month);
    free(f->month_count);
    free(f->month_fitted);
    free(f->draw);
    free(f->cov);
    memset(f, 0, sizeof *f);
}
