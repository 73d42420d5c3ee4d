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

/* fit.csv: path,estimate,se,ci_low,ci_high,n,method — one row per
 * parameter, empty cells where there is no value. */
char *fit_csv_text(const struct fit_result *f);

/* drops.csv: file,reason,rows — the rows --drop-bad skipped, by file and
 * reason (only counts that are not zero; the header alone when none). */
char *fit_drops_text(const struct records *r);

#endif
