/* test_dist.c — duration and delay distributions (sim/dist.h).
 *
 * Each kind is sampled N times with a fixed key. Tolerances come from the
 * sampling distribution of the statistic checked:
 *   - mean: 4 standard errors, SE = sd / sqrt(N);
 *   - variance: 4 standard errors of the unbiased sample variance,
 *     Var(s^2) = (mu4 - sigma^4 (N-3)/(N-1)) / N, with mu4 the distribution's
 *     fourth central moment (in closed form for every kind below);
 *   - shape: a chi-square goodness-of-fit over equiprobable bins cut at the
 *     theoretical quantiles, rejected at p = 1e-6.
 * 4 SE is exceeded with probability ~6e-5 under the normal approximation
 * (N = 200000 makes that approximation good even for the skewed kinds), so
 * a failure signals a defect. */
#include "tests/testutil.h"

#include "sim/dist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <string.h>

enum { N = 200000, BINS = 50 };

/* User parameters with some entropy. */
static const double MEAN = 33.7, SD = 15.2;

struct moments {
    double mean, var, mu4;
};

/* Sample d N times; check every draw >= 0 and finite, the mean and variance
 * against the theory m, and, when quantile is given, the shape. */
static void check_sample(const struct dist *d, uint64_t key, struct moments m,
                         double (*quantile)(double p, const void *arg), const void *arg)
{
    static double x[N];
    struct rng r;
    rng_seed(&r, key);
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        x[i] = dist_sample(d, &r);
        if (!(x[i] >= 0 && isfinite(x[i])))
            fail_msg("%s draw %zu = %g", dist_kind_name(d->kind), i, x[i]);
        sum += x[i];
    }
    double mean = sum / N, ss = 0;
    for (size_t i = 0; i < N; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double var = ss / (N - 1);

    TU_ASSERT_WITHIN(mean, m.mean, 4 * sqrt(m.var / N));
    double var_of_var = (m.mu4 - m.var * m.var * (N - 3.0) / (N - 1.0)) / N;
    TU_ASSERT_WITHIN(var, m.var, 4 * sqrt(var_of_var));

    if (!quantile)
        return;
    double cut[BINS - 1];
    for (int b = 1; b < BINS; b++)
        cut[b - 1] = quantile((double)b / BINS, arg);
    unsigned long count[BINS] = { 0 };
    for (size_t i = 0; i < N; i++) {
        int lo = 0, hi = BINS - 1;   /* bin = number of cuts <= x */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (x[i] < cut[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        count[lo]++;
    }
    double expect = (double)N / BINS, chi2 = 0;
    for (int b = 0; b < BINS; b++)
        chi2 += ((double)count[b] - expect) * ((double)count[b] - expect) / expect;
    double limit = gsl_cdf_chisq_Qinv(1e-6, BINS - 1);
    if (!(chi2 < limit))
        fail_msg("%s: chi-square %.1f over %d bins exceeds %.1f (p = 1e-6)",
                 dist_kind_name(d->kind), chi2, BINS, limit);
}

static struct dist make(enum dist_kind k, double p1, double p2, const double *v, size_t n)
{
    struct dist d;
    const char *why = "unset";
    if (!dist_init(&d, k, p1, p2, v, n, &why))
        fail_msg("dist_init(%s, %g, %g): %s", dist_kind_name(k), p1, p2, why);
    assert_null(why);
    return d;
}

/* ---- each kind -------------------------------------------------------------- */

static void test_fixed(void **state)
{
    (void)state;
    struct dist d = make(DIST_FIXED, 17.25, 0, NULL, 0);
    assert_true(d.mean == 17.25 && d.sd == 0);
    struct rng r;
    rng_seed(&r, 1);
    for (int i = 0; i < 1000; i++)
        assert_true(dist_sample(&d, &r) == 17.25);
    /* Zero is a valid fixed value (an immediate event). */
    d = make(DIST_FIXED, 0.0, 0, NULL, 0);
    assert_true(dist_sample(&d, &r) == 0.0);
}

static double q_exponential(double p, const void *arg)
{
    return gsl_cdf_exponential_Pinv(p, *(const double *)arg);
}

static void test_exponential(void **state)
{
    (void)state;
    const double m = 23.85;
    struct dist d = make(DIST_EXPONENTIAL, m, 0, NULL, 0);
    assert_true(d.mean == m && d.sd == m);
    /* Exponential: variance m^2, fourth central moment 9 m^4. */
    struct moments mo = { m, m * m, 9 * pow(m, 4) };
    check_sample(&d, 0xE1, mo, q_exponential, &m);
}

struct range {
    double lo, hi;
};

static double q_uniform(double p, const void *arg)
{
    const struct range *u = arg;
    return gsl_cdf_flat_Pinv(p, u->lo, u->hi);
}

static void test_uniform(void **state)
{
    (void)state;
    const struct range u = { 4.2, 61.9 };
    struct dist d = make(DIST_UNIFORM, u.lo, u.hi, NULL, 0);
    double w = u.hi - u.lo;
    TU_ASSERT_WITHIN(d.mean, 33.05, 1e-12);
    TU_ASSERT_WITHIN(d.sd, w / sqrt(12.0), 1e-12);
    /* Uniform on [lo, hi]: variance w^2/12, fourth central moment w^4/80. */
    struct moments mo = { 0.5 * (u.lo + u.hi), w * w / 12, pow(w, 4) / 80 };
    check_sample(&d, 0xE2, mo, q_uniform, &u);

    struct rng r;
    rng_seed(&r, 2);
    for (int i = 0; i < 10000; i++) {
        double x = dist_sample(&d, &r);
        assert_true(x >= u.lo && x <= u.hi);
    }
    /* min == max is a degenerate but valid range. */
    d = make(DIST_UNIFORM, 8.5, 8.5, NULL, 0);
    assert_true(dist_sample(&d, &r) == 8.5);
}

struct two {
    double a, b;
};

static double q_lognormal(double p, const void *arg)
{
    const struct two *t = arg;
    return gsl_cdf_lognormal_Pinv(p, t->a, t->b);
}

static void test_lognormal(void **state)
{
    (void)state;
    struct dist d = make(DIST_LOGNORMAL, MEAN, SD, NULL, 0);
    assert_true(d.mean == MEAN && d.sd == SD);
    /* Log-scale parameters from the mean and sd, independently of dist.c:
     * sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2/2. */
    double cv = SD / MEAN, s2 = log(1 + cv * cv);
    struct two t = { log(MEAN) - s2 / 2, sqrt(s2) };
    /* Lognormal: with w = exp(sigma^2), excess kurtosis is
     * w^4 + 2w^3 + 3w^2 - 6, so mu4 = var^2 (w^4 + 2w^3 + 3w^2 - 3). */
    double w = exp(s2), var = SD * SD;
    struct moments mo = { MEAN, var, var * var * (pow(w, 4) + 2 * pow(w, 3) + 3 * w * w - 3) };
    check_sample(&d, 0xE3, mo, q_lognormal, &t);
}

static double q_gamma(double p, const void *arg)
{
    const struct two *t = arg;
    return gsl_cdf_gamma_Pinv(p, t->a, t->b);
}

static void test_gamma(void **state)
{
    (void)state;
    struct dist d = make(DIST_GAMMA, MEAN, SD, NULL, 0);
    assert_true(d.mean == MEAN && d.sd == SD);
    /* Shape k = (mean/sd)^2, scale = sd^2/mean; excess kurtosis 6/k. */
    double k = (MEAN / SD) * (MEAN / SD), var = SD * SD;
    struct two t = { k, var / MEAN };
    struct moments mo = { MEAN, var, var * var * (3 + 6 / k) };
    check_sample(&d, 0xE4, mo, q_gamma, &t);

    /* A shape below 1 (sd > mean) takes another branch of the sampler. */
    const double m2 = 12.4, s2 = 19.7;
    d = make(DIST_GAMMA, m2, s2, NULL, 0);
    double k2 = (m2 / s2) * (m2 / s2);
    struct two t2 = { k2, s2 * s2 / m2 };
    struct moments mo2 = { m2, s2 * s2, pow(s2, 4) * (3 + 6 / k2) };
    check_sample(&d, 0xE5, mo2, q_gamma, &t2);
}

static double q_weibull(double p, const void *arg)
{
    const struct two *t = arg;   /* a = scale, b = shape */
    return gsl_cdf_weibull_Pinv(p, t->a, t->b);
}

static void test_weibull(void **state)
{
    (void)state;
    struct dist d = make(DIST_WEIBULL, MEAN, SD, NULL, 0);
    assert_true(d.mean == MEAN && d.sd == SD);
    /* dist.c solves for the shape numerically; check that shape k and scale
     * lambda give the requested moments: E X^r = lambda^r Gamma(1 + r/k). */
    double k = d.a, lambda = d.b;
    double raw[5];
    for (int r = 1; r <= 4; r++)
        raw[r] = pow(lambda, r) * gsl_sf_gamma(1 + r / k);
    double var = raw[2] - raw[1] * raw[1];
    TU_ASSERT_WITHIN(raw[1], MEAN, 1e-9 * MEAN);
    TU_ASSERT_WITHIN(sqrt(var), SD, 1e-6 * SD);
    /* Fourth central moment from the raw moments. */
    double m1 = raw[1];
    double mu4 = raw[4] - 4 * raw[3] * m1 + 6 * raw[2] * m1 * m1 - 3 * pow(m1, 4);
    struct two t = { lambda, k };
    struct moments mo = { MEAN, SD * SD, mu4 };
    check_sample(&d, 0xE6, mo, q_weibull, &t);
}

static void test_empirical(void **state)
{
    (void)state;
    static const double v[] = { 3.5, 12.0, 12.0, 27.25, 40.1, 88.6, 5.9, 0.0 };
    const size_t n = sizeof v / sizeof v[0];
    struct dist d = make(DIST_EMPIRICAL, 0, 0, v, n);
    /* Resampling draws each value with probability 1/n: the population
     * moments of the values are the distribution's moments. */
    const double nn = (double)n;
    double mean = 0, var = 0, mu4 = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i] / nn;
    for (size_t i = 0; i < n; i++) {
        var += pow(v[i] - mean, 2) / nn;
        mu4 += pow(v[i] - mean, 4) / nn;
    }
    TU_ASSERT_WITHIN(d.mean, mean, 1e-12);
    struct moments mo = { mean, var, mu4 };
    check_sample(&d, 0xE7, mo, NULL, NULL);
    TU_ASSERT_WITHIN(d.sd, sqrt(var), 1e-12);

    /* Only the listed values come out, each about 1/n of the time (12.0
     * twice as often): 4 binomial standard errors sqrt(N p (1-p)). */
    struct rng r;
    rng_seed(&r, 0xE8);
    unsigned long count[8] = { 0 };
    for (size_t i = 0; i < N; i++) {
        double x = dist_sample(&d, &r);
        size_t j = 0;
        while (j < n && v[j] != x)
            j++;
        assert_true(j < n);
        count[j]++;
    }
    assert_int_equal(count[2], 0); /* a repeated value is found at its first index */
    for (size_t j = 0; j < n; j++) {
        if (j == 2)
            continue;
        double p = (j == 1 ? 2.0 : 1.0) / nn;
        TU_ASSERT_WITHIN((double)count[j], N * p, 4 * sqrt(N * p * (1 - p)));
    }

    /* One value: always that value. */
    static const double one[] = { 9.75 };
    d = make(DIST_EMPIRICAL, 0, 0, one, 1);
    assert_true(dist_sample(&d, &r) == 9.75 && d.sd == 0 && d.mean == 9.75);
}

/* ---- invalid parameters ----------------------------------------------------- */

static void expect_reject(enum dist_kind k, double p1, double p2, const double *v, size_t n,
                          const char *needle)
{
    struct dist d;
    const char *why = NULL;
    if (dist_init(&d, k, p1, p2, v, n, &why))
        fail_msg("dist_init(%s, %g, %g) accepted", dist_kind_name(k), p1, p2);
    assert_non_null(why);
    if (!strstr(why, needle))
        fail_msg("dist_init(%s, %g, %g): \"%s\" does not mention \"%s\"", dist_kind_name(k),
                 p1, p2, why, needle);
}

static void test_rejects_invalid(void **state)
{
    (void)state;
    static const double neg[] = { 4.5, -0.25, 7.0 };
    static const double has_nan[] = { 4.5, NAN };
    expect_reject(DIST_FIXED, -1.5, 0, NULL, 0, "value");
    expect_reject(DIST_FIXED, NAN, 0, NULL, 0, "value");
    expect_reject(DIST_EXPONENTIAL, -23.85, 0, NULL, 0, "mean");
    expect_reject(DIST_EXPONENTIAL, 0.0, 0, NULL, 0, "mean");
    expect_reject(DIST_UNIFORM, 12.5, 3.25, NULL, 0, "max");
    expect_reject(DIST_UNIFORM, -2.0, 3.25, NULL, 0, "min");
    expect_reject(DIST_UNIFORM, 1.0, NAN, NULL, 0, "max");
    for (enum dist_kind k = DIST_LOGNORMAL; k <= DIST_WEIBULL; k++) {
        expect_reject(k, -33.7, 15.2, NULL, 0, "mean");
        expect_reject(k, 0.0, 15.2, NULL, 0, "mean");
        expect_reject(k, 33.7, 0.0, NULL, 0, "sd");
        expect_reject(k, 33.7, -15.2, NULL, 0, "sd");
        expect_reject(k, 33.7, NAN, NULL, 0, "sd");
    }
    expect_reject(DIST_WEIBULL, 1.0, 25.0, NULL, 0, "weibull");
    expect_reject(DIST_WEIBULL, 100.0, 0.1, NULL, 0, "weibull");
    expect_reject(DIST_EMPIRICAL, 0, 0, neg, 0, "values");
    expect_reject(DIST_EMPIRICAL, 0, 0, NULL, 3, "values");
    expect_reject(DIST_EMPIRICAL, 0, 0, neg, 3, ">= 0");
    expect_reject(DIST_EMPIRICAL, 0, 0, has_nan, 2, ">= 0");
}

/* ---- names ------------------------------------------------------------------ */

static void bad_kind(void *arg)
{
    (void)arg;
    dist_kind_name(DIST_KIND_COUNT);
}

static void test_kind_names(void **state)
{
    (void)state;
    const char *list = dist_kind_list();
    for (int k = 0; k < DIST_KIND_COUNT; k++) {
        const char *name = dist_kind_name((enum dist_kind)k);
        enum dist_kind back = DIST_KIND_COUNT;
        assert_true(dist_kind_parse(name, &back));
        assert_int_equal(back, k);
        assert_non_null(strstr(list, name));
        assert_non_null(dist_kind_params((enum dist_kind)k));
    }
    assert_string_equal(dist_kind_list(),
                        "fixed, exponential, uniform, lognormal, gamma, weibull, empirical");
    assert_string_equal(dist_kind_params(DIST_FIXED), "value");
    assert_string_equal(dist_kind_params(DIST_EXPONENTIAL), "mean");
    assert_string_equal(dist_kind_params(DIST_UNIFORM), "min and max");
    assert_string_equal(dist_kind_params(DIST_GAMMA), "mean and sd");
    assert_string_equal(dist_kind_params(DIST_EMPIRICAL), "values");

    const char *unknown[] = { "normal", "", "Gamma", "gamma ", "logn", "expo" };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        enum dist_kind out = DIST_KIND_COUNT;
        assert_false(dist_kind_parse(unknown[i], &out));
        assert_int_equal(out, DIST_KIND_COUNT); /* left alone */
    }
    assert_true(tu_dies(bad_kind, NULL, "internal error"));
}

/* ---- the residual draw (initial cases part-way through a stage) --------------- */

/* dist_sample_residual draws the time left of a stage seen at a random
 * moment: U x (a length-biased draw), so E[R^j] = E[X^(j+1)] / ((j+1) E[X]).
 * From those raw moments r[1..4] (in closed form per kind below) the mean,
 * variance and fourth central moment give the usual 4-SE checks. Power: a
 * length-biased gamma drawn with shape k + 0.8 instead of k + 1 (MEAN, SD
 * below: k = 4.92) moves the mean by 0.1 x 6.86 = 0.69 days, 20 standard
 * errors at N = 200000; a residual taken as half the draw instead of a
 * uniform share of it has variance 0 for a fixed duration (expected a^2/12,
 * 4 SE = 0.6% of it): both are detected with certainty. */
static void check_residual(const struct dist *d, uint64_t key, const double r[5])
{
    struct rng s;
    rng_seed(&s, key);
    double sum = 0, sum2 = 0;
    for (size_t i = 0; i < N; i++) {
        double x = dist_sample_residual(d, &s);
        if (!(x >= 0 && isfinite(x)))
            fail_msg("%s residual draw %zu = %g", dist_kind_name(d->kind), i, x);
        sum += x;
        sum2 += x * x;
    }
    double mu = r[1], var = r[2] - mu * mu;
    double mu4 = r[4] - 4 * r[3] * mu + 6 * r[2] * mu * mu - 3 * pow(mu, 4);
    double mean = sum / N, svar = (sum2 - N * mean * mean) / (N - 1);
    TU_ASSERT_WITHIN(mean, mu, 4 * sqrt(var / N));
    TU_ASSERT_WITHIN(svar, var, 4 * sqrt((mu4 - var * var * (N - 3.0) / (N - 1.0)) / N));
}

static void test_residual(void **state)
{
    (void)state;
    double r[5];
    /* fixed a: R ~ uniform(0, a), E[R^j] = a^j / (j + 1) */
    const double a = 17.25;
    struct dist d = make(DIST_FIXED, a, 0, NULL, 0);
    for (int j = 0; j <= 4; j++)
        r[j] = pow(a, j) / (j + 1);
    check_residual(&d, 0xF1, r);
    /* exponential m: memoryless, R ~ exponential(m), E[R^j] = j! m^j */
    const double m = 23.85;
    d = make(DIST_EXPONENTIAL, m, 0, NULL, 0);
    for (int j = 0; j <= 4; j++)
        r[j] = tgamma(j + 1.0) * pow(m, j);
    check_residual(&d, 0xF2, r);
    /* gamma(k, theta): E[X^n] = theta^n k (k+1)..(k+n-1), so
     * E[R^j] = theta^j (k+1)..(k+j) / (j + 1) */
    double k = (MEAN / SD) * (MEAN / SD), theta = SD * SD / MEAN;
    d = make(DIST_GAMMA, MEAN, SD, NULL, 0);
    for (int j = 0; j <= 4; j++) {
        double p = 1;
        for (int i = 1; i <= j; i++)
            p *= k + i;
        r[j] = pow(theta, j) * p / (j + 1);
    }
    check_residual(&d, 0xF3, r);
    /* lognormal(mu, s): E[X^n] = exp(n mu + n^2 s^2 / 2) */
    double s2 = log(1 + (SD / MEAN) * (SD / MEAN)), lmu = log(MEAN) - s2 / 2;
    d = make(DIST_LOGNORMAL, MEAN, SD, NULL, 0);
    for (int j = 0; j <= 4; j++) {
        double n1 = j + 1.0;
        r[j] = exp(n1 * lmu + n1 * n1 * s2 / 2) / ((j + 1) * MEAN);
    }
    check_residual(&d, 0xF4, r);
}

/* ---- the conditional draw (open cases observed with elapsed time) ------------ */

/* dist_sample_after(d, e) draws D - e with D conditional on D > e, whose
 * distribution function is Fc(x) = 1 - S(e + x) / S(e). Law checked: the
 * Kolmogorov-Smirnov distance of N_KS draws from Fc stays under the
 * asymptotic critical value at p = 1e-6, sqrt(ln(2 / 1e-6) / (2 N_KS))
 * (0.019 at N_KS = 20000). Power: an unconditional draw (D instead of D | D >
 * e) at the elapsed times below moves Fc by more than 0.2 somewhere, ten
 * times the critical value. Each family at three elapsed times: 0 (the
 * unconditional law), about the median, and deep in the tail. */
enum { N_KS = 20000 };

struct surv {
    enum dist_kind kind;
    const struct dist *d;
};

static double survival(const struct surv *sv, double x)
{
    const struct dist *d = sv->d;
    switch (sv->kind) {
    case DIST_EXPONENTIAL: return exp(-x / d->a);
    case DIST_UNIFORM: return x <= d->a ? 1 : x >= d->b ? 0 : (d->b - x) / (d->b - d->a);
    case DIST_LOGNORMAL: return gsl_cdf_lognormal_Q(x, d->a, d->b);
    case DIST_GAMMA: return gsl_cdf_gamma_Q(x, d->a, d->b);
    case DIST_WEIBULL: return gsl_cdf_weibull_Q(x, d->b, d->a);
    default: fail_msg("no survival function for %s", dist_kind_name(sv->kind));
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void check_after(const struct dist *d, double e, uint64_t key)
{
    static double x[N_KS];
    struct rng s;
    rng_seed(&s, key);
    for (size_t i = 0; i < N_KS; i++) {
        x[i] = dist_sample_after(d, e, &s);
        if (!(x[i] >= 0 && isfinite(x[i])))
            fail_msg("%s after %g: draw %zu = %g", dist_kind_name(d->kind), e, i, x[i]);
    }
    qsort(x, N_KS, sizeof *x, cmp_double);
    struct surv sv = { d->kind, d };
    double se = survival(&sv, e), ks = 0;
    for (size_t i = 0; i < N_KS; i++) {
        double fc = 1.0 - survival(&sv, e + x[i]) / se;
        ks = fmax(ks, fmax(fabs((double)(i + 1) / N_KS - fc), fabs(fc - (double)i / N_KS)));
    }
    double crit = sqrt(log(2.0 / 1e-6) / (2.0 * N_KS));
    if (ks > crit)
        fail_msg("%s after %g: KS distance %.4f > %.4f", dist_kind_name(d->kind), e, ks, crit);
}

static void test_after_conditional_law(void **state)
{
    (void)state;
    const enum dist_kind kinds[] = { DIST_EXPONENTIAL, DIST_UNIFORM, DIST_LOGNORMAL, DIST_GAMMA, DIST_WEIBULL };
    uint64_t key = 0xA0;
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        struct dist d = kinds[k] == DIST_UNIFORM ? make(DIST_UNIFORM, 8.3, 61.9, NULL, 0)
                                                 : make(kinds[k], MEAN, SD, NULL, 0);
        const double elapsed[] = { 0.0, 29.4, 71.3 };
        for (size_t j = 0; j < 3; j++)
            check_after(&d, elapsed[j], key++);
    }
}

/* fixed: the rest of the value, never negative; empirical: the values above
 * the elapsed time, equally often (each count within 4 binomial SE), less
 * it; none above: 0. */
static void test_after_fixed_and_empirical(void **state)
{
    (void)state;
    struct rng s;
    rng_seed(&s, 0xB1);
    struct dist d = make(DIST_FIXED, 17.25, 0, NULL, 0);
    TU_ASSERT_WITHIN(dist_sample_after(&d, 5.5, &s), 11.75, 1e-12);
    assert_true(dist_sample_after(&d, 30.0, &s) == 0.0);
    static const double v[] = { 3.5, 12.25, 40.0, 7.75, 91.5 };
    d = make(DIST_EMPIRICAL, 0, 0, v, 5);
    size_t count[3] = { 0 };
    const double n = 30000;
    for (size_t i = 0; (double)i < n; i++) {
        double r = dist_sample_after(&d, 10.0, &s);
        if (fabs(r - 2.25) < 1e-9)
            count[0]++;
        else if (fabs(r - 30.0) < 1e-9)
            count[1]++;
        else if (fabs(r - 81.5) < 1e-9)
            count[2]++;
        else
            fail_msg("empirical after 10: %g is not a value above 10, less 10", r);
    }
    double p = 1.0 / 3, sd = sqrt(n * p * (1 - p));
    for (int j = 0; j < 3; j++)
        TU_ASSERT_WITHIN((double)count[j], n * p, 4 * sd);
    assert_true(dist_sample_after(&d, 91.5, &s) == 0.0);
}

/* Far beyond where the survival underflows, gamma's time left is
 * exponential with the scale as its mean (the limiting hazard): the mean
 * of N draws within 4 SE of it; lognormal's stays finite and positive. */
static void test_after_far_tail(void **state)
{
    (void)state;
    struct rng s;
    rng_seed(&s, 0xB2);
    struct dist d = make(DIST_GAMMA, MEAN, SD, NULL, 0);
    double sum = 0;
    for (size_t i = 0; i < N_KS; i++)
        sum += dist_sample_after(&d, 5000.0, &s);
    TU_ASSERT_WITHIN(sum / N_KS, d.b, 4 * d.b / sqrt(N_KS));
    d = make(DIST_LOGNORMAL, MEAN, SD, NULL, 0);
    double r = dist_sample_after(&d, 1e6, &s);
    assert_true(r > 0 && isfinite(r));
}

/* dist_sample_residual_age: the same residual as dist_sample_residual from
 * the same stream, and an age with the residual's own law (the uniform
 * share and its complement are alike): for gamma(k, theta) the age's mean
 * is theta (k + 1) / 2, checked within 4 SE (the SE from the residual's
 * variance, theta^2 (k + 1)(k + 2) / 3 - mean^2). */
static void test_residual_age(void **state)
{
    (void)state;
    struct dist d = make(DIST_GAMMA, MEAN, SD, NULL, 0);
    struct rng a, b;
    rng_seed(&a, 0xC3);
    rng_seed(&b, 0xC3);
    double sum = 0;
    for (size_t i = 0; i < N_KS; i++) {
        double age;
        double r1 = dist_sample_residual(&d, &a), r2 = dist_sample_residual_age(&d, &b, &age);
        assert_true(r1 == r2);
        assert_true(age >= 0);
        sum += age;
    }
    double k = d.a, th = d.b, mu = th * (k + 1) / 2, var = th * th * (k + 1) * (k + 2) / 3 - mu * mu;
    TU_ASSERT_WITHIN(sum / N_KS, mu, 4 * sqrt(var / N_KS));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_lognormal),
        cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_weibull),
        cmocka_unit_test(test_empirical),
        cmocka_unit_test(test_residual),
        cmocka_unit_test(test_after_conditional_law),
        cmocka_unit_test(test_after_fixed_and_empirical),
        cmocka_unit_test(test_after_far_tail),
        cmocka_unit_test(test_residual_age),
        cmocka_unit_test(test_rejects_invalid),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests_name("dist", tests, NULL, NULL);
}
