/* records.h — a council's records, read and checked (formats: docs/fitting.md).
 *
 *   referrals.csv      child_id,referral_date,outcome
 *   episodes.csv       case_id,stage,start_date,end_date,next[,allocated_date]
 *   staff.csv          person_id,grade,fte,start_date,end_date,agency
 *   absences.csv       person_id,start_date,end_date
 *   vacancies.csv      grade,vacant_from,filled_on          (optional)
 *   establishment.csv  grade,date,fte                       (optional)
 *
 * CSV, UTF-8, a header row naming the columns (found by name, in any
 * order; extra columns ignored), dates YYYY-MM-DD. Stages and grades are
 * checked against the template scenario. Identifiers (child_id, case_id,
 * person_id) are turned into small integers while reading, only to link
 * rows; the text of an identifier is kept nowhere once records_read
 * returns, and no message quotes one (rows are named by file and line).
 *
 * Every bad row is reported as FILE:LINE:COLUMN: NAME: what is wrong, with
 * COLUMN the 1-based field number; with drop_bad the row is skipped instead
 * and counted under its reason (records.drops), never silently. Memory is
 * linear in the rows; a file is read once, streaming. */
#ifndef FIT_RECORDS_H
#define FIT_RECORDS_H

#include "models/scenario.h"
#include "sim/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A date left empty (an open episode, spell, absence or vacancy). */
#define RECORDS_NONE INT32_MAX
/* episodes.next: STAGE_CLOSE (the case closed) or RECORDS_OPEN (still open). */
#define RECORDS_OPEN (-2)

/* Dates are whole days since 1970-01-01 (date_to_days). */
struct records_referral {
    int32_t day;
    int32_t child;          /* linking index (same space as case) */
    bool screened_out;
};

struct records_episode {
    int32_t case_ix;        /* linking index (same space as child) */
    int16_t stage;          /* template stage index */
    int16_t next;           /* stage index, STAGE_CLOSE or RECORDS_OPEN */
    int32_t start, end;     /* end RECORDS_NONE while open */
    int32_t allocated;      /* RECORDS_NONE while unallocated (or no column) */
};

struct records_spell {
    int32_t person;         /* linking index */
    int16_t grade;          /* template grade index */
    bool agency;
    double fte;
    int32_t start, end;     /* end RECORDS_NONE while in post; exclusive */
};

struct records_absence {
    int32_t person;
    int32_t start, end;     /* end RECORDS_NONE while still off */
};

struct records_vacancy {
    int16_t grade;
    int32_t from, filled;   /* filled RECORDS_NONE while vacant */
};

struct records_estab {
    int16_t grade;
    int32_t day;
    double fte;
};

enum records_file {
    RECORDS_REFERRALS, RECORDS_EPISODES, RECORDS_STAFF, RECORDS_ABSENCES,
    RECORDS_VACANCIES, RECORDS_ESTABLISHMENT, RECORDS_FILE_COUNT
};

/* Why a row is bad (the kinds counted by --drop-bad). */
enum records_reason {
    REASON_MISSING_FIELD,       /* an empty or absent required field */
    REASON_BAD_DATE,            /* not a YYYY-MM-DD calendar date */
    REASON_END_BEFORE_START,    /* an end (or allocation) before the start */
    REASON_UNKNOWN_STAGE,       /* a stage the template does not have */
    REASON_UNKNOWN_GRADE,       /* a grade the template does not have */
    REASON_BAD_VALUE,           /* outcome, fte, agency or a number out of range */
    REASON_NEXT_NOT_IN_PATHWAY, /* next is no transition of the stage (nor close) */
    REASON_DUPLICATE_EPISODE,   /* same case, stage and start_date as another row */
    REASON_OVERLAP,             /* overlaps another spell of the same person */
    REASON_UNKNOWN_PERSON,      /* an absence of nobody in staff.csv */
    REASON_COUNT
};

struct records {
    struct records_referral *ref;
    size_t n_ref;
    struct records_episode *ep;
    size_t n_ep;
    struct records_spell *spell;
    size_t n_spell;
    struct records_absence *abs;
    size_t n_abs;
    struct records_vacancy *vac;
    size_t n_vac;
    struct records_estab *est;
    size_t n_est;
    bool has_vacancies, has_establishment, has_allocated;
    size_t n_ids;           /* distinct child/case identifiers */
    size_t n_persons;
    size_t drops[RECORDS_FILE_COUNT][REASON_COUNT]; /* rows skipped (drop_bad) */
};

/* Read every file of dir, checked against sc's stages (and each stage's
 * transitions) and grades. Problems go to d; with drop_bad the bad rows are
 * skipped and counted in r->drops instead (a missing file or column is
 * still an error). True when d holds no error; free r with records_free
 * either way. */
bool records_read(struct records *r, const char *dir, const struct scenario *sc, bool drop_bad,
                  struct diag *d);

void records_free(struct records *r);

/* "referrals.csv", ... */
const char *records_file_name(enum records_file f);

/* "missing_field", "bad_date", ... (for drops.csv). */
const char *records_reason_name(enum records_reason r);

/* Rows dropped in all. */
size_t records_dropped(const struct records *r);

#endif
