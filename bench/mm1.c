/* mm1.c — benchmark: an M/M/1 queue on the sim/ kernel.
 *
 * Arrival rate 0.9, service rate 1.0, one server, FIFO, 1,000,000 customers
 * (the peer benchmark's setting: bench/mm1_simpy2.py). Written exactly as a
 * model uses the kernel: a struct sim, events scheduled with sim_after, one
 * handler switching on the event type, the loop of sim_run_until, draws from counter-based streams of
 * sim/rng.h, and a FIFO of arrival times. Reports customers per second of the
 * event loop (set-up excluded) and checks the mean time in system against
 * 1 / (mu - lambda) = 10 with a batch-means 99% interval.
 *
 *   build/bench/mm1 [CUSTOMERS] [SEED]
 *
 * Last line, for bench/run.sh:
 *   mm1 customers=N seconds=S cpu_seconds=C customers_per_s=R customers_per_cpu_s=P mean_time=T ci99=H
 *       expected=10 ok=0|1
 * (cpu_seconds: the process's CPU time over the loop, the steadier figure on
 * a shared machine, where wall time also counts the time others ran.) */
#include "sim/rng.h"
#include "sim/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ARRIVAL_RATE 0.9
#define SERVICE_RATE 1.0
#define DEFAULT_CUSTOMERS 1000000ULL
#define DEFAULT_SEED 20240401ULL
#define BATCHES 50              /* batch means for the interval */
#define Z99 2.68                /* t quantile, 49 degrees of freedom, 99.5% */

enum { EV_ARRIVE, EV_DEPART };
enum { STREAM_ARRIVALS = 1, STREAM_SERVICE = 2 };

struct mm1 {
    struct rng arrivals, service;
    double *fifo;               /* arrival times of the customers present */
    size_t head, n, cap;        /* ring buffer; cap a power of two */
    unsigned long long to_arrive, done, limit;
    double batch_sum[BATCHES];
    unsigned long long batch_n[BATCHES];
};

static void fifo_grow(struct mm1 *q)
{
    size_t cap = q->cap ? 2 * q->cap : 1024;
    double *buf = malloc(cap * sizeof *buf);
    if (!buf) {
        fprintf(stderr, "mm1: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < q->n; i++)
        buf[i] = q->fifo[(q->head + i) & (q->cap - 1)];
    free(q->fifo);
    q->fifo = buf;
    q->head = 0;
    q->cap = cap;
}

static inline void fifo_push(struct mm1 *q, double t)
{
    if (q->n == q->cap)
        fifo_grow(q);
    q->fifo[(q->head + q->n) & (q->cap - 1)] = t;
    q->n++;
}

static inline double fifo_pop(struct mm1 *q)
{
    double t = q->fifo[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->n--;
    return t;
}

static void handle(struct sim *s, const struct cal_event *ev, void *model)
{
    struct mm1 *q = model;
    switch (ev->type) {
    case EV_ARRIVE:
        fifo_push(q, s->now);
        if (q->n == 1)   /* the server was idle */
            sim_after(s, rng_exponential(&q->service, 1.0 / SERVICE_RATE), EV_DEPART, 0);
        if (--q->to_arrive > 0)
            sim_after(s, rng_exponential(&q->arrivals, 1.0 / ARRIVAL_RATE), EV_ARRIVE, 0);
        break;
    case EV_DEPART: {
        double in_system = s->now - fifo_pop(q);
        size_t b = (size_t)(q->done * BATCHES / q->limit);
        q->batch_sum[b] += in_system;
        q->batch_n[b]++;
        q->done++;
        if (q->n > 0)
            sim_after(s, rng_exponential(&q->service, 1.0 / SERVICE_RATE), EV_DEPART, 0);
        break;
    }
    default:
        CHECK(!"unknown event type");
    }
}

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    unsigned long long customers = argc > 1 ? strtoull(argv[1], NULL, 10) : DEFAULT_CUSTOMERS;
    unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 10) : DEFAULT_SEED;
    if (customers < BATCHES) {
        fprintf(stderr, "usage: mm1 [CUSTOMERS >= %d] [SEED]\n", BATCHES);
        return 2;
    }
    struct mm1 q = { .to_arrive = customers, .limit = customers };
    rng_seed(&q.arrivals, rng_key(seed, 0, STREAM_ARRIVALS, 0));
    rng_seed(&q.service, rng_key(seed, 0, STREAM_SERVICE, 0));
    struct sim s;
    sim_init(&s, 16);
    fifo_push(&q, 0);   /* size the buffer before timing */
    fifo_pop(&q);

    double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    sim_after(&s, rng_exponential(&q.arrivals, 1.0 / ARRIVAL_RATE), EV_ARRIVE, 0);
    sim_run_until(&s, INFINITY, handle, &q);
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, elapsed = seconds(CLOCK_MONOTONIC) - t0;

    /* Batch means: the batches are long against the queue's relaxation time
     * (a few hundred customers at rho = 0.9), so nearly independent. */
    double sum = 0, sum2 = 0;
    for (int b = 0; b < BATCHES; b++) {
        double m = q.batch_sum[b] / (double)q.batch_n[b];
        sum += m;
        sum2 += m * m;
    }
    double mean = sum / BATCHES;
    double var = (sum2 - BATCHES * mean * mean) / (BATCHES - 1);
    double half = Z99 * sqrt(var / BATCHES);
    double expected = 1.0 / (SERVICE_RATE - ARRIVAL_RATE);
    int ok = q.done == customers && fabs(mean - expected) <= half;
    printf("M/M/1 on sim/: lambda %.1f, mu %.1f, %llu customers, %llu events, %.3f s\n",
           ARRIVAL_RATE, SERVICE_RATE, q.done, (unsigned long long)s.events, elapsed);
    printf("mean time in system %.4f (99%% interval +- %.4f; expected %.4f)\n", mean, half, expected);
    printf("mm1 customers=%llu seconds=%.6f cpu_seconds=%.6f customers_per_s=%.6g customers_per_cpu_s=%.6g "
           "mean_time=%.6f ci99=%.6f expected=%.6f ok=%d\n",
           q.done, elapsed, cpu, (double)q.done / elapsed, (double)q.done / cpu, mean, half, expected, ok);
    sim_free(&s);
    free(q.fifo);
    return ok ? 0 : 1;
}
