/* test_fit.c — caseload fit: each estimator against an answer known in
 * closed form or from a textbook; every kind of bad row reported at
 * file:line:column (and counted, not reported, under --drop-bad); the
 * small hand-made records of tests/records/small/ fitted to the values
 * worked out by hand; the fitted scenario accepted by caseload check; and
 * no identifier of the records in any file the fit writes. */
#include "fit/estim.h"
#include "fit/fitmap.h"
#include "fit/fitout.h"
#include "fit/records.h"

#include "models/scenario.h"
#include "sim/check.h"
#include "tests/testutil.h"

#include <dirent.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The fuzz harness of the readers, replayed on its seeds and on every
 * input it once crashed on (tests/fuzz/fuzz_records/). */
#define FUZZ_ENTRY fuzz_records_entry
#include "tests/fuzz/fuzz_records.c"

#define EXACT_TOL 1e-9          /* closed forms, up to the IRLS's convergence */
#define ML_TOL 1e-4             /* maximum likelihood by Nelder–Mead: score equations */
#define TABLE_TOL 5e-4          /* published tables give 3 or 4 figures */
#define SE_MULT 4.0             /* |estimate - truth| < 4 se: p ~ 6e-5 each */
#define TEST_SEED 20261207UL
#define TEMPLATE "tests/records/template.cfg"
#define SMALL "tests/records/small"
#define ID_MARK "ZQX"           /* every identifier of the fixture carries it */

/* |got - want| <= tol, both printed when not. */
#define assert_close(got, want, tol)                                                    \
    do {                                                                               \
        double g_ = (got), w_ = (want), t_ = (tol);                                     \
        if (!(fabs(g_ - w_) <= t_))                                                     \
            fail_msg("%s = %.12g, expected %.12g (within %g)", #got, g_, w_, t_);       \
    } while (0)

/* Whether needle occurs in the len bytes of text. */
static bool holds(const char *text, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(text + i, needle, n) == 0)
            return true;
    return false;
}

/* ---- Poisson regression ---------------------------------------------------- */

/* Two groups (a dummy): the ML estimates are the log of each group's mean
 * rate, var(b1) = 1/sum y0 + 1/sum y1; with offsets, rates per exposure. */
static void test_poisson_two_groups(void **state)
{
    (void)state;
    const double y[] = { 12, 7, 9, 31, 25, 28 };
    const double expo[] = { 30, 31, 30, 31, 28, 31 };
    double x[12], off[6];
    for (size_t i = 0; i < 6; i++) {
        x[2 * i] = 1;
        x[2 * i + 1] = i >= 3;
        off[i] = log(expo[i]);
    }
    double beta[2], cov[4], dev;
    assert_true(estim_poisson(x, y, off, 6, 2, beta, cov, &dev));
    double r0 = (12 + 7 + 9) / 91.0, r1 = (31 + 25 + 28) / 90.0;
    assert_close(beta[0], log(r0), EXACT_TOL);
    assert_close(beta[1], log(r1 / r0), EXACT_TOL);
    assert_close(cov[0], 1 / 28.0, EXACT_TOL);
    assert_close(cov[3], 1 / 28.0 + 1 / 84.0, EXACT_TOL);
    /* deviance by hand */
    double d = 0;
    for (size_t i = 0; i < 6; i++) {
        double mu = expo[i] * (i >= 3 ? r1 : r0);
        d += 2 * (y[i] * log(y[i] / mu) - (y[i] - mu));
    }
    assert_close(dev, d, EXACT_TOL);
}

/* A log-linear trend recovered from counts that follow it exactly. */
static void test_poisson_trend_exact(void **state)
{
    (void)state;
    double x[40], y[20];
    for (size_t i = 0; i < 20; i++) {
        x[2 * i] = 1;
        x[2 * i + 1] = (double)i / 12;
        y[i] = exp(3.2 + 0.25 * (double)i / 12);
    }
    double beta[2], cov[4], dev;
    assert_true(estim_poisson(x, y, NULL, 20, 2, beta, cov, &dev));
    assert_close(beta[0], 3.2, 1e-8);
    assert_close(beta[1], 0.25, 1e-8);
    assert_true(dev < 1e-10);
}

static void test_poisson_rank_deficient(void **state)
{
    (void)state;
    double x[8] = { 1, 2, 1, 2, 1, 2, 1, 2 }, y[4] = { 1, 2, 3, 4 }, beta[2], cov[4];
    assert_false(estim_poisson(x, y, NULL, 4, 2, beta, cov, NULL));
}

/* ---- durations -------------------------------------------------------------- */

/* Censored exponential: mean = total time / events, se = mean / sqrt(events). */
static void test_exponential_closed_form(void **state)
{
    (void)state;
    double t[] = { 2.5, 4, 7.25, 11, 19 }, e[] = { 1, 2, 0, 3, 1 }, c[] = { 1, 0, 2, 0, 1 };
    struct estim_surv s = { t, e, c, 5 };
    struct estim_dur d;
    estim_duration(&s, DIST_EXPONENTIAL, &d);
    assert_true(d.ok);
    double total = 2.5 * 2 + 4 * 2 + 7.25 * 2 + 11 * 3 + 19 * 2;
    assert_close(d.mean, total / 7, EXACT_TOL);
    assert_close(d.se_mean, total / 7 / sqrt(7), 1e-6 * d.mean);
    assert_close(d.loglik, -7 * log(total / 7) - 7, EXACT_TOL);
}

/* Uncensored lognormal: mu and sigma^2 are the mean and (1/n) variance of
 * log t; mean = exp(mu + sigma^2/2). */
static void test_lognormal_uncensored(void **state)
{
    (void)state;
    double t[] = { 3.1, 7.4, 9.9, 14.2, 21.5, 33.0, 47.8, 80.3 }, e[8], c[8];
    double m = 0, v = 0;
    for (int i = 0; i < 8; i++) {
        e[i] = 1;
        c[i] = 0;
        m += log(t[i]) / 8;
    }
    for (int i = 0; i < 8; i++)
        v += (log(t[i]) - m) * (log(t[i]) - m) / 8;
    struct estim_surv s = { t, e, c, 8 };
    struct estim_dur d;
    estim_duration(&s, DIST_LOGNORMAL, &d);
    assert_true(d.ok);
    assert_close(d.theta[0], m, ML_TOL);
    assert_close(exp(2 * d.theta[1]), v, ML_TOL);
    assert_close(d.mean, exp(m + v / 2), ML_TOL * d.mean);
    /* the observed information of (mu, log sigma) is n/s^2 and 2n */
    assert_close(d.cov[0], v / 8, 1e-3 * v / 8);
    assert_close(d.cov[3], 1.0 / 16, 1e-3 / 16);
}

/* Uncensored gamma and Weibull: the score equations hold at the optimum. */
static void test_gamma_weibull_scores(void **state)
{
    (void)state;
    double t[] = { 3.1, 7.4, 9.9, 14.2, 21.5, 33.0, 47.8, 80.3, 12.0, 18.5 }, e[10], c[10];
    double mean = 0, mlog = 0;
    for (int i = 0; i < 10; i++) {
        e[i] = 1;
        c[i] = 0;
        mean += t[i] / 10;
        mlog += log(t[i]) / 10;
    }
    struct estim_surv s = { t, e, c, 10 };
    struct estim_dur g, w;
    estim_duration(&s, DIST_GAMMA, &g);
    assert_true(g.ok);
    double k = exp(g.theta[0]);
    assert_close(log(k) - gsl_sf_psi(k), log(mean) - mlog, ML_TOL);
    assert_close(g.mean, mean, ML_TOL * mean);   /* the gamma's ML mean is the sample mean */
    estim_duration(&s, DIST_WEIBULL, &w);
    assert_true(w.ok);
    double kw = exp(w.theta[0]), a = 0, b = 0;
    for (int i = 0; i < 10; i++) {
        a += pow(t[i], kw) * log(t[i]);
        b += pow(t[i], kw);
    }
    assert_close(a / b - 1 / kw, mlog, ML_TOL);
    assert_close(exp(w.theta[1] * kw), b / 10, ML_TOL * b / 10);
}

/* AIC picks the family the data came from: quantiles of a Weibull of shape
 * 3 (mean 100) at (i - 1/2)/n, a sample with no noise. */
static void test_aic_choice(void **state)
{
    (void)state;
    enum { N = 400 };
    double t[N], e[N], c[N];
    double scale = 100 / tgamma(1 + 1.0 / 3);
    for (int i = 0; i < N; i++) {
        t[i] = gsl_cdf_weibull_Pinv((i + 0.5) / N, scale, 3);
        e[i] = 1;
        c[i] = 0;
    }
    struct estim_surv s = { t, e, c, N };
    struct estim_dur fam[ESTIM_N_FAMILIES];
    int b = estim_duration_best(&s, fam);
    assert_true(b >= 0);
    assert_int_equal(fam[b].kind, DIST_WEIBULL);
    assert_close(fam[b].mean, 100, 1.0);
}

/* Right-censored data from a lognormal with a fixed seed: the estimate
 * lies within SE_MULT of its own standard errors of the truth. */
static void test_censored_lognormal_recovers(void **state)
{
    (void)state;
    enum { N = 3000, MAXD = 2000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, TEST_SEED);
    double *ev = calloc(MAXD + 1, sizeof *ev), *ce = calloc(MAXD + 1, sizeof *ce);
    double mu = log(250), sg = 0.5;
    for (int i = 0; i < N; i++) {
        double d = gsl_ran_lognormal(r, mu, sg), cens = gsl_rng_uniform(r) * 900;   /* staggered entry */
        double x = fmin(d, cens);
        int day = (int)ceil(x);
        if (day > MAXD)
            day = MAXD;
        if (d <= cens)
            ev[day]++;
        else
            ce[day]++;
    }
    double t[MAXD + 1], e[MAXD + 1], c[MAXD + 1];
    size_t n = 0;
    for (int k = 1; k <= MAXD; k++)
        if (ev[k] > 0 || ce[k] > 0) {
            t[n] = k;
            e[n] = ev[k];
            c[n] = ce[k];
            n++;
        }
    struct estim_surv s = { t, e, c, n };
    struct estim_dur d;
    estim_duration(&s, DIST_LOGNORMAL, &d);
    assert_true(d.ok);
    double true_mean = exp(mu + sg * sg / 2);
    /* whole days (ceil) add about half a day */
    assert_true(fabs(d.mean - 0.5 - true_mean) < SE_MULT * d.se_mean);
    assert_true(fabs(d.theta[0] - mu) < SE_MULT * sqrt(d.cov[0]) + 0.01);
    free(ev);
    free(ce);
    gsl_rng_free(r);
}

/* Kaplan–Meier on the 6-MP arm of Freireich et al. (1963), as tabulated
 * by Kleinbaum and Klein, Survival Analysis (3rd ed.), ch. 2: S(6) =
 * 0.857, S(7) = 0.807, S(10) = 0.753, S(13) = 0.690, S(16) = 0.627,
 * S(22) = 0.538, S(23) = 0.448; Greenwood se at 6 is 0.076. */
static void test_kaplan_meier_textbook(void **state)
{
    (void)state;
    double t[] = { 6, 7, 9, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35 };
    double e[] = { 3, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0 };
    double c[] = { 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 2, 1, 1 };
    struct estim_surv s = { t, e, c, 16 };
    double km[16], se[16];
    estim_kaplan_meier(&s, km, se);
    assert_close(km[0], 0.857, TABLE_TOL);
    assert_close(km[1], 0.807, TABLE_TOL);
    assert_close(km[3], 0.753, TABLE_TOL);
    assert_close(km[5], 0.690, TABLE_TOL);
    assert_close(km[6], 0.627, TABLE_TOL);
    assert_close(km[10], 0.538, TABLE_TOL);
    assert_close(km[11], 0.448, TABLE_TOL);
    assert_close(se[0], 0.076, TABLE_TOL);
    assert_close(km[15], km[11], 0);   /* censored only after 23 */
}

/* The two-exponential mixture recovers its parameters from a sample drawn
 * with a fixed seed, within SE_MULT of its standard errors. */
static void test_mixture_recovers(void **state)
{
    (void)state;
    enum { N = 20000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, TEST_SEED + 1);
    double *x = malloc(N * sizeof *x), *e = malloc(N * sizeof *e), *c = calloc(N, sizeof *c);
    const double q = 0.1, a = 3, b = 45;
    for (int i = 0; i < N; i++) {
        x[i] = gsl_ran_exponential(r, gsl_rng_uniform(r) < q ? b : a);
        e[i] = 1;
    }
    /* one group per observation: ascending order is not needed by the
     * likelihood, only by Kaplan–Meier */
    struct estim_surv s = { x, e, c, N };
    struct estim_mix m;
    assert_true(estim_exp_mixture(&s, &m));
    assert_true(fabs(m.q - q) < SE_MULT * m.se_q);
    assert_true(fabs(m.short_mean - a) < SE_MULT * m.se_short);
    assert_true(fabs(m.long_mean - b) < SE_MULT * m.se_long);
    free(x);
    free(e);
    free(c);
    gsl_rng_free(r);
}

/* P(L = d) of the whole-day count L = max(1, floor(U + X)) of an
 * exponential X of mean a, U uniform on [0, 1): for d >= 2 the integral of
 * the triangle max(0, 1 - |x - d|) against X's density (numerically, by
 * gsl_integration_qag), so that the estimator's closed form is checked
 * against a computation of its own. */
static double tent_density(double x, void *p)
{
    const double *ad = p;
    return fmax(0, 1 - fabs(x - ad[1])) * exp(-x / ad[0]) / ad[0];
}

static double whole_day_p(double a, int d)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
    double ad[2] = { a, (double)d }, v, err;
    gsl_function f = { tent_density, ad };
    gsl_integration_qag(&f, d - 1, d + 1, 1e-14, 1e-12, 200, GSL_INTEG_GAUSS61, w, &v, &err);
    gsl_integration_workspace_free(w);
    return v;
}

/* The whole-day mixture: given each count's expected frequency under a
 * known mixture (N times P(L = d) for d = 1..DMAX, the rest censored at
 * DMAX), the likelihood's maximum is the truth (the expected log likelihood
 * is largest at the true parameters), up to the optimiser's tolerance. The
 * continuous likelihood fitted to the same counts misses the short mean by
 * several percent: an absence is at least its first day. */
static void test_mixture_whole_days(void **state)
{
    (void)state;
    enum { DMAX = 400 };
    const double q = 0.08, a = 4.3, b = 60, N = 1e5;
    static double t[DMAX], e[DMAX], c[DMAX];
    double rest = 1;
    for (int d = DMAX; d >= 2; d--) {
        double p = (1 - q) * whole_day_p(a, d) + q * whole_day_p(b, d);
        t[d - 1] = d;
        e[d - 1] = N * p;
        c[d - 1] = 0;
        rest -= p;
    }
    /* what is not in 2..DMAX: L = 1, or beyond DMAX (censored at DMAX) */
    double beyond = q * exp(-(DMAX + 1.0) / b) * b * expm1(1 / b) + (1 - q) * exp(-(DMAX + 1.0) / a) * a * expm1(1 / a);
    t[0] = 1;
    e[0] = N * (rest - beyond);
    c[DMAX - 1] = N * beyond;
    struct estim_surv s = { t, e, c, DMAX };
    struct estim_mix m;
    assert_true(estim_exp_mixture_days(&s, &m));
    assert_true(fabs(m.q - q) < 1e-3 * q);
    assert_true(fabs(m.short_mean - a) < 1e-3 * a);
    assert_true(fabs(m.long_mean - b) < 1e-3 * b);
    assert_true(m.cov[0] > 0 && m.cov[4] > 0 && m.cov[8] > 0);
    struct estim_mix cont;
    assert_true(estim_exp_mixture(&s, &cont));
    assert_true(cont.short_mean > 1.02 * a);
}

static void test_too_few_events(void **state)
{
    (void)state;
    double t[] = { 5, 9 }, e[] = { 1, 0 }, c[] = { 0, 1 };
    struct estim_surv s = { t, e, c, 2 };
    struct estim_dur d;
    estim_duration(&s, DIST_GAMMA, &d);
    assert_false(d.ok);
    struct estim_mix m;
    assert_false(estim_exp_mixture(&s, &m));
}

/* ---- proportions, rates, means --------------------------------------------- */

static void test_rates_and_proportions(void **state)
{
    (void)state;
    double r, se, lo, hi;
    /* 10 events in 5 units: the exact Poisson interval of 10 is 4.795 to
     * 18.39 (Garwood; e.g. Ulm 1990's table) */
    estim_rate(10, 5, &r, &se, &lo, &hi);
    assert_close(r, 2, EXACT_TOL);
    assert_close(se, sqrt(10) / 5, EXACT_TOL);
    assert_close(lo * 5, 4.795, TABLE_TOL * 5);
    assert_close(hi * 5, 18.390, TABLE_TOL * 5 * 4);
    estim_rate(0, 2, &r, &se, &lo, &hi);
    assert_close(lo, 0, 0);
    assert_close(hi * 2, 3.689, TABLE_TOL * 2);
    /* Wilson 5/10: 0.2366 to 0.7634 */
    estim_proportion(5, 10, &r, &se, &lo, &hi);
    assert_close(lo, 0.2366, TABLE_TOL);
    assert_close(hi, 0.7634, TABLE_TOL);
    double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
    estim_mean(x, 8, &r, &se, &lo, &hi);
    assert_close(r, 5, EXACT_TOL);
    assert_close(se, sqrt(32.0 / 7 / 8), EXACT_TOL);
}

/* ---- readers ---------------------------------------------------------------- */

/* A records folder in dir from the six texts (NULL: no such file). */
static void write_records(const char *dir, const char *ref, const char *ep, const char *staff, const char *abs,
                          const char *vac)
{
    if (ref)
        free(tu_write(dir, "referrals.csv", ref));
    if (ep)
        free(tu_write(dir, "episodes.csv", ep));
    if (staff)
        free(tu_write(dir, "staff.csv", staff));
    if (abs)
        free(tu_write(dir, "absences.csv", abs));
    if (vac)
        free(tu_write(dir, "vacancies.csv", vac));
}

static const char *const good_ref = "child_id,referral_date,outcome\nA1,2023-05-01,accepted\n";
static const char *const good_ep = "case_id,stage,start_date,end_date,next\nA1,assess,2023-05-01,2023-05-20,close\n";
static const char *const good_staff = "person_id,grade,fte,start_date,end_date,agency\nP1,sw,1,2022-01-01,,no\n";
static const char *const good_abs = "person_id,start_date,end_date\nP1,2023-02-01,2023-02-02\n";

/* All the messages of d, one text. */
static char *messages(const struct diag *d)
{
    size_t len = 1;
    for (size_t i = 0; i < d->n; i++)
        len += strlen(d->msg[i]) + 1;
    char *s = calloc(len, 1);
    for (size_t i = 0; i < d->n; i++) {
        strcat(s, d->msg[i]);
        strcat(s, "\n");
    }
    return s;
}

struct bad_case {
    const char *file, *text, *message;
    enum records_file which;
    enum records_reason reason;
};

/* Every kind of bad row: its message names file, line and column; with
 * drop_bad it is counted under its reason and the good rows still read. */
static void test_bad_rows(void **state)
{
    struct tu_dir *td = *state;
    const struct bad_case cases[] = {
        { "episodes.csv", "case_id,stage,start_date,end_date,next\nA1,assess,2023-05-01,,\nA2,assess,2023-13-01,,\n",
          "episodes.csv:3:3: start_date: not a date", RECORDS_EPISODES, REASON_BAD_DATE },
        { "episodes.csv", "case_id,stage,start_date,end_date,next\nA1,assess,2023-05-01,2023-04-30,close\n",
          "episodes.csv:2:4: end_date: before start_date", RECORDS_EPISODES, REASON_END_BEFORE_START },
        { "episodes.csv", "case_id,stage,start_date,end_date,next\nA1,assessment,2023-05-01,,\n",
          "episodes.csv:2:2: stage: not a stage of the template (allowed: assess, plan)", RECORDS_EPISODES,
          REASON_UNKNOWN_STAGE },
        { "episodes.csv", "case_id,stage,start_date,end_date,next\nA1,plan,2023-05-01,2023-06-01,assess\n",
          "episodes.csv:2:5: next: not a transition of stage plan (allowed: close)", RECORDS_EPISODES,
          REASON_NEXT_NOT_IN_PATHWAY },
        { "episodes.csv",
          "case_id,stage,start_date,end_date,next\nA1,assess,2023-05-01,,\nA2,assess,2023-05-01,,\n"
          "A1,assess,2023-05-01,2023-05-09,close\n",
          "episodes.csv:4: duplicate episode: same case, stage and start_date as line 2", RECORDS_EPISODES,
          REASON_DUPLICATE_EPISODE },
        { "staff.csv", "person_id,grade,fte,start_date,end_date,agency\nP1,sw,1,2022-01-01,,no\nP2,lead,1,2022-01-01,,no\n",
          "staff.csv:3:2: grade: not a grade of the template (allowed: sw, senior, agency)", RECORDS_STAFF,
          REASON_UNKNOWN_GRADE },
        { "staff.csv",
          "person_id,grade,fte,start_date,end_date,agency\nP1,sw,1,2022-01-01,2023-01-01,no\n"
          "P1,senior,1,2022-12-01,,no\n",
          "staff.csv:3: overlaps the spell on line 2 of the same person", RECORDS_STAFF, REASON_OVERLAP },
        { "staff.csv", "person_id,grade,fte,start_date,end_date,agency\nP1,sw,1.5,2022-01-01,,no\n",
          "staff.csv:2:3: fte: not a number > 0 and <= 1", RECORDS_STAFF, REASON_BAD_VALUE },
        { "absences.csv", "person_id,start_date,end_date\nP1,2023-02-01,2023-02-02\nP9,2023-02-01,2023-02-02\n",
          "absences.csv:3:1: person_id: no spell of this person in staff.csv", RECORDS_ABSENCES,
          REASON_UNKNOWN_PERSON },
        { "absences.csv", "person_id,start_date,end_date\nP1,2023-02-01,2023-02-05\nP1,2023-02-05,2023-02-06\n",
          "absences.csv:3: overlaps the absence on line 2 of the same person", RECORDS_ABSENCES, REASON_OVERLAP },
        { "referrals.csv", "child_id,referral_date,outcome\nA1,2023-05-01,maybe\n",
          "referrals.csv:2:3: outcome: unknown outcome (allowed: accepted, screened_out)", RECORDS_REFERRALS,
          REASON_BAD_VALUE },
        { "episodes.csv", "case_id,stage,start_date,end_date,next\nA1,assess,2023-05-01,2023-05-09,\n",
          "episodes.csv:2:5: next: empty for an ended episode", RECORDS_EPISODES, REASON_MISSING_FIELD },
    };
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char name[32];
        snprintf(name, sizeof name, "case%zu", k);
        char *dir = tu_mkdir(td->dir, name);
        write_records(dir, good_ref, good_ep, good_staff, good_abs, NULL);
        free(tu_write(dir, cases[k].file, cases[k].text));
        struct records r;
        struct diag d;
        diag_init(&d, 20);
        assert_false(records_read(&r, dir, sc, false, &d));
        char *m = messages(&d);
        tu_assert_contains(m, cases[k].message);
        if (d.count != 1)
            fail_msg("%zu problems, expected 1:\n%s", d.count, m);
        free(m);
        records_free(&r);
        diag_free(&d);
        /* dropped: no error, one row counted under its reason */
        diag_init(&d, 20);
        assert_true(records_read(&r, dir, sc, true, &d));
        assert_int_equal(records_dropped(&r), 1);
        assert_int_equal(r.drops[cases[k].which][cases[k].reason], 1);
        records_free(&r);
        diag_free(&d);
        free(dir);
    }
    scenario_free(sc);
}

/* A missing column or file is an error even under --drop-bad. */
static void test_missing_column(void **state)
{
    struct tu_dir *td = *state;
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    write_records(td->dir, good_ref, "case_id,stage,start_date,end_date\nA1,assess,2023-05-01,\n", good_staff, NULL,
                  NULL);
    struct records r;
    struct diag d;
    diag_init(&d, 20);
    assert_false(records_read(&r, td->dir, sc, true, &d));
    char *m = messages(&d);
    tu_assert_contains(m, "episodes.csv:1: no column \"next\" in the header");
    tu_assert_contains(m, "absences.csv: cannot read");
    free(m);
    records_free(&r);
    diag_free(&d);
    scenario_free(sc);
}

/* ---- the small records, fitted ---------------------------------------------- */

static const struct fit_row *row(const struct fit_result *f, const char *path)
{
    const struct fit_row *r = fit_row_find(f, path);
    if (!r)
        fail_msg("no row %s in the fit", path);
    return r;
}

static void test_fit_small_by_hand(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    struct records r;
    struct diag d, notes;
    diag_init(&d, 20);
    diag_init(&notes, 100);
    assert_true(records_read(&r, SMALL, sc, false, &d));
    struct fit_result f;
    struct date at = { 2024, 1, 1 };
    assert_true(fit_records(&r, sc, at, &f, &notes));
    /* 12 referrals by the date (one after it is ignored), 3 screened out */
    assert_close(row(&f, "demand.screen_out")->estimate, 0.25, EXACT_TOL);
    assert_true(row(&f, "demand.screen_out")->fitted);
    /* whole months from the first referral (2023-10-02): November and
     * December, 61 days, 8 referrals; intercept only: 365.25 x 8 / 61 */
    assert_close(row(&f, "demand.referrals_per_year")->estimate, 365.25 * 8 / 61, 1e-6);
    assert_false(row(&f, "demand.trend_per_year")->fitted);
    /* case ids are not child ids: re-referral is kept */
    assert_false(row(&f, "demand.rereferral.p")->fitted);
    /* assess: 12 ended, 4 to plan; 3 open (2 allocated, 1 waiting) */
    assert_close(row(&f, "pathway.stages.assess.next.plan.p")->estimate, 4.0 / 12, EXACT_TOL);
    assert_close(row(&f, "pathway.stages.assess.next.close.p")->estimate, 8.0 / 12, EXACT_TOL);
    assert_close(row(&f, "pathway.stages.assess.initial")->estimate, 3, 0);
    assert_true(row(&f, "pathway.stages.assess.duration.mean")->fitted);
    assert_int_equal(f.n_elapsed[0], 2);
    assert_int_equal(f.n_waiting[0], 1);
    /* elapsed at 2024-01-01: from 2023-12-04 (28 days) and 2023-12-18 (14);
     * waiting since 2023-12-29 (3) */
    assert_close(f.open_elapsed[0][0], 28, 0);
    assert_close(f.open_elapsed[0][1], 14, 0);
    assert_close(f.open_waiting[0][0], 3, 0);
    /* plan: 1 ended (too few), 3 open, all allocated */
    assert_false(row(&f, "pathway.stages.plan.duration.mean")->fitted);
    assert_int_equal(f.n_elapsed[1], 3);
    /* staff: sw in post 2 FTE, 1 leaver over 1642.5 FTE-days, the
     * progression of the fifth person is no leaver */
    assert_close(row(&f, "workforce.grades.sw.in_post")->estimate, 2, EXACT_TOL);
    assert_close(row(&f, "workforce.grades.senior.in_post")->estimate, 2, EXACT_TOL);
    assert_close(row(&f, "workforce.grades.sw.turnover_per_year")->estimate, 1 / (1642.5 / 365.25),
                        EXACT_TOL);
    assert_close(row(&f, "workforce.grades.sw.establishment")->estimate, 6, 0);
    assert_false(row(&f, "workforce.grades.senior.establishment")->fitted);
    assert_close(row(&f, "observed.agency_share")->estimate, 0.2, EXACT_TOL);
    /* sickness: 2 absences (3 days and 1) over 2770.5 FTE-days in post */
    assert_close(row(&f, "workforce.sickness.episodes_per_fte_year")->estimate,
                        2 / ((2770.5 - 4) / 365.25), EXACT_TOL);
    /* every kept parameter was said on notes */
    assert_int_equal(notes.count, f.n_unfitted);
    fit_result_free(&f);
    records_free(&r);
    diag_free(&d);
    diag_free(&notes);
    scenario_free(sc);
}

/* Every file under dir is free of needle. */
static void assert_no_text_in_folder(const char *dir, const char *needle)
{
    DIR *dd = opendir(dir);
    assert_non_null(dd);
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = tu_path(dir, e->d_name);
        size_t len;
        char *text = tu_read(p, &len);
        if (holds(text, len, needle))
            fail_msg("%s holds an identifier (%s)", p, needle);
        free(text);
        free(p);
    }
    closedir(dd);
}

/* The command: the scenario it writes passes check and fits the same
 * values again; fit.csv has its columns; no identifier anywhere; an
 * existing result is not replaced without --force. */
static void test_fit_command(void **state)
{
    struct tu_dir *td = *state;
    char *cfg = tu_path(td->dir, "small.cfg"), *folder = tu_path(td->dir, "small-fit");
    char *err = NULL, *out = NULL;
    int rc = tu_caseload_run(&err, &out, "fit", SMALL, "--at", "2024-01-01", "--template", TEMPLATE, "-o", cfg,
                             NULL);
    if (rc != 0)
        fail_msg("fit failed: %s", err);
    tu_assert_contains(err, "note: pathway.stages.plan.duration.mean: kept from the template");
    assert_null(strstr(err, ID_MARK));
    assert_null(strstr(out, ID_MARK));
    free(err);
    free(out);
    char *text = tu_read(cfg, NULL);
    tu_assert_contains(text, "# fitted: n=12, estimate 0.25, se 0.125 (95% CI 0.0889417 to 0.532305), method share "
                             "of referrals screened out (Wilson interval)");
    tu_assert_contains(text, "start = \"2024-01-01\";");
    assert_null(strstr(text, ID_MARK));
    free(text);
    char *csv = tu_read_in(folder, "fit.csv");
    tu_assert_contains(csv, "path,estimate,se,ci_low,ci_high,n,method\n");
    tu_assert_contains(csv, "\ndemand.screen_out,0.25,0.125,");
    tu_assert_contains(csv, "\nworkforce.pressure.sickness_gain,0,,,,,\"from template\"\n");
    free(csv);
    assert_no_text_in_folder(folder, ID_MARK);
    /* check accepts it */
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", cfg, NULL), 0);
    free(err);
    /* not replaced without --force */
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", SMALL, "--at", "2024-01-01", "--template", TEMPLATE, "-o",
                                     cfg, NULL),
                     2);
    tu_assert_contains(err, "exists (use --force");
    free(err);
    free(cfg);
    free(folder);
}

/* The fitted scenario loads back with every estimate as its value (whole
 * numbers rounded), and carries the starting state as the model's arrays
 * when they are written. */
static void test_fitted_values_round_trip(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    struct records r;
    struct diag d, notes;
    diag_init(&d, 20);
    diag_init(&notes, 100);
    assert_true(records_read(&r, SMALL, sc, false, &d));
    struct fit_result f;
    struct date at = { 2024, 1, 1 };
    assert_true(fit_records(&r, sc, at, &f, &notes));
    bool start_state;
    char *text = fit_scenario_loadable(TEMPLATE, sc, &f, "test", "fitted.cfg", &start_state, &d);
    assert_non_null(text);
    struct scenario *back = scenario_load_text(text, "fitted.cfg", ".", NULL, 0, &d);
    assert_non_null(back);
    size_t checked = 0;
    for (size_t i = 0; i < f.n_rows; i++) {
        const struct fit_row *row_i = &f.row[i];
        long k = params_find(&back->reg, row_i->path);
        if (!row_i->fitted || k < 0)
            continue;
        double v = back->reg.p[k].value, want = row_i->estimate;
        if (back->reg.p[k].kind == PARAM_INT)
            want = round(want);
        if (!(fabs(v - want) <= 1e-9 * fmax(1, fabs(want))))
            fail_msg("%s: %.12g in the fitted scenario, %.12g estimated", row_i->path, v, want);
        checked++;
    }
    assert_true(checked >= 10);
    assert_int_equal(date_to_days(back->start), date_to_days(at));
    /* the arrays, written when asked for */
    char *with = fit_scenario_text(TEMPLATE, sc, &f, true, "test", &d);
    tu_assert_contains(with, "open_elapsed_days = [ 28.0, 14.0 ];");
    tu_assert_contains(with, "open_waiting_days = [ 3.0 ];");
    tu_assert_contains(with, "initial = 3;");
    char *without = fit_scenario_text(TEMPLATE, sc, &f, false, "test", &d);
    assert_null(strstr(without, "open_elapsed_days"));
    if (start_state)
        tu_assert_contains(text, "open_elapsed_days");
    free(with);
    free(without);
    free(text);
    scenario_free(back);
    fit_result_free(&f);
    records_free(&r);
    diag_free(&d);
    diag_free(&notes);
    scenario_free(sc);
}

/* A copy of the small records in dir/name. */
static char *copy_small(const char *dir, const char *name)
{
    static const char *const files[] = { "referrals.csv", "episodes.csv", "staff.csv", "absences.csv",
                                         "establishment.csv" };
    char *to = tu_mkdir(dir, name);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *from = tu_path(SMALL, files[i]);
        char *text = tu_read(from, NULL);
        free(tu_write(to, files[i], text));
        free(text);
        free(from);
    }
    return to;
}

/* A bad row stops the command (exit 2, file:line:column on stderr, nothing
 * written); --drop-bad skips it, says so and counts it in drops.csv. */
/* run --parameter-uncertainty: each replication draws the fitted
 * parameters (fit_cov.csv) from its own stream, so the results are the
 * same for any number of threads and differ from a run without; the
 * manifest says so; a scenario that does not hold the fit's estimates (a
 * --set on a drawn one), or a fit without fit_cov.csv, is refused. */
static void test_parameter_uncertainty_run(void **state)
{
    struct tu_dir *td = *state;
    char *cfg = tu_path(td->dir, "small.cfg"), *folder = tu_path(td->dir, "small-fit");
    char *fitcsv = tu_path(folder, "fit.csv"), *err = NULL;
    if (tu_caseload_run(&err, NULL, "fit", SMALL, "--at", "2024-01-01", "--template", TEMPLATE, "-o", cfg, "-q",
                        NULL) != 0)
        fail_msg("fit failed: %s", err);
    free(err);
    char *cov = tu_read_in(folder, FIT_COV_CSV);
    tu_assert_contains(cov, "path_a,scale_a,path_b,scale_b,cov\n");
    tu_assert_contains(cov, "\ndemand.screen_out,logit,demand.screen_out,logit,");
    free(cov);
    const char *name[3] = { "j1", "j2", "plain" };
    char *dir[3], *series[3];
    for (int k = 0; k < 3; k++) {
        dir[k] = tu_path(td->dir, name[k]);
        err = NULL;
        int rc = k < 2 ? tu_caseload_run(&err, NULL, "run", cfg, "-n", "4", "-j", k ? "2" : "1", "-q", "-o", dir[k],
                                         "--parameter-uncertainty", fitcsv, NULL)
                       : tu_caseload_run(&err, NULL, "run", cfg, "-n", "4", "-q", "-o", dir[k], NULL);
        if (rc != 0)
            fail_msg("run %s failed: %s", name[k], err);
        free(err);
        series[k] = tu_read_in(dir[k], "series.csv");
    }
    assert_string_equal(series[0], series[1]);
    assert_true(strcmp(series[0], series[2]) != 0);
    char *man = tu_read_in(dir[0], "manifest.json");
    tu_assert_contains(man, "\"parameter_uncertainty\"");
    free(man);
    man = tu_read_in(dir[2], "manifest.json");
    assert_null(strstr(man, "parameter_uncertainty"));
    free(man);
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", cfg, "-n", "1", "-q", "-o", dir[2], "--force", "--set",
                                     "demand.screen_out=0.3", "--parameter-uncertainty", fitcsv, NULL),
                     2);
    tu_assert_contains(err, "demand.screen_out: the fit estimated 0.25 but");
    free(err);
    char *covpath = tu_path(folder, FIT_COV_CSV);
    assert_int_equal(remove(covpath), 0);
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", cfg, "-n", "1", "-q", "-o", dir[2], "--force",
                                     "--parameter-uncertainty", fitcsv, NULL),
                     2);
    tu_assert_contains(err, FIT_COV_CSV);
    free(err);
    free(covpath);
    for (int k = 0; k < 3; k++) {
        free(dir[k]);
        free(series[k]);
    }
    free(fitcsv);
    free(folder);
    free(cfg);
}

static void test_drop_bad_command(void **state)
{
    struct tu_dir *td = *state;
    char *rec = copy_small(td->dir, "rec");
    char *ep = tu_path(rec, "episodes.csv");
    char *text = tu_read(ep, NULL);
    size_t n = strlen(text);
    char *more = malloc(n + 200);
    snprintf(more, n + 200, "%sZQXE99,assess,2023-02-30,,,,\nZQXE98,plan,2023-05-01,2023-06-01,assess,,\n", text);
    free(tu_write(rec, "episodes.csv", more));
    char *cfg = tu_path(td->dir, "out.cfg"), *folder = tu_path(td->dir, "out-fit");
    char *err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", rec, "--at", "2024-01-01", "--template", TEMPLATE, "-o", cfg,
                                     NULL),
                     2);
    tu_assert_contains(err, "episodes.csv:21:3: start_date: not a date");
    tu_assert_contains(err, "episodes.csv:22:5: next: not a transition of stage plan (allowed: close)");
    assert_null(strstr(err, ID_MARK));
    assert_false(tu_exists(cfg));
    free(err);
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", rec, "--at", "2024-01-01", "--template", TEMPLATE, "-o", cfg,
                                     "--drop-bad", "-q", NULL),
                     0);
    tu_assert_contains(err, "--drop-bad: 2 rows skipped: episodes.csv bad_date 1; episodes.csv next_not_in_pathway 1;");
    char *drops = tu_read_in(folder, "drops.csv");
    assert_string_equal(drops, "file,reason,rows\nepisodes.csv,bad_date,1\nepisodes.csv,next_not_in_pathway,1\n");
    assert_no_text_in_folder(folder, ID_MARK);
    free(drops);
    free(err);
    free(more);
    free(text);
    free(ep);
    free(cfg);
    free(folder);
    free(rec);
}

/* A template made of two files (@include): the fitted scenario stands
 * alone with the merged settings; a date before every record fits
 * nothing (exit 2). */
static void test_include_template_and_no_data(void **state)
{
    struct tu_dir *td = *state;
    char *cfg = tu_path(td->dir, "v.cfg");
    char *err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", SMALL, "--at", "2024-01-01", "--template",
                                     "tests/records/variant.cfg", "-o", cfg, "-q", NULL),
                     0);
    free(err);
    char *text = tu_read(cfg, NULL);
    assert_null(strstr(text, "@include"));
    tu_assert_contains(text, "cap = 12.5;");
    tu_assert_contains(text, "name = \"fit-variant-fitted-2024-01-01\";");
    free(text);
    struct scenario *sc = tu_load(cfg, NULL, 0);
    assert_true(sc->reg.p[sc->grade[0].p_cap].value == 12.5);
    scenario_free(sc);
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", SMALL, "--at", "2019-01-01", "--template", TEMPLATE, "-o",
                                     cfg, "--force", NULL),
                     2);
    tu_assert_contains(err, "nothing to fit");
    free(err);
    /* an intervention that starts before the date fitted at: the fitted
     * scenario would be invalid, so nothing is written (exit 2) */
    char *abs_template = realpath(TEMPLATE, NULL);
    size_t n = strlen(abs_template) + 300;
    char *iv = malloc(n);
    snprintf(iv, n,
             "@include \"%s\"\nname = \"iv\";\ninterventions = ( { name = \"more\"; from = \"2023-06-01\"; "
             "param = \"demand.referrals_per_year\"; scale = 1.1; } );\n",
             abs_template);
    char *iv_path = tu_write(td->dir, "iv.cfg", iv);
    char *iv_out = tu_path(td->dir, "iv-out.cfg");
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", SMALL, "--at", "2024-01-01", "--template", iv_path, "-o",
                                     iv_out, NULL),
                     2);
    tu_assert_contains(err, "interventions.more.from: is before the scenario's start");
    assert_false(tu_exists(iv_out));
    free(err);
    free(iv_out);
    free(iv_path);
    free(iv);
    free(abs_template);
    err = NULL;
    assert_int_equal(tu_caseload_run(&err, NULL, "fit", SMALL, "--at", "2024-02-30", "--template", TEMPLATE, NULL), 2);
    tu_assert_contains(err, "--at 2024-02-30: not a date");
    free(err);
    free(cfg);
}

/* Progression on the calendar anniversary, as the model has it: the mean
 * in calendar months is exactly after_months, whatever the day of the
 * month (the 31st, the 29th of February), and a progression is no leaver. */
static void test_progression_months(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    const struct date starts[] = { { 2021, 1, 31 }, { 2020, 2, 29 }, { 2021, 3, 15 }, { 2021, 5, 1 },
                                   { 2021, 8, 31 }, { 2021, 10, 30 }, { 2022, 1, 2 }, { 2022, 2, 28 },
                                   { 2021, 12, 31 }, { 2022, 6, 30 }, { 2021, 7, 7 } };
    enum { N = sizeof starts / sizeof *starts };
    struct records r;
    memset(&r, 0, sizeof r);
    r.spell = calloc(2 * N, sizeof *r.spell);
    r.n_persons = N;
    int sw = scenario_grade(sc, "sw"), senior = scenario_grade(sc, "senior");
    for (int i = 0; i < N; i++) {
        long a = date_to_days(starts[i]), b = date_to_days(date_add_months(starts[i], 12));
        r.spell[r.n_spell++] = (struct records_spell){ i, (int16_t)sw, false, 1.0, (int32_t)a, (int32_t)b };
        r.spell[r.n_spell++] = (struct records_spell){ i, (int16_t)senior, false, 1.0, (int32_t)b, RECORDS_NONE };
    }
    /* one referral so that there is something at the date */
    struct records_referral ref = { (int32_t)date_to_days((struct date){ 2023, 5, 1 }), 0, false };
    r.ref = &ref;
    r.n_ref = 1;
    struct fit_result f;
    struct diag notes;
    diag_init(&notes, 100);
    assert_true(fit_records(&r, sc, (struct date){ 2024, 1, 1 }, &f, &notes));
    const struct fit_row *p = row(&f, "workforce.grades.sw.after_months");
    assert_true(p->fitted);
    assert_close(p->estimate, 12, EXACT_TOL);
    assert_close(p->se, 0, EXACT_TOL);
    assert_false(row(&f, "workforce.grades.sw.turnover_per_year")->fitted);   /* no leavers */
    fit_result_free(&f);
    diag_free(&notes);
    free(r.spell);
    scenario_free(sc);
}

/* The writer of the fitted scenario, with nothing to replace, gives back
 * every shipped scenario and fixture (includes merged): the same value for
 * every parameter, to the last bit. */
static void test_writer_round_trips_every_scenario(void **state)
{
    (void)state;
    const char *const dirs[] = { "scenarios", "scenarios/interventions", "tests/scenarios" };
    size_t files = 0;
    for (size_t k = 0; k < sizeof dirs / sizeof *dirs; k++) {
        DIR *dd = opendir(dirs[k]);
        assert_non_null(dd);
        struct dirent *e;
        while ((e = readdir(dd))) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0)
                continue;
            char *path = tu_path(dirs[k], e->d_name);
            struct scenario *sc = tu_load(path, NULL, 0);
            struct fit_result f;
            memset(&f, 0, sizeof f);
            f.at = sc->start;
            struct diag d;
            diag_init(&d, 20);
            char *text = fit_scenario_text(path, sc, &f, false, "round trip", &d);
            assert_non_null(text);
            struct scenario *back = scenario_load_text(text, "back.cfg", ".", NULL, 0, &d);
            if (!back) {
                char *m = messages(&d);
                fail_msg("%s written back does not load:\n%s", path, m);
            }
            assert_int_equal(back->reg.n, sc->reg.n);
            for (size_t i = 0; i < sc->reg.n; i++) {
                long j = params_find(&back->reg, sc->reg.p[i].path);
                if (j < 0 || memcmp(&back->reg.p[j].value, &sc->reg.p[i].value, sizeof(double)) != 0)
                    fail_msg("%s: %s changed in the writing", path, sc->reg.p[i].path);
            }
            files++;
            scenario_free(back);
            free(text);
            diag_free(&d);
            scenario_free(sc);
            free(path);
        }
        closedir(dd);
    }
    assert_true(files >= 20);
}

static void test_fuzz_inputs(void **state)
{
    (void)state;
    const char *dir = "tests/fuzz/fuzz_records";
    DIR *dd = opendir(dir);
    assert_non_null(dd);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dd));) {
        if (e->d_name[0] == '.')
            continue;
        char *p = tu_path(dir, e->d_name);
        size_t len;
        char *bytes = tu_read(p, &len);
        assert_int_equal(fuzz_records_entry((const uint8_t *)bytes, len), 0);
        free(bytes);
        free(p);
        n++;
    }
    closedir(dd);
    assert_true(n >= 3);
}

/* Records drawn (fixed seed) from known rates — a referral rate with
 * trend and monthly seasonality, a screen-out share, stage durations and a
 * transition — are fitted back: every estimate lies within SE_MULT of its
 * own standard errors of the truth (about 25 comparisons at p ~ 6e-5 each). */
static void test_fit_recovers_known_rates(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, TEST_SEED + 2);
    const double R = 3000, trend = 0.05, p_screen = 0.1, p_plan = 0.35;
    const double season[12] = { 1.3, 1.1, 1.0, 1.0, 0.9, 0.8, 0.7, 0.9, 1.0, 1.1, 1.1, 1.1 };
    double smean = 0;
    for (int k = 0; k < 12; k++)
        smean += season[k] / 12;
    struct date at = { 2024, 1, 1 };
    long D = date_to_days(at), D0 = date_to_days((struct date){ 2019, 1, 1 });
    struct records r;
    memset(&r, 0, sizeof r);
    size_t cap = 40000;
    r.ref = calloc(cap, sizeof *r.ref);
    r.ep = calloc(2 * cap, sizeof *r.ep);
    int assess = -1, plan = -1;
    for (size_t i = 0; i < sc->n_stages; i++) {
        if (strcmp(sc->stage[i].name, "assess") == 0)
            assess = (int)i;
        if (strcmp(sc->stage[i].name, "plan") == 0)
            plan = (int)i;
    }
    assert_true(assess >= 0 && plan >= 0);
    const double s2a = log1p(12.0 * 12 / (30.0 * 30)), s2p = 80.0 * 80 / 200;
    for (long day = D0; day < D; day++) {
        int month = date_from_days(day).month - 1;
        double rate = R / 365.25 * pow(1 + trend, (double)(day - D) / 365.25) * season[month] / smean;
        unsigned n = gsl_ran_poisson(g, rate);
        for (unsigned i = 0; i < n; i++) {
            assert_true(r.n_ref < cap);
            bool out = gsl_rng_uniform(g) < p_screen;
            r.ref[r.n_ref++] = (struct records_referral){ (int32_t)day, (int32_t)r.n_ref, out };
            if (out)
                continue;
            long end = day + lround(gsl_ran_lognormal(g, log(30) - s2a / 2, sqrt(s2a)));
            bool to_plan = gsl_rng_uniform(g) < p_plan;
            struct records_episode e = { (int32_t)r.n_ref, (int16_t)assess, (int16_t)(to_plan ? plan : STAGE_CLOSE),
                                         (int32_t)day, (int32_t)end, (int32_t)day };
            if (end > D) {
                e.end = RECORDS_NONE;
                e.next = RECORDS_OPEN;
            }
            r.ep[r.n_ep++] = e;
            if (end > D || !to_plan)
                continue;
            long end2 = end + lround(gsl_ran_gamma(g, 200.0 / s2p, s2p));
            struct records_episode e2 = { (int32_t)r.n_ref, (int16_t)plan, STAGE_CLOSE, (int32_t)end, (int32_t)end2,
                                          (int32_t)end };
            if (end2 > D) {
                e2.end = RECORDS_NONE;
                e2.next = RECORDS_OPEN;
            }
            r.ep[r.n_ep++] = e2;
        }
    }
    struct fit_result f;
    struct diag notes;
    diag_init(&notes, 100);
    assert_true(fit_records(&r, sc, at, &f, &notes));
#define NEAR(path, truth)                                                                          \
    do {                                                                                           \
        const struct fit_row *x_ = row(&f, path);                                                  \
        if (!x_->fitted || !(fabs(x_->estimate - (truth)) < SE_MULT * x_->se))                     \
            fail_msg("%s: %.6g (se %.3g), the truth %.6g", path, x_->estimate, x_->se, (double)(truth)); \
    } while (0)
    NEAR("demand.referrals_per_year", R);
    NEAR("demand.trend_per_year", trend);
    NEAR("demand.screen_out", p_screen);
    static const char *const months[12] = { "jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec" };
    for (int k = 0; k < 12; k++) {
        char path[64];
        snprintf(path, sizeof path, "demand.seasonality.%s", months[k]);
        NEAR(path, season[k] / smean);
    }
    NEAR("pathway.stages.assess.duration.mean", 30);
    NEAR("pathway.stages.assess.duration.sd", 12);
    NEAR("pathway.stages.assess.next.plan.p", p_plan);
    NEAR("pathway.stages.plan.duration.mean", 200);
    NEAR("pathway.stages.plan.duration.sd", 80);
#undef NEAR
    fit_result_free(&f);
    diag_free(&notes);
    free(r.ref);
    free(r.ep);
    gsl_rng_free(g);
    scenario_free(sc);
}

/* Staff drawn (fixed seed) with a known leaving hazard per FTE-year and a
 * known rate of sickness per FTE-year at work (absences of whole days, the
 * records' convention) are fitted back within SE_MULT standard errors; the
 * FTE in post at the date is counted exactly. */
static void test_fit_recovers_staff_rates(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(TEMPLATE, NULL, 0);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, TEST_SEED + 3);
    const double leave = 0.2, sick = 2.5;
    enum { POSTS = 300 };
    struct date at = { 2024, 1, 1 };
    long D = date_to_days(at), D0 = date_to_days((struct date){ 2019, 1, 1 });
    struct records r;
    memset(&r, 0, sizeof r);
    size_t cap_s = 4 * POSTS, cap_a = 10000;
    r.spell = calloc(cap_s, sizeof *r.spell);
    r.abs = calloc(cap_a, sizeof *r.abs);
    int senior = scenario_grade(sc, "senior");
    double in_post = 0;
    for (int post = 0; post < POSTS; post++) {
        double fte = post % 4 == 0 ? 0.5 : 1.0;
        for (long start = D0; start < D;) {
            long end = start + (long)ceil(gsl_ran_exponential(g, 365.25 / leave));
            int32_t person = (int32_t)r.n_persons++;
            assert_true(r.n_spell < cap_s);
            r.spell[r.n_spell++] = (struct records_spell){ person, (int16_t)senior, false, fte, (int32_t)start,
                                                           end < D ? (int32_t)end : RECORDS_NONE };
            if (end >= D)
                in_post += fte;
            /* absences: at work an exponential time (hazard sick per
             * FTE-year, as the model has it), then off a whole number of days */
            long stop = end < D ? end : D;
            for (double t = (double)start;;) {
                t += gsl_ran_exponential(g, 365.25 / (sick * fte));
                long a = (long)ceil(t), len = (long)gsl_ran_geometric(g, 0.3);   /* days, >= 1 */
                if (a >= stop)
                    break;
                assert_true(r.n_abs < cap_a);
                long last = a + len - 1;
                r.abs[r.n_abs++] = (struct records_absence){ person, (int32_t)a,
                                                              last < D ? (int32_t)last : RECORDS_NONE };
                t = (double)(a + len);
            }
            start = end;
        }
    }
    struct records_referral ref = { (int32_t)(D - 10), 0, false };
    r.ref = &ref;
    r.n_ref = 1;
    struct fit_result f;
    struct diag notes;
    diag_init(&notes, 100);
    assert_true(fit_records(&r, sc, at, &f, &notes));
    assert_close(row(&f, "workforce.grades.senior.in_post")->estimate, in_post, EXACT_TOL);
    const struct fit_row *t = row(&f, "workforce.grades.senior.turnover_per_year");
    if (!(fabs(t->estimate - leave) < SE_MULT * t->se))
        fail_msg("turnover %.4g (se %.3g), the truth %g", t->estimate, t->se, leave);
    const struct fit_row *k = row(&f, "workforce.sickness.episodes_per_fte_year");
    if (!(fabs(k->estimate - sick) < SE_MULT * k->se))
        fail_msg("sickness %.4g (se %.3g), the truth %g", k->estimate, k->se, sick);
    fit_result_free(&f);
    diag_free(&notes);
    free(r.spell);
    free(r.abs);
    gsl_rng_free(g);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson_two_groups),
        cmocka_unit_test(test_poisson_trend_exact),
        cmocka_unit_test(test_poisson_rank_deficient),
        cmocka_unit_test(test_exponential_closed_form),
        cmocka_unit_test(test_lognormal_uncensored),
        cmocka_unit_test(test_gamma_weibull_scores),
        cmocka_unit_test(test_aic_choice),
        cmocka_unit_test(test_censored_lognormal_recovers),
        cmocka_unit_test(test_kaplan_meier_textbook),
        cmocka_unit_test(test_mixture_recovers),
        cmocka_unit_test(test_mixture_whole_days),
        cmocka_unit_test(test_too_few_events),
        cmocka_unit_test(test_rates_and_proportions),
        cmocka_unit_test_setup_teardown(test_bad_rows, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_missing_column, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_fit_small_by_hand),
        cmocka_unit_test_setup_teardown(test_fit_command, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_fitted_values_round_trip),
        cmocka_unit_test(test_progression_months),
        cmocka_unit_test(test_fit_recovers_known_rates),
        cmocka_unit_test(test_fit_recovers_staff_rates),
        cmocka_unit_test(test_writer_round_trips_every_scenario),
        cmocka_unit_test(test_fuzz_inputs),
        cmocka_unit_test_setup_teardown(test_drop_bad_command, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_parameter_uncertainty_run, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_include_template_and_no_data, tu_dir_setup, tu_dir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
