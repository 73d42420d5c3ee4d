/* estim_rate.c — proportions, rates per exposure and means (see estim.h). */
#include "fit/estim.h"

#include "output/stats.h"
#include "sim/check.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void estim_proportion(double k, double n, double *p, double *se, double *lo, double *hi)
{
    CHECK(n >= 1 && k >= 0 && k <= n);
    *p = k / n;
    *se = sqrt(*p * (1 - *p) / n);
    stats_wilson(k, n, lo, hi);
}

void estim_rate(double k, double e, double *rate, double *se, double *lo, double *hi)
{
    CHECK(e > 0 && k >= 0);
    double a = 1 - ESTIM_LEVEL;
    *rate = k / e;
    *se = sqrt(k) / e;
    *lo = k > 0 ? gsl_cdf_chisq_Pinv(a / 2, 2 * k) / (2 * e) : 0;
    *hi = gsl_cdf_chisq_Pinv(1 - a / 2, 2 * k + 2) / (2 * e);
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
