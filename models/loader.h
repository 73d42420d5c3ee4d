/* loader.h — typed reads of scenario settings, shared by the scenario
 * loader's section readers (models/scenario_load.c). Internal to models/.
 *
 * A loader is a scenario under construction plus the diagnostics of its
 * file. Every read looks a setting up by name in a conf group, checks its
 * type, reports what is wrong as "FILE:LINE: PATH: what (allowed: ...)" and
 * carries on, so that all the errors of a file are found in one pass. A
 * missing group (g == NULL, already reported) makes reads quietly give
 * nothing. */
#ifndef MODELS_LOADER_H
#define MODELS_LOADER_H

#include "models/scenario.h"
#include "sim/conf.h"

#include <stdbool.h>
#include <stddef.h>

/* Generous limits: beyond them a value is a typo, and a run would exhaust
 * memory or time before it said so. */
#define LOADER_MAX_HORIZON_YEARS 100.0
#define LOADER_MAX_FTE 100000.0
#define LOADER_MAX_REFERRALS_PER_YEAR 10000000.0
#define LOADER_MAX_INITIAL_CASES 1000000.0
#define LOADER_MAX_DAYS 36525.0
/* Longest usual mean duration (stage, time to hire): ten years. */
#define LOADER_USUAL_MAX_DAYS 3652.5
#define LOADER_MAX_MONTHS 1200.0   /* a hundred years, as LOADER_MAX_DAYS */

struct loader {
    struct scenario *sc;
    struct diag *d;
    /* The stage or grade list could not be read (reported): names that
     * refer to them are not checked, or every one would be "unknown". */
    bool no_stages, no_grades;
};

/* What a numeric setting is: its unit (in words), kind and allowed range
 * (params.h flags such as PARAM_LO_OPEN), and the usual range inside it
 * (values outside are warned about; the allowed range when has_usual is
 * false). */
struct loader_num_spec {
    const char *unit;
    enum param_kind kind;
    double lo, hi;
    unsigned flags;
    bool has_usual;
    double usual_lo, usual_hi;
};

/* A real number in unit from lo to hi; a whole number; true/false; a share
 * from 0 to 1. */
struct loader_num_spec loader_real(const char *unit, double lo, double hi, unsigned flags);
struct loader_num_spec loader_whole(const char *unit, double lo, double hi);
extern const struct loader_num_spec loader_boolean;
extern const struct loader_num_spec loader_share;

/* spec with the usual range lo..hi (within its allowed range), written next
 * to it where a setting is read: loader_usual(loader_real("FTE", 0, 1e5, 0),
 * 0, 2000) with a comment giving the source or the assumption. */
struct loader_num_spec loader_usual(struct loader_num_spec spec, double lo, double hi);

/* The scenario's own copy of the file name file (for diagnostics that
 * outlive the conf tree), or NULL. */
const char *loader_file(struct loader *L, const char *file);

/* Where node n came from, with the file name owned by the scenario. */
struct origin loader_origin(struct loader *L, const struct conf_node *n);

/* g's path + "." + key (or key alone), truncated to fit. */
void loader_child_path(const struct conf_node *g, const char *key, char *buf, size_t size);

/* Read g.key as a number and register it as parameter prefix.key with
 * spec and descr. A missing optional setting takes dflt; a missing required
 * one is an error. Returns the parameter index (a parameter is registered
 * even after an error, so indices stay valid while the rest of the file is
 * checked). */
size_t loader_num(struct loader *L, struct conf_node *g, const char *prefix, const char *key, bool required,
                  double dflt, struct loader_num_spec spec, const char *descr);

/* A string setting; NULL when absent or of the wrong type (reported).
 * allowed says what it may be, for messages; loader_text allows any
 * string. */
const char *loader_text_as(struct loader *L, struct conf_node *g, const char *key, bool required,
                           const char *allowed);
const char *loader_text(struct loader *L, struct conf_node *g, const char *key, bool required);

/* A group (key = { ... }) or a list of groups (key = ( {..}, {..} ));
 * NULL when absent (reported if required) or of another type (reported). */
struct conf_node *loader_group(struct loader *L, struct conf_node *g, const char *key, bool required);
struct conf_node *loader_list(struct loader *L, struct conf_node *g, const char *key, bool required);

/* A date setting "YYYY-MM-DD" into *out; false when absent or bad (bad is
 * reported, and absent when required). */
bool loader_date(struct loader *L, struct conf_node *g, const char *key, bool required, struct date *out);

/* Whether a stage or grade name is usable in parameter paths and CSV
 * column names (loader_name_ok), or an intervention name is printable text
 * without '=' (loader_label_ok); reported at `at` when not. (Scenario names
 * have their own safe set: scenario_name_ok.)
 * what names the thing, for the message. */
bool loader_name_ok(struct loader *L, struct conf_node *at, const char *what, const char *name);
bool loader_label_ok(struct loader *L, struct conf_node *at, const char *what, const char *name);

/* Report n, which should have been a non-empty array: "is an empty array"
 * or "is a string, not an array", with what is allowed. */
void loader_not_array(struct loader *L, const struct conf_node *n, const char *allowed);

/* A distribution of days in group g (dist = "...", then its parameters,
 * registered under prefix); what describes it for the parameters. An
 * unknown dist is reported once and the group read as the family its
 * settings suggest; settings of another family inherited from a base file
 * that the file setting dist was laid over (a variant changed dist) are
 * dropped, while one the variant states itself is reported. ds->reported is set when anything
 * in it was reported. */
void loader_dist(struct loader *L, struct conf_node *g, const char *prefix, const char *what,
                 struct dist_spec *ds);

/* The index of name in names[0..n) (NULL entries skipped), or -1. */
int loader_lookup(char **names, size_t n, const char *name);

/* Report an unknown stage or grade name (what: "stage" or "grade") with the
 * nearest valid one and the full list (names, then extra if not NULL);
 * silent when that list could not be read. */
void loader_unknown_name(struct loader *L, struct conf_node *at, const char *what, const char *name,
                         char **names, size_t n, const char *extra);

#endif
