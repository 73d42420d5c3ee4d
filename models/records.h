/* records.h — a replication as a council's case system and HR would have
 * recorded it: the six files of docs/fitting.md (referrals, episodes,
 * staff, absences, vacancies, establishment), with synthetic identifiers.
 *
 * A records object is a trace receiver (trace.h): give records_trace(r) to
 * a model (model.h's `trace`) before model_run, and every event of the
 * replication becomes rows; then records_write emits each file's text.
 * Times are whole days: an event at day t is dated start + floor(t). What is
 * open at the horizon is left open (empty end). Cases open at day 0 date
 * from before it (their age, trace.h); staff in post at day 0 from day 0
 * (left-truncated: their earlier service is unknown). A vacancy withdrawn
 * unfilled (an establishment cut) is left out: the format has no column
 * for it. */
#ifndef MODELS_RECORDS_H
#define MODELS_RECORDS_H

#include "models/scenario.h"
#include "models/trace.h"

enum records_file {
    RECORDS_REFERRALS,
    RECORDS_EPISODES,
    RECORDS_STAFF,
    RECORDS_ABSENCES,
    RECORDS_VACANCIES,
    RECORDS_ESTABLISHMENT,
    RECORDS_FILES
};

struct records;

/* Empty records for a replication of sc (which must outlive them). Never
 * NULL (out of memory aborts). Free with records_destroy (NULL is fine). */
struct records *records_create(const struct scenario *sc);
void records_destroy(struct records *r);

/* The receiver to set as a model's trace; valid for r's life. */
const struct trace *records_trace(struct records *r);

/* "referrals.csv", ... */
const char *records_file_name(enum records_file f);

/* File f's whole text (header row first), a line at a time, each ending in
 * "\n", to put(arg, line). */
void records_write(const struct records *r, enum records_file f, void (*put)(void *arg, const char *line), void *arg);

/* Rows so far in file f. */
size_t records_rows(const struct records *r, enum records_file f);

#endif
