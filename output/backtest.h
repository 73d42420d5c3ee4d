/* backtest.h — scoring a forecast against what happened (caseload
 * backtest, docs/fitting.md "Backtesting").
 *
 * For one monthly series: the observed values y[0..n) after the forecast
 * origin, the forecast's quantiles per month (5%, 25%, 50%, 75% and 95%
 * across replications, summary.csv's p05..p95), and the observed values
 * h[0..m) of the months before the origin (the fitting window). Scores:
 *
 *   coverage_50  share of months with y in [p25, p75] (inclusive: a count
 *                on an interval's end is inside it)
 *   coverage_90  share of months with y in [p05, p95]
 *   mae          mean |y - p50| over the months
 *   naive_mae    mean |h[t] - h[t-1]| over the window: the in-sample error
 *                of the naive (last value, random walk) one-step forecast
 *   mase         mae / naive_mae (Hyndman and Koehler 2006): below 1, the
 *                forecast's median beat, over the whole horizon, what the
 *                naive forecast achieved one step ahead; NaN when the window
 *                has fewer than two months or the series never moved in it
 *
 * The non-seasonal naive forecast is the benchmark, not the seasonal one:
 * a fitting window of a few years holds too few years to set a seasonal
 * scale from, and stocks (open cases, staff) hardly move with the season. */
#ifndef OUTPUT_BACKTEST_H
#define OUTPUT_BACKTEST_H

#include "output/afile.h"

#include <stddef.h>

enum { BT_P05, BT_P25, BT_P50, BT_P75, BT_P95, BT_QUANTILES };

struct bt_series {
    const char *name;              /* series.csv's metric name */
    size_t n;                      /* months forecast */
    const double *y;               /* [n] observed */
    const double *q[BT_QUANTILES]; /* [n] each */
    const double *h;               /* [m] observed before the origin */
    size_t m;
};

struct bt_score {
    size_t n, covered50, covered90;
    double coverage50, coverage90, mae, naive_mae, mase;
};

/* Score s (NaN observations or quantiles: the month is left out). */
void backtest_score(const struct bt_series *s, struct bt_score *out);

/* backtest.csv: a header, then one row per series:
 * series,months,covered_50,coverage_50,covered_90,coverage_90,mae,naive_mae,mase
 * (NaN as NA). */
void backtest_csv(struct afile *a, const struct bt_series *s, const struct bt_score *sc, size_t n);

/* forecast.csv: series,month,date,observed,p05,p25,p50,p75,p95 — each
 * series' months after the origin (dates[k] the month's last day,
 * YYYY-MM-DD), for the charts. */
void backtest_forecast_csv(struct afile *a, const struct bt_series *s, size_t n, const char *const *dates);

#endif
