/* fitout.h — the texts `caseload fit` writes: the fitted scenario, fit.csv
 * and drops.csv (docs/fitting.md). Each is returned as malloc'd text; the
 * caller writes it (atomically, output/afile.h). No identifier from the
 * records reaches any of them: they are built from fit_result and the
 * drop counts only. */
#ifndef FIT_FITOUT_H
#define FIT_FITOUT_H

#include "fit/fitmap.h"
#include "fit/records.h"
#include "models/scenario.h"
#include "sim/diag.h"

#include <stdbool.h>

/* The fitted scenario: the template (read again from template_path, its
 * @include files merged in, so the result stands alone) written out
 * setting by setting, each setting of f->set replacing the template's (or
 * added where the template has none) under a `# fitted: ...` comment line.
 * Settings marked start_state are left out unless start_state is true.
 * name and description say it was fitted (about: one line shown at the
 * top, e.g. the command). The template's own comments are not kept
 * (libconfig drops them). NULL with problems in d when the template cannot
 * be read. */
char *fit_scenario_text(const char *template_path, const struct scenario *sc, const struct fit_result *f,
                        bool start_state, const char *about, struct diag *d);

/* The fitted scenario as fit_scenario_text writes it, loaded back
 * (scenario_load_text, with path naming it in messages and its folder
 * resolving nothing: no @include remains) before it is returned: with the
 * starting-state arrays when this build's model reads them, else with the
 * open cases as each stage's `initial` count only (*with_start_state says
 * which). NULL, with the loader's problems in d, when neither loads (a
 * template setting the fitted values break, e.g. an intervention dated
 * before the new start). Free the text with free(). */
char *fit_scenario_loadable(const char *template_path, const struct scenario *sc, const struct fit_result *f,
                            const char *about, const char *path, bool *with_start_state, struct diag *d);

/* fit.csv: path,estimate,se,ci_low,ci_high,n,method — one row per
 * parameter, empty cells where there is no value. */
char *fit_csv_text(const struct fit_result *f);

/* fit_cov.csv: path_a,scale_a,path_b,scale_b,cov — the covariance of
 * each pair of parameters estimated together (a variance where path_a =
 * path_b), on the scales their estimators work on (sim/pdraw.h: log, logit,
 * log1p), for drawing them in a forecast (fit_draws_read). */
char *fit_cov_text(const struct fit_result *f);

/* drops.csv: file,reason,rows — the rows --drop-bad skipped, by file and
 * reason (only counts that are not zero; the header alone when none). */
char *fit_drops_text(const struct records *r);

#endif
