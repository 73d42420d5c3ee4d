/* replication.h — one replication of a scenario, from day 0 to the horizon.
 *
 * This is the one place that wires demand, pathway, binding, workers, posts,
 * costs, interventions and metrics into an event loop. A model is a
 * workspace for one thread: create it once, run any number of replications
 * (each a pure function of scenario, master seed and replication index),
 * destroy it. */
#ifndef MODELS_REPLICATION_H
#define MODELS_REPLICATION_H

#include "models/scenario.h"
#include "sim/result.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct model;
struct trace;

/* A workspace for sc (which must outlive it). Never NULL: out of memory
 * aborts (sim/check.h). */
struct model *model_create(const struct scenario *sc);
void model_destroy(struct model *m);

/* Run replication rep under master_seed into out (allocated for layout l,
 * which must come from metrics_layout of the same scenario). Returns 0, or 1
 * when *stop was raised before the end (out is then incomplete). */
int model_run(struct model *m, uint64_t master_seed, uint64_t rep, const struct result_layout *l,
              struct rep_result *out, volatile sig_atomic_t *stop);

/* Give m a trace (trace.h) for the replications it runs from now on, or
 * NULL (the default: nothing is reported, nothing changes). t must outlive
 * them. */
void model_set_trace(struct model *m, const struct trace *t);

/* Recompute everything that depends on parameter values after they changed
 * (an intervention started or ended). */
void model_refresh(struct model *m);

/* Whether this build walks the model's invariants after every event
 * (compiled with CASELOAD_CHECK_INVARIANTS and without CASELOAD_CHECK_SPARSE:
 * tests/test_invariants.c; never the release program; models/invariants.h). */
bool model_checks_invariants(void);

#endif
