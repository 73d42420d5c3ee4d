#include "cli/progress.h"

#ifdef CASELOAD_MPI
#include "cli/mpi/cluster.h"
#endif

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

volatile sig_atomic_t progress_drawn = 0;

/* Redraw at most this often (seconds). */
#define PROGRESS_INTERVAL 0.2
/* Longest progress line, in bytes. */
#define PROGRESS_LINE_MAX 160

/* Spaces enough to blank the longest line. */
static const char blanks[PROGRESS_LINE_MAX + 1] =
    "                                                                                "
    "                                                                                ";

static double since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

bool progress_terminal(int fd)
{
#ifdef CASELOAD_MPI
    return cluster_terminal(fd);
#else
    return isatty(fd);
#endif
}

void progress_start(struct progress *p, const char *label, uint64_t total, bool quiet)
{
    p->on = !quiet && progress_terminal(STDERR_FILENO);
    p->total = total;
    p->label = label;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    p->last = p->t0;
}

void progress_update(struct progress *p, uint64_t done)
{
    if (!p->on)
        return;
    if (done > p->total)
        p->total = done;   /* an estimate fell short: never count past the end */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (since(&p->last, &now) < PROGRESS_INTERVAL)   /* progress_end clears the line anyway */
        return;
    p->last = now;
    double elapsed = since(&p->t0, &now);
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    double left = rate > 0 ? (double)(p->total - done) / rate : 0;
    /* One write of the whole line (stderr is unbuffered: fprintf would write
     * pieces), so a signal never finds it half drawn. */
    char line[PROGRESS_LINE_MAX];
    int len = snprintf(line, sizeof line, "\r%.40s: %llu/%llu replications, %.1f/s, %.0f s left   ", p->label,
             (unsigned long long)done, (unsigned long long)p->total, rate, left);
    len = len < 0 ? 0 : len >= (int)sizeof line ? (int)sizeof line - 1 : len;
    /* The stop signals wait while the line is drawn and recorded, so the
     * handler never finds a line on the terminal that it does not know of. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)len);
    (void)ignored;
    progress_drawn = len;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void progress_end(struct progress *p)
{
    progress_erase_async();
    p->on = false;
    progress_drawn = 0;
}

void progress_erase_async(void)
{
    int len = progress_drawn;
    if (len <= 0)
        return;
    /* "\r" + as many spaces as the line had + "\r" (the line's own "\r"
     * included, so one space too many: harmless). */
    ssize_t ignored = write(STDERR_FILENO, "\r", 1);
    ignored = write(STDERR_FILENO, blanks, (size_t)(len < PROGRESS_LINE_MAX ? len : PROGRESS_LINE_MAX));
    ignored = write(STDERR_FILENO, "\r", 1);
    (void)ignored;
}
