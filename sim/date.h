/* date.h — civil (proleptic Gregorian) dates for calendars and reports.
 *
 * Simulation time is days (a double) from a start date; this module turns
 * day numbers into dates and back, and steps by weeks, months and quarters. */
#ifndef SIM_DATE_H
#define SIM_DATE_H

#include <stdbool.h>

struct date {
    int year, month, day;   /* month 1..12, day 1..31 */
};

#define DATE_TEXT_SIZE 11   /* "YYYY-MM-DD" and its terminator */
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 9999  /* four digits: a later date cannot be written */

/* Parse exactly "YYYY-MM-DD" (a real calendar date, year 1900..9999).
 * Returns false, leaving *out alone, on anything else. */
bool date_parse(const char *text, struct date *out);

/* Days since 1970-01-01 (negative before it), and back. */
long date_to_days(struct date d);
struct date date_from_days(long days);

/* The date `months` calendar months later; the day is clamped to the end of
 * the target month (2024-01-31 plus one month is 2024-02-29). */
struct date date_add_months(struct date d, int months);

/* Write "YYYY-MM-DD" into buf (DATE_TEXT_SIZE bytes). */
void date_format(struct date d, char buf[DATE_TEXT_SIZE]);

/* Whole days from a to b (b - a). */
long date_diff(struct date a, struct date b);

#endif
