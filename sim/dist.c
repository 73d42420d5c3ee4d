#include "dist.h"

#include "check.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

static const char *const kind_names[DIST_KIND_COUNT] = {
    "fixed", "exponential", "uniform", "lognormal", "gamma", "weibull", "empirical",
};

const char *dist_kind_name(enum dist_kind k)
{
    CHECK(k < DIST_KIND_COUNT);
    return kind_names[k];
}

bool dist_kind_parse(const char *name, enum dist_kind *out)
{
    for (int k = 0; k < DIST_KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (enum dist_kind)k;
            return true;
        }
    return false;
}

const char *dist_kind_list(void)
{
    return "fixed, exponential, uniform, lognormal, gamma, weibull, empirical";
}

const char *dist_kind_params(enum dist_kind k)
{
    switch (k) {
    case DIST_FIXED: return "value";
    case DIST_EXPONENTIAL: return "mean";
    case DIST_UNIFORM: return "min and max";
    case DIST_EMPIRICAL: return "values";
    default: return "mean and sd";
    }
}

/* Weibull shape k whose coefficient of variation is cv: CV^2 + 1 =
 * Gamma(1 + 2/k) / Gamma(1 + 1/k)^2, decreasing in k; bisection on log k. */
static double weibull_shape(double cv)
{
    double target = log(cv * cv + 1.0);
    double lo = log(0.05), hi = log(500.0);
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi), k = exp(mid);
        double f = gsl_sf_lngamma(1.0 + 2.0 / k) - 2.0 * gsl_sf_lngamma(1.0 + 1.0 / k);
        if (f > target)
            lo = mid;
        else
            hi = mid;
    }
    return exp(0.5 * (lo + hi));
}

bool dist_init(struct dist *d, enum dist_kind k, double p1, double p2,
               const double *values, size_t n, const char **why)
{
    memset(d, 0, sizeof *d);
    d->kind = k;
    *why = NULL;
    switch (k) {
    case DIST_FIXED:
        if (!(p1 >= 0)) { *why = "value must be >= 0"; return false; }
        d->a = d->mean = p1;
        return true;
    case DIST_EXPONENTIAL:
        if (!(p1 > 0)) { *why = "mean must be > 0"; return false; }
        d->a = d->mean = d->sd = p1;
        return true;
    case DIST_UNIFORM:
        if (!(p1 >= 0)) { *why = "min must be >= 0"; return false; }
        if (!(p2 >= p1)) { *why = "max must be >= min"; return false; }
        d->a = p1;
        d->b = p2;
        d->mean = 0.5 * (p1 + p2);
        d->sd = (p2 - p1) / sqrt(12.0);
        return true;
    case DIST_LOGNORMAL:
    case DIST_GAMMA:
    case DIST_WEIBULL:
        if (!(p1 > 0)) { *why = "mean must be > 0"; return false; }
        if (!(p2 > 0)) { *why = "sd must be > 0"; return false; }
        d->mean = p1;
        d->sd = p2;
        if (k == DIST_LOGNORMAL) {
            double s2 = log1p((p2 * p2) / (p1 * p1));
            d->a = log(p1) - 0.5 * s2;       /* mu */
            d->b = sqrt(s2);                 /* sigma */
        } else if (k == DIST_GAMMA) {
            d->a = (p1 * p1) / (p2 * p2);    /* shape */
            d->b = (p2 * p2) / p1;           /* scale */
        } else {
            double cv = p2 / p1;
            if (cv > 20.0 || cv < 0.005) { *why = "sd/mean must lie in 0.005..20 for weibull"; return false; }
            d->a = weibull_shape(cv);                               /* shape */
            d->b = p1 / exp(gsl_sf_lngamma(1.0 + 1.0 / d->a));      /* scale */
        }
        return true;
    case DIST_EMPIRICAL: {
        if (!values || n == 0) { *why = "values must list at least one value"; return false; }
        double sum = 0, sum2 = 0;
        for (size_t i = 0; i < n; i++) {
            if (!(values[i] >= 0)) { *why = "values must be >= 0"; return false; }
            sum += values[i];
        }
        d->mean = sum / (double)n;
        for (size_t i = 0; i < n; i++)
            sum2 += (values[i] - d->mean) * (values[i] - d->mean);
        /* The sd of what dist_sample draws: each value with weight 1/n. */
        d->sd = sqrt(sum2 / (double)n);
        d->values = values;
        d->n = n;
        return true;
    }
    default:
        CHECK(!"unknown distribution kind");
    }
    return false;
}

double dist_sample(const struct dist *d, struct rng *s)
{
    switch (d->kind) {
    case DIST_FIXED:
        return d->a;
    case DIST_EXPONENTIAL:
        return rng_exponential(s, d->a);
    case DIST_UNIFORM:
        return d->a + (d->b - d->a) * rng_uniform(s);
    case DIST_LOGNORMAL:
        /* exp(mu + sigma Z), as gsl_ran_lognormal, with Z from the stream's
         * own ziggurat: several times faster than GSL's polar method. */
        return exp(d->a + d->b * rng_normal(s));
    case DIST_GAMMA: {
        gsl_rng g = rng_gsl_view(s);
        return gsl_ran_gamma(&g, d->a, d->b);
    }
    case DIST_WEIBULL: {
        gsl_rng g = rng_gsl_view(s);
        return gsl_ran_weibull(&g, d->b, d->a);
    }
    case DIST_EMPIRICAL: {
        size_t i = (size_t)(rng_uniform(s) * (double)d->n);
        return d->values[i < d->n ? i : d->n - 1];
    }
    default:
        CHECK(!"unknown distribution kind");
    }
    return 0;
}

/* Length-biased draw: density proportional to x f(x). Closed forms exist for
 * every kind: lognormal(mu, s) -> lognormal(mu + s^2, s); gamma(k, theta) ->
 * gamma(k + 1, theta); exponential(m) -> gamma(2, m); Weibull(k, l): X^k is
 * gamma(1 + 1/k, l^k); uniform(a, b): density proportional to x, by
 * inversion; empirical: values weighted by size. */
static double length_biased(const struct dist *d, struct rng *s)
{
    gsl_rng g = rng_gsl_view(s);
    switch (d->kind) {
    case DIST_FIXED:
        return d->a;
    case DIST_EXPONENTIAL:
        return gsl_ran_gamma(&g, 2.0, d->a);
    case DIST_UNIFORM: {
        double a2 = d->a * d->a, b2 = d->b * d->b;
        return sqrt(a2 + rng_uniform(s) * (b2 - a2));
    }
    case DIST_LOGNORMAL:
        return exp(d->a + d->b * d->b + d->b * rng_normal(s));
    case DIST_GAMMA:
        return gsl_ran_gamma(&g, d->a + 1.0, d->b);
    case DIST_WEIBULL:
        return pow(gsl_ran_gamma(&g, 1.0 + 1.0 / d->a, pow(d->b, d->a)), 1.0 / d->a);
    case DIST_EMPIRICAL: {
        double total = 0;
        for (size_t i = 0; i < d->n; i++)
            total += d->values[i];
        if (total <= 0)
            return 0;
        double u = rng_uniform(s) * total;
        for (size_t i = 0; i < d->n; i++) {
            if (u < d->values[i])
                return d->values[i];
            u -= d->values[i];
        }
        return d->values[d->n - 1];
    }
    default:
        CHECK(!"unknown distribution kind");
    }
    return 0;
}

double dist_sample_residual(const struct dist *d, struct rng *s)
{
    double x = length_biased(d, s);
    return x * rng_uniform(s);
}

double dist_sample_residual_age(const struct dist *d, struct rng *s, double *age)
{
    double x = length_biased(d, s);
    double r = x * rng_uniform(s);
    *age = x - r;
    return r;
}

/* Survival below which inversion loses every digit (near DBL_MIN): the tail
 * approximation takes over. */
#define DIST_TINY_SURVIVAL 1e-300

double dist_sample_after(const struct dist *d, double elapsed, struct rng *s)
{
    CHECK(elapsed >= 0);
    double u = rng_uniform(s);
    double v = 1.0 - u;   /* in (0, 1]: the survival share drawn */
    double x;
    switch (d->kind) {
    case DIST_FIXED:
        return fmax(0.0, d->a - elapsed);
    case DIST_EXPONENTIAL:
        return -d->a * log(v);
    case DIST_UNIFORM: {
        if (elapsed >= d->b)
            return 0;
        double lo = fmax(d->a, elapsed);
        x = lo + (d->b - lo) * u;
        break;
    }
    case DIST_LOGNORMAL: {
        double z = (log(elapsed) - d->a) / d->b;   /* -inf at elapsed 0 */
        double q = gsl_cdf_ugaussian_Q(z);
        if (q < DIST_TINY_SURVIVAL)   /* Mills: hazard ~ z / (sigma e) */
            return -log(v) * d->b * elapsed / z;
        x = exp(d->a + d->b * gsl_cdf_ugaussian_Qinv(v * q));
        break;
    }
    case DIST_GAMMA: {
        double q = gsl_cdf_gamma_Q(elapsed, d->a, d->b);
        if (q < DIST_TINY_SURVIVAL)   /* the hazard tends to 1 / scale */
            return -log(v) * d->b;
        x = gsl_cdf_gamma_Qinv(v * q, d->a, d->b);
        break;
    }
    case DIST_WEIBULL:
        /* S(x) = exp(-(x / l)^k): (x / l)^k = (e / l)^k - ln v */
        x = d->b * pow(pow(elapsed / d->b, d->a) - log(v), 1.0 / d->a);
        break;
    case DIST_EMPIRICAL: {
        size_t above = 0;
        for (size_t i = 0; i < d->n; i++)
            above += d->values[i] > elapsed;
        if (above == 0)
            return 0;
        size_t k = (size_t)(u * (double)above);
        if (k >= above)
            k = above - 1;
        for (size_t i = 0; i < d->n; i++)
            if (d->values[i] > elapsed && k-- == 0)
                return d->values[i] - elapsed;
        CHECK(!"unreachable");
        return 0;
    }
    default:
        CHECK(!"unknown distribution kind");
        return 0;
    }
    return fmax(0.0, x - elapsed);
}
