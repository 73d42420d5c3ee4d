/* test_workers.c — workers' sickness.
 *
 *   - day 0 is drawn from the stationary state of the sickness process: the
 *     share of FTE-days lost in the first month equals the settled share
 *     (months 7 to 24) and the theoretical E[off] / (E[on] + E[off]), each
 *     within four standard errors of the difference (estimated from the
 *     spread across replications: a false alarm about once in 16,000 seeds;
 *     a start with everybody at work loses about half as much in month 1,
 *     some 15 standard errors away). tests/scenarios/sickness.cfg. */
#include "models/scenario.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#define SEED 31337
#define REPS 40
#define Z 4.0
#define SETTLED_FROM 6   /* month 7: episodes started at day 0 are long over */
#define DAYS_PER_YEAR 365.25

struct moments {
    double n, mean, m2;   /* Welford */
};

static void add(struct moments *s, double x)
{
    s->n++;
    double d = x - s->mean;
    s->mean += d / s->n;
    s->m2 += d * (x - s->mean);
}

/* Standard error of the mean. */
static double se(const struct moments *s) { return sqrt(s->m2 / (s->n - 1) / s->n); }

static void test_day0_sickness_is_stationary(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/sickness.cfg", NULL, 0);
    double rate = sc->reg.p[sc->p_sick_rate].value / DAYS_PER_YEAR;
    double q = sc->reg.p[sc->p_sick_long_share].value;
    double off = (1 - q) * sc->reg.p[sc->p_sick_short_mean].value + q * sc->reg.p[sc->p_sick_long_mean].value;
    double theory = off / (1 / rate + off);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    size_t m = tu_metric(&r, "sickness_rate");
    struct moments first = { 0 }, settled = { 0 };
    for (size_t i = 0; i < r.n; i++) {
        add(&first, tu_value(&r, i, 0, m));
        double sum = 0;
        for (size_t p = SETTLED_FROM; p < r.layout.n_periods; p++)
            sum += tu_value(&r, i, p, m);
        add(&settled, sum / (double)(r.layout.n_periods - SETTLED_FROM));
    }
    double tol_settled = Z * sqrt(se(&first) * se(&first) + se(&settled) * se(&settled));
    double tol_theory = Z * se(&first);
    if (!(fabs(first.mean - settled.mean) <= tol_settled))
        fail_msg("sickness in month 1 %.5f, settled %.5f: differ by more than %.5f", first.mean, settled.mean,
                 tol_settled);
    if (!(fabs(first.mean - theory) <= tol_theory))
        fail_msg("sickness in month 1 %.5f, stationary E[off]/(E[on]+E[off]) = %.5f: differ by more than %.5f",
                 first.mean, theory, tol_theory);
    tu_reps_free(&r);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day0_sickness_is_stationary),
    };
    return cmocka_run_group_tests_name("workforce", tests, NULL, NULL);
}
