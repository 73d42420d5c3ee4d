/* runner.h — replications on a pool of threads, results in replication order.
 *
 * Replication r is a pure function of (the job, r): it must draw only from
 * streams keyed by r. The runner runs replications first .. first+count-1 on
 * `threads` POSIX threads (each with its own workspace) and hands every
 * result to the sink strictly in replication order, so whatever the sink
 * writes is the same bytes for any thread count. At most a small window of
 * results waits for its turn, so memory does not grow with `count`. */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct runner_job {
    void *ctx;                                        /* passed to every callback */
    /* Per-thread workspace (called in the thread that will use it); NULL = failure. */
    void *(*workspace_create)(void *ctx);
    void (*workspace_destroy)(void *ctx, void *ws);
    /* A result slot (called in the calling thread); NULL = failure. */
    void *(*result_create)(void *ctx);
    void (*result_destroy)(void *ctx, void *res);
    /* Run replication rep into res. Return 0 when done, nonzero when it
     * stopped early because *stop was raised (the result is then dropped). */
    int (*run)(void *ctx, void *ws, uint64_t rep, void *res, volatile sig_atomic_t *stop);
    /* Receive results in order. Return false to stop the run. */
    bool (*sink)(void *ctx, uint64_t rep, void *res);
};

/* Run replications [first, first + count). threads = 0 means one. stop may be
 * NULL; when it becomes nonzero no new replication starts and the run ends
 * after delivering every replication that precedes the first unfinished one.
 * Worker threads block SIGINT, SIGTERM, SIGHUP and SIGQUIT, so a handler that
 * raises *stop runs in the calling thread, which looks at it at least every
 * 50 ms while it waits for results.
 * Returns the number of replications delivered to the sink, or -1 when a
 * workspace or result could not be created. */
long long runner_run(const struct runner_job *job, uint64_t first, uint64_t count,
                     unsigned threads, volatile sig_atomic_t *stop);

/* Number of processors online (at least 1). */
unsigned runner_cores(void);

#endif
