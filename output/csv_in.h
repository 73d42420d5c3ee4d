/* csv_in.h — reading CSV records back (RFC 4180: quoted fields may hold
 * commas, quotes and line breaks; CRLF line ends are accepted).
 *
 * Used where the program reads its own result files again (charts drawn
 * from a finished run folder). Fields are NUL-terminated text inside the
 * reader; a record stays valid until the next csv_in_next. */
#ifndef OUTPUT_CSV_IN_H
#define OUTPUT_CSV_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct csv_in {
    FILE *f;
    long line;          /* line the current record started on (from 1) */
    long next_line;
    char *buf;          /* the fields, each NUL-terminated */
    size_t len, cap;
    size_t field_begin; /* offset of the field being read */
    size_t *start;      /* offset of each field in buf */
    size_t n, cap_fields;
};

/* Open path and read its header, which must name every column in
 * need[0..n) (their indices go to col). On failure the reader is closed and
 * err says why, naming the file. */
bool csv_in_open(struct csv_in *c, const char *path, const char *const *need, long *col, size_t n,
                 char *err, size_t size);

/* The next record: 1, or 0 at the end of the file, or -1 when a quoted
 * field is not closed. Blank lines (LF or CRLF) are skipped. */
int csv_in_next(struct csv_in *c);

/* Field i of the current record, or NULL when it has fewer fields. */
const char *csv_in_field(const struct csv_in *c, long i);

/* The index of the field equal to name in the current record, or -1. */
long csv_in_column(const struct csv_in *c, const char *name);

/* A field as a number, or NaN for NULL, "NA", an empty field or anything
 * that is not wholly a decimal number (params_parse_real). */
double csv_in_number(const char *text);

/* Close the file and free the buffers; the reader is zeroed. */
void csv_in_free(struct csv_in *c);

#endif
