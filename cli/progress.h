/* progress.h — replications done, rate and time left, on standard error
 * when it is a terminal (and not -q). */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress {
    bool on;
    uint64_t total;
    struct timespec t0, last;
    const char *label;
};

void progress_start(struct progress *p, const char *label, uint64_t total, bool quiet);
void progress_update(struct progress *p, uint64_t done);
void progress_end(struct progress *p);

#endif
