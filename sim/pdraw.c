/* pdraw.c — parameter uncertainty (see pdraw.h). */
#include "sim/pdraw.h"

#include "sim/check.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Normals a draw keeps on the stack; more are allocated. */
#define PDRAW_STACK 64

static const char *const scale_name[PDRAW_SCALES] = { "log", "logit", "log1p" };

const char *pdraw_scale_name(enum pdraw_scale s)
{
    CHECK(s < PDRAW_SCALES);
    return scale_name[s];
}

bool pdraw_scale_parse(const char *name, enum pdraw_scale *s)
{
    for (int i = 0; i < PDRAW_SCALES; i++)
        if (strcmp(name, scale_name[i]) == 0) {
            *s = (enum pdraw_scale)i;
            return true;
        }
    return false;
}

bool pdraw_in_range(enum pdraw_scale s, double v)
{
    switch (s) {
    case PDRAW_LOG: return v > 0 && isfinite(v);
    case PDRAW_LOGIT: return v > 0 && v < 1;
    case PDRAW_LOG1P: return v > -1 && isfinite(v);
    default: return false;
    }
}

static double to_scale(enum pdraw_scale s, double v)
{
    switch (s) {
    case PDRAW_LOG: return log(v);
    case PDRAW_LOGIT: return log(v / (1 - v));
    case PDRAW_LOG1P: return log1p(v);
    default: CHECK(!"unknown scale"); return NAN;
    }
}

static double from_scale(enum pdraw_scale s, double x)
{
    switch (s) {
    case PDRAW_LOG: return exp(x);
    case PDRAW_LOGIT: return 1 / (1 + exp(-x));
    case PDRAW_LOG1P: return expm1(x);
    default: CHECK(!"unknown scale"); return NAN;
    }
}

/* Why cov (n x n) is not a covariance's matrix, or NULL. */
static const char *not_symmetric(size_t n, const double *cov)
{
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(cov[i]))
            return "the covariance has a value that is not a number";
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            double x = cov[i * n + j], y = cov[j * n + i];
            if (fabs(x - y) > PDRAW_NEG_TOL * (fabs(x) + fabs(y)))
                return "the covariance is not symmetric";
        }
    return NULL;
}

bool pdraw_init(struct pdraw *d, size_t n, const size_t *param, const enum pdraw_scale *scale, const double *cov,
                const char **why)
{
    memset(d, 0, sizeof *d);
    if ((*why = not_symmetric(n, cov)) != NULL)
        return false;
    d->n = n;
    d->param = check_malloc((n + 1) * sizeof *d->param);
    d->scale = check_malloc((n + 1) * sizeof *d->scale);
    if (n)
        memcpy(d->param, param, n * sizeof *param);
    if (n)
        memcpy(d->scale, scale, n * sizeof *scale);
    d->load = check_calloc(n * n + 1, sizeof *d->load);
    if (n == 0)
        return true;
    gsl_matrix *a = gsl_matrix_alloc(n, n), *vec = gsl_matrix_alloc(n, n);
    gsl_vector *val = gsl_vector_alloc(n);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(a, i, j, 0.5 * (cov[i * n + j] + cov[j * n + i]));
    CHECK(gsl_eigen_symmv(a, val, vec, w) == 0);
    /* a fixed order (largest first), so the factor does not depend on the
     * solver's */
    gsl_eigen_symmv_sort(val, vec, GSL_EIGEN_SORT_VAL_DESC);
    double top = fmax(gsl_vector_get(val, 0), 0);
    size_t k = 0;
    for (size_t j = 0; j < n && !*why; j++) {
        double l = gsl_vector_get(val, j);
        if (l < -PDRAW_NEG_TOL * top)
            *why = "the covariance is not positive semi-definite";
        else if (l > PDRAW_NEG_TOL * top) {
            for (size_t i = 0; i < n; i++)
                d->load[i * n + k] = gsl_matrix_get(vec, i, j) * sqrt(l);
            k++;
        }
    }
    gsl_eigen_symmv_free(w);
    gsl_vector_free(val);
    gsl_matrix_free(vec);
    gsl_matrix_free(a);
    if (*why) {
        pdraw_free(d);
        return false;
    }
    for (size_t i = 0; i < n; i++)   /* rows of k columns */
        memmove(d->load + i * k, d->load + i * n, k * sizeof *d->load);
    d->k = k;
    return true;
}

void pdraw_free(struct pdraw *d)
{
    free(d->param);
    free(d->scale);
    free(d->load);
    memset(d, 0, sizeof *d);
}

void pdraw_apply(const struct pdraw *d, double *v, struct rng *r)
{
    double z[PDRAW_STACK], *zz = d->k <= PDRAW_STACK ? z : check_malloc(d->k * sizeof *zz);
    for (size_t j = 0; j < d->k; j++)
        zz[j] = rng_normal(r);
    for (size_t i = 0; i < d->n; i++) {
        double *x = &v[d->param[i]];
        CHECK(pdraw_in_range(d->scale[i], *x));
        double y = to_scale(d->scale[i], *x);
        for (size_t j = 0; j < d->k; j++)
            y += d->load[i * d->k + j] * zz[j];
        *x = from_scale(d->scale[i], y);
    }
    if (zz != z)
        free(zz);
}
