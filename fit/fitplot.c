/* fitplot.c — the data and charts of a fit (see fitplot.h). */
#include "fit/fitplot.h"

#include "output/plot.h"
#include "sim/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fitplot_files(const struct fit_result *f, const struct scenario *sc, struct fitplot_files *out)
{
    memset(out, 0, sizeof *out);
    (void)sc;
    char *text = NULL;
    size_t size = 0;
    FILE *o = open_memstream(&text, &size);
    CHECK(o);
    fputs("stage,days,km,fitted\n", o);
    for (size_t s = 0; s < f->n_stages; s++) {
        const struct fit_stage_chart *c = &f->stage[s];
        if (!c->best.ok)
            continue;
        fprintf(o, "%zu,0,1,1\n", s + 1);
        /* at most FITPLOT_MAX_POINTS of the times, evenly among them, and
         * the last: a chart shows no more */
        size_t step = c->n > FITPLOT_MAX_POINTS ? (c->n + FITPLOT_MAX_POINTS - 1) / FITPLOT_MAX_POINTS : 1;
        for (size_t i = 0; i < c->n; i += step) {
            size_t j = i + step < c->n ? i : c->n - 1;
            fprintf(o, "%zu,%.10g,%.10g,%.10g\n", s + 1, c->t[j], c->km[j], estim_dur_survival(&c->best, c->t[j]));
        }
    }
    fclose(o);
    snprintf(out->name[out->n], FITPLOT_NAME_SIZE, "fit_survival.csv");
    out->text[out->n++] = text;

    text = NULL;
    o = open_memstream(&text, &size);
    CHECK(o);
    fputs("month,observed,fitted\n", o);
    for (size_t k = 0; k < f->n_months; k++) {
        char day[DATE_TEXT_SIZE];
        date_format(f->month[k], day);
        fprintf(o, "%s,%.10g,%.10g\n", day, f->month_count[k], f->month_fitted[k]);
    }
    fclose(o);
    snprintf(out->name[out->n], FITPLOT_NAME_SIZE, "fit_referrals.csv");
    out->text[out->n++] = text;
}

void fitplot_files_free(struct fitplot_files *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->text[i]);
    memset(p, 0, sizeof *p);
}

enum fitplot_status fitplot_draw(const char *folder, const struct fit_result *f, const struct scenario *sc, char *err,
                                 size_t size)
{
    const char **names = check_calloc(sc->n_stages + 1, sizeof *names);
    bool *fitted = check_calloc(sc->n_stages + 1, sizeof *fitted);
    for (size_t s = 0; s < sc->n_stages; s++) {
        names[s] = sc->stage[s].name;
        fitted[s] = s < f->n_stages && f->stage[s].best.ok;
    }
    struct plot_fit_facts facts = { sc->n_stages, names, fitted, f->n_months > 0 && f->month_fitted };
    enum plot_status st = plot_fit(folder, &facts, NULL, err, size);
    free(names);
    free(fitted);
    return st == PLOT_OK ? FITPLOT_OK : st == PLOT_NO_GNUPLOT ? FITPLOT_NO_GNUPLOT : FITPLOT_FAILED;
}
