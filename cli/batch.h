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
    /* What the sink reads of each result, so that a cluster run
     * (cli/mpi/) ships only that to rank 0: everything (false), or only
     * kpi[], events and, when keep_value >= 0, values[keep_value] (the
     * other values are then left unset). */
    bool kpis_only;
    long keep_value;
};

/* Run replications [first, first + count) on threads threads. Returns how
 * many were delivered (fewer when *stop was raised), or -1 when out of
 * memory. In caseload-mpi (built with CASELOAD_MPI) the replications are
 * spread over the MPI ranks (cli/mpi/cluster.h), threads threads in each,
 * and delivered on rank 0 in the same order. */
long long batch_run(const struct batch *b, uint64_t first, uint64_t count, unsigned threads,
                    volatile sig_atomic_t *stop);

/* batch_run on this process's threads alone. */
long long batch_run_local(const struct batch *b, uint64_t first, uint64_t count, unsigned threads,
                          volatile sig_atomic_t *stop);

/* The number of MPI ranks sharing the work, or 0 when this program is not
 * caseload-mpi (manifests then record no ranks). */
unsigned batch_ranks(void);

#endif
