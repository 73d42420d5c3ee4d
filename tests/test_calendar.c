/* test_calendar.c — the event calendar (sim/calendar.h) and the event loop
 * over it (sim/sim.h). */
#include "tests/testutil.h"

#include "sim/calendar.h"
#include "sim/rng.h"
#include "sim/sim.h"

#include <stdlib.h>

/* ---- helpers ---------------------------------------------------------------- */

static struct cal_event pop_one(struct calendar *c)
{
    struct cal_event ev = { 0 };
    assert_true(calendar_pop(c, &ev));
    return ev;
}

/* A time in [0, 250) on a grid of quarters, so that many draws tie. */
static double tied_time(struct rng *r) { return floor(rng_uniform(r) * 1000.0) / 4.0; }

/* ---- order ----------------------------------------------------------------- */

static void test_pop_order_by_time(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(4);
    assert_non_null(c);
    const double t[] = { 12.385, 3.25, 7.5, 0.125, 99.0, 41.7, 7.49 };
    const size_t n = sizeof t / sizeof t[0];
    for (size_t i = 0; i < n; i++)
        calendar_push(c, t[i], 10 + (uint32_t)i, 100 + (uint32_t)i);
    assert_int_equal(calendar_size(c), n);
    assert_true(calendar_peek_time(c) == 0.125);

    const uint32_t want[] = { 3, 1, 6, 2, 0, 5, 4 }; /* indices of t sorted */
    for (size_t k = 0; k < n; k++) {
        struct cal_event ev = pop_one(c);
        assert_true(ev.time == t[want[k]]);
        assert_int_equal(ev.type, 10 + want[k]);
        assert_int_equal(ev.subject, 100 + want[k]);
        assert_int_equal(ev.seq, want[k]);
    }
    struct cal_event ev = { 0 };
    assert_false(calendar_pop(c, &ev));
    assert_int_equal(calendar_size(c), 0);
    assert_true(isinf(calendar_peek_time(c)) && calendar_peek_time(c) > 0);
    calendar_destroy(c);
    calendar_destroy(NULL);
}

static void test_ties_in_push_order(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    /* Interleave two tied times so that heap order alone would not do. */
    for (uint32_t i = 0; i < 40; i++)
        calendar_push(c, i % 2 ? 5.5 : 2.75, i % 2, i);
    for (uint32_t k = 0; k < 40; k++) {
        struct cal_event ev = pop_one(c);
        uint32_t expect = k < 20 ? 2 * k : 2 * (k - 20) + 1;
        assert_int_equal(ev.subject, expect);
        assert_true(ev.time == (k < 20 ? 2.75 : 5.5));
    }
    calendar_destroy(c);
}

static void test_move_takes_fresh_sequence(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    cal_handle a = calendar_push(c, 4.5, 0, 1);   /* seq 0 */
    calendar_push(c, 4.5, 0, 2);                  /* seq 1 */
    calendar_push(c, 4.5, 0, 3);                  /* seq 2 */
    /* Moving a to the same time puts it behind the others at 4.5. */
    calendar_move(c, a, 4.5);                     /* seq 3 */
    assert_true(calendar_pending(c, a));
    /* Moved earlier onto a tie: behind everything already at 4.5. */
    cal_handle d = calendar_push(c, 9.0, 0, 4);   /* seq 4 */
    calendar_move(c, d, 4.5);                     /* seq 5 */
    /* Moved later onto a tie: likewise. */
    cal_handle e = calendar_push(c, 1.0, 0, 5);   /* seq 6 */
    calendar_move(c, e, 4.5);                     /* seq 7 */
    const uint32_t order[] = { 2, 3, 1, 4, 5 };
    const uint64_t seq[] = { 1, 2, 3, 5, 7 };
    for (size_t k = 0; k < 5; k++) {
        struct cal_event ev = pop_one(c);
        assert_int_equal(ev.subject, order[k]);
        assert_int_equal(ev.seq, seq[k]);
        assert_true(ev.time == 4.5);
    }
    calendar_destroy(c);
}

static void test_move_earlier_and_later(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    cal_handle h[8];
    for (uint32_t i = 0; i < 8; i++)
        h[i] = calendar_push(c, 10.0 + 1.5 * i, 0, i);
    calendar_move(c, h[6], 1.25);   /* last-but-one to the front */
    calendar_move(c, h[0], 30.75);  /* front to the back */
    calendar_move(c, h[3], 14.0);   /* a little later, past h[2] (13.0) */
    calendar_move(c, h[5], 11.0);   /* a little earlier, before h[2] */
    assert_true(calendar_peek_time(c) == 1.25);
    const uint32_t order[] = { 6, 5, 1, 2, 3, 4, 7, 0 };
    const double times[] = { 1.25, 11.0, 11.5, 13.0, 14.0, 16.0, 20.5, 30.75 };
    for (size_t k = 0; k < 8; k++) {
        struct cal_event ev = pop_one(c);
        assert_int_equal(ev.subject, order[k]);
        assert_true(ev.time == times[k]);
    }
    calendar_destroy(c);
}

/* ---- cancel and handles ---------------------------------------------------- */

static void check_cancel(size_t victim)
{
    struct calendar *c = calendar_create(16);
    cal_handle h[9];
    for (uint32_t i = 0; i < 9; i++)
        h[i] = calendar_push(c, 3.7 * (i + 1), 0, i);
    calendar_cancel(c, h[victim]);
    assert_false(calendar_pending(c, h[victim]));
    assert_int_equal(calendar_size(c), 8);
    for (uint32_t i = 0; i < 9; i++) {
        if (i == victim)
            continue;
        assert_true(calendar_pending(c, h[i]));
        struct cal_event ev = pop_one(c);
        assert_int_equal(ev.subject, i);
    }
    assert_int_equal(calendar_size(c), 0);
    calendar_destroy(c);
}

static void test_cancel_first_middle_last(void **state)
{
    (void)state;
    check_cancel(0);
    check_cancel(4);
    check_cancel(8);
}

static void test_stale_handles(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    assert_false(calendar_pending(c, 0));
    cal_handle a = calendar_push(c, 1.5, 7, 70);
    cal_handle b = calendar_push(c, 2.5, 8, 80);
    assert_true(a != 0 && b != 0 && a != b);
    assert_true(calendar_pending(c, a));

    struct cal_event ev = pop_one(c);
    assert_int_equal(ev.subject, 70);
    assert_false(calendar_pending(c, a));   /* popped */
    calendar_cancel(c, b);
    assert_false(calendar_pending(c, b));   /* cancelled */

    /* New events reuse the freed slots; the old handles stay stale. */
    cal_handle x = calendar_push(c, 3.5, 9, 90);
    cal_handle y = calendar_push(c, 4.5, 9, 91);
    assert_true(calendar_pending(c, x) && calendar_pending(c, y));
    assert_false(calendar_pending(c, a));
    assert_false(calendar_pending(c, b));
    assert_true(x != a && x != b && y != a && y != b);

    /* A handle from beyond the calendar's slots is not pending. */
    assert_false(calendar_pending(c, ((uint64_t)1 << 32) | 0xFFFFFFF0u));
    calendar_destroy(c);
}

struct stale_arg {
    struct calendar *c;
    cal_handle h;
    int what; /* 0 cancel, 1 move, 2 push NaN, 3 move to NaN, 4 push, 5 move to 5 */
};

static void misuse(void *p)
{
    struct stale_arg *a = p;
    if (a->what == 0)
        calendar_cancel(a->c, a->h);
    else if (a->what == 1 || a->what == 5)
        calendar_move(a->c, a->h, 5.0);
    else if (a->what == 2)
        calendar_push(a->c, NAN, 0, 0);
    else if (a->what == 3)
        calendar_move(a->c, a->h, NAN);
    else
        calendar_push(a->c, 7.5, 0, 0);
}

static void test_stale_handle_use_aborts(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    cal_handle h = calendar_push(c, 1.5, 0, 0);
    calendar_push(c, 2.5, 0, 1);
    struct cal_event ev = { 0 };
    calendar_pop(c, &ev);
    struct stale_arg cancel = { c, h, 0 }, move = { c, h, 1 }, nan = { c, 0, 2 };
    assert_true(tu_dies(misuse, &cancel, "internal error"));
    assert_true(tu_dies(misuse, &move, "internal error"));
    assert_true(tu_dies(misuse, &nan, "isnan"));
    struct stale_arg none = { c, 0, 0 };
    assert_true(tu_dies(misuse, &none, "internal error"));
    calendar_destroy(c);

    /* NaN into an empty calendar, into one with buckets in use, and as a
     * new time: each push path checks it. */
    c = calendar_create(16);
    assert_true(tu_dies(misuse, &(struct stale_arg){ c, 0, 2 }, "isnan"));
    for (uint32_t i = 0; i < 40; i++)
        h = calendar_push(c, 1.25 * i, 0, i);
    assert_true(c->last < CAL_KEY_INF); /* buckets in use */
    assert_true(tu_dies(misuse, &(struct stale_arg){ c, 0, 2 }, "isnan"));
    assert_true(tu_dies(misuse, &(struct stale_arg){ c, h, 3 }, "isnan"));
    calendar_destroy(c);
}

/* The sequence bound (2^40 events between clears) is checked on every path
 * that takes a number, the inline push included: the last number is
 * handed out, the next push or move aborts. (The counter is set directly:
 * 2^40 pushes would take hours.) */
static void test_sequence_bound(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    calendar_push(c, 2.5, 0, 0);
    c->seq = CAL_MAX_SEQ - 2;
    cal_handle h = calendar_push(c, 3.5, 0, 1);
    calendar_push(c, 4.5, 0, 2); /* the last sequence number */
    assert_int_equal(pop_one(c).seq, 0);
    assert_true(tu_dies(misuse, &(struct stale_arg){ c, 0, 4 }, "seq < MAX_SEQ"));
    assert_true(tu_dies(misuse, &(struct stale_arg){ c, h, 5 }, "seq < MAX_SEQ"));
    assert_true(pop_one(c).seq == CAL_MAX_SEQ - 2);
    assert_true(pop_one(c).seq == CAL_MAX_SEQ - 1);
    calendar_destroy(c);
}

static void test_clear_then_reuse(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    cal_handle h[50];
    for (uint32_t i = 0; i < 50; i++)
        h[i] = calendar_push(c, 50.0 - i * 0.75, 1, i);
    calendar_clear(c);
    assert_int_equal(calendar_size(c), 0);
    assert_true(isinf(calendar_peek_time(c)));
    struct cal_event ev = { 0 };
    assert_false(calendar_pop(c, &ev));
    for (size_t i = 0; i < 50; i++)
        assert_false(calendar_pending(c, h[i]));

    /* The sequence restarts and every slot is usable again. */
    cal_handle g[60];
    for (uint32_t i = 0; i < 60; i++)
        g[i] = calendar_push(c, 0.5 * (i % 7), 2, i);
    for (size_t i = 0; i < 60; i++) {
        assert_true(calendar_pending(c, g[i]));
        for (size_t j = 0; j < 50; j++)
            assert_true(g[i] != h[j]);
    }
    double last = -1;
    uint64_t last_seq = 0;
    for (size_t k = 0; k < 60; k++) {
        ev = pop_one(c);
        assert_int_equal(ev.type, 2);
        assert_int_equal(ev.seq, ev.subject);
        assert_true(ev.time > last || (ev.time == last && ev.seq > last_seq));
        last = ev.time;
        last_seq = ev.seq;
    }
    calendar_destroy(c);
}

/* ---- growth ---------------------------------------------------------------- */

struct rec {
    double time;
    uint64_t seq;
    uint32_t subject;
};

static int rec_cmp(const void *pa, const void *pb)
{
    const struct rec *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void test_growth_sorted(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct calendar *c = calendar_create(1);
    struct rec *want = calloc(N, sizeof *want);
    cal_handle *h = calloc(N, sizeof *h);
    assert_non_null(want);
    assert_non_null(h);
    struct rng r;
    rng_seed(&r, 0x5EED0001u);
    for (uint32_t i = 0; i < N; i++) {
        double t = tied_time(&r);
        h[i] = calendar_push(c, t, 3, i);
        want[i] = (struct rec){ t, i, i };
    }
    assert_int_equal(calendar_size(c), N);
    /* Handles survive the calendar's reallocations. */
    for (size_t i = 0; i < N; i++)
        assert_true(calendar_pending(c, h[i]));
    qsort(want, N, sizeof *want, rec_cmp);
    for (size_t k = 0; k < N; k++) {
        struct cal_event ev = { 0 };
        assert_true(calendar_pop(c, &ev));
        if (ev.time != want[k].time || ev.seq != want[k].seq || ev.subject != want[k].subject)
            fail_msg("pop %zu: (%g, %llu, %u), expected (%g, %llu, %u)", k, ev.time,
                     (unsigned long long)ev.seq, ev.subject, want[k].time,
                     (unsigned long long)want[k].seq, want[k].subject);
    }
    assert_int_equal(calendar_size(c), 0);
    free(want);
    free(h);
    calendar_destroy(c);
}

/* ---- randomized comparison with a reference -------------------------------- */

/* The reference: an unordered array, scanned for the least (time, seq). */
struct ref_ev {
    double time;
    uint64_t seq;
    uint32_t type, subject;
    cal_handle h;
};

struct ref {
    struct ref_ev *e;
    size_t n;
    uint64_t seq;
};

static size_t ref_min(const struct ref *R)
{
    size_t m = 0;
    for (size_t i = 1; i < R->n; i++)
        if (R->e[i].time < R->e[m].time
            || (R->e[i].time == R->e[m].time && R->e[i].seq < R->e[m].seq))
            m = i;
    return m;
}

static void ref_remove(struct ref *R, size_t i) { R->e[i] = R->e[--R->n]; }

static void test_random_against_reference(void **state)
{
    (void)state;
    enum { OPS = 150000, MAX = 4096, STALE = 256 };
    struct calendar *c = calendar_create(8);
    struct ref R = { calloc(MAX, sizeof(struct ref_ev)), 0, 0 };
    assert_non_null(R.e);
    cal_handle stale[STALE] = { 0 };
    size_t n_stale = 0;
    struct rng r;
    rng_seed(&r, rng_key(20240401u, 1, 2, 3));
    uint32_t next_subject = 0;
    size_t pushes = 0, pops = 0, cancels = 0, moves = 0;

    for (size_t op = 0; op < OPS; op++) {
        double u = rng_uniform(&r);
        /* Push more often while small, less while large: the size wanders
         * around 256, so the heap is eight or more levels deep. */
        double p_push = R.n < 256 ? 0.55 : 0.35;
        if (R.n == 0 || (u < p_push && R.n < MAX)) {
            double t = tied_time(&r);
            uint32_t type = (uint32_t)(rng_next(&r) % 5);
            cal_handle h = calendar_push(c, t, type, next_subject);
            R.e[R.n++] = (struct ref_ev){ t, R.seq++, type, next_subject, h };
            next_subject++;
            pushes++;
        } else if (u < p_push + 0.2) {
            size_t m = ref_min(&R);
            struct cal_event ev = pop_one(c);
            if (ev.time != R.e[m].time || ev.seq != R.e[m].seq || ev.type != R.e[m].type
                || ev.subject != R.e[m].subject)
                fail_msg("op %zu: popped (%g, %llu, %u), reference (%g, %llu, %u)", op,
                         ev.time, (unsigned long long)ev.seq, ev.subject, R.e[m].time,
                         (unsigned long long)R.e[m].seq, R.e[m].subject);
            stale[n_stale++ % STALE] = R.e[m].h;
            ref_remove(&R, m);
            pops++;
        } else if (u < p_push + 0.32) {
            size_t i = (size_t)(rng_next(&r) % R.n);
            calendar_cancel(c, R.e[i].h);
            stale[n_stale++ % STALE] = R.e[i].h;
            ref_remove(&R, i);
            cancels++;
        } else {
            size_t i = (size_t)(rng_next(&r) % R.n);
            double t = tied_time(&r);
            calendar_move(c, R.e[i].h, t);
            R.e[i].time = t;
            R.e[i].seq = R.seq++;
            moves++;
        }
        assert_int_equal(calendar_size(c), R.n);
        double peek = calendar_peek_time(c);
        if (R.n == 0)
            assert_true(isinf(peek));
        else
            assert_true(peek == R.e[ref_min(&R)].time);
        if (op % 64 == 0) {
            char why[256];
            const char *broken = calendar_check(c, -INFINITY, why, sizeof why);
            if (broken)
                fail_msg("op %zu: %s", op, broken);
            for (size_t i = 0; i < R.n; i++) {
                struct cal_event ev = { 0 };
                assert_true(calendar_pending(c, R.e[i].h));
                assert_true(calendar_event(c, R.e[i].h, &ev));
                assert_true(ev.time == R.e[i].time && ev.seq == R.e[i].seq && ev.type == R.e[i].type
                            && ev.subject == R.e[i].subject);
            }
            for (size_t i = 0; i < STALE && i < n_stale; i++) {
                struct cal_event ev = { 0 };
                assert_false(calendar_pending(c, stale[i]));
                assert_false(calendar_event(c, stale[i], &ev));
            }
        }
    }
    /* Every kind of operation was exercised many times. */
    assert_true(pushes > 10000 && pops > 10000 && cancels > 10000 && moves > 10000);
    while (R.n > 0) {
        size_t m = ref_min(&R);
        struct cal_event ev = pop_one(c);
        assert_true(ev.time == R.e[m].time && ev.seq == R.e[m].seq);
        ref_remove(&R, m);
    }
    assert_int_equal(calendar_size(c), 0);
    free(R.e);
    calendar_destroy(c);
}

/* The same comparison on a simulation's workload: the clock only moves
 * forward, events are pushed and moved to now + an exponential delay (zero
 * now and then: a tie with the clock), some are cancelled, and the calendar
 * grows from empty to a few thousand events and back to empty twice. That
 * drives every path of the calendar: a small calendar kept in its front heap
 * and its spill into the buckets at CAL_FRONT_SPILL events, the inline push
 * into a bucket or the front heap, the inline pop of a front heap of one or
 * two, refills, a move kept in its bucket and one that leaves it. The
 * counts of the paths, read from the calendar's fields, prove that each
 * was taken. */
static void test_simulation_against_reference(void **state)
{
    (void)state;
    enum { OPS = 120000, MAX = 4096, PHASE = 30000 };
    struct calendar *c = calendar_create(4);
    struct ref R = { calloc(MAX, sizeof(struct ref_ev)), 0, 0 };
    assert_non_null(R.e);
    struct rng r;
    rng_seed(&r, rng_key(20240401u, 7, 8, 9));
    double now = 0;
    uint32_t next_subject = 0;
    size_t small = 0, spilled = 0, in_place = 0, moved_out = 0, pops = 0, cancels = 0;

    for (size_t op = 0; op < OPS; op++) {
        /* Grow, then shrink to empty and stay small (a few events, as in
         * an M/M/1 queue), twice. */
        bool growing = (op / PHASE) % 2 == 0;
        double p_push = R.n == 0 ? 1.0 : growing ? 0.5 : 0.1;
        double u = rng_uniform(&r);
        double delay = rng_uniform(&r) < 0.05 ? 0.0 : rng_exponential(&r, 1.0 + 50.0 * rng_uniform(&r));
        if (u < p_push && R.n < MAX) {
            uint32_t type = (uint32_t)(rng_next(&r) % 5);
            bool was_small = c->last == CAL_KEY_INF;
            cal_handle h = calendar_push(c, now + delay, type, next_subject);
            R.e[R.n++] = (struct ref_ev){ now + delay, R.seq++, type, next_subject, h };
            next_subject++;
            small += was_small;
            spilled += was_small && c->last != CAL_KEY_INF;
        } else if (u < p_push + 0.25) {
            size_t m = ref_min(&R);
            struct cal_event ev = { 0 };
            assert_true(calendar_pop_until(c, R.e[m].time, &ev));
            if (ev.time != R.e[m].time || ev.seq != R.e[m].seq || ev.type != R.e[m].type
                || ev.subject != R.e[m].subject)
                fail_msg("op %zu: popped (%g, %llu, %u), reference (%g, %llu, %u)", op, ev.time,
                         (unsigned long long)ev.seq, ev.subject, R.e[m].time,
                         (unsigned long long)R.e[m].seq, R.e[m].subject);
            assert_true(ev.time >= now);
            now = ev.time;
            ref_remove(&R, m);
            pops++;
        } else if (u < p_push + 0.35) {
            size_t i = (size_t)(rng_next(&r) % R.n);
            calendar_cancel(c, R.e[i].h);
            assert_false(calendar_pending(c, R.e[i].h));
            ref_remove(&R, i);
            cancels++;
        } else {
            size_t i = (size_t)(rng_next(&r) % R.n);
            /* Mostly a small change of a far event, as a re-rated hazard
             * makes: it usually stays in its bucket. */
            double t = rng_uniform(&r) < 0.7 ? now + (R.e[i].time - now) * (0.9 + 0.2 * rng_uniform(&r))
                                              : now + delay;
            uint32_t slot = (uint32_t)(R.e[i].h & 0xFFFFFFFFu) - 1;
            uint32_t before = c->where[slot];
            calendar_move(c, R.e[i].h, t);
            if (before >> CAL_WHERE_POS_BITS != 0 && c->where[slot] == before)
                in_place++;
            else
                moved_out++;
            R.e[i].time = t;
            R.e[i].seq = R.seq++;
        }
        assert_int_equal(calendar_size(c), R.n);
        if (op % 97 == 0 || R.n < 40) {
            char why[256];
            const char *broken = calendar_check(c, now, why, sizeof why);
            if (broken)
                fail_msg("op %zu: %s", op, broken);
            assert_true(calendar_peek_time(c) == (R.n ? R.e[ref_min(&R)].time : INFINITY));
        }
        if (op % 997 == 0) {
            for (size_t i = 0; i < R.n; i++) {
                struct cal_event ev = { 0 };
                assert_true(calendar_event(c, R.e[i].h, &ev));
                assert_true(ev.time == R.e[i].time && ev.seq == R.e[i].seq && ev.subject == R.e[i].subject);
            }
        }
    }
    assert_true(small > 1000 && spilled >= 2 && in_place > 1000 && moved_out > 1000 && pops > 10000
                && cancels > 5000);
    while (R.n > 0) {
        size_t m = ref_min(&R);
        struct cal_event ev = pop_one(c);
        assert_true(ev.time == R.e[m].time && ev.seq == R.e[m].seq);
        ref_remove(&R, m);
    }
    assert_true(c->last == CAL_KEY_INF); /* empty: small again */
    free(R.e);
    calendar_destroy(c);
}

/* calendar_check finds an event pending before the clock it is given, and
 * nothing wrong in a calendar used only through its interface. */
static void test_check_sees_the_past(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    char why[256];
    calendar_push(c, 7.25, 1, 2);
    calendar_push(c, 3.5, 1, 3);
    assert_null(calendar_check(c, 3.5, why, sizeof why));
    const char *broken = calendar_check(c, 4.125, why, sizeof why);
    assert_non_null(broken);
    tu_assert_contains(broken, "before the clock");
    calendar_destroy(c);
}

static void test_infinite_times(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(16);
    calendar_push(c, INFINITY, 0, 1);
    calendar_push(c, -INFINITY, 0, 2);
    calendar_push(c, 0.0, 0, 3);
    calendar_push(c, INFINITY, 0, 4);
    assert_int_equal(pop_one(c).subject, 2);
    assert_int_equal(pop_one(c).subject, 3);
    assert_int_equal(pop_one(c).subject, 1);
    assert_int_equal(pop_one(c).subject, 4);
    calendar_destroy(c);
}

/* calendar_pop_until pops the earliest event exactly when its time is no
 * later than the bound (equal counts, -0 equals +0, infinities order), in
 * the calendar's order, and leaves the calendar alone otherwise. */
static void test_pop_until(void **state)
{
    (void)state;
    struct calendar *c = calendar_create(4);
    struct cal_event ev = { 0 };
    assert_false(calendar_pop_until(c, INFINITY, &ev)); /* empty */
    calendar_push(c, 2.5, 0, 1);
    calendar_push(c, 0.0, 0, 2);
    calendar_push(c, 2.5, 0, 3);
    calendar_push(c, INFINITY, 0, 4);
    assert_false(calendar_pop_until(c, nextafter(0.0, -1.0), &ev));
    assert_int_equal(calendar_size(c), 4);
    assert_true(calendar_pop_until(c, -0.0, &ev));
    assert_int_equal(ev.subject, 2);
    assert_false(calendar_pop_until(c, nextafter(2.5, 0.0), &ev));
    assert_true(calendar_pop_until(c, 2.5, &ev));
    assert_int_equal(ev.subject, 1);
    assert_true(calendar_pop_until(c, 2.5, &ev));
    assert_int_equal(ev.subject, 3);
    assert_false(calendar_pop_until(c, 1e308, &ev));
    assert_true(calendar_pop_until(c, INFINITY, &ev));
    assert_int_equal(ev.subject, 4);
    assert_int_equal(calendar_size(c), 0);

    /* Against calendar_pop on a random sequence: the same events, in the
     * same order, as the bound steps through the times. */
    calendar_clear(c); /* sequence numbers from 0, as d's */
    struct calendar *d = calendar_create(4);
    struct rng r;
    rng_seed(&r, rng_key(20240401u, 4, 5, 6));
    for (uint32_t i = 0; i < 2000; i++) {
        double t = tied_time(&r);
        calendar_push(c, t, 0, i);
        calendar_push(d, t, 0, i);
    }
    for (double bound = 0; calendar_size(c) > 0; bound += 0.25) {
        while (calendar_peek_time(d) <= bound) {
            struct cal_event want = pop_one(d);
            assert_true(calendar_pop_until(c, bound, &ev));
            assert_true(ev.time == want.time && ev.seq == want.seq && ev.subject == want.subject);
            if (ev.subject < 2000 && ev.subject % 3 == 0) { /* pushed while popping, as a model does */
                calendar_push(c, bound + 0.25 * (double)(ev.subject % 7), 0, ev.subject + 2000);
                calendar_push(d, bound + 0.25 * (double)(ev.subject % 7), 0, ev.subject + 2000);
            }
        }
        assert_false(calendar_pop_until(c, bound, &ev));
        assert_int_equal(calendar_size(c), calendar_size(d));
    }
    calendar_destroy(c);
    calendar_destroy(d);
}

/* ---- the event loop --------------------------------------------------------- */

enum { EV_PLAIN, EV_CHAIN, EV_AT_END };

struct log {
    double when[64];
    uint32_t subject[64];
    size_t n;
    double t_end;   /* EV_AT_END schedules one more event at this time */
};

static void handler(struct sim *s, const struct cal_event *ev, void *model)
{
    struct log *L = model;
    assert_true(s->now == ev->time);
    assert_true(L->n < 64);
    L->when[L->n] = s->now;
    L->subject[L->n++] = ev->subject;
    if (ev->type == EV_CHAIN && ev->subject > 0)
        sim_after(s, 2.125, EV_CHAIN, ev->subject - 1);
    if (ev->type == EV_AT_END)
        sim_at(s, L->t_end, EV_PLAIN, 999);
}

static void test_sim_step(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 4);
    struct log L = { .n = 0 };
    assert_false(sim_step(&s, handler, &L));
    assert_true(s.now == 0.0);

    sim_at(&s, 3.5, EV_PLAIN, 1);
    sim_after(&s, 1.25, EV_CHAIN, 2);   /* 1.25, then 3.375, 5.5 */
    assert_true(sim_step(&s, handler, &L));
    assert_true(s.now == 1.25);
    assert_int_equal(s.events, 1);
    assert_true(sim_step(&s, handler, &L));
    assert_true(s.now == 3.375);
    assert_int_equal(L.subject[1], 1);   /* chain step, subject 2 - 1 */
    assert_true(sim_step(&s, handler, &L));
    assert_true(s.now == 3.5);
    assert_int_equal(L.subject[2], 1);   /* the plain event */
    assert_true(sim_step(&s, handler, &L));
    assert_true(s.now == 5.5);
    assert_int_equal(L.subject[3], 0);
    assert_false(sim_step(&s, handler, &L));
    assert_int_equal(s.events, 4);
    assert_true(s.now == 5.5);

    /* Cancel through the loop: h = 0 is a no-op, a pending handle is zeroed. */
    cal_handle none = 0;
    sim_cancel(&s, &none);
    cal_handle h = sim_after(&s, 1.0, EV_PLAIN, 5);
    cal_handle k = sim_after(&s, 2.0, EV_PLAIN, 6);
    sim_cancel(&s, &h);
    assert_int_equal(h, 0);
    sim_move(&s, k, 5.75);
    assert_true(calendar_peek_time(s.cal) == 5.75);
    assert_true(sim_step(&s, handler, &L));
    assert_int_equal(L.subject[4], 6);
    assert_true(s.now == 5.75);

    /* Reset empties the calendar and zeroes the clock and the count. */
    sim_after(&s, 3.0, EV_PLAIN, 7);
    sim_reset(&s);
    assert_int_equal(calendar_size(s.cal), 0);
    assert_true(s.now == 0.0);
    assert_int_equal(s.events, 0);
    sim_free(&s);
    assert_null(s.cal);
    sim_free(NULL);
}

static void test_sim_run_until(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 16);
    struct log L = { .n = 0, .t_end = 10.0 };
    sim_at(&s, 2.5, EV_PLAIN, 1);
    sim_at(&s, 10.0, EV_PLAIN, 2);      /* exactly at t_end: processed */
    sim_at(&s, 10.000001, EV_PLAIN, 3); /* just after: left pending */
    sim_at(&s, 7.25, EV_AT_END, 4);     /* schedules one more at t_end */

    assert_int_equal(sim_run_until(&s, 10.0, handler, &L), 4);
    assert_int_equal(L.n, 4);
    assert_int_equal(L.subject[0], 1);
    assert_int_equal(L.subject[1], 4);
    assert_int_equal(L.subject[2], 2);
    assert_int_equal(L.subject[3], 999);
    assert_true(s.now == 10.0);
    assert_int_equal(calendar_size(s.cal), 1);

    /* No event before t_end: the clock still advances to t_end. */
    assert_int_equal(sim_run_until(&s, 10.0000005, handler, &L), 0);
    assert_true(s.now == 10.0000005);
    /* An earlier t_end never moves the clock back. */
    assert_int_equal(sim_run_until(&s, 4.0, handler, &L), 0);
    assert_true(s.now == 10.0000005);

    /* Run to the end of time: everything runs, the clock stays at the last
     * event, and the count is cumulative. */
    sim_at(&s, 20.5, EV_CHAIN, 3);   /* 20.5, 22.625, 24.75, 26.875 */
    assert_int_equal(sim_run_until(&s, INFINITY, handler, &L), 5);
    assert_true(s.now == 26.875);
    assert_int_equal(s.events, 9);
    assert_int_equal(calendar_size(s.cal), 0);

    /* An empty calendar: the clock moves to t_end. */
    assert_int_equal(sim_run_until(&s, 30.0, handler, &L), 0);
    assert_true(s.now == 30.0);
    sim_free(&s);
}

struct past_arg {
    struct sim *s;
    int what; /* 0 sim_at in the past, 1 sim_after negative, 2 sim_move in the past */
    cal_handle h;
};

static void schedule_in_past(void *p)
{
    struct past_arg *a = p;
    if (a->what == 0)
        sim_at(a->s, a->s->now - 0.5, 0, 0);
    else if (a->what == 1)
        sim_after(a->s, -0.25, 0, 0);
    else
        sim_move(a->s, a->h, a->s->now - 1.0);
}

static void test_sim_rejects_the_past(void **state)
{
    (void)state;
    struct sim s;
    sim_init(&s, 16);
    struct log L = { .n = 0 };
    sim_at(&s, 4.5, EV_PLAIN, 0);
    cal_handle h = sim_at(&s, 9.0, EV_PLAIN, 1);
    sim_step(&s, handler, &L);
    struct past_arg at = { &s, 0, 0 }, after = { &s, 1, 0 }, move = { &s, 2, h };
    assert_true(tu_dies(schedule_in_past, &at, "time >= s->now"));
    assert_true(tu_dies(schedule_in_past, &after, "delay >= 0"));
    assert_true(tu_dies(schedule_in_past, &move, "time >= s->now"));
    sim_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pop_order_by_time),
        cmocka_unit_test(test_ties_in_push_order),
        cmocka_unit_test(test_move_takes_fresh_sequence),
        cmocka_unit_test(test_move_earlier_and_later),
        cmocka_unit_test(test_cancel_first_middle_last),
        cmocka_unit_test(test_stale_handles),
        cmocka_unit_test(test_stale_handle_use_aborts),
        cmocka_unit_test(test_clear_then_reuse),
        cmocka_unit_test(test_growth_sorted),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_simulation_against_reference),
        cmocka_unit_test(test_sequence_bound),
        cmocka_unit_test(test_check_sees_the_past),
        cmocka_unit_test(test_infinite_times),
        cmocka_unit_test(test_pop_until),
        cmocka_unit_test(test_sim_step),
        cmocka_unit_test(test_sim_run_until),
        cmocka_unit_test(test_sim_rejects_the_past),
    };
    return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
