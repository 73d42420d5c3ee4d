/* test_queue.c — the FIFO of indices (sim/queue.h).
 *
 * Law: after any sequence of pushes, pops and clears, the queue holds
 * exactly what a plain array with a moving front holds, in the same order,
 * whatever the wrap-around and growth of its ring buffer. */
#include "tests/testutil.h"

#include "sim/queue.h"
#include "sim/rng.h"

#include <stdlib.h>

static void test_fifo_order_across_growth(void **state)
{
    (void)state;
    struct queue q = { 0 };
    /* wrap first (push 40, pop 30), then grow while wrapped */
    for (uint32_t i = 0; i < 40; i++)
        queue_push(&q, 1000 + i);
    for (uint32_t i = 0; i < 30; i++)
        assert_int_equal(queue_pop(&q), 1000 + i);
    for (uint32_t i = 40; i < 300; i++)
        queue_push(&q, 1000 + i);
    assert_int_equal(q.n, 270);
    assert_int_equal(queue_at(&q, 0), 1030);
    assert_int_equal(queue_at(&q, 269), 1299);
    for (uint32_t i = 30; i < 300; i++)
        assert_int_equal(queue_pop(&q), 1000 + i);
    assert_int_equal(q.n, 0);
    queue_push(&q, 7);
    queue_clear(&q);
    assert_int_equal(q.n, 0);
    queue_free(&q);
    assert_null(q.buf);
    queue_free(&q); /* twice is harmless */
}

static void pop_empty(void *arg) { queue_pop(arg); }

static void test_pop_of_empty_aborts(void **state)
{
    (void)state;
    struct queue q = { 0 };
    assert_true(tu_dies(pop_empty, &q, "queue_pop"));
}

static void test_random_against_array(void **state)
{
    (void)state;
    enum { OPS = 200000, MAX = OPS };
    uint32_t *ref = malloc(MAX * sizeof *ref);
    assert_non_null(ref);
    size_t front = 0, back = 0; /* the reference holds ref[front..back) */
    struct queue q = { 0 };
    struct rng r;
    rng_seed(&r, rng_key(20261207u, 7, 3, 0));
    size_t pushes = 0, pops = 0, clears = 0;
    for (size_t op = 0; op < OPS; op++) {
        double u = rng_uniform(&r);
        size_t n = back - front;
        /* the length wanders between empty and a few hundred */
        double p_push = n < 200 ? 0.55 : 0.45;
        if (u < 0.0002) {
            queue_clear(&q);
            front = back;
            clears++;
        } else if (n == 0 || u < p_push) {
            uint32_t x = (uint32_t)rng_next(&r);
            queue_push(&q, x);
            ref[back++] = x;
            pushes++;
        } else {
            assert_int_equal(queue_pop(&q), ref[front++]);
            pops++;
        }
        assert_int_equal(q.n, back - front);
        if (op % 101 == 0)
            for (size_t i = 0; i < q.n; i++)
                assert_int_equal(queue_at(&q, i), ref[front + i]);
    }
    assert_true(pushes > 50000 && pops > 50000 && clears > 5);
    free(ref);
    queue_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_order_across_growth),
        cmocka_unit_test(test_pop_of_empty_aborts),
        cmocka_unit_test(test_random_against_array),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
