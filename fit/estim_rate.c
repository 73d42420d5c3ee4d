/* estim_rate.c — proportions, rates per exposure and means (see estim.h). */
#include "fit/estim.h"

#include "output/stats.h"
#include "sim/check.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>

void estim_proportion(double k, double n, double *p, double *se, double *lo, double *hi)
{
    CHECK(n >= 1 && k >= 0 && k <= n);
    *p = k / n;
    *se = sqrt(*p * (1 - *p) / n);
    stats_wilson(k, n, lo, hi);
}

/* The p quantile of chi-square with df degrees of freedom. GSL's inverse
 * fails to converge for some large df (tens of thousands); there the
 * Wilson–Hilferty cube-root approximation, whose relative error is below
 * 1e-6 at such df, is used. */
static double chisq_quantile(double p, double df)
{
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double x = gsl_cdf_chisq_Pinv(p, df);
    gsl_set_error_handler(old);
    if (isfinite(x) && x > 0)
        return x;
    double z = gsl_cdf_ugaussian_Pinv(p), h = 2 / (9 * df);
    return df * pow(1 - h + z * sqrt(h), 3);
}

void estim_rate(double k, double e, double *rate, double *se, double *lo, double *hi)
{
    CHECK(e > 0 && k >= 0);
    double a = 1 - ESTIM_LEVEL;
    *rate = k / e;
    *se = sqrt(k) / e;
    *lo = k > 0 ? chisq_quantile(a / 2, 2 * k) / (2 * e) : 0;
    *hi = chisq_quantile(1 - a / 2, 2 * k + 2) / (2 * e);
}

void estim_mean(const double *x, size_t n, double *mean, double *se, double *lo, double *hi)
{
    CHECK(n >= 1);
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {   /* Welford */
        double d = x[i] - m;
        m += d / (double)(i + 1);
        ss += d * (x[i] - m);
    }
    *mean = m;
    if (n < 2) {
        *se = 0;
        *lo = *hi = m;
        return;
    }
    *se = sqrt(ss / (double)(n - 1) / (double)n);
    double t = gsl_cdf_tdist_Pinv(1 - (1 - ESTIM_LEVEL) / 2, (double)(n - 1));
    *lo = m - t * *se;
    *hi = m + t * *se;
}
