#include "cli/options.h"

#include "sim/check.h"
#include "sim/params.h"
#include "sim/runner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text || *text == '-' || *text == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static bool bad(const char *opt, const char *value, const char *why)
{
    fprintf(stderr, "caseload: %s %s: %s\n", opt, value ? value : "", why);
    return false;
}

/* The value of an option given as "-n 5", "-n5", "--reps 5" or "--reps=5". */
static const char *value_of(int argc, char **argv, int *i, const char *arg, size_t len)
{
    if (arg[len] == '=')
        return arg + len + 1;
    if (arg[len] != '\0' && arg[1] != '-')
        return arg + len;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

struct opt {
    char letter;
    const char *shrt, *lng;
    bool takes_value;
};

static const struct opt table[] = {
    { 'n', "-n", "--reps", true },      { 's', "-s", "--seed", true },
    { 'j', "-j", "--threads", true },   { 'o', "-o", "--out", true },
    { 'S', NULL, "--set", true },       { 'p', NULL, "--plot", false },
    { 'q', "-q", "--quiet", false },    { 'f', NULL, "--force", false },
    { 'P', NULL, "--precision", true }, { 'K', NULL, "--kpi", true },
    { 'M', NULL, "--max-reps", true },  { 'V', NULL, "--vary", true },
    { 'T', NULL, "--tornado", false },  { 'D', NULL, "--spread", true },
    { 'L', NULL, "--lever", true },     { 'A', NULL, "--at", true },
    { 'B', NULL, "--below", true },     { 'R', NULL, "--probability", true },
    { 'G', NULL, "--range", true },     { 'E', NULL, "--step", true },
    { 'W', NULL, "--strict", false },   { 'C', NULL, "--clear-below", true },
    { 'Z', NULL, "--risk", true },     { 'X', NULL, "--rank", true },
    { 'Y', NULL, "--template", true }, { 'd', NULL, "--drop-bad", false },
    { 'r', NULL, "--records", false }, { 'k', NULL, "--records-rep", true },
    { 'F', NULL, "--fit-until", true }, { 'U', NULL, "--until", true },
    { 'u', NULL, "--parameter-uncertainty", true },
};

static const struct opt *match(const char *arg, size_t *len)
{
    for (size_t k = 0; k < sizeof table / sizeof *table; k++) {
        const struct opt *t = &table[k];
        size_t n = t->lng ? strlen(t->lng) : 0;
        if (t->lng && strncmp(arg, t->lng, n) == 0 && (arg[n] == '\0' || (arg[n] == '=' && t->takes_value))) {
            *len = n;
            return t;
        }
        if (t->shrt && strncmp(arg, t->shrt, 2) == 0 && (arg[2] == '\0' || t->takes_value)) {
            *len = 2;
            return t;
        }
    }
    return NULL;
}

/* Apply option t (value v, NULL for a flag) of a sweep or a goal seek. */
static bool apply_planner(struct options *o, const struct opt *t, const char *v)
{
    const char *name = t->lng;
    switch (t->letter) {
    case 'V':
        o->varies[o->n_varies++] = (char *)v;
        break;
    case 'T': o->tornado = true; break;
    case 'D':
        if (!params_parse_real(v, &o->spread) || !(o->spread > 0 && o->spread < 1))
            return bad(name, v, "the spread must be a number between 0 and 1 (0.2 = 20% below and above)");
        break;
    case 'L': o->lever = v; break;
    case 'A': o->at = v; break;
    case 'F': o->fit_until = v; break;
    case 'U': o->until = v; break;
    case 'B':
        if (!params_parse_real(v, &o->below))
            return bad(name, v, "the threshold must be a number");
        o->below_given = true;
        break;
    case 'R':
        if (!params_parse_real(v, &o->probability) || !(o->probability > 0 && o->probability < 1))
            return bad(name, v, "the probability must be a number between 0 and 1 (e.g. 0.9)");
        break;
    case 'G': o->range = v; break;
    case 'E':
        if (!params_parse_real(v, &o->step) || !(o->step > 0))
            return bad(name, v, "the step must be a number > 0 (e.g. 1 for whole FTE)");
        break;
    case 'K': o->kpi = v; break;
    default: CHECK(!"option in table but not handled");
    }
    return true;
}

/* Apply option t (value v) of a run or comparison that gives a folder, a
 * --set, a clearance level or a risk; the planner's options otherwise. */
static bool apply_run_setting(struct options *o, const struct opt *t, const char *v)
{
    const char *name = t->lng;
    switch (t->letter) {
    case 'o':
        if (!*v)
            return bad(name, v, "needs a folder name");
        /* room for "/<scenario>/.manifest.json.tmp" below it: a name cut
         * short would send results to another folder */
        if (strlen(v) > CLI_MAX_DIR)
            return bad(name, "...", "the folder name is too long (allowed: at most 3800 characters)");
        o->out_dir = v;
        break;
    case 'S':
        if (!strchr(v, '=') || v[0] == '=')
            return bad(name, v, "expects PATH=VALUE, e.g. --set demand.referrals_per_year=4200");
        o->sets[o->n_sets++] = (char *)v;
        break;
    case 'C': {
        double b;
        if (!params_parse_real(v, &b) || !(b >= 0))
            return bad(name, v, "the backlog threshold must be a number of cases >= 0 (e.g. 10)");
        if (o->clear_set)
            return bad(name, v, "given twice (allowed: once)");
        size_t size = strlen("pathway.clear_below=") + strlen(v) + 1;
        o->clear_set = check_malloc(size);
        snprintf(o->clear_set, size, "pathway.clear_below=%s", v);
        o->sets[o->n_sets++] = o->clear_set;
        break;
    }
    case 'Z': {
        char metric[256];
        double x;
        if (!options_parse_risk(v, metric, sizeof metric, &x))
            return bad(name, v, "expects METRIC>VALUE, a series.csv column and a number, e.g. --risk "
                                "'unallocated>100'");
        o->risks[o->n_risks++] = (char *)v;
        break;
    }
    default: return apply_planner(o, t, v);
    }
    return true;
}

/* Apply option t (value v) of a run or comparison that gives a number
 * (replications, seed, threads, precision); apply_run_setting otherwise. */
static bool apply_run_number(struct options *o, const struct opt *t, const char *v)
{
    const char *name = t->lng;
    uint64_t u;
    switch (t->letter) {
    case 'k':
        if (!parse_u64(v, &u) || u == 0 || u > CLI_MAX_REPS)
            return bad(name, v, "the replication must be a whole number from 1 to 1000000");
        o->records_rep = u;
        break;
    case 'n':
        if (!parse_u64(v, &u) || u == 0)
            return bad(name, v, "the number of replications must be a whole number >= 1");
        if (u > CLI_MAX_REPS)
            return bad(name, v, "more replications than this program allows (at most 1000000)");
        o->reps = u;
        o->reps_given = true;
        break;
    case 's':
        if (!parse_u64(v, &u))
            return bad(name, v, "the seed must be a whole number from 0 to 18446744073709551615");
        o->seed = u;
        break;
    case 'j':
        if (!parse_u64(v, &u) || u == 0 || u > CLI_MAX_THREADS)
            return bad(name, v, "threads must be a whole number from 1 to 1024");
        o->threads = (unsigned)u;
        break;
    case 'P': {
        double p;
        if (!params_parse_real(v, &p) || !(p > 0 && p < 1))
            return bad(name, v, "the relative precision must be a number between 0 and 1 (e.g. 0.05)");
        o->precision = p;
        break;
    }
    case 'M':
        if (!parse_u64(v, &u) || u < 2 || u > CLI_MAX_REPS)
            return bad(name, v, "the maximum must be a whole number from 2 to 1000000");
        o->max_reps = u;
        break;
    default: return apply_run_setting(o, t, v);
    }
    return true;
}

/* Apply option t (value v, NULL for a flag) of a run or comparison: its
 * flags and names here, apply_run_number for the rest. */
static bool apply_run(struct options *o, const struct opt *t, const char *v)
{
    switch (t->letter) {
    case 'r': o->records = true; break;
    case 'p': o->plot = true; break;
    case 'q': o->quiet = true; break;
    case 'f': o->force = true; break;
    case 'W': o->strict = true; break;
    case 'X': o->rank = v; break;
    case 'Y': o->template_path = v; break;
    case 'u': o->draws_from = v; break;
    case 'd': o->drop_bad = true; break;
    default: return apply_run_number(o, t, v);
    }
    return true;
}

bool options_parse(struct options *o, int argc, char **argv, int first, const char *allowed)
{
    memset(o, 0, sizeof *o);
    o->reps = CLI_DEFAULT_REPS;
    o->seed = CLI_DEFAULT_SEED;
    o->records_rep = 1;
    o->argc = argc;
    o->argv = argv;
    o->sets = check_calloc((size_t)argc + 1, sizeof *o->sets);
    o->args = check_calloc((size_t)argc + 1, sizeof *o->args);
    o->varies = check_calloc((size_t)argc + 1, sizeof *o->varies);
    o->risks = check_calloc((size_t)argc + 1, sizeof *o->risks);
    bool only_args = false;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (only_args || arg[0] != '-' || arg[1] == '\0') {
            o->args[o->n_args++] = argv[i];
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_args = true;
            continue;
        }
        size_t len = 0;
        const struct opt *t = match(arg, &len);
        if (!t || !strchr(allowed, t->letter)) {
            fprintf(stderr, "caseload: unknown option %s here (see caseload --help)\n", arg);
            return false;
        }
        const char *v = NULL;
        if (t->takes_value) {
            v = value_of(argc, argv, &i, arg, len);
            if (!v) {
                fprintf(stderr, "caseload: %s needs a value\n", arg);
                return false;
            }
        }
        if (!apply_run(o, t, v))
            return false;
    }
    if (o->threads == 0)
        o->threads = runner_cores();
    return true;
}

void options_free(struct options *o)
{
    free(o->sets);
    free(o->args);
    free(o->varies);
    free(o->risks);
    free(o->clear_set);
    o->sets = o->args = o->varies = o->risks = NULL;
    o->clear_set = NULL;
}

bool options_parse_risk(const char *text, char *metric, size_t size, double *value)
{
    const char *gt = strchr(text, '>');
    if (!gt || gt == text || (size_t)(gt - text) >= size)
        return false;
    memcpy(metric, text, (size_t)(gt - text));
    metric[gt - text] = '\0';
    return params_parse_real(gt + 1, value) && isfinite(*value);
}

bool options_parse_numbers(const char *text, double *out, size_t n)
{
    const char *p = text;
    for (size_t i = 0; i < n; i++) {
        const char *colon = strchr(p, ':');
        if ((i + 1 < n) != (colon != NULL))
            return false;   /* too few or too many fields */
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char field[64];
        if (len == 0 || len >= sizeof field)
            return false;
        memcpy(field, p, len);
        field[len] = '\0';
        if (!params_parse_real(field, &out[i]))
            return false;
        p = colon ? colon + 1 : p + len;
    }
    return true;
}
