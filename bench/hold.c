/* hold.c — benchmark: the classic "hold" model on a large event calendar.
 *
 * N events are pending (default 100,000); each step pops the earliest and
 * schedules it again at now + Exp(1), so the calendar stays at N. This is
 * the calendar's steady state in a big model (one pending completion per
 * open case). The event loop is the kernel's (sim_step with a handler that
 * calls sim_after). Reports hold operations (events) per second after a
 * warm-up of 2N events, which lets the time distribution settle.
 *
 *   build/bench/hold [N] [EVENTS] [SEED]
 *
 * Last line, for bench/run.sh:
 *   hold pending=N events=E seconds=S cpu_seconds=C events_per_s=R events_per_cpu_s=P
 * (cpu_seconds: the process's CPU time over the timed events.) */
#include "sim/rng.h"
#include "sim/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DEFAULT_PENDING 100000ULL
#define DEFAULT_EVENTS 20000000ULL
#define DEFAULT_SEED 20240401ULL

struct hold {
    struct rng rng;
    double check;   /* a sum of the times, so the work is not optimised away */
};

static void handle(struct sim *s, const struct cal_event *ev, void *model)
{
    struct hold *h = model;
    h->check += s->now;
    sim_after(s, rng_exponential(&h->rng, 1.0), ev->type, ev->subject);
}

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    unsigned long long n = argc > 1 ? strtoull(argv[1], NULL, 10) : DEFAULT_PENDING;
    unsigned long long events = argc > 2 ? strtoull(argv[2], NULL, 10) : DEFAULT_EVENTS;
    unsigned long long seed = argc > 3 ? strtoull(argv[3], NULL, 10) : DEFAULT_SEED;
    if (n == 0 || n > (1ULL << 24) || events == 0) {
        fprintf(stderr, "usage: hold [PENDING 1..16777216] [EVENTS] [SEED]\n");
        return 2;
    }
    struct hold h = { .check = 0 };
    rng_seed(&h.rng, rng_key(seed, 0, 1, 0));
    struct sim s;
    sim_init(&s, (size_t)n);
    for (unsigned long long i = 0; i < n; i++)
        sim_after(&s, rng_exponential(&h.rng, 1.0), 0, (uint32_t)i);
    for (unsigned long long i = 0; i < 2 * n; i++)
        sim_step(&s, handle, &h);

    double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (unsigned long long i = 0; i < events; i++)
        sim_step(&s, handle, &h);
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, elapsed = seconds(CLOCK_MONOTONIC) - t0;

    printf("hold on sim/: %llu pending, %llu events in %.3f s (clock %.1f, check %.6g)\n",
           n, events, elapsed, s.now, h.check);
    printf("hold pending=%llu events=%llu seconds=%.6f cpu_seconds=%.6f events_per_s=%.6g events_per_cpu_s=%.6g\n",
           n, events, elapsed, cpu, (double)events / elapsed, (double)events / cpu);
    sim_free(&s);
    return 0;
}
