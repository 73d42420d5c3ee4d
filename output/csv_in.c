/* csv_in.c — reading CSV records back (see csv_in.h). */
#include "output/csv_in.h"

#include "sim/check.h"
#include "sim/infile.h"
#include "sim/params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void csv_in_put(struct csv_in *c, char ch)
{
    if (c->len == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 256;
        c->buf = check_realloc(c->buf, c->cap);
    }
    c->buf[c->len++] = ch;
}

static void csv_in_end_field(struct csv_in *c)
{
    csv_in_put(c, '\0');
    if (c->n == c->cap_fields) {
        c->cap_fields = c->cap_fields ? 2 * c->cap_fields : 16;
        c->start = check_realloc(c->start, c->cap_fields * sizeof *c->start);
    }
    c->start[c->n++] = c->field_begin;
    c->field_begin = c->len;
}

int csv_in_next(struct csv_in *c)
{
    for (;;) {
        c->len = c->n = c->field_begin = 0;
        c->line = c->next_line;
        int ch = getc(c->f);
        if (ch == EOF)
            return 0;
        if (ch == '\r') {              /* a blank line ending in CRLF? */
            int next = getc(c->f);
            if (next == '\n') {
                c->next_line++;
                continue;
            }
            ungetc(next, c->f);
        }
        if (ch == '\n') {
            c->next_line++;
            continue;
        }
        bool quoted = false, was_quoted = false;
        size_t unquoted_from = 0;   /* where text after a closing quote begins */
        for (;; ch = getc(c->f)) {
            if (quoted) {
                if (ch == EOF)
                    return -1;
                if (ch == '"') {
                    int next = getc(c->f);
                    if (next == '"') {
                        csv_in_put(c, '"');
                        continue;
                    }
                    quoted = false;
                    unquoted_from = c->len;
                    ungetc(next, c->f);
                    continue;
                }
                if (ch == '\n')
                    c->next_line++;
                csv_in_put(c, (char)ch);
                continue;
            }
            if (ch == '"' && !was_quoted && c->len == c->field_begin) {
                quoted = was_quoted = true;
                continue;
            }
            if (ch == ',' || ch == '\n' || ch == EOF) {
                if (ch != ',' && c->len > c->field_begin && c->buf[c->len - 1] == '\r' &&
                    (!was_quoted || c->len > unquoted_from))
                    c->len--;
                csv_in_end_field(c);
                was_quoted = false;
                if (ch == ',')
                    continue;
                if (ch == '\n')
                    c->next_line++;
                return 1;
            }
            csv_in_put(c, (char)ch);
        }
    }
}

const char *csv_in_field(const struct csv_in *c, long i)
{
    return i >= 0 && (size_t)i < c->n ? c->buf + c->start[i] : NULL;
}

long csv_in_column(const struct csv_in *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->buf + c->start[i], name) == 0)
            return (long)i;
    return -1;
}

void csv_in_free(struct csv_in *c)
{
    if (c->f)
        fclose(c->f);
    free(c->buf);
    free(c->start);
    memset(c, 0, sizeof *c);
}

bool csv_in_open(struct csv_in *c, const char *path, const char *const *need, long *col, size_t n,
                 char *err, size_t size)
{
    memset(c, 0, sizeof *c);
    c->next_line = 1;
    c->f = infile_open(path);
    if (!c->f) {
        snprintf(err, size, "%s: cannot read (%s)", path, infile_error(errno));
        return false;
    }
    int r = csv_in_next(c);
    if (r <= 0) {
        snprintf(err, size, "%s: %s", path, r == 0 ? "empty file" : "unterminated quoted field");
        csv_in_free(c);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        col[i] = csv_in_column(c, need[i]);
        if (col[i] < 0) {
            snprintf(err, size, "%s:%ld: no column \"%s\" in the header", path, c->line, need[i]);
            csv_in_free(c);
            return false;
        }
    }
    return true;
}

double csv_in_number(const char *text)
{
    double v;
    return text && params_parse_real(text, &v) ? v : NAN;
}
