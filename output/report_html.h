/* report_html.h — the sections of the report page (report.h), written as
 * XHTML-compatible HTML. Internal to output/report*.c. */
#ifndef OUTPUT_REPORT_HTML_H
#define OUTPUT_REPORT_HTML_H

#include "output/afile.h"
#include "output/json_in.h"
#include "output/report.h"

#include <stdbool.h>
#include <stddef.h>

/* A CSV file of the folder read whole: its header and its rows, every
 * field as text ("" when a row is short). */
struct rtab {
    char *name;                /* the file, relative to the folder ("kpis.csv") */
    size_t n_cols, n_rows;
    char **col;
    char **cell;               /* row-major */
};

/* The page being written. */
struct rpage {
    const char *dir;
    enum report_kind kind;
    const struct json_in *manifest;
    const struct report_input *in;
    struct afile a;
    struct rtab kpis, years, summary;        /* a run */
    struct rtab compare, cyears;             /* a comparison */
    struct rtab sweep, tornado, target;
    int tables, figures;                     /* numbered so far */
};

/* Read the folder's files the page needs; false with a message in err. */
bool rpage_load(struct rpage *pg, char *err, size_t size);
void rpage_free(struct rpage *pg);

void rpage_begin(struct rpage *pg);
void rpage_summary(struct rpage *pg);
void rpage_tables(struct rpage *pg);
void rpage_charts(struct rpage *pg);
void rpage_assumptions(struct rpage *pg);
void rpage_method(struct rpage *pg);
void rpage_end(struct rpage *pg);

/* Numbers for people: money in £, £k or £m, shares in per cent, counts
 * with three or four significant figures and thousands separated by
 * commas; "n/a" for NaN. The text parses back (tests/test_report.c). */
void report_number(char *buf, size_t size, double v, const char *unit);

#endif
