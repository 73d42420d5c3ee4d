/* estim_surv.c — right-censored durations (see estim.h).
 *
 * Each family's log likelihood is sum_i e_i log f(t_i) + c_i log S(t_i) over
 * the groups (events e_i, censored c_i at time t_i), written in internal
 * parameters theta on the whole real line:
 *   exponential  theta0 = log mean
 *   lognormal    theta = (mu, log sigma)       log D ~ N(mu, sigma^2)
 *   gamma        theta = (log shape, log scale)
 *   weibull      theta = (log shape, log scale) S(t) = exp(-(t/scale)^shape)
 * The optimum is found by Nelder–Mead (gsl_multimin_fminimizer_nmsimplex2),
 * restarted once from where it stopped; the observed information is the
 * Hessian of -loglik at the optimum by central differences, its inverse the
 * covariance of theta, and the delta method (numerical gradient) carries it
 * to the mean and sd.
 *
 * GSL's special functions report underflow (far tails) as errors; the
 * project's handler treats every GSL error as a bug and aborts, so the
 * likelihoods run with the handler off and test each status themselves. */
#include "fit/estim.h"

#include "sim/check.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_log.h>
#include <math.h>
#include <string.h>

const enum dist_kind estim_families[ESTIM_N_FAMILIES] = { DIST_EXPONENTIAL, DIST_LOGNORMAL, DIST_GAMMA,
                                                         DIST_WEIBULL };

/* Nelder–Mead: iterations per start, the simplex size taken as converged
 * (internal parameters are logs: a relative change of 1e-8, near the
 * square root of the machine epsilon below which a flat optimum cannot be
 * told apart), the size still accepted when the iterations run out, the
 * first step in each internal parameter (log scale: about 35%). */
#define NM_MAX_ITER 4000
#define NM_SIZE_TOL 1e-8
#define NM_SIZE_ACCEPT 1e-6
#define NM_STEP 0.35
/* Relative step of the central differences of the Hessian and gradients. */
#define DIFF_STEP 1e-4
/* A value the minimiser sees instead of a non-finite -loglik. */
#define BAD_VALUE 1e300

double estim_surv_events(const struct estim_surv *s)
{
    double e = 0;
    for (size_t i = 0; i < s->n; i++)
        e += s->events[i];
    return e;
}

double estim_surv_total(const struct estim_surv *s)
{
    double e = 0;
    for (size_t i = 0; i < s->n; i++)
        e += s->events[i] + s->censored[i];
    return e;
}

/* log P(D > t) of a gamma(shape k, scale th): log Q(k, t/th), with the
 * leading term of its asymptotic series where Q underflows. */
static double gamma_log_q(double k, double y)
{
    gsl_sf_result r;
    if (gsl_sf_gamma_inc_Q_e(k, y, &r) == GSL_SUCCESS && r.val > 0)
        return log(r.val);
    return (k - 1) * log(y) - y - lgamma(k) + log1p(fmax(k - 1, 0) / y);
}

/* log f(t) and log S(t) of family kind at internal parameters th. */
static void log_fs(enum dist_kind kind, const double *th, double t, double *lf, double *ls)
{
    double lt = log(t);
    switch (kind) {
    case DIST_EXPONENTIAL: {
        double m = exp(th[0]);
        *lf = -th[0] - t / m;
        *ls = -t / m;
        return;
    }
    case DIST_LOGNORMAL: {
        double sg = exp(th[1]), z = (lt - th[0]) / sg;
        *lf = -lt - th[1] - 0.5 * log(2 * M_PI) - 0.5 * z * z;
        gsl_sf_result r;
        *ls = gsl_sf_log_erfc_e(z / M_SQRT2, &r) == GSL_SUCCESS ? r.val - M_LN2 : -INFINITY;
        return;
    }
    case DIST_GAMMA: {
        double k = exp(th[0]), y = t / exp(th[1]);
        *lf = (k - 1) * log(y) - y - lgamma(k) - th[1];
        *ls = gamma_log_q(k, y);
        return;
    }
    case DIST_WEIBULL: {
        double k = exp(th[0]), zk = exp(k * (lt - th[1]));
        *lf = th[0] - th[1] + (k - 1) * (lt - th[1]) - zk;
        *ls = -zk;
        return;
    }
    default: CHECK(!"family without a likelihood");
    }
}

struct fam_ctx {
    const struct estim_surv *s;
    enum dist_kind kind;
};

static double fam_loglik(const struct fam_ctx *c, const double *th)
{
    double ll = 0;
    for (size_t i = 0; i < c->s->n; i++) {
        double lf, ls;
        log_fs(c->kind, th, c->s->t[i], &lf, &ls);
        if (c->s->events[i] > 0)
            ll += c->s->events[i] * lf;
        if (c->s->censored[i] > 0)
            ll += c->s->censored[i] * ls;
    }
    return ll;
}

/* The objective of the minimiser: -loglik, kept finite. */
typedef double (*negll_fn)(const double *th, void *ctx);

static double fam_negll(const double *th, void *ctx)
{
    double v = -fam_loglik(ctx, th);
    return isfinite(v) ? v : BAD_VALUE;
}

struct nm_ctx {
    negll_fn f;
    void *ctx;
};

static double nm_f(const gsl_vector *v, void *params)
{
    const struct nm_ctx *c = params;
    return c->f(v->data, c->ctx);
}

/* Minimise f over R^k from th (k <= 3), twice (a restart from the first
 * optimum catches a collapsed simplex). True when both runs converged and
 * the minimum is finite. */
static bool minimise(negll_fn f, void *ctx, double *th, size_t k)
{
    struct nm_ctx c = { f, ctx };
    gsl_multimin_function fn = { nm_f, k, &c };
    gsl_vector *x = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    bool ok = true;
    for (int run = 0; run < 2 && ok; run++) {
        for (size_t i = 0; i < k; i++) {
            gsl_vector_set(x, i, th[i]);
            gsl_vector_set(step, i, run == 0 ? NM_STEP : NM_STEP / 10);
        }
        gsl_multimin_fminimizer_set(m, &fn, x, step);
        int status = GSL_CONTINUE;
        for (int it = 0; it < NM_MAX_ITER && status == GSL_CONTINUE; it++) {
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), NM_SIZE_TOL);
        }
        ok = (status == GSL_SUCCESS || gsl_multimin_fminimizer_size(m) < NM_SIZE_ACCEPT) && m->fval < BAD_VALUE;
        for (size_t i = 0; i < k; i++)
            th[i] = gsl_vector_get(m->x, i);
    }
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(step);
    gsl_vector_free(x);
    return ok;
}

/* The Hessian h[k*k] of f at th by central differences. */
static void hessian(negll_fn f, void *ctx, const double *th, size_t k, double *h)
{
    double x[3], step[3];
    for (size_t i = 0; i < k; i++)
        step[i] = DIFF_STEP * fmax(1.0, fabs(th[i]));
    double f0 = f(th, ctx);
    for (size_t i = 0; i < k; i++)
        for (size_t j = i; j < k; j++) {
            double v;
            memcpy(x, th, k * sizeof *x);
            if (i == j) {
                x[i] = th[i] + step[i];
                double fp = f(x, ctx);
                x[i] = th[i] - step[i];
                double fm = f(x, ctx);
                v = (fp - 2 * f0 + fm) / (step[i] * step[i]);
            } else {
                double s[4];
                int sg[4][2] = { { 1, 1 }, { 1, -1 }, { -1, 1 }, { -1, -1 } };
                for (int q = 0; q < 4; q++) {
                    memcpy(x, th, k * sizeof *x);
                    x[i] += sg[q][0] * step[i];
                    x[j] += sg[q][1] * step[j];
                    s[q] = f(x, ctx);
                }
                v = (s[0] - s[1] - s[2] + s[3]) / (4 * step[i] * step[j]);
            }
            h[i * k + j] = h[j * k + i] = v;
        }
}

/* Invert the symmetric k x k matrix h (k <= 3) into inv; false when it is
 * not positive definite. */
static bool invert_pd(const double *h, size_t k, double *inv)
{
    if (k == 1) {
        if (!(h[0] > 0))
            return false;
        inv[0] = 1 / h[0];
        return true;
    }
    if (k == 2) {
        double det = h[0] * h[3] - h[1] * h[2];
        if (!(h[0] > 0 && det > 0))
            return false;
        inv[0] = h[3] / det;
        inv[3] = h[0] / det;
        inv[1] = inv[2] = -h[1] / det;
        return true;
    }
    CHECK(k == 3);
    double a = h[0], b = h[1], c = h[2], e = h[4], f = h[5], i = h[8];
    double A = e * i - f * f, B = -(b * i - c * f), C = b * f - c * e;
    double det = a * A + b * B + c * C;
    double m2 = a * e - b * b;
    if (!(a > 0 && m2 > 0 && det > 0))
        return false;
    inv[0] = A / det;
    inv[1] = inv[3] = B / det;
    inv[2] = inv[6] = C / det;
    inv[4] = (a * i - c * c) / det;
    inv[5] = inv[7] = -(a * f - b * c) / det;
    inv[8] = m2 / det;
    return true;
}

/* The mean and sd of family kind at theta. */
static void moments(enum dist_kind kind, const double *th, double *mean, double *sd)
{
    switch (kind) {
    case DIST_EXPONENTIAL:
        *mean = *sd = exp(th[0]);
        return;
    case DIST_LOGNORMAL: {
        double s2 = exp(2 * th[1]);
        *mean = exp(th[0] + s2 / 2);
        *sd = *mean * sqrt(expm1(s2));
        return;
    }
    case DIST_GAMMA: {
        double k = exp(th[0]), sc = exp(th[1]);
        *mean = k * sc;
        *sd = sqrt(k) * sc;
        return;
    }
    case DIST_WEIBULL: {
        double k = exp(th[0]), sc = exp(th[1]);
        double g1 = exp(lgamma(1 + 1 / k)), g2 = exp(lgamma(1 + 2 / k));
        *mean = sc * g1;
        *sd = sc * sqrt(fmax(0, g2 - g1 * g1));
        return;
    }
    default: CHECK(!"family without moments");
    }
}

/* Starting values: the lognormal fitted by moments of log t (every
 * observation taken as ended), carried to each family. */
static void start_values(const struct estim_surv *s, enum dist_kind kind, double *th)
{
    double w = 0, m = 0, ss = 0;
    for (size_t i = 0; i < s->n; i++) {
        double wi = s->events[i] + s->censored[i], l = log(s->t[i]);
        if (wi <= 0)
            continue;
        w += wi;
        double d = l - m;
        m += wi * d / w;
        ss += wi * d * (l - m);
    }
    double v = w > 1 ? fmax(ss / w, 0.01) : 0.25;
    double mean = exp(m + v / 2), sd = mean * sqrt(expm1(v));
    switch (kind) {
    case DIST_EXPONENTIAL: th[0] = log(mean); break;
    case DIST_LOGNORMAL: th[0] = m; th[1] = 0.5 * log(v); break;
    case DIST_GAMMA: th[0] = log(mean * mean / (sd * sd)); th[1] = log(sd * sd / mean); break;
    case DIST_WEIBULL: {
        double k = M_PI / sqrt(6 * v);
        th[0] = log(k);
        th[1] = m + M_EULER / k;
        break;
    }
    default: CHECK(!"family without a start");
    }
}

void estim_duration(const struct estim_surv *s, enum dist_kind kind, struct estim_dur *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->k = kind == DIST_EXPONENTIAL ? 1 : 2;
    out->mean = out->sd = out->se_mean = out->se_sd = out->loglik = out->aic = NAN;
    double events = estim_surv_events(s);
    for (size_t i = 0; i < s->n; i++)
        CHECK(s->t[i] > 0);
    if (events < (double)out->k)
        return;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    struct fam_ctx c = { s, kind };
    double th[2] = { 0, 0 };
    bool ok;
    if (kind == DIST_EXPONENTIAL) {
        double total = 0;
        for (size_t i = 0; i < s->n; i++)
            total += (s->events[i] + s->censored[i]) * s->t[i];
        th[0] = log(total / events);
        out->cov[0] = 1 / events;   /* observed information of log mean: events */
        ok = true;
    } else {
        start_values(s, kind, th);
        ok = minimise(fam_negll, &c, th, 2);
        double h[4];
        if (ok) {
            hessian(fam_negll, &c, th, 2, h);
            ok = invert_pd(h, 2, out->cov);
        }
    }
    if (ok) {
        memcpy(out->theta, th, sizeof th);
        out->loglik = fam_loglik(&c, th);
        out->aic = 2 * (double)out->k - 2 * out->loglik;
        moments(kind, th, &out->mean, &out->sd);
        /* delta method: gradients of mean and sd in theta */
        double gm[2] = { 0, 0 }, gs[2] = { 0, 0 };
        for (size_t i = 0; i < out->k; i++) {
            double x[2] = { th[0], th[1] }, h = DIFF_STEP * fmax(1.0, fabs(th[i]));
            double mp, sp, mm, sm;
            x[i] = th[i] + h;
            moments(kind, x, &mp, &sp);
            x[i] = th[i] - h;
            moments(kind, x, &mm, &sm);
            gm[i] = (mp - mm) / (2 * h);
            gs[i] = (sp - sm) / (2 * h);
        }
        double vm = 0, vs = 0;
        for (size_t i = 0; i < out->k; i++)
            for (size_t j = 0; j < out->k; j++) {
                vm += gm[i] * out->cov[i * out->k + j] * gm[j];
                vs += gs[i] * out->cov[i * out->k + j] * gs[j];
            }
        double gl[2][2] = { { gm[0] / out->mean, gm[1] / out->mean }, { gs[0] / out->sd, gs[1] / out->sd } };
        for (size_t a = 0; a < 2; a++)
            for (size_t b = 0; b < 2; b++) {
                double v = 0;
                for (size_t i = 0; i < out->k; i++)
                    for (size_t j = 0; j < out->k; j++)
                        v += gl[a][i] * out->cov[i * out->k + j] * gl[b][j];
                out->cov_log[a * 2 + b] = v;
            }
        if (kind == DIST_EXPONENTIAL)
            out->cov_log[1] = out->cov_log[2] = out->cov_log[3] = 0;
        out->se_mean = sqrt(fmax(vm, 0));
        out->se_sd = sqrt(fmax(vs, 0));
        out->ok = isfinite(out->mean) && isfinite(out->sd) && isfinite(out->se_mean);
    }
    gsl_set_error_handler(old);
}

int estim_duration_best(const struct estim_surv *s, struct estim_dur out[ESTIM_N_FAMILIES])
{
    int best = -1;
    for (int f = 0; f < ESTIM_N_FAMILIES; f++) {
        estim_duration(s, estim_families[f], &out[f]);
        if (out[f].ok && (best < 0 || out[f].aic < out[best].aic))
            best = f;
    }
    return best;
}

double estim_dur_survival(const struct estim_dur *d, double t)
{
    if (t <= 0)
        return 1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double lf, ls;
    log_fs(d->kind, d->theta, t, &lf, &ls);
    gsl_set_error_handler(old);
    return exp(ls);
}

void estim_kaplan_meier(const struct estim_surv *s, double *surv, double *se)
{
    double at_risk = estim_surv_total(s), S = 1, green = 0;
    for (size_t i = 0; i < s->n; i++) {
        double d = s->events[i];
        if (at_risk > 0 && d > 0) {
            S *= 1 - d / at_risk;
            if (at_risk > d)
                green += d / (at_risk * (at_risk - d));
        }
        surv[i] = S;
        if (se)
            se[i] = S * sqrt(green);
        at_risk -= d + s->censored[i];
    }
}

/* ---- mixture of two exponentials ----------------------------------------- */

struct mix_ctx {
    const struct estim_surv *s;
    bool whole_days;
};

/* log(e^x + e^y) without overflow. */
static double log_add(double x, double y)
{
    double mx = fmax(x, y);
    if (mx == -INFINITY)
        return -INFINITY;
    return mx + log(exp(x - mx) + exp(y - mx));
}

/* Whole days of an exponential of mean a: the count L = max(1, floor(U + X))
 * (U uniform on [0, 1), the start's time of day). For d >= 2
 * P(L >= d) = E[exp(-(d - U) / a)] = exp(-d / a) a (e^(1/a) - 1), and
 * P(L >= 1) = 1. Sets *ls = log P(L >= d) and *lf = log P(L = d). */
static void days_exp(double a, double d, double *lf, double *ls)
{
    double x = 1 / a, l2 = -2 * x + log(expm1(x) / x);   /* log P(L >= 2) */
    if (d < 2) {
        *ls = 0;
        *lf = log(-expm1(l2));
        return;
    }
    *ls = -d * x + log(expm1(x) / x);
    *lf = *ls + log(-expm1(-x));   /* P(L = d) = P(L >= d) (1 - e^(-1/a)) */
}

static double mix_negll(const double *th, void *ctx)
{
    const struct mix_ctx *c = ctx;
    const struct estim_surv *s = c->s;
    double q = 1 / (1 + exp(-th[0])), a = exp(th[1]), b = exp(th[2]);
    double lq = log(q), l1q = log1p(-q), ll = 0;
    for (size_t i = 0; i < s->n; i++) {
        double t = s->t[i], lf, ls;
        if (c->whole_days) {
            double fa, sa, fb, sb;
            days_exp(a, t, &fa, &sa);
            days_exp(b, t, &fb, &sb);
            lf = log_add(l1q + fa, lq + fb);
            days_exp(a, t + 1, &fa, &sa);   /* censored: L > t, so L >= t + 1 */
            days_exp(b, t + 1, &fb, &sb);
            ls = log_add(l1q + sa, lq + sb);
        } else {
            ls = log_add(l1q - t / a, lq - t / b);            /* the two survival terms */
            lf = log_add(l1q - t / a - th[1], lq - t / b - th[2]);   /* the two density terms */
        }
        if (s->events[i] > 0)
            ll += s->events[i] * lf;
        if (s->censored[i] > 0)
            ll += s->censored[i] * ls;
    }
    return isfinite(ll) ? -ll : BAD_VALUE;
}

static bool exp_mixture(const struct estim_surv *s, bool whole_days, struct estim_mix *out)
{
    memset(out, 0, sizeof *out);
    double events = estim_surv_events(s), total = 0;
    for (size_t i = 0; i < s->n; i++)
        total += (s->events[i] + s->censored[i]) * s->t[i];
    if (events < 3 || s->n < 2)
        return false;
    struct mix_ctx ctx = { s, whole_days };
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    /* Starts: a short component at a quarter of the mean and a long one at
     * three times it, long shares 0.1 and 0.3; the better optimum wins. */
    double mean = total / events, best[3] = { 0, 0, 0 }, best_f = INFINITY;
    bool any = false;
    const double shares[2] = { 0.1, 0.3 };
    for (int k = 0; k < 2; k++) {
        double th[3] = { log(shares[k] / (1 - shares[k])), log(mean / 4), log(3 * mean) };
        if (minimise(mix_negll, &ctx, th, 3)) {
            double f = mix_negll(th, &ctx);
            if (f < best_f) {
                best_f = f;
                memcpy(best, th, sizeof best);
                any = true;
            }
        }
    }
    double h[9], cov[9];
    bool ok = any;
    if (ok) {
        hessian(mix_negll, &ctx, best, 3, h);
        ok = invert_pd(h, 3, cov);
    }
    if (ok) {
        double q = 1 / (1 + exp(-best[0])), a = exp(best[1]), b = exp(best[2]);
        if (a > b) {   /* label the components: short first (logit q changes sign) */
            double t = a; a = b; b = t;
            q = 1 - q;
            double sw[9] = { cov[0], -cov[2], -cov[1], -cov[6], cov[8], cov[7], -cov[3], cov[5], cov[4] };
            memcpy(cov, sw, sizeof cov);
        }
        out->q = q;
        out->short_mean = a;
        out->long_mean = b;
        out->se_q = q * (1 - q) * sqrt(cov[0]);
        out->se_short = a * sqrt(cov[4]);
        out->se_long = b * sqrt(cov[8]);
        memcpy(out->cov, cov, sizeof cov);
        out->loglik = -best_f;
        ok = isfinite(out->se_q) && isfinite(out->se_short) && isfinite(out->se_long);
    }
    gsl_set_error_handler(old);
    return ok;
}

bool estim_exp_mixture(const struct estim_surv *s, struct estim_mix *out)
{
    return exp_mixture(s, false, out);
}

bool estim_exp_mixture_days(const struct estim_surv *s, struct estim_mix *out)
{
    return exp_mixture(s, true, out);
}
