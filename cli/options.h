/* options.h — the command line shared by run, compare and the other
 * commands: parsed and checked before any work starts. */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits that catch typos before they exhaust memory or time. */
#define CLI_MAX_REPS 1000000ULL
#define CLI_MAX_THREADS 1024u
#define CLI_DEFAULT_REPS 100ULL
#define CLI_DEFAULT_SEED 1ULL
#define CLI_MAX_DIR 3800u        /* longest -o DIR (result paths must fit in 4096) */

struct options {
    uint64_t reps;
    bool reps_given;
    uint64_t seed;
    unsigned threads;          /* 0 until resolved to the number of cores */
    const char *out_dir;       /* NULL: results/<scenario name> */
    char **sets;               /* "PATH=VALUE" */
    size_t n_sets;
    bool plot, quiet, force;
    bool strict;               /* --strict: warnings about a scenario are errors */
    double precision;          /* 0: fixed number of replications */
    const char *kpi;           /* for --precision */
    uint64_t max_reps;         /* for --precision */
    char **varies;             /* sweep: "PATH=FROM:TO:STEPS" */
    size_t n_varies;
    bool tornado;              /* sweep --tornado */
    double spread;             /* tornado: relative low/high spread (0 = default) */
    const char *lever;         /* target: the parameter to move */
    const char *at;            /* target: the date the KPI is read at */
    const char *fit_until;     /* backtest: fit on the records before this date */
    const char *until;         /* backtest: score up to this date (NULL: the records' last) */
    double below;              /* target: the threshold */
    bool below_given;
    double probability;        /* target: required share of replications (0 = default) */
    const char *range;         /* target: "LO:HI" to search */
    double step;               /* target: lever moves in steps of this (0 = none) */
    char **risks;              /* --risk "METRIC>VALUE" */
    size_t n_risks;
    char *clear_set;           /* --clear-below N as "pathway.clear_below=N" (owned; also in sets) */
    const char *rank;          /* compare: the KPI options are ranked by (NULL = default) */
    bool records;              /* run --records: the records of one replication */
    uint64_t records_rep;      /* --records-rep K: which (from 1; 1 when not given) */
    const char *template_path; /* fit: the template scenario (--template) */
    const char *draws_from;    /* run --parameter-uncertainty FIT.csv: draw the fitted parameters */
    bool drop_bad;             /* fit: skip bad rows of the records, counted (--drop-bad) */
    char **args;               /* positional arguments */
    size_t n_args;
    int argc;                  /* the whole command line, for the manifest */
    char **argv;
};

/* Parse argv[first..argc) into *o (argc/argv kept for the manifest).
 * `allowed` lists the option letters the command accepts: n s j o q as the
 * short options, S --set, p --plot, f --force, P --precision, K --kpi,
 * M --max-reps, V --vary, T --tornado, D --spread, L --lever, A --at,
 * B --below, R --probability, G --range, E --step, W --strict,
 * C --clear-below, Z --risk, X --rank, Y --template, d --drop-bad.
 * On a problem prints one message naming it and returns false (exit 2). */
bool options_parse(struct options *o, int argc, char **argv, int first, const char *allowed);

void options_free(struct options *o);

/* Split a --risk value "METRIC>VALUE" into the metric (into metric, of
 * size bytes) and the value. False when it is not of that form. */
bool options_parse_risk(const char *text, char *metric, size_t size, double *value);

/* Exactly n decimal numbers separated by ':' ("80:130:11"), each as
 * params_parse_real reads them, into out. False for anything else. */
bool options_parse_numbers(const char *text, double *out, size_t n);

#endif
