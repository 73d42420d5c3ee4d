#include "cli/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t progress_drawn = 0;

/* Redraw at most this often (seconds). */
#define PROGRESS_INTERVAL 0.2

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

void progress_start(struct progress *p, const char *label, uint64_t total, bool quiet)
{
    p->on = !quiet && isatty(STDERR_FILENO);
    p->total = total;
    p->label = label;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    p->last = p->t0;
}

void progress_update(struct progress *p, uint64_t done)
{
    if (!p->on)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (done < p->total && since(&p->last, &now) < PROGRESS_INTERVAL)
        return;
    p->last = now;
    double elapsed = since(&p->t0, &now);
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    double left = rate > 0 ? (double)(p->total - done) / rate : 0;
    /* One write of the whole line (stderr is unbuffered: fprintf would write
     * pieces), so a signal never finds it half drawn. */
    char line[160];
    snprintf(line, sizeof line, "\r%.40s: %llu/%llu replications, %.1f/s, %.0f s left   ", p->label,
             (unsigned long long)done, (unsigned long long)p->total, rate, left);
    ssize_t ignored = write(STDERR_FILENO, line, strlen(line));
    (void)ignored;
    progress_drawn = 1;
}

void progress_end(struct progress *p)
{
    if (p->on)
        fprintf(stderr, "\r%*s\r", 79, "");
    p->on = false;
    progress_drawn = 0;
}

void progress_erase_async(void)
{
    static const char blank[] = "\r                                        "
                                "                                       \r";
    if (progress_drawn) {
        ssize_t ignored = write(STDERR_FILENO, blank, sizeof blank - 1);
        (void)ignored;
    }
}
