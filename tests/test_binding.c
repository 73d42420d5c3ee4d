/* test_binding.c — the links between cases and workers (models/binding.h).
 *
 * Laws: a worker's list holds exactly the cases attached to it and not
 * detached, newest first; n_cases counts it; load is the sum of their
 * weights, and exactly 0 once the list is empty whatever the rounding; a
 * change of hands is counted only when a case goes to a worker other than
 * the one who last held it; a worker may hold a case when its grade is
 * eligible and the load stays within the cap up to MODEL_LOAD_EPS. Driven
 * on the white-box fixture after its run, the model's own cases detached
 * first, so the test owns every link. */
#include "tests/testutil.h"

#include "models/binding.h"
#include "models/metrics.h"
#include "models/pathway.h"
#include "models/replication.h"
#include "sim/check.h"

#include <stdlib.h>

#define FIXTURE "tests/scenarios/white.cfg"
#define SEED 20261207

struct world {
    struct scenario *sc;
    struct result_layout l;
    struct rep_result out;
    struct model *m;
    uint32_t w1, w2;     /* two workers at work, holding nothing */
    uint32_t c[3];       /* three cases in stage 0, held by nobody */
};

static void world_open(struct world *W)
{
    W->sc = tu_load(FIXTURE, NULL, 0);
    metrics_layout(W->sc, &W->l);
    rep_result_alloc(&W->out, &W->l);
    W->m = model_create(W->sc);
    assert_int_equal(model_run(W->m, SEED, 0, &W->l, &W->out, NULL), 0);
    struct model *m = W->m;
    size_t n = 0;
    uint32_t ws[2];
    for (uint32_t w = 0; w < m->n_worker_slots; w++) {
        while (m->w[w].status != W_FREE && m->w[w].first_case != MODEL_NONE)
            binding_detach(m, m->w[w].first_case);
        if (m->w[w].status == W_AT_WORK && n < 2)
            ws[n++] = w;
    }
    assert_int_equal(n, 2);
    W->w1 = ws[0];
    W->w2 = ws[1];
    for (int k = 0; k < 3; k++) {
        W->c[k] = pathway_new_case(m, 0xB1D0 + (uint64_t)k);
        m->cases[W->c[k]].stage = 0;
    }
}

static void world_close(struct world *W)
{
    model_destroy(W->m);
    rep_result_free(&W->out);
    result_layout_free(&W->l);
    scenario_free(W->sc);
}

static void test_lists_counts_and_loads(void **state)
{
    (void)state;
    struct world W;
    world_open(&W);
    struct model *m = W.m;
    double *weight = &m->pv[m->sc->stage[0].p_weight];
    *weight = 0.1; /* 0.1 + 0.1 + 0.1 - 0.1 - 0.1 - 0.1 is not 0 in binary */
    for (int k = 0; k < 3; k++)
        binding_attach(m, W.c[k], W.w1);
    const struct worker *w = &m->w[W.w1];
    assert_int_equal(w->n_cases, 3);
    assert_int_equal(w->first_case, W.c[2]); /* newest first */
    assert_int_equal(m->cases[W.c[2]].next, W.c[1]);
    assert_int_equal(m->cases[W.c[1]].next, W.c[0]);
    assert_int_equal(m->cases[W.c[0]].next, MODEL_NONE);
    assert_int_equal(m->cases[W.c[0]].prev, W.c[1]);
    assert_int_equal(m->cases[W.c[1]].state, CASE_ALLOCATED);
    TU_ASSERT_WITHIN(w->load, 0.3, 1e-12);

    /* out of the middle */
    assert_int_equal(binding_detach(m, W.c[1]), W.w1);
    assert_int_equal(m->cases[W.c[2]].next, W.c[0]);
    assert_int_equal(m->cases[W.c[0]].prev, W.c[2]);
    assert_int_equal(m->cases[W.c[1]].worker, MODEL_NONE);
    assert_int_equal(w->n_cases, 2);

    /* a heavier stage for one case, then the load recounted at new weights */
    binding_reweigh(m, W.c[0], 1.385);
    TU_ASSERT_WITHIN(w->load, 1.585, 1e-12);
    *weight = 2.5;
    binding_recount(m, W.w1);
    assert_true(w->load == 5.0);

    /* emptied: exactly 0, not the rounding residue of 0.2 + 0.7 - 0.45 -
     * 0.45 (about -1e-16) */
    *weight = 0.1;
    binding_recount(m, W.w1);
    binding_reweigh(m, W.c[0], 0.7);
    *weight = 0.45;
    assert_true(w->load - 0.45 - 0.45 != 0.0);
    binding_detach(m, W.c[2]);
    binding_detach(m, W.c[0]);
    assert_int_equal(w->n_cases, 0);
    assert_int_equal(w->first_case, MODEL_NONE);
    assert_true(w->load == 0.0);
    world_close(&W);
}

static void test_changes_of_hands(void **state)
{
    (void)state;
    struct world W;
    world_open(&W);
    struct model *m = W.m;
    uint32_t c = W.c[0];
    binding_attach(m, c, W.w1);      /* first worker: no change */
    binding_detach(m, c);
    binding_attach(m, c, W.w1);      /* handed back to the same worker */
    assert_int_equal(m->cases[c].changes, 0);
    binding_detach(m, c);
    binding_attach(m, c, W.w2);      /* another worker */
    assert_int_equal(m->cases[c].changes, 1);
    binding_detach(m, c);
    binding_attach(m, c, W.w1);      /* and back: that is a change too */
    assert_int_equal(m->cases[c].changes, 2);
    assert_int_equal(m->cases[c].last_holder, m->w[W.w1].id);
    binding_detach(m, c);
    world_close(&W);
}

static void test_fits_at_the_cap(void **state)
{
    (void)state;
    struct world W;
    world_open(&W);
    struct model *m = W.m;
    struct scenario *sc = W.sc;
    const struct worker *w = &m->w[W.w1];
    binding_attach(m, W.c[0], W.w1);
    double room = w->cap - w->load;
    assert_true(room > 0);
    assert_true(binding_fits(m, W.w1, 0, room));
    assert_true(binding_fits(m, W.w1, 0, room + MODEL_LOAD_EPS / 2));
    assert_false(binding_fits(m, W.w1, 0, room + 1e-6));
    /* a grade the stage does not list may hold none of it, room or not */
    sc->stage[0].eligible[w->grade] = false;
    assert_false(binding_eligible(m, 0, w->grade));
    assert_false(binding_fits(m, W.w1, 0, 0));
    sc->stage[0].eligible[w->grade] = true;
    binding_detach(m, W.c[0]);
    world_close(&W);
}

static void detach_unheld(void *arg)
{
    struct world *W = arg;
    binding_detach(W->m, W->c[0]);
}

static void test_detach_of_an_unheld_case_aborts(void **state)
{
    (void)state;
    struct world W;
    world_open(&W);
    assert_true(tu_dies(detach_unheld, &W, "binding_detach"));
    world_close(&W);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_counts_and_loads),
        cmocka_unit_test(test_changes_of_hands),
        cmocka_unit_test(test_fits_at_the_cap),
        cmocka_unit_test(test_detach_of_an_unheld_case_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
