/* pdraw.h — parameter uncertainty: each replication draws its own values
 * of some parameters from their estimates' sampling distribution.
 *
 * The parameters are drawn jointly, normal on the scale each is estimated
 * on, so a positive value stays positive and a share stays a share:
 *
 *     g_i(v_i) = g_i(centre_i) + sum_j load[i k + j] z_j,  z_j ~ N(0, 1),
 *
 * g_i log, logit or log(1 + v), the centre the parameter's value as given
 * (the estimate), and load a factor of the covariance (load load' = cov),
 * made once from the covariance by its eigen decomposition, so a singular
 * covariance (shares that sum to 1, twelve seasonal factors rescaled to
 * average 1) is drawn along its support. A draw reads its normals from
 * the stream it is given (sim/rng.h): the same stream, the same values.
 * Knows nothing of any model. */
#ifndef SIM_PDRAW_H
#define SIM_PDRAW_H

#include "sim/rng.h"

#include <stdbool.h>
#include <stddef.h>

enum pdraw_scale {
    PDRAW_LOG,      /* v > 0: log v */
    PDRAW_LOGIT,    /* 0 < v < 1: log(v / (1 - v)) */
    PDRAW_LOG1P,    /* v > -1: log(1 + v) (a growth rate) */
    PDRAW_SCALES
};

struct pdraw {
    size_t n;          /* parameters drawn */
    size_t k;          /* normals per draw (the covariance's rank) */
    size_t *param;     /* index of each in the caller's value array */
    enum pdraw_scale *scale;
    double *load;      /* n x k, row-major */
};

/* The scale's name ("log", "logit", "log1p"), and back (false: no such). */
const char *pdraw_scale_name(enum pdraw_scale s);
bool pdraw_scale_parse(const char *name, enum pdraw_scale *s);

/* Whether v is in the scale's range (where g is finite). */
bool pdraw_in_range(enum pdraw_scale s, double v);

/* A draw of n parameters (param[i] their indices, scale[i] their scales)
 * with covariance cov (n x n, row-major, symmetric) on those scales. False,
 * with *why set, when cov is not a covariance (not symmetric, a value not
 * a number, or an eigenvalue below -PDRAW_NEG_TOL times the largest);
 * eigenvalues within that tolerance of 0 are directions of no spread. d is
 * freed with pdraw_free. */
#define PDRAW_NEG_TOL 1e-9
bool pdraw_init(struct pdraw *d, size_t n, const size_t *param, const enum pdraw_scale *scale, const double *cov,
                const char **why);
void pdraw_free(struct pdraw *d);

/* Replace v[param[i]] by a draw around it, from stream r. Each value must
 * be in its scale's range (checked). */
void pdraw_apply(const struct pdraw *d, double *v, struct rng *r);

#endif
