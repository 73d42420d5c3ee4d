/* invariants.h — the model's invariants, walked over the whole state.
 *
 * In the spirit of SQLite's integrity_check and Lua's ltests: a read-only
 * walk of a struct model that finds the first broken invariant, run after
 * every event in the checking builds (replication.c, when the build defines
 * CASELOAD_CHECK_INVARIANTS: `make test` and `make check-asan` for the
 * replication loop of tests/test_invariants.c; the release program never
 * walks). It costs O(state) per event. `make check-asan` also builds
 * everything else with CASELOAD_CHECK_SPARSE, which walks often but at an
 * amortized bounded cost (INVARIANTS_SPARSE_SLOTS), so that every test's
 * runs are walked. What it checks (docs/robustness.md lists them):
 *
 *   cases    every slot is free, queued, allocated or awaiting re-referral,
 *            once: in the free list, in its stage's queue, in its worker's
 *            list; counts per stage and in total match (cases conserved);
 *            queues in order of joining; a case's clock runs (a pending
 *            EV_CASE_DONE at its due time) exactly when its worker is at
 *            work, or off with a known return (back_at: the worker's
 *            EV_SICK_END, no EV_REALLOCATE pending), the clock then due at
 *            back_at + the case's work left; its worker's grade may hold
 *            its stage
 *   workers  holder <-> post and cover <-> post links both ways; load = sum
 *            of its cases' weights; cap = grade cap x FTE x direct-work
 *            factor; its leaf in the grade's max-tree = its spare capacity
 *            (-inf when not at work), the tree itself consistent; FTE in
 *            post, sick and agency = sums over the workers, and over
 *            the grades exactly as kept (fte_in_post_all); progression
 *            waits hold each ready worker once
 *   posts    each in its grade's list once, the funded ones first, as many
 *            as the establishment needs; supernumerary count; cover wait
 *   handles  every event handle held is pending, of the right type and
 *            subject (a stale generation is caught)
 *   allocation  no waiting case fits a worker who may hold it (nothing
 *            placeable is left between dispatches)
 *   stocks   no negative stock, flow, integral or cost rate; sick <= in post
 *   calendar heap order and slot bookkeeping (calendar_check), nothing
 *            pending before the clock
 *
 * and, switchable (laws), in-post + vacant = establishment in every
 * permanent grade.
 *
 * The prefix is invariants_, not model_: model_ belongs to replication.h,
 * and a module has one prefix (STYLE.md). */
#ifndef MODELS_INVARIANTS_H
#define MODELS_INVARIANTS_H

#include "models/model.h"

#include <stddef.h>

/* Sums kept incrementally (loads, FTE in post) drift from a fresh sum by
 * rounding, about 1e-16 of the value per update; a real error is at least
 * a case weight or a fraction of an FTE. They compare within this share of
 * (1 + |expected|). */
#define INVARIANTS_SUM_TOL 1e-9

/* The sparse checking build (CASELOAD_CHECK_SPARSE, make check-asan) walks
 * after an event once (case, worker and post slots) / this many events have
 * passed since its last walk: a walk visits about this many slots per
 * event, amortized, a fraction of an event's own cost. */
#define INVARIANTS_SPARSE_SLOTS 8

/* Room for a description of a broken invariant. */
#define INVARIANTS_WHY_SIZE 512

/* Laws that can be switched off, each a bit. */
enum invariants_law {
    /* in every permanent grade: FTE of the advertised vacancies =
     * max(0, establishment - FTE in post), and a held post's FTE is its
     * holder's (posts.c) */
    INVARIANTS_ESTABLISHMENT = 1u << 0,
};

/* Walk m (read-only) and describe its first broken invariant into buf (size
 * bytes): the invariant, the entity (worker, post, grade, case, stage), the
 * day and this file's line; returns buf, or NULL when every invariant holds.
 * laws: the switchable laws to check as well (0 for none). m must have been
 * set up by model_run (any time from its first event on). */
const char *invariants_find(const struct model *m, unsigned laws, char *buf, size_t size);

/* invariants_find, aborting with its description when an invariant is
 * broken (a programming error). */
void invariants_check(const struct model *m, unsigned laws);

/* The switchable laws the model is known to keep now: the establishment law
 * when every permanent grade's establishment and in-post are whole numbers
 * of FTE now and no intervention may make them fractional (with fractions,
 * a part-time worker can hold a whole post, which the law does not allow
 * yet). */
unsigned invariants_laws(const struct model *m);

#endif
