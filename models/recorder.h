/* recorder.h — a replication as a council's case system and HR would have
 * recorded it: the six files of docs/fitting.md (referrals, episodes,
 * staff, absences, vacancies, establishment), with synthetic identifiers.
 *
 * A records object is a trace receiver (trace.h): give recorder_trace(r) to
 * a model (model.h's `trace`) before model_run, and every event of the
 * replication becomes rows; then recorder_write emits each file's text.
 * Times are whole days: an event at day t is dated start + floor(t). What is
 * open at the horizon is left open (empty end). Cases open at day 0 date
 * from before it (their age, trace.h); staff in post at day 0 from day 0
 * (left-truncated: their earlier service is unknown). A vacancy withdrawn
 * unfilled (an establishment cut) is left out: the format has no column
 * for it. */
#ifndef MODELS_RECORDER_H
#define MODELS_RECORDER_H

#include "models/scenario.h"
#include "models/trace.h"

enum recorder_file {
    RECORDER_REFERRALS,
    RECORDER_EPISODES,
    RECORDER_STAFF,
    RECORDER_ABSENCES,
    RECORDER_VACANCIES,
    RECORDER_ESTABLISHMENT,
    RECORDER_FILES
};

struct recorder;

/* Empty records for a replication of sc (which must outlive them). Never
 * NULL (out of memory aborts). Free with recorder_destroy (NULL is fine). */
struct recorder *recorder_create(const struct scenario *sc);
void recorder_destroy(struct recorder *r);

/* The receiver to set as a model's trace; valid for r's life. */
const struct trace *recorder_trace(struct recorder *r);

/* "referrals.csv", ... */
const char *recorder_file_name(enum recorder_file f);

/* File f's whole text (header row first), a line at a time, each ending in
 * "\n", to put(arg, line). */
void recorder_write(const struct recorder *r, enum recorder_file f, void (*put)(void *arg, const char *line), void *arg);

/* Rows so far in file f. */
size_t recorder_rows(const struct recorder *r, enum recorder_file f);

#endif
