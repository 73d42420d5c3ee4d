/* backtest.c — coverage and scaled error of a forecast (see backtest.h). */
#include "output/backtest.h"

#include "output/csv.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>

void backtest_score(const struct bt_series *s, struct bt_score *out)
{
    *out = (struct bt_score){ 0 };
    double err = 0;
    for (size_t k = 0; k < s->n; k++) {
        double y = s->y[k];
        bool any_nan = isnan(y);
        for (int j = 0; j < BT_QUANTILES; j++)
            any_nan |= isnan(s->q[j][k]);
        if (any_nan)
            continue;
        out->n++;
        out->covered50 += y >= s->q[BT_P25][k] && y <= s->q[BT_P75][k];
        out->covered90 += y >= s->q[BT_P05][k] && y <= s->q[BT_P95][k];
        err += fabs(y - s->q[BT_P50][k]);
    }
    double n = (double)out->n;
    out->coverage50 = out->n ? (double)out->covered50 / n : NAN;
    out->coverage90 = out->n ? (double)out->covered90 / n : NAN;
    out->mae = out->n ? err / n : NAN;
    double naive = 0;
    size_t steps = 0;
    for (size_t t = 1; t < s->m; t++)
        if (!isnan(s->h[t]) && !isnan(s->h[t - 1])) {
            naive += fabs(s->h[t] - s->h[t - 1]);
            steps++;
        }
    out->naive_mae = steps ? naive / (double)steps : NAN;
    out->mase = steps && out->naive_mae > 0 ? out->mae / out->naive_mae : NAN;
}

void backtest_csv(struct afile *a, const struct bt_series *s, const struct bt_score *sc, size_t n)
{
    afile_puts(a, "series,months,covered_50,coverage_50,covered_90,coverage_90,mae,naive_mae,mase\n");
    for (size_t i = 0; i < n; i++) {
        csv_field(a, s[i].name);
        csv_next_number(a, (double)sc[i].n);
        csv_next_number(a, (double)sc[i].covered50);
        csv_next_number(a, sc[i].coverage50);
        csv_next_number(a, (double)sc[i].covered90);
        csv_next_number(a, sc[i].coverage90);
        csv_next_number(a, sc[i].mae);
        csv_next_number(a, sc[i].naive_mae);
        csv_next_number(a, sc[i].mase);
        afile_puts(a, "\n");
    }
}

void backtest_forecast_csv(struct afile *a, const struct bt_series *s, size_t n, const char *const *dates)
{
    afile_puts(a, "series,month,date,observed,p05,p25,p50,p75,p95\n");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < s[i].n; k++) {
            csv_field(a, s[i].name);
            csv_next_number(a, (double)(k + 1));
            afile_puts(a, ",");
            csv_field(a, dates[k]);
            csv_next_number(a, s[i].y[k]);
            for (int j = 0; j < BT_QUANTILES; j++)
                csv_next_number(a, s[i].q[j][k]);
            afile_puts(a, "\n");
        }
}
