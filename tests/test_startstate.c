/* test_startstate.c — the starting state observed in a council's records
 * (open_elapsed_days, open_waiting_days in a stage; docs/fitting.md).
 *
 *   - the loader takes the arrays, defaults `initial` to their total and
 *     refuses, at FILE:LINE: PATH, a disagreeing `initial` and any element
 *     that is not a number of days from 0 up (exit 2 from the program);
 *   - the model starts the allocated cases with the rest of their time in
 *     stage (a fixed 30 days less the days already spent) and queues the
 *     waiting ones behind them, the one waiting longest first, with their
 *     waits counted from before day 0 (tests/scenarios/observed.cfg, where
 *     every time is exact). The law of the conditional draw itself is in
 *     test_dist.c; that results without the arrays do not change is
 *     test_golden's. */
#include "models/metrics.h"
#include "models/model.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "tests/testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define FIXTURE "tests/scenarios/observed.cfg"
#define ELAPSED_LINE "open_elapsed_days = [ 10.5, 25.0 ];"

/* The fixture's text with `from` replaced by `to`, loaded; the problems
 * printed into *msgs (malloc'd). */
static struct scenario *load_variant(const char *from, const char *to, char **msgs)
{
    char *text = tu_read(FIXTURE, NULL);
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *v = malloc(n);
    assert_non_null(v);
    snprintf(v, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load_text(v, "observed.cfg", "tests/scenarios", NULL, 0, &d);
    size_t size;
    FILE *f = open_memstream(msgs, &size);
    diag_print(&d, f, "caseload");
    fclose(f);
    diag_free(&d);
    free(v);
    free(text);
    return sc;
}

static void test_initial_is_the_observed_total(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(FIXTURE, NULL, 0);
    const struct stage_spec *st = &sc->stage[0];
    assert_true(st->observed);
    assert_int_equal(st->n_open_elapsed, 2);
    assert_int_equal(st->n_open_waiting, 2);
    assert_true(sc->reg.p[st->p_initial].value == 4.0);
    scenario_free(sc);
    /* given and equal: accepted */
    char *msgs;
    sc = load_variant(ELAPSED_LINE, ELAPSED_LINE " initial = 4;", &msgs);
    assert_non_null(sc);
    scenario_free(sc);
    free(msgs);
}

static void test_disagreeing_initial_is_refused(void **state)
{
    (void)state;
    char *msgs;
    struct scenario *sc = load_variant(ELAPSED_LINE, ELAPSED_LINE " initial = 3;", &msgs);
    assert_null(sc);
    tu_assert_contains(msgs, "observed.cfg:16: pathway.stages.work.initial: 3, but open_elapsed_days and "
                             "open_waiting_days list 4 open cases");
    free(msgs);
}

static void test_bad_elements_are_refused_by_index(void **state)
{
    (void)state;
    char *msgs;
    struct scenario *sc = load_variant("[ 10.5, 25.0 ]", "[ 10.5, -2.25 ]", &msgs);
    assert_null(sc);
    tu_assert_contains(msgs, "observed.cfg:16: pathway.stages.work.open_elapsed_days[1]: is -2.25 (allowed: days");
    free(msgs);
    sc = load_variant("open_waiting_days = [ 3.0, 17.0 ]", "open_waiting_days = 3.0", &msgs);
    assert_null(sc);
    tu_assert_contains(msgs, "observed.cfg:17: pathway.stages.work.open_waiting_days");
    free(msgs);
    /* and the program says so with exit status 2 */
    char *dir = tu_tmpdir();
    char *text = tu_read(FIXTURE, NULL);
    char *at = strstr(text, "17.0 ]");
    assert_non_null(at);
    memcpy(at, "1e99 ]", 6);
    char *path = tu_write(dir, "bad.cfg", text);
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "check", path, NULL), 2);
    tu_assert_contains(err, "bad.cfg:17: pathway.stages.work.open_waiting_days[1]: is 1e+99");
    free(err);
    free(path);
    free(text);
    tu_rmtree(dir);
    free(dir);
}

/* ---- the run, event by event ---------------------------------------------- */

#define MAX_EVENTS 64

struct seen {
    struct trace_event ev[MAX_EVENTS];
    size_t n;
};

static void note(void *arg, const struct trace_event *e)
{
    struct seen *s = arg;
    if (s->n < MAX_EVENTS)
        s->ev[s->n++] = *e;
}

/* The case slot whose stage started at t0, from the events. */
static uint32_t case_started_at(const struct seen *s, double t0)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->ev[i].kind == TRACE_STAGE_START && s->ev[i].t0 == t0)
            return s->ev[i].subject;
    fail_msg("no case entered its stage at day %g", t0);
    return 0;
}

/* The time of the first event of kind about case c, or -1. */
static double when(const struct seen *s, enum trace_kind kind, uint32_t c)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->ev[i].kind == kind && s->ev[i].subject == c)
            return s->ev[i].t;
    return -1;
}

static void test_observed_cases_run_their_course(void **state)
{
    (void)state;
    struct scenario *sc = tu_load(FIXTURE, NULL, 0);
    struct result_layout l;
    metrics_layout(sc, &l);
    struct rep_result out;
    rep_result_alloc(&out, &l);
    struct model *m = model_create(sc);
    struct seen seen = { .n = 0 };
    struct trace tr = { note, &seen };
    m->trace = &tr;
    assert_int_equal(model_run(m, 4243, 0, &l, &out, NULL), 0);
    uint32_t e25 = case_started_at(&seen, -25.0), e10 = case_started_at(&seen, -10.5);
    uint32_t w17 = case_started_at(&seen, -17.0), w3 = case_started_at(&seen, -3.0);
    /* allocated at day 0; 30 days in stage less those already spent */
    assert_true(when(&seen, TRACE_ALLOCATED, e25) == 0.0);
    assert_true(when(&seen, TRACE_ALLOCATED, e10) == 0.0);
    TU_ASSERT_WITHIN(when(&seen, TRACE_STAGE_END, e25), 5.0, 1e-9);
    TU_ASSERT_WITHIN(when(&seen, TRACE_STAGE_END, e10), 19.5, 1e-9);
    /* the longest waiting takes the first place, then a fresh 30 days */
    TU_ASSERT_WITHIN(when(&seen, TRACE_ALLOCATED, w17), 5.0, 1e-9);
    TU_ASSERT_WITHIN(when(&seen, TRACE_ALLOCATED, w3), 19.5, 1e-9);
    TU_ASSERT_WITHIN(when(&seen, TRACE_STAGE_END, w17), 35.0, 1e-9);
    TU_ASSERT_WITHIN(when(&seen, TRACE_STAGE_END, w3), 49.5, 1e-9);
    /* waits counted from before day 0: beyond the 10-day threshold, the
     * 17-day wait from day 0 (its threshold passed before) to 5, the 3-day
     * one from day 7 to 19.5 */
    long k = result_kpi_index(&l, "child_days_over_threshold");
    assert_true(k >= 0);
    TU_ASSERT_WITHIN(out.kpi[k], 5.0 + 12.5, 1e-9);
    model_destroy(m);
    rep_result_free(&out);
    result_layout_free(&l);
    scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initial_is_the_observed_total),
        cmocka_unit_test(test_disagreeing_initial_is_refused),
        cmocka_unit_test(test_bad_elements_are_refused_by_index),
        cmocka_unit_test(test_observed_cases_run_their_course),
    };
    return cmocka_run_group_tests_name("startstate", tests, NULL, NULL);
}
