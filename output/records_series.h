/* records_series.h — the monthly series a council's records show, under
 * the names series.csv gives the same quantities, so that a forecast can be
 * scored against what happened (caseload backtest, docs/fitting.md).
 *
 * Months run from a date: month k (from 1) is [from + (k-1) months,
 * from + k months), as a run starting on `from` reports them. A flow counts
 * what is dated in the month; a stock is what is open at the month's end
 * (started on or before its last day, ending after it or still open), as
 * series.csv's period-end values are. From the six files of a records
 * folder (docs/fitting.md; vacancies.csv optional):
 *
 *   referrals          referrals in the month (accepted and screened out)
 *   open_STAGE         episodes of each stage open at the month's end
 *   unallocated        open episodes not allocated by then
 *   in_post_GRADE      FTE of the staff spells of each grade open then
 *                      (the agency grade too)
 *   staff_sick_fte     FTE of permanent staff off sick then (an absence
 *                      whose last day off, end_date, is not before the
 *                      month's last day; FTE from the person's spell then)
 *   vacancies_fte      vacancies open then, one FTE each (the records give
 *                      no hours for a vacancy)
 *
 * Cost: O(rows log months) but for sickness, O(absence-months log spells). */
#ifndef OUTPUT_RECORDS_SERIES_H
#define OUTPUT_RECORDS_SERIES_H

#include "sim/date.h"

#include <stdbool.h>
#include <stddef.h>

#define RECSERIES_NAME_MAX 96

struct recseries {
    size_t n_months;
    long *last_day;                     /* [n_months]: each month's last day (date_to_days) */
    size_t n_series;
    char (*name)[RECSERIES_NAME_MAX];   /* [n_series] */
    double *v;                          /* [n_series][n_months] */
};

/* The series of the records in folder dir for n_months months from `from`.
 * A file that cannot be read, lacks a column, or has a date that is not
 * YYYY-MM-DD (or an end before its start) is an error: false, and err
 * says which, as FILE:LINE: COLUMN: what. Free with recseries_free. */
bool recseries_build(struct recseries *out, const char *dir, struct date from, size_t n_months, char *err,
                     size_t size);
void recseries_free(struct recseries *s);

/* The values of series name ([n_months]), or NULL when there is none. */
const double *recseries_get(const struct recseries *s, const char *name);

/* The earliest date in the records of dir (referral, episode start, spell
 * start), into *first; false (err set) as recseries_build. */
bool recseries_first_date(const char *dir, struct date *first, char *err, size_t size);

#endif
