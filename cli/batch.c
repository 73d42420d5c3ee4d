#include "cli/batch.h"

#include "models/caseload.h"
#include "sim/check.h"
#include "sim/runner.h"

#include <stdlib.h>

struct workspace {
    struct model **m;
};

static void *ws_create(void *ctx)
{
    const struct batch *b = ctx;
    struct workspace *ws = check_calloc(1, sizeof *ws);
    ws->m = check_calloc(b->n, sizeof *ws->m);
    for (size_t i = 0; i < b->n; i++)
        ws->m[i] = model_create(b->sc[i]); /* out of memory aborts */
    return ws;
}

static void ws_destroy(void *ctx, void *p)
{
    const struct batch *b = ctx;
    struct workspace *ws = p;
    for (size_t i = 0; i < b->n; i++)
        model_destroy(ws->m[i]);
    free(ws->m);
    free(ws);
}

static void *res_create(void *ctx)
{
    const struct batch *b = ctx;
    struct rep_result *res = check_calloc(b->n, sizeof *res);
    for (size_t i = 0; i < b->n; i++)
        rep_result_alloc(&res[i], &b->layout[i]);
    return res;
}

static void res_destroy(void *ctx, void *p)
{
    const struct batch *b = ctx;
    struct rep_result *res = p;
    for (size_t i = 0; i < b->n; i++)
        rep_result_free(&res[i]);
    free(res);
}

static int run_one(void *ctx, void *p, uint64_t rep, void *r, volatile sig_atomic_t *stop)
{
    const struct batch *b = ctx;
    struct workspace *ws = p;
    struct rep_result *res = r;
    for (size_t i = 0; i < b->n; i++)
        if (model_run(ws->m[i], b->seed, rep, &b->layout[i], &res[i], stop) != 0)
            return 1;
    return 0;
}

static bool deliver(void *ctx, uint64_t rep, void *r)
{
    const struct batch *b = ctx;
    return b->sink(b->ctx, rep, r);
}

long long batch_run_local(const struct batch *b, uint64_t first, uint64_t count, unsigned threads,
                          volatile sig_atomic_t *stop)
{
    struct runner_job job = {
        .ctx = (void *)b,
        .workspace_create = ws_create,
        .workspace_destroy = ws_destroy,
        .result_create = res_create,
        .result_destroy = res_destroy,
        .run = run_one,
        .sink = deliver,
    };
    return runner_run(&job, first, count, threads, stop);
}

#ifndef CASELOAD_MPI
/* caseload-mpi defines these in cli/mpi/cluster.c. */
long long batch_run(const struct batch *b, uint64_t first, uint64_t count, unsigned threads,
                    volatile sig_atomic_t *stop)
{
    return batch_run_local(b, first, count, threads, stop);
}

unsigned batch_ranks(void)
{
    return 0;
}
#endif
