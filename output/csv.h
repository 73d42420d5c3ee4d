/* csv.h — the tidy CSV result files of a run.
 *
 *   series.csv   scenario,rep,period,date,<metric>...      one row per rep x period
 *   summary.csv  scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p50,p95,p25,p75,n
 *   kpis.csv     scenario,kpi,unit,mean,sd,ci_low,ci_high,p05,p50,p95,n,description
 *
 * Text fields are quoted when they hold a comma, quote or newline (RFC 4180).
 * Replications are numbered from 1 and periods from 1 in the files. */
#ifndef OUTPUT_CSV_H
#define OUTPUT_CSV_H

#include "output/afile.h"
#include "output/stats.h"
#include "sim/result.h"

/* Write a CSV field (quoted if needed). */
void csv_field(struct afile *a, const char *text);

/* Write ",NUMBER" (numfmt's form): the next numeric field of a row. */
void csv_next_number(struct afile *a, double v);

/* series.csv: the header, then rows as replications arrive (in order). */
void csv_series_header(struct afile *a, const struct result_layout *l);
void csv_series_rows(struct afile *a, const char *scenario, const struct result_layout *l,
                     const struct rep_result *r);

/* summary.csv and kpis.csv from finished statistics. */
void csv_summary(struct afile *a, const char *scenario, const struct result_layout *l,
                 const struct stats *s, int header);
/* years.csv: scenario,year,metric,mean,sd,ci_low,ci_high,p05,p50,p95,n,days
 * for every financial year of l->years and metric, from the stats of the
 * years layout ys (intervals clipped to each metric's range). */
void csv_years(struct afile *a, const char *scenario, const struct result_layout *ys, const struct stats *s,
               int header);

void csv_kpis(struct afile *a, const char *scenario, const struct result_layout *l,
              const struct stats *s, int header);

#endif
