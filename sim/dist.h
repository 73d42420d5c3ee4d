/* dist.h — the duration and delay distributions a scenario may name.
 *
 *   fixed (value), exponential (mean), uniform (min, max),
 *   lognormal / gamma / weibull (mean, sd), empirical (values: resampled).
 *
 * A struct dist holds the distribution's internal parameters, computed once
 * from the user's (mean, sd) by dist_init; sampling is then cheap. */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include "rng.h"

#include <stdbool.h>
#include <stddef.h>

enum dist_kind {
    DIST_FIXED,
    DIST_EXPONENTIAL,
    DIST_UNIFORM,
    DIST_LOGNORMAL,
    DIST_GAMMA,
    DIST_WEIBULL,
    DIST_EMPIRICAL,
    DIST_KIND_COUNT
};

struct dist {
    enum dist_kind kind;
    double a, b;            /* internal parameters, by kind */
    double mean, sd;        /* as given (or implied) */
    const double *values;   /* empirical only; not owned */
    size_t n;
};

/* "fixed", "exponential", ... */
const char *dist_kind_name(enum dist_kind k);

/* Look a kind up by name; false when unknown. */
bool dist_kind_parse(const char *name, enum dist_kind *out);

/* "fixed, exponential, uniform, lognormal, gamma, weibull, empirical" */
const char *dist_kind_list(void);

/* Which user parameters a kind takes: "value", "mean", "mean and sd", "min and
 * max", "values". */
const char *dist_kind_params(enum dist_kind k);

/* Set *d up. p1, p2 are the user parameters in the order dist_kind_params
 * names them (value; mean; min, max; mean, sd); values/n for empirical (not
 * copied: they must outlive d). Returns false and sets *why (a static text
 * naming the rule broken) when the parameters are invalid: negative values,
 * sd <= 0 where a spread is needed, min > max, no values. */
bool dist_init(struct dist *d, enum dist_kind k, double p1, double p2,
               const double *values, size_t n, const char **why);

/* One draw (>= 0 for every kind with valid parameters). */
double dist_sample(const struct dist *d, struct rng *s);

/* One draw of the time left in an interval of this distribution that is
 * already under way when observed at a random moment (the equilibrium
 * residual of a renewal process): a uniform share of a length-biased draw.
 * Its mean is E[X^2] / (2 E[X]). */
double dist_sample_residual(const struct dist *d, struct rng *s);

/* The same draw, and the interval's elapsed time (its age: the other share
 * of the same length-biased draw) into *age. The same random numbers as
 * dist_sample_residual, so the residual is the same. */
double dist_sample_residual_age(const struct dist *d, struct rng *s, double *age);

/* The time left in an interval of this distribution that has already lasted
 * `elapsed` (>= 0): a draw of D - elapsed with D conditional on D > elapsed,
 * by inversion of the survival function (one uniform u: S(D) = u S(elapsed)).
 * fixed: max(0, value - elapsed); uniform: U(max(min, elapsed), max) less
 * elapsed, 0 when elapsed >= max; empirical: a value > elapsed resampled
 * uniformly, less elapsed, 0 when there is none; weibull in closed form. Where
 * S(elapsed) underflows (beyond any real duration: lognormal and gamma
 * only) the time left is exponential with the tail's limiting hazard. */
double dist_sample_after(const struct dist *d, double elapsed, struct rng *s);

#endif
