/* limits.h — refuse runs that would exhaust memory, disk or days of time.
 *
 * Before any work starts, a cheap estimate (models/estimate.h: events, open
 * cases and workers per replication, from the parameter values) is scaled
 * by replications, scenarios and threads and compared with:
 *   - time: at most CLI_MAX_HOURS hours at CLI_EVENTS_PER_SECOND events a
 *     second per thread (a conservative rate: measured rates are higher);
 *   - memory: at most CLI_MAX_MEMORY_SHARE of the machine's memory (or of
 *     the address-space limit, ulimit -v, when lower);
 *   - disk: the result files must fit in the space free where they go.
 * docs/robustness.md explains the figures. */
#ifndef CLI_LIMITS_H
#define CLI_LIMITS_H

#include "models/caseload.h"
#include "sim/result.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_MAX_HOURS 48.0
#define CLI_EVENTS_PER_SECOND 1e6
#define CLI_MAX_MEMORY_SHARE 0.8

/* What a run would cost, and the limits it is held to. */
/* The same, then check it: returns 0, or 2 after printing one message per
 * limit exceeded ("caseload: ...: what (allowed: ...)"). what names the
 * command for messages ("run", "compare"). */
int limits_check_cost(const struct scenario *const *sc, const struct result_layout *l, size_t n, uint64_t reps,
                   unsigned threads, const char *dir, const char *what);

#endif
