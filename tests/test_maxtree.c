/* test_maxtree.c — the max-tree (sim/maxtree.h).
 *
 * Law: after any sequence of inserts, removals and key changes, the tree's
 * best item and top key (for either key) are those of a linear scan over
 * the items in it, the leftmost (lowest slot) on ties, and its own
 * invariants (maxtree_check) hold. */
#include "tests/testutil.h"

#include "sim/check.h"
#include "sim/maxtree.h"
#include "sim/rng.h"

#include <stdlib.h>

/* ---- a few fixed cases ------------------------------------------------------ */

static void test_empty_tree_has_no_best(void **state)
{
    (void)state;
    struct maxtree t;
    maxtree_init(&t);
    assert_int_equal(maxtree_best(&t, false), MAXTREE_NONE);
    assert_int_equal(maxtree_best(&t, true), MAXTREE_NONE);
    assert_true(maxtree_top(&t, false) == -HUGE_VAL);
    size_t at;
    assert_null(maxtree_check(&t, &at));
    maxtree_free(&t);
}

static void test_best_per_key_and_leftmost_tie(void **state)
{
    (void)state;
    struct maxtree t;
    maxtree_init(&t);
    uint32_t s7 = maxtree_insert(&t, 7), s9 = maxtree_insert(&t, 9), s4 = maxtree_insert(&t, 4);
    assert_true(s7 < s9 && s9 < s4); /* lowest slots first */
    maxtree_set(&t, s7, 2.385, -1.5);
    maxtree_set(&t, s9, 1.25, 3.75);
    maxtree_set(&t, s4, 2.385, 3.75);
    assert_int_equal(maxtree_best(&t, false), 7);  /* tie on a: the lower slot */
    assert_int_equal(maxtree_best(&t, true), 9);   /* tie on b: the lower slot */
    assert_true(maxtree_top(&t, false) == 2.385 && maxtree_top(&t, true) == 3.75);
    maxtree_remove(&t, s7);
    assert_int_equal(maxtree_best(&t, false), 4);
    /* the freed slot is handed out again first */
    assert_int_equal(maxtree_insert(&t, 11), s7);
    assert_true(maxtree_leaf(&t, s7).a == -HUGE_VAL);
    maxtree_clear(&t);
    assert_int_equal(maxtree_best(&t, false), MAXTREE_NONE);
    maxtree_free(&t);
}

static void remove_free_slot(void *arg)
{
    struct maxtree *t = arg;
    maxtree_remove(t, 3);
}

static void test_remove_of_a_free_slot_aborts(void **state)
{
    (void)state;
    struct maxtree t;
    maxtree_init(&t);
    assert_true(tu_dies(remove_free_slot, &t, "maxtree_remove"));
    maxtree_free(&t);
}

/* A broken inner node is reported by the check. */
static void test_check_sees_a_stale_node(void **state)
{
    (void)state;
    struct maxtree t;
    maxtree_init(&t);
    uint32_t s = maxtree_insert(&t, 5);
    maxtree_set(&t, s, 4.5, 6.25);
    t.node[0].a = 9.0;
    size_t at = 99;
    assert_non_null(maxtree_check(&t, &at));
    assert_int_equal(at, 0);
    maxtree_free(&t);
}

/* ---- out of memory ------------------------------------------------------------ */

/* The sanitizers' allocator reports a request this large itself (and aborts
 * before check.h can): the law is checked in the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
#define TU_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_ASAN 1
#endif
#endif

#ifndef TU_ASAN
static void alloc_huge(void *arg)
{
    (void)arg;
    void *p = check_aligned_alloc(64, SIZE_MAX / 2);
    free(p);
}

static void alloc_huge_malloc(void *arg)
{
    (void)arg;
    void *p = check_malloc(SIZE_MAX / 2);
    free(p);
}
#endif

/* The one out-of-memory policy (sim/check.h): an allocation that fails
 * aborts with a message naming the size, never returns NULL. */
static void test_out_of_memory_aborts_with_a_message(void **state)
{
    (void)state;
#ifdef TU_ASAN
    skip();
#else
    assert_true(tu_dies(alloc_huge, NULL, "out of memory"));
    assert_true(tu_dies(alloc_huge_malloc, NULL, "out of memory"));
#endif
}

/* ---- randomized comparison with a linear scan ------------------------------- */

struct ref_item {
    uint32_t x, slot;
    double a, b;
};

/* The reference: the item of largest key (a, or b when second), lowest slot
 * on ties; its index in R, or n when every key is -inf. */
static size_t ref_best(const struct ref_item *R, size_t n, bool second, double *top)
{
    size_t best = n;
    double v = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        double k = second ? R[i].b : R[i].a;
        if (k > v || (k == v && k != -HUGE_VAL && R[i].slot < R[best].slot)) {
            v = k;
            best = i;
        }
    }
    *top = v;
    return best;
}

/* A key on a coarse grid, so that many tie; now and then -inf (a worker off
 * sick). */
static double draw_key(struct rng *r)
{
    if (rng_uniform(r) < 0.1)
        return -HUGE_VAL;
    return floor(rng_uniform(r) * 40.0) / 4.0 - 3.0;
}

static void test_random_against_linear_scan(void **state)
{
    (void)state;
    enum { OPS = 60000, MAX = 3000 };
    struct maxtree t;
    maxtree_init(&t);
    struct ref_item *R = calloc(MAX, sizeof *R);
    assert_non_null(R);
    size_t n = 0;
    struct rng r;
    rng_seed(&r, rng_key(20261207u, 4, 1, 0));
    uint32_t next_x = 0;
    size_t inserts = 0, removes = 0, sets = 0, clears = 0;
    for (size_t op = 0; op < OPS; op++) {
        double u = rng_uniform(&r);
        /* The size wanders around a few hundred, so the tree grows past
         * several levels and shrinks back, reusing slots. */
        double p_insert = n < 300 ? 0.45 : 0.3;
        if (u < 0.0005) {
            maxtree_clear(&t);
            n = 0;
            clears++;
        } else if (n == 0 || (u < p_insert && n < MAX)) {
            uint32_t slot = maxtree_insert(&t, next_x);
            for (size_t i = 0; i < n; i++)
                assert_int_not_equal(R[i].slot, slot);
            R[n++] = (struct ref_item){ next_x++, slot, -HUGE_VAL, -HUGE_VAL };
            inserts++;
        } else if (u < p_insert + 0.15) {
            size_t i = (size_t)(rng_next(&r) % n);
            maxtree_remove(&t, R[i].slot);
            R[i] = R[--n];
            removes++;
        } else {
            size_t i = (size_t)(rng_next(&r) % n);
            R[i].a = draw_key(&r);
            R[i].b = draw_key(&r);
            maxtree_set(&t, R[i].slot, R[i].a, R[i].b);
            sets++;
        }
        assert_int_equal(t.used, n);
        for (int second = 0; second < 2; second++) {
            double top;
            size_t b = ref_best(R, n, second, &top);
            assert_true(maxtree_top(&t, second) == top);
            uint32_t want = b == n ? MAXTREE_NONE : R[b].x;
            uint32_t got = maxtree_best(&t, second);
            if (got != want)
                fail_msg("op %zu, key %d: best %u, linear scan %u", op, second, got, want);
        }
        if (op % 97 == 0) {
            size_t at;
            const char *why = maxtree_check(&t, &at);
            if (why)
                fail_msg("op %zu: %s (at %zu)", op, why, at);
            for (size_t i = 0; i < n; i++) {
                struct maxnode leaf = maxtree_leaf(&t, R[i].slot);
                assert_true(leaf.a == R[i].a && leaf.b == R[i].b);
            }
        }
    }
    /* Every kind of operation was exercised many times. */
    assert_true(inserts > 5000 && removes > 5000 && sets > 5000 && clears > 5);
    assert_true(t.cap >= 256); /* grown past the first few leaves */
    free(R);
    maxtree_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_tree_has_no_best),
        cmocka_unit_test(test_best_per_key_and_leftmost_tie),
        cmocka_unit_test(test_remove_of_a_free_slot_aborts),
        cmocka_unit_test(test_check_sees_a_stale_node),
        cmocka_unit_test(test_random_against_linear_scan),
        cmocka_unit_test(test_out_of_memory_aborts_with_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
