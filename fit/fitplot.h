/* fitplot.h — the data and charts of a fit (caseload fit's folder).
 *
 *   fit_survival.csv   stage,days,km,fitted — for each stage fitted (stage
 *                      its 1-based index in the template), the Kaplan–Meier
 *                      estimate and the fitted survival at each time seen
 *                      (at most FITPLOT_MAX_POINTS of them, evenly spread)
 *   fit_referrals.csv  month,observed,fitted — referrals a month and the
 *                      Poisson regression's expectation
 *   fit_duration_K.png/.svg, fit_referrals.png/.svg, plots.gp
 *
 * Aggregates only: no identifier reaches them. */
#ifndef FIT_FITPLOT_H
#define FIT_FITPLOT_H

#include "fit/fitmap.h"
#include "models/scenario.h"

#include <stddef.h>

#define FITPLOT_MAX_FILES 2
/* Times per stage in fit_survival.csv: beyond this many distinct times a
 * chart shows no more detail (and gnuplot draws thousands of steps slowly). */
#define FITPLOT_MAX_POINTS 500
#define FITPLOT_NAME_SIZE 32

struct fitplot_files {
    size_t n;
    char name[FITPLOT_MAX_FILES][FITPLOT_NAME_SIZE];
    char *text[FITPLOT_MAX_FILES];   /* owned */
};

/* The data files' names and texts (the caller writes them into the folder). */
void fitplot_files(const struct fit_result *f, const struct scenario *sc, struct fitplot_files *out);
void fitplot_files_free(struct fitplot_files *p);

enum fitplot_status { FITPLOT_OK, FITPLOT_NO_GNUPLOT, FITPLOT_FAILED };

/* Draw the charts from the data files already in folder (plots.gp written
 * there too). On anything but FITPLOT_OK err says why. */
enum fitplot_status fitplot_draw(const char *folder, const struct fit_result *f, const struct scenario *sc, char *err,
                                 size_t size);

#endif
