#include "output/csv.h"

#include "output/numfmt.h"
#include "sim/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CSV_SUMMARY_HEADER \
    "scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p50,p95,p25,p75,n\n"
#define CSV_KPIS_HEADER "scenario,kpi,unit,mean,sd,ci_low,ci_high,p05,p50,p95,n,description\n"
#define CSV_YEARS_HEADER "scenario,year,metric,mean,sd,ci_low,ci_high,p05,p50,p95,n,days\n"
#define CSV_SERIES_HEADER "scenario,rep,period,date"

#define CSV_ROW_CAP0 256   /* first size of a row buffer; it doubles as needed */
#define CSV_U64_DIGITS 20  /* decimal digits of UINT64_MAX */

/* Characters that make a text field need quotes (RFC 4180). */
static const char csv_special[] = ",\"\n\r";

/* A row is built here, then written with one afile_write. */
struct csv_row {
    char *buf;
    size_t len, cap;
};

static void csv_row_reserve(struct csv_row *r, size_t n)
{
    if (r->len + n <= r->cap)
        return;
    size_t cap = r->cap ? r->cap : CSV_ROW_CAP0;
    while (cap < r->len + n)
        cap *= 2;
    r->buf = check_realloc(r->buf, cap);
    r->cap = cap;
}

static void csv_row_char(struct csv_row *r, char c)
{
    csv_row_reserve(r, 1);
    r->buf[r->len++] = c;
}

static void csv_row_raw(struct csv_row *r, const char *text, size_t n)
{
    csv_row_reserve(r, n);
    memcpy(r->buf + r->len, text, n);
    r->len += n;
}

/* A text field, quoted if it needs to be; NULL is an empty field. */
static void csv_row_text(struct csv_row *r, const char *text)
{
    if (!text)
        return;
    size_t n = strlen(text);
    if (strcspn(text, csv_special) == n) {
        csv_row_raw(r, text, n);
        return;
    }
    csv_row_reserve(r, 2 * n + 2);   /* every character a quote, and the two around */
    r->buf[r->len++] = '"';
    for (const char *t = text; *t; t++) {
        if (*t == '"')
            r->buf[r->len++] = '"';
        r->buf[r->len++] = *t;
    }
    r->buf[r->len++] = '"';
}

static void csv_row_num(struct csv_row *r, double v)
{
    csv_row_reserve(r, NUMFMT_SIZE);
    r->len += numfmt(r->buf + r->len, v);
}

static void csv_row_u64(struct csv_row *r, uint64_t v)
{
    char rev[CSV_U64_DIGITS];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    csv_row_reserve(r, n);
    while (n)
        r->buf[r->len++] = rev[--n];
}

/* Write the row with its line end and empty it. */
static void csv_row_end(struct afile *a, struct csv_row *r)
{
    csv_row_char(r, '\n');
    afile_write(a, r->buf, r->len);
    r->len = 0;
}

void csv_field(struct afile *a, const char *text)
{
    if (!text)
        return;
    if (text[strcspn(text, csv_special)] == '\0') {
        afile_puts(a, text);
        return;
    }
    afile_write(a, "\"", 1);
    for (const char *t = text; *t;) {
        size_t run = strcspn(t, "\"");
        afile_write(a, t, run);
        t += run;
        if (*t == '"') {
            afile_write(a, "\"\"", 2);
            t++;
        }
    }
    afile_write(a, "\"", 1);
}

void csv_next_number(struct afile *a, double v)
{
    char buf[NUMFMT_SIZE + 1] = ",";
    size_t n = numfmt(buf + 1, v);
    afile_write(a, buf, n + 1);
}

void csv_series_header(struct afile *a, const struct result_layout *l)
{
    struct csv_row r = {0};
    csv_row_raw(&r, CSV_SERIES_HEADER, strlen(CSV_SERIES_HEADER));
    for (size_t m = 0; m < l->n_metrics; m++) {
        csv_row_char(&r, ',');
        csv_row_text(&r, l->metric[m].name);
    }
    csv_row_end(a, &r);
    free(r.buf);
}

void csv_series_rows(struct afile *a, const char *scenario, const struct result_layout *l,
                     const struct rep_result *r)
{
    struct csv_row row = {0};
    csv_row_text(&row, scenario);
    csv_row_char(&row, ',');
    csv_row_u64(&row, r->rep + 1);
    csv_row_char(&row, ',');
    size_t prefix = row.len;     /* the same on every row */
    for (size_t p = 0; p < l->n_periods; p++) {
        row.len = prefix;
        csv_row_u64(&row, p + 1);
        csv_row_char(&row, ',');
        csv_row_text(&row, l->date[p]);
        const double *v = r->values + p * l->n_metrics;
        for (size_t m = 0; m < l->n_metrics; m++) {
            csv_row_char(&row, ',');
            csv_row_num(&row, v[m]);
        }
        csv_row_end(a, &row);
    }
    free(row.buf);
}

/* mean,sd,ci_low,ci_high,p05,p50,p95 */
static void csv_row_summary(struct csv_row *row, const struct summary *s)
{
    const double v[] = {s->mean, s->sd, s->ci_low, s->ci_high, s->p05, s->p50, s->p95};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        csv_row_char(row, ',');
        csv_row_num(row, v[i]);
    }
}

void csv_summary(struct afile *a, const char *scenario, const struct result_layout *l,
                 const struct stats *s, int header)
{
    if (header)
        afile_puts(a, CSV_SUMMARY_HEADER);
    struct csv_row row = {0};
    for (size_t p = 0; p < l->n_periods; p++) {
        for (size_t m = 0; m < l->n_metrics; m++) {
            struct summary sum;
            stats_metric(s, p, m, &sum);
            csv_row_text(&row, scenario);
            csv_row_char(&row, ',');
            csv_row_u64(&row, p + 1);
            csv_row_char(&row, ',');
            csv_row_text(&row, l->date[p]);
            csv_row_char(&row, ',');
            csv_row_text(&row, l->metric[m].name);
            csv_row_summary(&row, &sum);
            csv_row_char(&row, ',');
            csv_row_num(&row, sum.p25);
            csv_row_char(&row, ',');
            csv_row_num(&row, sum.p75);
            csv_row_char(&row, ',');
            csv_row_u64(&row, sum.n);
            csv_row_end(a, &row);
        }
    }
    free(row.buf);
}

void csv_years(struct afile *a, const char *scenario, const struct result_layout *ys, const struct stats *s,
               int header)
{
    if (header)
        afile_puts(a, CSV_YEARS_HEADER);
    struct csv_row row = {0};
    for (size_t y = 0; y < ys->n_periods; y++) {
        for (size_t m = 0; m < ys->n_metrics; m++) {
            struct summary sum;
            stats_metric(s, y, m, &sum);
            csv_row_text(&row, scenario);
            csv_row_char(&row, ',');
            csv_row_text(&row, ys->date[y]);
            csv_row_char(&row, ',');
            csv_row_text(&row, ys->metric[m].name);
            csv_row_summary(&row, &sum);
            csv_row_char(&row, ',');
            csv_row_u64(&row, sum.n);
            csv_row_char(&row, ',');
            csv_row_num(&row, ys->days[y]);
            csv_row_end(a, &row);
        }
    }
    free(row.buf);
}

void csv_kpis(struct afile *a, const char *scenario, const struct result_layout *l,
              const struct stats *s, int header)
{
    if (header)
        afile_puts(a, CSV_KPIS_HEADER);
    struct csv_row row = {0};
    for (size_t k = 0; k < l->n_kpis; k++) {
        struct summary sum;
        stats_kpi(s, k, &sum);
        csv_row_text(&row, scenario);
        csv_row_char(&row, ',');
        csv_row_text(&row, l->kpi[k].name);
        csv_row_char(&row, ',');
        csv_row_text(&row, l->kpi[k].unit);
        csv_row_summary(&row, &sum);
        csv_row_char(&row, ',');
        csv_row_u64(&row, sum.n);
        csv_row_char(&row, ',');
        csv_row_text(&row, l->kpi[k].descr);
        csv_row_end(a, &row);
    }
    free(row.buf);
}
