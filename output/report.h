/* report.h — the paper for a committee: one self-contained HTML page of a
 * results folder (caseload report DIR).
 *
 * The page has a summary in sentences made from the numbers, tables of the
 * results (each number read from the folder's CSV files and marked with
 * where it came from: data-src, data-match, data-col and data-value, the
 * field's text, so a reader or a test can check it), the folder's charts
 * inline as SVG, the assumptions (every parameter of each scenario, with
 * value, unit, description and the comment beside it in the scenario
 * file; the interventions; what the model leaves out) and the method and
 * provenance (replications, seed, common random numbers, version, scenario
 * files with SHA-256, date of the run).
 *
 * The page is XHTML-compatible HTML5 (it parses as XML), needs no
 * JavaScript and fetches nothing: no external stylesheet, font, script or
 * image, no URL at all but namespace names. Every text from a scenario or
 * a result file is escaped. A print stylesheet sets A4 pages and keeps each
 * chart and table on one page where it fits. Written atomically (afile). */
#ifndef OUTPUT_REPORT_H
#define OUTPUT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

/* The file the page goes to by default, inside the folder. */
#define REPORT_HTML "report.html"

/* One parameter of a scenario, as its registry has it. */
struct report_param {
    char *path, *value, *unit, *descr;
    char *comment;             /* the scenario file's comment on or above its line; "" when none */
    char *file;                /* where it was set ("" when not in a file: a default) */
    int line;
};

/* One intervention. */
struct report_iv {
    char *name, *from, *until;       /* until "" when open-ended */
    char *param, *param_descr;       /* the parameter it changes */
    char *change;                    /* "add 0.15", "multiply by 0.75", "set to 30" */
    double cost_once, cost_per_year; /* £, £ per year */
};

/* One scenario file read for a result, with its SHA-256 as the result's
 * manifest records it ("" when it records none) and as the file reads now
 * ("" when it cannot be read). */
struct report_file {
    char *path, *sha256_run, *sha256_now;
};

/* What a scenario assumed. */
struct report_scenario {
    char *name;
    char *note;                      /* NULL, or why the parameters below are missing or may
                                        differ from the run (the file changed or is gone) */
    char *about;                     /* the scenario file's opening comment; "" when none */
    char **overrides;                /* --set PATH=VALUE of the run */
    size_t n_overrides;
    struct report_file *file;
    size_t n_files;
    struct report_param *param;
    size_t n_params;
    struct report_iv *iv;
    size_t n_iv;
};

void report_scenario_free(struct report_scenario *s);

/* What the report is made from: the folder, and its scenarios as the
 * caller read them again (a run: one; a comparison: base first; a sweep,
 * tornado or target: the one it varied). */
struct report_input {
    const char *dir;
    const char *out;                 /* the HTML file; NULL: DIR/report.html */
    const char *version;             /* of the program writing the page */
    struct report_scenario *scenario;
    size_t n_scenarios;
};

enum report_kind {
    REPORT_KIND_NONE,
    REPORT_KIND_RUN,          /* summary.csv, kpis.csv */
    REPORT_KIND_COMPARISON,   /* compare.csv */
    REPORT_KIND_SWEEP,        /* sweep.csv */
    REPORT_KIND_TORNADO,      /* tornado.csv */
    REPORT_KIND_TARGET,       /* target.csv */
};

/* What dir holds (as plot_kind_of, and target folders). */
enum report_kind report_kind_of(const char *dir);

enum report_status {
    REPORT_OK,
    REPORT_NOT_RESULTS,   /* dir holds no results of a kind caseload writes */
    REPORT_FAILED,        /* a file could not be read or written */
};

/* The scenario files (paths as the run was given them, in the manifest's
 * order) of the results in dir: for a comparison, of each scenario, base
 * first. *files[i] lists scenario i's file first, then its includes (as
 * recorded, with their SHA-256; "" when not recorded), overrides its --set
 * values. False with a message in err when dir holds no results or its
 * manifest cannot be read. Free with report_sources_free. */
struct report_source {
    char *name;                      /* the scenario's name, as the results give it */
    char *path;                      /* its file; "" when the results do not say */
    struct report_file *file;
    size_t n_files;
    char **overrides;
    size_t n_overrides;
};
bool report_sources(const char *dir, struct report_source **out, size_t *n, char *err, size_t size);
void report_sources_free(struct report_source *s, size_t n);

/* The comment a scenario file gives the setting on line (1-based) of
 * path: the text after '#' or "//" on that line (outside strings), else the
 * comment lines right above it; "" when none. The file's opening comment
 * when line is 0. Malloc'd. */
char *report_source_comment(const char *path, int line);

/* Write the page. err says why on anything but REPORT_OK. */
enum report_status report_write(const struct report_input *in, char *err, size_t size);

#endif
