/* estim_glm.c — Poisson regression with a log link (see estim.h).
 *
 * Iteratively reweighted least squares: with mu = exp(eta), each step solves
 * the weighted least-squares problem of the working response
 * z = eta - offset + (y - mu) / mu with weights mu (gsl_multifit_wlinear_tsvd,
 * which also gives the rank). For the canonical log link this is Newton's
 * method on the log likelihood, and (X' W X)^-1 at the optimum is the inverse
 * Fisher information: the covariance of the estimates. */
#include "fit/estim.h"

#include "sim/check.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_multifit.h>
#include <math.h>

/* Iterations allowed, and the relative change of the deviance taken as
 * converged (the usual criterion of R's glm.fit, tightened). */
#define GLM_MAX_ITER 100
#define GLM_TOL 1e-12

static double deviance_of(const double *y, const double *mu, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d += 2 * ((y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
    return d;
}

/* One IRLS step at the means mu: the working response z and weights w,
 * then the weighted least squares of z on X into b with covariance C.
 * Returns the rank found. */
static size_t irls_step(const gsl_matrix *X, const double *y, const double *offset, const double *mu, gsl_vector *w,
                        gsl_vector *z, gsl_vector *b, gsl_matrix *C, gsl_multifit_linear_workspace *ws)
{
    for (size_t i = 0; i < X->size1; i++) {
        double off = offset ? offset[i] : 0;
        gsl_vector_set(z, i, log(mu[i]) - off + (y[i] - mu[i]) / mu[i]);
        gsl_vector_set(w, i, mu[i]);
    }
    double chisq;
    size_t rank;
    gsl_multifit_wlinear_tsvd(X, w, z, GSL_DBL_EPSILON * 1e3, b, C, &chisq, &rank, ws);
    return rank;
}

bool estim_poisson(const double *x, const double *y, const double *offset, size_t n, size_t p,
                   double *beta, double *cov, double *deviance)
{
    CHECK(n >= 1 && p >= 1);
    if (n < p)
        return false;
    gsl_matrix *X = gsl_matrix_alloc(n, p);
    gsl_matrix *C = gsl_matrix_alloc(p, p);
    gsl_vector *w = gsl_vector_alloc(n), *z = gsl_vector_alloc(n), *b = gsl_vector_alloc(p);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, p);
    double *mu = check_malloc(n * sizeof *mu);
    for (size_t i = 0; i < n; i++) {
        CHECK(y[i] >= 0);
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(X, i, j, x[i * p + j]);
        mu[i] = y[i] + 0.5;   /* start: the data, kept off zero */
    }
    double dev = INFINITY;
    bool ok = false;
    for (int it = 0; it < GLM_MAX_ITER; it++) {
        if (irls_step(X, y, offset, mu, w, z, b, C, ws) < p)
            break;
        bool finite = true;
        for (size_t i = 0; i < n; i++) {
            double eta = offset ? offset[i] : 0;
            for (size_t j = 0; j < p; j++)
                eta += x[i * p + j] * gsl_vector_get(b, j);
            mu[i] = exp(eta);
            if (!(mu[i] > 0 && isfinite(mu[i])))
                finite = false;
        }
        if (!finite)
            break;
        double d = deviance_of(y, mu, n);
        if (fabs(d - dev) <= GLM_TOL * (fabs(d) + 0.1)) {
            ok = true;
            dev = d;
            break;
        }
        dev = d;
    }
    if (ok) {   /* the covariance at the weights of the final estimates */
        gsl_vector *b2 = gsl_vector_alloc(p);
        ok = irls_step(X, y, offset, mu, w, z, b2, C, ws) == p;
        gsl_vector_free(b2);
    }
    if (ok) {
        for (size_t j = 0; j < p; j++) {
            beta[j] = gsl_vector_get(b, j);
            for (size_t k = 0; k < p; k++)
                cov[j * p + k] = gsl_matrix_get(C, j, k);
        }
        if (deviance)
            *deviance = dev;
    }
    free(mu);
    gsl_multifit_linear_free(ws);
    gsl_vector_free(b);
    gsl_vector_free(z);
    gsl_vector_free(w);
    gsl_matrix_free(C);
    gsl_matrix_free(X);
    return ok;
}
