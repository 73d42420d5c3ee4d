/* cmd_report.c — caseload report DIR [-o FILE.html]: the paper of a results
 * folder (output/report.h). The scenarios the results came from are read
 * again from the files their manifest names, so that the paper can list
 * every parameter with its unit, description and source comment. */
#include "cli/commands.h"

#include "cli/limits.h"
#include "cli/signals.h"
#include "output/afile.h"
#include "output/dirlock.h"
#include "output/plot.h"
#include "output/report.h"
#include "sim/check.h"
#include "sim/diag.h"
#include "sim/sha256.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define REPORT_MESSAGE_SIZE (2 * AFILE_PATH_MAX + 256)
#define VALUE_SIZE 64

static const char *op_words(enum iv_op op)
{
    switch (op) {
    case IV_SET: return "set to";
    case IV_ADD: return "add";
    case IV_SCALE: return "multiply by";
    }
    return "change by";
}

/* Whether line of file is where path is set: it names the path's last or
 * next-to-last part (a list such as seasonality sets several). */
static bool set_on_line(const char *file, int line, const char *path)
{
    FILE *f = fopen(file, "r");
    if (!f)
        return false;
    char text[4096];
    int n = 0;
    bool found = false;
    while (fgets(text, sizeof text, f))
        if (++n == line) {
            found = true;
            break;
        }
    fclose(f);
    if (!found)
        return false;
    const char *last = strrchr(path, '.');
    char prev[256] = "";
    if (last) {
        const char *p = last;
        while (p > path && p[-1] != '.')
            p--;
        snprintf(prev, sizeof prev, "%.*s", (int)(last - p), p);
    }
    const char *key = last ? last + 1 : path;
    return strstr(text, key) || (*prev && strstr(text, prev));
}

/* The scenario's parameters and interventions into r. */
static void describe(const struct scenario *sc, struct report_scenario *r)
{
    r->param = check_calloc(sc->reg.n ? sc->reg.n : 1, sizeof *r->param);
    for (size_t i = 0; i < sc->reg.n; i++) {
        const struct param *p = &sc->reg.p[i];
        struct report_param *q = &r->param[r->n_params++];
        char value[VALUE_SIZE];
        params_format_value(&sc->reg, i, p->value, value, sizeof value);
        q->path = check_strdup(p->path);
        q->value = check_strdup(value);
        q->unit = check_strdup(p->unit ? p->unit : "");
        q->descr = check_strdup(p->descr ? p->descr : "");
        q->file = check_strdup(p->file ? p->file : "");
        q->line = p->line;
        q->comment = p->file && p->line > 0 && set_on_line(p->file, p->line, p->path)
                         ? report_source_comment(p->file, p->line) : check_strdup("");
        if (!*q->comment && !(p->file && p->line > 0 && set_on_line(p->file, p->line, p->path))) {
            /* a default: not set in the file */
            free(q->file);
            q->file = check_strdup("");
        }
    }
    r->iv = check_calloc(sc->n_iv ? sc->n_iv : 1, sizeof *r->iv);
    for (size_t i = 0; i < sc->n_iv; i++) {
        const struct intervention_spec *v = &sc->iv[i];
        struct report_iv *q = &r->iv[r->n_iv++];
        char text[VALUE_SIZE * 2];
        q->name = check_strdup(v->name);
        params_format_value(&sc->reg, v->p_from, sc->reg.p[v->p_from].value, text, sizeof text);
        q->from = check_strdup(text);
        if (v->p_until != SIZE_MAX)
            params_format_value(&sc->reg, v->p_until, sc->reg.p[v->p_until].value, text, sizeof text);
        else
            text[0] = '\0';
        q->until = check_strdup(text);
        q->param = check_strdup(sc->reg.p[v->param].path);
        q->param_descr = check_strdup(sc->reg.p[v->param].descr);
        char amount[VALUE_SIZE];
        params_format_value(&sc->reg, v->p_amount, sc->reg.p[v->p_amount].value, amount, sizeof amount);
        snprintf(text, sizeof text, "%s %s", op_words(v->op), amount);
        q->change = check_strdup(text);
        q->cost_once = sc->reg.p[v->p_cost_once].value;
        q->cost_per_year = sc->reg.p[v->p_cost_per_year].value;
    }
}

/* One scenario of the results, read again. */
static void read_scenario(const struct report_source *src, struct report_scenario *r)
{
    memset(r, 0, sizeof *r);
    r->name = check_strdup(src->name);
    r->overrides = check_calloc(src->n_overrides ? src->n_overrides : 1, sizeof *r->overrides);
    for (size_t i = 0; i < src->n_overrides; i++)
        r->overrides[r->n_overrides++] = check_strdup(src->overrides[i]);
    r->file = check_calloc(src->n_files ? src->n_files : 1, sizeof *r->file);
    bool changed = false, unreadable = false;
    for (size_t i = 0; i < src->n_files; i++) {
        struct report_file *f = &r->file[r->n_files++];
        char hex[SHA256_HEX_SIZE] = "";
        f->path = check_strdup(src->file[i].path);
        f->sha256_run = check_strdup(src->file[i].sha256_run);
        if (!sha256_file(f->path, hex)) {
            hex[0] = '\0';
            unreadable = true;
        }
        f->sha256_now = check_strdup(hex);
        changed = changed || (*f->sha256_run && *hex && strcmp(f->sha256_run, hex) != 0);
    }
    r->about = report_source_comment(src->path, 0);
    if (!*src->path || unreadable) {
        char note[AFILE_PATH_MAX + 128];
        snprintf(note, sizeof note, "the scenario file %s cannot be read now, so its parameters are not listed",
                 *src->path ? src->path : "(not recorded)");
        r->note = check_strdup(note);
        return;
    }
    struct diag d;
    diag_init(&d, CLI_DIAG_LIMIT);
    struct scenario *sc = scenario_load(src->path, src->overrides, src->n_overrides, &d);
    diag_free(&d);
    if (!sc) {
        char note[AFILE_PATH_MAX + 128];
        snprintf(note, sizeof note, "the scenario file %s is no longer a valid scenario (caseload check says why), "
                 "so its parameters are not listed", src->path);
        r->note = check_strdup(note);
        return;
    }
    if (changed)
        r->note = check_strdup("a scenario file has changed since the run (its SHA-256 differs, below): the "
                               "parameters are as the files read now, which may not be what the results were made "
                               "from");
    describe(sc, r);
    scenario_free(sc);
}

/* The folder's charts, drawn when it has none yet (gnuplot missing: the
 * page says so). */
static void draw_if_missing(const char *dir)
{
    static const char *const probe[] = { "backlog.svg", "compare_backlog.svg", "cost_effectiveness.svg" };
    bool any = false;
    for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
        char p[AFILE_PATH_MAX];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, probe[i]);
        any = any || stat(p, &st) == 0;
    }
    if (any || plot_kind_of(dir) == PLOT_KIND_NONE)
        return;
    /* sweeps and tornado charts: drawn too when the manifest lists none */
    char err[REPORT_MESSAGE_SIZE];
    enum plot_status s = plot_folder(dir, NULL, err, sizeof err);
    if (s != PLOT_OK)
        fprintf(stderr, "caseload: warning: report without charts: %s\n", err);
}

int cmd_report(int argc, char **argv)
{
    struct options o;
    int rc = EXIT_USAGE;
    if (!options_parse(&o, argc, argv, 2, "oq"))
        goto out;
    if (o.n_args != 1) {
        fprintf(stderr, "caseload: report needs one results folder (caseload report DIR [-o FILE.html])\n");
        goto out;
    }
    const char *dir = o.args[0];
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "caseload: report: %s: not a folder (give a folder written by caseload run, compare, sweep "
                        "or target)\n", dir);
        goto out;
    }
    signals_at_once();   /* the page is written atomically: a signal leaves nothing behind */
    char err[REPORT_MESSAGE_SIZE] = "";
    enum dirlock_status ls = dirlock_take(dir, err, sizeof err);
    if (ls != DIRLOCK_OK) {
        fprintf(stderr, "caseload: %s\n", err);
        rc = ls == DIRLOCK_BUSY ? EXIT_USAGE : EXIT_FAILURE_RUN;
        goto out;
    }
    struct report_source *src;
    size_t n;
    if (!report_sources(dir, &src, &n, err, sizeof err)) {
        fprintf(stderr, "caseload: report: %s\n", err);
        goto out;
    }
    draw_if_missing(dir);
    struct report_scenario *sc = check_calloc(n ? n : 1, sizeof *sc);
    for (size_t i = 0; i < n; i++)
        read_scenario(&src[i], &sc[i]);
    report_sources_free(src, n);
    struct report_input in = { dir, o.out_dir, CASELOAD_VERSION, sc, n };
    switch (report_write(&in, err, sizeof err)) {
    case REPORT_OK:
        rc = EXIT_OK;
        if (!o.quiet)
            printf("report: %s%s\n", o.out_dir ? o.out_dir : dir, o.out_dir ? "" : "/" REPORT_HTML);
        break;
    case REPORT_NOT_RESULTS:
        fprintf(stderr, "caseload: report: %s\n", err);
        rc = EXIT_USAGE;
        break;
    case REPORT_FAILED:
        fprintf(stderr, "caseload: report: %s\n", err);
        rc = EXIT_FAILURE_RUN;
        break;
    }
    for (size_t i = 0; i < n; i++)
        report_scenario_free(&sc[i]);
    free(sc);
out:
    options_free(&o);
    return rc;
}
