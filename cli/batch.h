/* batch.h — replications of one or more scenarios on the thread pool.
 *
 * Replication r of every scenario runs in the same task with the same master
 * seed, so scenarios are paired replication by replication (common random
 * numbers), and the sink receives all their results for r at once, in
 * replication order. */
#ifndef CLI_BATCH_H
#define CLI_BATCH_H

#include "models/caseload.h"
#include "sim/result.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct batch {
    const struct scenario *const *sc;    /* n scenarios */
    const struct result_layout *layout;  /* n layouts (caseload_layout of each) */
    size_t n;
    uint64_t seed;
    /* res[0..n): replication rep of each scenario. Return false to stop. */
    bool (*sink)(void *ctx, uint64_t rep, const struct rep_result *res);
    void *ctx;
};

/* Run replications [first, first + count) on threads threads. Returns how
 * many were delivered (fewer when *stop was raised), or -1 when out of
 * memory. */
long long batch_run(const struct batch *b, uint64_t first, uint64_t count, unsigned threads,
                    volatile sig_atomic_t *stop);

#endif
