/* params.h — the parameter registry: every numeric setting by path.
 *
 * A path names one number ("workforce.grades.sw.establishment"), with its
 * unit, bounds, kind and a one-line description, and where its value came
 * from (file and line). The scenario loader fills the registry; --set, sweeps
 * and interventions change values by path; a replication copies the values
 * into its own array and reads them by index. Knows nothing of any model. */
#ifndef SIM_PARAMS_H
#define SIM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

/* PARAM_DATE: a calendar day, held as whole days from the registry's epoch
 * (day 0 of the scenario), read and written as YYYY-MM-DD. */
enum param_kind { PARAM_REAL, PARAM_INT, PARAM_BOOL, PARAM_DATE };

enum param_flag {
    PARAM_LO_OPEN = 1,   /* value must be > lo (else >= lo) */
    PARAM_HI_OPEN = 2,   /* value must be < hi (else <= hi) */
    PARAM_STATIC = 4,    /* read once at day 0: interventions may not change it */
    PARAM_UNREAD = 8,    /* its setting could not be read (reported): rules on it are skipped */
};

struct param {
    char *path;          /* owned */
    char *descr;         /* owned */
    const char *unit;    /* static text: "FTE", "days", "£ per year", "share", ... */
    enum param_kind kind;
    unsigned flags;
    double lo, hi;       /* bounds; -/+HUGE_VAL for none */
    double usual_lo, usual_hi; /* plausible values, within lo..hi (lo, hi unless set) */
    double value;
    const char *file;    /* where the value was set; not owned, may be NULL */
    int line;
};

struct params {
    struct param *p;
    size_t n, cap;
    size_t *index;       /* hash of paths: slot holds i + 1, 0 when empty */
    size_t n_index;      /* slots (a power of two, at least twice n), 0 for none */
    long epoch;          /* date_to_days of day 0: what a PARAM_DATE value counts from */
};

void params_init(struct params *r);
void params_free(struct params *r);

/* Deep copy of src into dst (dst uninitialised); file pointers are shared. */
void params_copy(struct params *dst, const struct params *src);

/* Register a parameter; returns its index. The path must be new (checked). */
size_t params_add(struct params *r, const char *path, const char *unit,
                  enum param_kind kind, double lo, double hi, unsigned flags,
                  double value, const char *file, int line, const char *descr_fmt, ...)
    __attribute__((format(printf, 11, 12)));

/* Index of path, or -1 when there is none. */
long params_find(const struct params *r, const char *path);

/* The registered path nearest to path (a likely typo), or NULL. */
const char *params_nearest(const struct params *r, const char *path);

/* Whether v is allowed for parameter i (kind and bounds). */
bool params_allowed(const struct params *r, size_t i, double v);

/* The usual range of parameter i: values a real service has, narrower than
 * the allowed one. A value outside it is allowed but probably a mistake (a
 * yearly figure typed as a daily one); callers warn about it. */
void params_set_usual(struct params *r, size_t i, double lo, double hi);

/* Whether v lies in parameter i's usual range. */
bool params_usual(const struct params *r, size_t i, double v);

/* The usual range of parameter i in words, with its unit where it helps:
 * "0–1 leavers per FTE-year", "0–0.5". */
void params_usual_text(const struct params *r, size_t i, char *buf, size_t size);

/* The allowed range of parameter i in words, e.g. "a number >= 0",
 * "0 to 1", "a whole number >= 1", "true or false". */
void params_range_text(const struct params *r, size_t i, char *buf, size_t size);

/* A finite decimal number that is the whole text: an optional sign, digits
 * with an optional point, an optional exponent ("12", "-0.5", "1e6").
 * False for anything else: spaces, hexadecimal, "inf", "nan", overflow (a
 * number too small for a double becomes a subnormal or 0). */
bool params_parse_real(const char *text, double *out);

/* Parse a value for parameter i from text ("12.5", "true", a date
 * "2025-10-01" for a PARAM_DATE, as days from the epoch). False when the
 * text is not a value of the right kind (params_parse_real, date_parse);
 * bounds are not checked here. */
bool params_parse_value(const struct params *r, size_t i, const char *text, double *out);

/* Format parameter i's value for people ("12.5", "true", "3",
 * "2025-10-01"). */
void params_format_value(const struct params *r, size_t i, double v, char *buf, size_t size);

#endif
