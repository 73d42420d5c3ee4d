#include "output/json.h"

#include "output/numfmt.h"
#include "sim/check.h"
#include "sim/diag.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define JSON_INDENT "  "         /* one level of indentation */
#define JSON_INT_LIMIT 1e15      /* whole numbers below this are written as integers */
#define JSON_HEX_DIGITS "0123456789abcdef"
#define JSON_CONTROL_LIMIT 0x20  /* characters below this must be escaped */

/* A quoted, escaped JSON string. */
static void json_quoted(struct afile *a, const char *s)
{
    afile_write(a, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *esc = NULL;
        char u[] = "\\u00XX", x[] = "\\\\xXX";
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (c < JSON_CONTROL_LIMIT) {
                u[4] = JSON_HEX_DIGITS[c >> 4];
                u[5] = JSON_HEX_DIGITS[c & 0xf];
                esc = u;
            } else if (c >= 0x80) {
                /* JSON is UTF-8: a byte that is not (a path or argument in
                 * another encoding) is written as the text \xHH, as
                 * messages show it, so the file always parses */
                size_t n = diag_utf8_length((const unsigned char *)p);
                if (n > 0) {
                    p += n - 1;
                    continue;
                }
                x[3] = JSON_HEX_DIGITS[c >> 4];
                x[4] = JSON_HEX_DIGITS[c & 0xf];
                esc = x;
            }
        }
        if (esc) {
            afile_write(a, run, (size_t)(p - run));
            afile_puts(a, esc);
            run = p + 1;
        }
    }
    afile_puts(a, run);
    afile_write(a, "\"", 1);
}

static void json_indent(struct json *j, int depth)
{
    afile_write(j->a, "\n", 1);
    for (int i = 0; i < depth; i++)
        afile_puts(j->a, JSON_INDENT);
}

/* Start a member of the innermost container: separator, indentation, key. */
static void json_member(struct json *j, const char *key)
{
    CHECK(j->depth > 0);
    int top = j->depth - 1;
    CHECK(j->array[top] == (key == NULL));   /* keys in objects, none in arrays */
    if (!j->first[top])
        afile_write(j->a, ",", 1);
    j->first[top] = false;
    json_indent(j, j->depth);
    if (key) {
        json_quoted(j->a, key);
        afile_puts(j->a, ": ");
    }
}

static void json_open(struct json *j, bool array)
{
    CHECK(j->depth < JSON_MAX_DEPTH);
    afile_write(j->a, array ? "[" : "{", 1);
    j->first[j->depth] = true;
    j->array[j->depth] = array;
    j->depth++;
}

void json_begin(struct json *j, struct afile *a)
{
    j->a = a;
    j->depth = 0;
    json_open(j, false);
}

/* End the innermost container. */
static void json_shut(struct json *j)
{
    int top = --j->depth;
    if (!j->first[top])
        json_indent(j, j->depth);
    afile_write(j->a, j->array[top] ? "]" : "}", 1);
}

void json_end(struct json *j)
{
    CHECK(j->depth == 1);   /* every object and array closed */
    json_shut(j);
    afile_write(j->a, "\n", 1);
}

void json_object(struct json *j, const char *key)
{
    json_member(j, key);
    json_open(j, false);
}

void json_array(struct json *j, const char *key)
{
    json_member(j, key);
    json_open(j, true);
}

void json_close(struct json *j)
{
    CHECK(j->depth > 1);   /* the top object is closed by json_end */
    json_shut(j);
}

void json_string(struct json *j, const char *key, const char *value)
{
    json_member(j, key);
    if (value)
        json_quoted(j->a, value);
    else
        afile_puts(j->a, "null");
}

void json_number(struct json *j, const char *key, double value)
{
    char buf[NUMFMT_SIZE];
    json_member(j, key);
    if (!isfinite(value))
        afile_puts(j->a, "null");
    else if (fabs(value) < JSON_INT_LIMIT && value == trunc(value))
        afile_write(j->a, buf, numfmt(buf, value));
    else
        afile_printf(j->a, "%.17g", value);   /* round-trips exactly */
}

void json_uint(struct json *j, const char *key, uint64_t value)
{
    json_member(j, key);
    afile_printf(j->a, "%" PRIu64, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
    json_member(j, key);
    afile_puts(j->a, value ? "true" : "false");
}
