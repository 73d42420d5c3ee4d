/* heap.c — benchmark reference: the M/M/1 of bench/mm1.c on a plain binary
 * heap, the ceiling the kernel is measured against.
 *
 * The same queue (arrival rate 0.9, service rate 1.0, FIFO), the same draws
 * (sim/rng.h streams with the same keys, so the same customers and the same
 * mean time in system to the last digit) and the same statistics, but no
 * kernel: one loop popping a binary heap of (time, sequence, type) held in a
 * local array, no handles, no cancel or move, nothing out of line. What the
 * kernel does beyond this (handles, generations, its calendar's bookkeeping,
 * the handler call) is what bench/mm1's rate pays for generality.
 *
 *   build/bench/heap [CUSTOMERS] [SEED]
 *
 * Last line, for bench/run.sh (as bench/mm1's; cpu_seconds is the process's
 * CPU time over the loop, the steadier figure on a shared machine):
 *   heap customers=N seconds=S cpu_seconds=C customers_per_s=R customers_per_cpu_s=P mean_time=T ok=0|1 */
#include "sim/rng.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ARRIVAL_RATE 0.9
#define SERVICE_RATE 1.0
#define DEFAULT_CUSTOMERS 1000000ULL
#define DEFAULT_SEED 20240401ULL
#define BATCHES 50              /* batch means, as bench/mm1.c */
#define Z99 2.68                /* t quantile, 49 degrees of freedom, 99.5% */
#define HEAP_CAP 4              /* an M/M/1 has at most two pending events */

enum { EV_ARRIVE, EV_DEPART };
enum { STREAM_ARRIVALS = 1, STREAM_SERVICE = 2 };

struct ev {
    double time;
    uint64_t seq;
    uint32_t type;
};

struct heap {
    struct ev e[HEAP_CAP];
    size_t n;
    uint64_t seq;
};

static inline bool ev_before(const struct ev *a, const struct ev *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void heap_push(struct heap *h, double time, uint32_t type)
{
    if (h->n == HEAP_CAP) {
        fprintf(stderr, "heap: full\n");
        exit(1);
    }
    struct ev x = { time, h->seq++, type };
    size_t i = h->n++;
    while (i > 0 && ev_before(&x, &h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = x;
}

static inline struct ev heap_pop(struct heap *h)
{
    struct ev top = h->e[0], x = h->e[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        size_t m = l + (size_t)(l + 1 < n && ev_before(&h->e[l + 1], &h->e[l]));
        if (!ev_before(&h->e[m], &x))
            break;
        h->e[i] = h->e[m];
        i = m;
    }
    h->e[i] = x;
    return top;
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
        fprintf(stderr, "usage: heap [CUSTOMERS >= %d] [SEED]\n", BATCHES);
        return 2;
    }
    struct rng arrivals, service;
    rng_seed(&arrivals, rng_key(seed, 0, STREAM_ARRIVALS, 0));
    rng_seed(&service, rng_key(seed, 0, STREAM_SERVICE, 0));
    size_t cap = 1024, head = 0, n = 0;
    double *fifo = malloc(cap * sizeof *fifo);
    if (!fifo) {
        fprintf(stderr, "heap: out of memory\n");
        return 1;
    }
    double batch_sum[BATCHES] = { 0 };
    unsigned long long batch_n[BATCHES] = { 0 };
    unsigned long long to_arrive = customers, done = 0, events = 0;
    struct heap h = { .n = 0 };

    double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    heap_push(&h, rng_exponential(&arrivals, 1.0 / ARRIVAL_RATE), EV_ARRIVE);
    while (h.n > 0) {
        struct ev ev = heap_pop(&h);
        double now = ev.time;
        events++;
        if (ev.type == EV_ARRIVE) {
            if (n == cap) {
                double *buf = malloc(2 * cap * sizeof *buf);
                if (!buf) {
                    fprintf(stderr, "heap: out of memory\n");
                    return 1;
                }
                for (size_t i = 0; i < n; i++)
                    buf[i] = fifo[(head + i) & (cap - 1)];
                free(fifo);
                fifo = buf;
                head = 0;
                cap *= 2;
            }
            fifo[(head + n) & (cap - 1)] = now;
            n++;
            if (n == 1)
                heap_push(&h, now + rng_exponential(&service, 1.0 / SERVICE_RATE), EV_DEPART);
            if (--to_arrive > 0)
                heap_push(&h, now + rng_exponential(&arrivals, 1.0 / ARRIVAL_RATE), EV_ARRIVE);
        } else {
            double in_system = now - fifo[head];
            head = (head + 1) & (cap - 1);
            n--;
            size_t b = (size_t)(done * BATCHES / customers);
            batch_sum[b] += in_system;
            batch_n[b]++;
            done++;
            if (n > 0)
                heap_push(&h, now + rng_exponential(&service, 1.0 / SERVICE_RATE), EV_DEPART);
        }
    }
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, elapsed = seconds(CLOCK_MONOTONIC) - t0;

    double sum = 0, sum2 = 0;
    for (int b = 0; b < BATCHES; b++) {
        double m = batch_sum[b] / (double)batch_n[b];
        sum += m;
        sum2 += m * m;
    }
    double mean = sum / BATCHES;
    double var = (sum2 - BATCHES * mean * mean) / (BATCHES - 1);
    double half = Z99 * sqrt(var / BATCHES);
    double expected = 1.0 / (SERVICE_RATE - ARRIVAL_RATE);
    int ok = done == customers && fabs(mean - expected) <= half;
    printf("M/M/1 on a plain binary heap: %llu customers, %llu events, %.3f s (%.3f s CPU)\n", done, events,
           elapsed, cpu);
    printf("heap customers=%llu seconds=%.6f cpu_seconds=%.6f customers_per_s=%.6g customers_per_cpu_s=%.6g "
           "mean_time=%.6f ok=%d\n",
           done, elapsed, cpu, (double)done / elapsed, (double)done / cpu, mean, ok);
    free(fifo);
    return ok ? 0 : 1;
}
