/* numfmt.h — numbers as text, the same bytes on every machine and run.
 *
 * Whole numbers (|v| < 1e15) are written without a decimal point; others with
 * up to 10 significant digits, shortest form, as "%.10g" would; NaN as "NA"
 * (what R and pandas read as missing); infinities as "Inf" / "-Inf". */
#ifndef OUTPUT_NUMFMT_H
#define OUTPUT_NUMFMT_H

#include <stddef.h>

#define NUMFMT_SIZE 32   /* enough for any value */

/* Write v into buf (NUMFMT_SIZE bytes); returns the length written. */
size_t numfmt(char *buf, double v);

/* For tables people read: v with printf format fmt (one double
 * conversion, e.g. "%.1f") into buf, without the minus sign of a value that
 * rounds to zero ("0.0", not "-0.0"). */
void numfmt_table(char *buf, size_t size, const char *fmt, double v);

/* Print text left-aligned in width columns, counting characters, not bytes
 * (a "£" is one column, two bytes of UTF-8). */
void numfmt_pad(const char *text, int width);

#endif
