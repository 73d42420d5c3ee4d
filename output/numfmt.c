#include "output/numfmt.h"

#include <math.h>
#include <stdint.h>
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

/* "%.10g" of v by exact integer arithmetic, for 1e-4 <= |v| < 1e10 (the
 * fixed-point range of %.10g, where most values written fall): returns the
 * length, or 0 when v is outside the range (the caller asks printf). The
 * same bytes as printf, which rounds the exact binary value to nearest, ties
 * to even: v = m / 2^s exactly (m < 2^53), so v x 10^(9-e) = m 10^(9-e) /
 * 2^s is split exactly into its whole part (10 digits when 10^e <= |v| <
 * 10^(e+1)) and a remainder compared with half of 2^s. tests/test_numfmt.c
 * checks it against printf, ties and carries included. (Writing a run's
 * series and summaries through printf alone cost 4% of birmingham-2009's
 * instructions.) Needs a 128-bit integer (GCC and Clang on 64-bit targets). */
__extension__ typedef unsigned __int128 numfmt_u128;

#define NUMFMT_DIGITS 10   /* %.10g */
#define NUMFMT_FIXED_LO 1e-4
#define NUMFMT_FIXED_HI 1e10

static const uint64_t numfmt_pow10[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
    1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
};

static size_t numfmt_fixed10(char *buf, double v)
{
    double a = fabs(v);
    if (!(a >= NUMFMT_FIXED_LO && a < NUMFMT_FIXED_HI))
        return 0;
    int q;
    double f = frexp(a, &q);                    /* a = f 2^q, 0.5 <= f < 1 */
    uint64_t m = (uint64_t)ldexp(f, 53);        /* exact */
    int s = 53 - q;                             /* a = m / 2^s; 19 <= s <= 66 */
    /* the decimal exponent e: a first guess, then made exact */
    int e = 0;
    if (a >= 1) {
        while (e < NUMFMT_DIGITS - 1 && a >= (double)numfmt_pow10[e + 1])
            e++;
    } else {
        e = -1;
        while (e > -4 && a < 1.0 / (double)numfmt_pow10[-e])
            e--;
    }
    uint64_t lo = numfmt_pow10[NUMFMT_DIGITS - 1], hi = numfmt_pow10[NUMFMT_DIGITS];
    numfmt_u128 whole, rem, half = (numfmt_u128)1 << (s - 1);
    for (;;) {
        if (e < -4 || e > NUMFMT_DIGITS - 1)
            return 0;
        numfmt_u128 x = (numfmt_u128)m * numfmt_pow10[NUMFMT_DIGITS - 1 - e];
        whole = x >> s;
        rem = x - (whole << s);
        if (whole < lo)
            e--;
        else if (whole >= hi)
            e++;
        else
            break;
    }
    uint64_t n = (uint64_t)whole;
    if (rem > half || (rem == half && (n & 1)))
        n++;
    if (n == hi) {                              /* 9.99...96 -> 10.00 */
        n = lo;
        if (++e > NUMFMT_DIGITS - 1)
            return 0;
    }
    char d[NUMFMT_DIGITS];
    for (int i = NUMFMT_DIGITS - 1; i >= 0; i--, n /= 10)
        d[i] = (char)('0' + n % 10);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    int point;                                  /* digits of d before the point */
    if (e >= 0) {
        point = e + 1;
        memcpy(buf + len, d, (size_t)point);
        len += (size_t)point;
    } else {
        point = 0;
        buf[len++] = '0';
    }
    int last = NUMFMT_DIGITS;                   /* drop trailing zeros */
    while (last > point && d[last - 1] == '0')
        last--;
    if (last > point || e < 0) {
        buf[len++] = '.';
        for (int z = 0; z < -e - 1; z++)
            buf[len++] = '0';
        memcpy(buf + len, d + point, (size_t)(last - point));
        len += (size_t)(last - point);
    }
    buf[len] = '\0';
    return len;
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
    size_t fixed = numfmt_fixed10(buf, v);
    if (fixed)
        return fixed;
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
