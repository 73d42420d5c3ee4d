#include "output/numfmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Whole numbers below this magnitude are written digit by digit; they fit a
 * long long exactly and need at most 15 digits. */
#define NUMFMT_INT_LIMIT 1e15

/* Digits of an unsigned value, most significant first; returns the length. */
static size_t numfmt_digits(char *buf, unsigned long long u)
{
    char rev[NUMFMT_SIZE];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (size_t i = 0; i < n; i++)
        buf[i] = rev[n - 1 - i];
    buf[n] = '\0';
    return n;
}

static size_t numfmt_text(char *buf, const char *text)
{
    size_t n = strlen(text);
    memcpy(buf, text, n + 1);
    return n;
}

size_t numfmt(char *buf, double v)
{
    if (isnan(v))
        return numfmt_text(buf, "NA");
    if (isinf(v))
        return numfmt_text(buf, v > 0 ? "Inf" : "-Inf");
    if (fabs(v) < NUMFMT_INT_LIMIT && v == trunc(v)) {
        if (v < 0) {
            buf[0] = '-';
            return 1 + numfmt_digits(buf + 1, (unsigned long long)-v);
        }
        return numfmt_digits(buf, (unsigned long long)v);   /* -0.0 gives "0" */
    }
    int n = snprintf(buf, NUMFMT_SIZE, "%.10g", v);
    return n > 0 ? (size_t)n : 0;
}

void numfmt_table(char *buf, size_t size, const char *fmt, double v)
{
    snprintf(buf, size, fmt, v);
    if (buf[0] != '-')
        return;
    if (strspn(buf + 1, "0.") != strlen(buf + 1))
        return;   /* a real negative number (or -inf) */
    memmove(buf, buf + 1, strlen(buf));   /* "-0.0" -> "0.0" */
}

void numfmt_pad(const char *text, int width)
{
    int columns = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        columns += (*p & 0xC0) != 0x80;   /* continuation bytes take no column */
    printf("%s%*s", text, width > columns ? width - columns : 0, "");
}
