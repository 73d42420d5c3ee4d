/* estim.h — generic estimators: counts, durations, proportions, rates.
 *
 * Nothing here knows of social work: the mapping from records to scenario
 * parameters lives in fit/fitmap.c. Every interval is at ESTIM_LEVEL (95%).
 * Numerics are GSL's (gsl_multifit for the Poisson regression's weighted
 * least-squares steps, gsl_multimin for the likelihoods without a closed
 * form, gsl_cdf and gsl_sf for distributions).
 *
 * Durations are given grouped (struct estim_surv): each distinct time with
 * the number of events (ended there) and of right-censored observations
 * (still running there). A million episodes of whole days are a few
 * thousand groups, so a likelihood costs the number of distinct times, not
 * of records. Times must be > 0 (fit/fitmap.c counts a same-day episode as
 * half a day). */
#ifndef FIT_ESTIM_H
#define FIT_ESTIM_H

#include "sim/dist.h"

#include <stdbool.h>
#include <stddef.h>

#define ESTIM_LEVEL 0.95
/* The two-sided normal quantile for ESTIM_LEVEL. */
#define ESTIM_Z 1.959963984540054

/* ---- Poisson regression (log link) --------------------------------------- */

/* Fit log E[y_i] = offset_i + sum_j x[i*p + j] beta_j by iteratively
 * reweighted least squares (Fisher scoring, the canonical link: Newton).
 * y_i >= 0 counts, n >= p, offset may be NULL (zero). On success beta[p]
 * holds the estimates and cov[p*p] (row-major) the inverse of the Fisher
 * information at them, so se_j = sqrt(cov[j*p + j]); *deviance the residual
 * deviance. Returns false when X is rank deficient or the iterations do not
 * converge (beta and cov then undefined). */
bool estim_poisson(const double *x, const double *y, const double *offset, size_t n, size_t p,
                   double *beta, double *cov, double *deviance);

/* ---- right-censored durations --------------------------------------------- */

struct estim_surv {
    const double *t;        /* distinct times, > 0, ascending */
    const double *events;   /* events (ended) at t[i] */
    const double *censored; /* still running at t[i] (right-censored) */
    size_t n;
};

/* Total events and total observations in s. */
double estim_surv_events(const struct estim_surv *s);
double estim_surv_total(const struct estim_surv *s);

struct estim_dur {
    enum dist_kind kind;    /* exponential, lognormal, gamma or weibull */
    bool ok;                /* fitted (enough events, the optimiser converged) */
    double loglik, aic;     /* AIC = 2 k - 2 loglik */
    size_t k;               /* free parameters: 1 (exponential) or 2 */
    double theta[2];        /* internal parameters (see estim.c) */
    double cov[4];          /* their covariance (observed information^-1) */
    double mean, sd;        /* implied mean and sd (sd = mean for exponential) */
    double se_mean, se_sd;  /* by the delta method */
    double cov_log[4];      /* covariance of (log mean, log sd) by the delta method
                             * (exponential: [0] only, the variance of log mean) */
};

/* The families estim_duration fits: every duration family of sim/dist.h
 * with a likelihood. fixed, uniform and empirical are not fitted (fixed and
 * uniform have no density on all of t > 0 to compare by AIC, empirical is
 * the data itself). */
#define ESTIM_N_FAMILIES 4
extern const enum dist_kind estim_families[ESTIM_N_FAMILIES];

/* Maximum likelihood for family kind from right-censored data: the
 * exponential in closed form (mean = total time / events), the others by
 * gsl_multimin (Nelder–Mead on log-scale parameters, started from the
 * lognormal's moment fit), standard errors from the observed information
 * (the Hessian of the log likelihood by central differences) and the delta
 * method. Needs at least 2 events (1 for the exponential); otherwise
 * out->ok is false. */
void estim_duration(const struct estim_surv *s, enum dist_kind kind, struct estim_dur *out);

/* Fit every family of estim_families into out[ESTIM_N_FAMILIES] and return
 * the index of the one with the lowest AIC, or -1 when none could be
 * fitted. */
int estim_duration_best(const struct estim_surv *s, struct estim_dur out[ESTIM_N_FAMILIES]);

/* The survival function P(D > t) of a fitted family. */
double estim_dur_survival(const struct estim_dur *d, double t);

/* Kaplan–Meier: surv[i] = the estimate of P(D > t[i]) just after t[i] for
 * each group of s, se[i] its Greenwood standard error (se may be NULL).
 * Censored observations at t[i] count as at risk at t[i]. */
void estim_kaplan_meier(const struct estim_surv *s, double *surv, double *se);

/* A mixture of two exponentials, (1 - q) Exp(mean short) + q Exp(mean long),
 * short <= long, fitted by maximum likelihood to right-censored data
 * (gsl_multimin on logit q, log short, log long), with standard errors from
 * the observed information. Needs at least 3 events and two distinct times;
 * false otherwise or when the optimiser does not converge. */
struct estim_mix {
    double q, short_mean, long_mean;
    double se_q, se_short, se_long;
    double cov[9];          /* covariance of (logit q, log short, log long), row-major */
    double loglik;
};
bool estim_exp_mixture(const struct estim_surv *s, struct estim_mix *out);

/* The same mixture fitted to whole-day counts: an event at t (a whole
 * number >= 1) is a duration X recorded as L = max(1, floor(U + X)) = t
 * days, U uniform on [0, 1) (the time of day it began: a count of the days
 * from the day it began to the day it ended, and at least one), and a
 * censored observation at t says L > t. The count is an interval-censored
 * observation of X: P(L >= d) = E[P(X >= d - U)], for an exponential of
 * mean a exp(-d / a) a (e^(1/a) - 1) when d >= 2. */
bool estim_exp_mixture_days(const struct estim_surv *s, struct estim_mix *out);

/* ---- proportions and rates ------------------------------------------------ */

/* k successes in n trials (n >= 1): p = k / n, se = sqrt(p (1 - p) / n),
 * Wilson's score interval (output/stats.c's stats_wilson). */
void estim_proportion(double k, double n, double *p, double *se, double *lo, double *hi);

/* k events over exposure e (> 0): rate k / e, se sqrt(k) / e, and the exact
 * Poisson (Garwood) interval chi2(a/2; 2k)/2e .. chi2(1 - a/2; 2k + 2)/2e
 * (0 below when k = 0). */
void estim_rate(double k, double e, double *rate, double *se, double *lo, double *hi);

/* Mean of x[0..n) (n >= 1) with its standard error s / sqrt(n) (0 when
 * n = 1) and the Student t interval. */
void estim_mean(const double *x, size_t n, double *mean, double *se, double *lo, double *hi);

#endif
