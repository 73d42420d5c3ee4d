/* test_hazard.c — a hazard simulated by thinning (models/hazard.h).
 *
 * The law: the first event of a hazard with rate r(t), run by thinning,
 * falls at T with P(T > t) = exp(-L(t)), L(t) the integral of r over
 * [0, t] — the distribution the old exact integration (an Exp(1) threshold
 * against L) gave, whatever the bounds. Here r is a worker's: base rate x
 * pressure(load), the load piecewise constant along a fixed path that
 * changes every DT days (golden-ratio steps over [0, PATH_MAX): above the
 * overload cap one time in six), and the base rate raised then lowered (an
 * intervention). The driver keeps its bound as workers.c does: the rate at
 * the load bound (the overload cap, or the load when above it); a load
 * under it moves nothing; a load above it, or a base rate that raises the
 * bound, restarts the hazard from now; a lower base rate waits for the next
 * candidate, whose successor is drawn at the lower bound.
 *
 * With the path fixed, L is a closed form on each piece, so the law is
 * checked against the exact distribution, not against a second simulation:
 *   - L(T) ~ Exp(1), so U = 1 - exp(-L(T)) is uniform on (0, 1): the
 *     Kolmogorov-Smirnov distance of N draws must be under 1.9495 / sqrt(N),
 *     the asymptotic critical value at 0.1% (a false alarm once in 1,000
 *     seeds; the seed is fixed);
 *   - the mean of T within Z = 4 standard errors of E[T] = integral of
 *     exp(-L(t)) dt, the standard error from Var T = E[T^2] - E[T]^2, E[T^2]
 *     = integral of 2 t exp(-L(t)) dt (both exact piece by piece): a false
 *     alarm with probability ~6e-5;
 *   - the check has teeth: candidates were rejected, and restarts (a load
 *     above the bound, a raised base) happened, so every path of the
 *     algorithm ran; accepting every candidate instead (the bound taken for
 *     the rate: tests/mutants/hazard-accept-every-candidate.mut) gives a
 *     distance of 0.19, six times the critical value.
 * And the contract: at a candidate, a rate above the bound aborts. */
#include "models/hazard.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#define SEED 20261207
#define N 4000
#define Z 4.0
#define KS_CRIT 1.9495   /* Kolmogorov: P(sqrt(N) D_N > 1.9495) = 0.001 */

#define DT 0.37          /* days between changes of load */
#define PATH_MAX 18.0    /* loads along the path lie in [0, PATH_MAX) */
#define GOLDEN 0.6180339887498949
#define REF 10.0         /* pressure reference load */
#define GAIN 1.5
#define CAP 15.0         /* overload cap: the load bound in normal work */
#define N_STEPS 2
static const double STEP_AT[N_STEPS] = { 6.1, 14.3 };                /* days */
static const double BASE[N_STEPS + 1] = { 0.04, 0.10, 0.02 };       /* per day */
#define L_TAIL 60.0      /* exp(-60): the survival left out of E[T], E[T^2] */

enum { T_LOAD = 1, T_BASE = 2, T_CAND = 3 };

static double path(size_t k) { return PATH_MAX * fmod((double)k * GOLDEN, 1.0); }

struct drv {
    struct sim sim;
    struct rng rng;
    struct hazard h;
    cal_handle ev;
    double load, load_bound, base;
    bool fired;
    size_t candidates, restarts;
};

static double rate_at(const struct drv *d, double load) { return d->base * hazard_pressure(load, REF, GAIN); }

/* As workers.c's rebound: the bound at the load bound, restarted when it rises. */
static void rebound(struct drv *d)
{
    d->load_bound = fmax(CAP, d->load);
    double b = rate_at(d, d->load_bound);
    if (b > d->h.bound) {
        hazard_restart(&d->sim, &d->h, &d->rng, b, &d->ev, T_CAND, 0);
        d->restarts++;
    }
}

static void handle(struct sim *s, const struct cal_event *ev, void *arg)
{
    struct drv *d = arg;
    switch (ev->type) {
    case T_LOAD:
        d->load = path(ev->subject);
        sim_at(s, (double)(ev->subject + 1) * DT, T_LOAD, ev->subject + 1);
        if (d->load > d->load_bound)
            rebound(d);
        break;
    case T_BASE:
        d->base = BASE[ev->subject + 1];
        rebound(d);
        break;
    case T_CAND:
        d->ev = 0;
        d->candidates++;
        if (hazard_accept(&d->h, &d->rng, rate_at(d, d->load)))
            d->fired = true;
        else
            hazard_restart(s, &d->h, &d->rng, rate_at(d, d->load_bound), &d->ev, T_CAND, 0);
        break;
    default: fail();
    }
}

/* The time of the first event of replication i. */
static double first_event(struct drv *d, uint64_t i)
{
    sim_reset(&d->sim);
    rng_seed(&d->rng, rng_key(SEED, i, 0, 0));
    d->h.bound = 0;
    d->ev = 0;
    d->fired = false;
    d->load = path(0);
    d->base = BASE[0];
    sim_at(&d->sim, DT, T_LOAD, 1);
    for (uint32_t j = 0; j < N_STEPS; j++)
        sim_at(&d->sim, STEP_AT[j], T_BASE, j);
    rebound(d);
    while (!d->fired)
        assert_true(sim_step(&d->sim, handle, d));
    return d->sim.now;
}

/* The rate's pieces from 0, in order: f(t0, t1, rate, arg) for each until
 * it returns false (the same breakpoints the driver's events make). */
static void pieces(bool (*f)(double, double, double, void *), void *arg)
{
    size_t k = 0, j = 0;
    double t = 0;
    for (;;) {
        double load_end = (double)(k + 1) * DT, base_end = j < N_STEPS ? STEP_AT[j] : INFINITY;
        double end = fmin(load_end, base_end);
        if (!f(t, end, BASE[j] * hazard_pressure(path(k), REF, GAIN), arg))
            return;
        t = end;
        if (end == load_end)
            k++;
        if (end == base_end)
            j++;
    }
}

struct upto {
    double t, integral;
};

static bool add_upto(double t0, double t1, double r, void *arg)
{
    struct upto *u = arg;
    u->integral += r * (fmin(t1, u->t) - t0);
    return t1 < u->t;
}

/* L(t), exactly. */
static double integrated(double t)
{
    struct upto u = { t, 0 };
    pieces(add_upto, &u);
    return u.integral;
}

struct moments {
    double L, m1, m2;   /* L at the piece's start; E[T], E[T^2] so far */
};

/* On [a, b] at rate r, S(t) = c e^(-r (t - a)), c = exp(-L(a)), d = b - a,
 * E = e^(-r d): integral of S = c (1 - E) / r; of 2 t S = 2 c [a (1 - E) / r
 * + (1 - E (1 + r d)) / r^2]. */
static bool add_moments(double a, double b, double r, void *arg)
{
    struct moments *mo = arg;
    double c = exp(-mo->L), d = b - a, E = exp(-r * d);
    mo->m1 += c * (1 - E) / r;
    mo->m2 += 2 * c * (a * (1 - E) / r + (1 - E * (1 + r * d)) / (r * r));
    mo->L += r * d;
    return mo->L < L_TAIL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_thinning_gives_the_exact_distribution(void **state)
{
    (void)state;
    static double u[N];
    struct drv d = { 0 };
    sim_init(&d.sim, 16);
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        double t = first_event(&d, i);
        sum += t;
        u[i] = -expm1(-integrated(t));
    }
    sim_free(&d.sim);

    qsort(u, N, sizeof u[0], cmp_double);
    double dn = 0;
    for (size_t i = 0; i < N; i++)
        dn = fmax(dn, fmax((double)(i + 1) / N - u[i], u[i] - (double)i / N));
    double crit = KS_CRIT / sqrt((double)N);
    if (!(dn < crit))
        fail_msg("Kolmogorov-Smirnov distance %.4f of 1 - exp(-L(T)) from uniform, critical %.4f", dn, crit);

    struct moments mo = { 0, 0, 0 };
    pieces(add_moments, &mo);
    double mean = sum / N, se = sqrt((mo.m2 - mo.m1 * mo.m1) / N);
    if (!(fabs(mean - mo.m1) <= Z * se))
        fail_msg("mean time to the event %.4f days, exact %.4f +- %.4f (%g SE)", mean, mo.m1, Z * se, Z);

    /* every path ran: rejections, restarts beyond the N first ones */
    size_t rejected = d.candidates - N;
    printf("# KS distance %.4f (critical %.4f); mean %.4f days, exact %.4f, SE %.4f; %zu candidates for %d "
           "events (%.1f%% rejected), %zu restarts\n",
           dn, crit, mean, mo.m1, se, d.candidates, N, 100.0 * (double)rejected / (double)d.candidates, d.restarts);
    assert_true(rejected > N / 10);
    assert_true(d.restarts > 2 * (size_t)N);
}

/* The contract: the owner let its rate pass the bound, and the candidate
 * says so rather than under-sample the events. */
static void accept_over_bound(void *arg)
{
    struct hazard h = { .bound = 0.25 };
    (void)hazard_accept(&h, arg, 0.2500001);
}

static void test_rate_above_the_bound_aborts(void **state)
{
    (void)state;
    struct hazard h = { .bound = 0.25 };
    struct rng r;
    rng_seed(&r, SEED);
    assert_true(hazard_accept(&h, &r, 0.25));   /* at the bound: always */
    assert_false(hazard_accept(&h, &r, 0.0));   /* rate 0: never */
    assert_true(tu_dies(accept_over_bound, &r, "rate <= h->bound"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thinning_gives_the_exact_distribution),
        cmocka_unit_test(test_rate_above_the_bound_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
