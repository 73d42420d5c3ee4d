#include "runner.h"

#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Results waiting for their turn, per thread. */
#define WINDOW_PER_THREAD 2

/* The sink looks at the stop flag at least this often (a signal handler
 * raises the flag but cannot signal a condition variable). */
#define SINK_POLL_NS 50000000L

unsigned runner_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

static bool stopped(volatile sig_atomic_t *stop) { return stop && *stop; }

/* One thread, no pool: the simple loop. */
static long long run_serial(const struct runner_job *job, uint64_t first, uint64_t count,
                            volatile sig_atomic_t *stop)
{
    void *ws = job->workspace_create(job->ctx);
    void *res = ws ? job->result_create(job->ctx) : NULL;
    long long delivered = -1;
    if (ws && res) {
        delivered = 0;
        for (uint64_t r = first; r < first + count && !stopped(stop); r++) {
            if (job->run(job->ctx, ws, r, res, stop) != 0)
                break;
            delivered++;
            if (!job->sink(job->ctx, r, res))
                break;
        }
    }
    if (res)
        job->result_destroy(job->ctx, res);
    if (ws)
        job->workspace_destroy(job->ctx, ws);
    return delivered;
}

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY, SLOT_FAILED };

struct pool {
    const struct runner_job *job;
    volatile sig_atomic_t *stop;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    uint64_t first, end;      /* replications to run */
    uint64_t next_run;        /* next replication to hand out */
    uint64_t next_sink;       /* next replication the sink wants */
    bool quit;                /* sink said stop, or a failure */
    bool setup_failed;
    size_t window;
    void **res;               /* window result slots: rep r uses r % window */
    enum slot_state *state;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    const struct runner_job *job = p->job;
    void *ws = job->workspace_create(job->ctx);
    pthread_mutex_lock(&p->mu);
    if (!ws) {
        p->setup_failed = p->quit = true;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    for (;;) {
        while (!p->quit && !stopped(p->stop) && p->next_run < p->end
               && p->next_run >= p->next_sink + p->window)
            pthread_cond_wait(&p->changed, &p->mu);
        if (p->quit || stopped(p->stop) || p->next_run >= p->end)
            break;
        uint64_t r = p->next_run++;
        size_t slot = (size_t)(r % p->window);
        CHECK(p->state[slot] == SLOT_FREE);
        p->state[slot] = SLOT_BUSY;
        pthread_mutex_unlock(&p->mu);
        int rc = job->run(job->ctx, ws, r, p->res[slot], p->stop);
        pthread_mutex_lock(&p->mu);
        p->state[slot] = rc == 0 ? SLOT_READY : SLOT_FAILED;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    job->workspace_destroy(job->ctx, ws);
    return NULL;
}

long long runner_run(const struct runner_job *job, uint64_t first, uint64_t count,
                     unsigned threads, volatile sig_atomic_t *stop)
{
    if (threads <= 1 || count <= 1)
        return run_serial(job, first, count, stop);
    if (threads > count)
        threads = (unsigned)count;

    struct pool p = { .job = job, .stop = stop, .first = first, .end = first + count,
                      .next_run = first, .next_sink = first };
    p.window = (size_t)threads * WINDOW_PER_THREAD;
    p.res = check_calloc(p.window, sizeof *p.res);
    p.state = check_calloc(p.window, sizeof *p.state);
    long long delivered = 0;
    for (size_t i = 0; i < p.window; i++)
        if (!(p.res[i] = job->result_create(job->ctx)))
            delivered = -1;
    pthread_t *tid = check_calloc(threads, sizeof *tid);
    unsigned started = 0;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.changed, NULL);
    /* Workers block the asynchronous signals, so handlers (Ctrl-C) run in
     * the calling thread, the one that writes results. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    if (delivered == 0)
        for (; started < threads; started++)
            if (pthread_create(&tid[started], NULL, worker, &p) != 0)
                break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started == 0)
        delivered = -1;

    /* The calling thread is the sink: it takes results in order. */
    pthread_mutex_lock(&p.mu);
    while (delivered >= 0 && p.next_sink < p.end && !p.quit) {
        size_t slot = (size_t)(p.next_sink % p.window);
        if (p.state[slot] == SLOT_READY) {
            pthread_mutex_unlock(&p.mu);
            bool more = job->sink(job->ctx, p.next_sink, p.res[slot]);
            pthread_mutex_lock(&p.mu);
            delivered++;
            p.state[slot] = SLOT_FREE;
            p.next_sink++;
            if (!more)
                p.quit = true;
            pthread_cond_broadcast(&p.changed);
        } else if (p.state[slot] == SLOT_FAILED
                   || (stopped(stop) && p.state[slot] == SLOT_FREE)) {
            break; /* interrupted: deliver nothing past the first gap */
        } else if (stop) {
            struct timespec t;
            clock_gettime(CLOCK_REALTIME, &t);
            t.tv_nsec += SINK_POLL_NS;
            if (t.tv_nsec >= 1000000000L) {
                t.tv_sec++;
                t.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p.changed, &p.mu, &t);
        } else {
            pthread_cond_wait(&p.changed, &p.mu);
        }
    }
    p.quit = true;
    pthread_cond_broadcast(&p.changed);
    pthread_mutex_unlock(&p.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    if (p.setup_failed)
        delivered = -1;

    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.mu);
    for (size_t i = 0; i < p.window; i++)
        if (p.res[i])
            job->result_destroy(job->ctx, p.res[i]);
    free(p.res);
    free(p.state);
    free(tid);
    return delivered;
}
