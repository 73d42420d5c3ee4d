/* test_pathway.c — how cases move between workers.
 *
 *   - worker_changes_per_closed_case counts changes of worker: a case handed
 *     back to the queue and allocated again to the worker who held it has
 *     not changed hands (tests/scenarios/one-worker.cfg: with one worker,
 *     no case ever changes hands, however often cases go back to the queue). */
#include "models/scenario.h"
#include "tests/testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#define SEED 8191
#define REPS 8

static void test_return_to_same_worker_is_no_change(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/one-worker.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    size_t k_changes = tu_kpi(&r, "worker_changes_per_closed_case");
    size_t k_realloc = tu_kpi(&r, "reallocations_total"), k_closed = tu_kpi(&r, "closed_total");
    double reallocated = 0;
    for (size_t i = 0; i < r.n; i++) {
        const double *k = r.rep[i].kpi;
        reallocated += k[k_realloc];
        assert_true(k[k_closed] > 0);
        if (k[k_changes] != 0)
            fail_msg("replication %zu: %g worker changes per closed case with one worker (%g reallocations)",
                     i + 1, k[k_changes], k[k_realloc]);
    }
    assert_true(reallocated > 0);   /* cases did go back to the queue: the rule was exercised */
    tu_reps_free(&r);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_to_same_worker_is_no_change),
    };
    return cmocka_run_group_tests_name("pathway", tests, NULL, NULL);
}
