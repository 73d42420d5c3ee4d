/* cmd_fit.c — caseload fit RECORDS --at DATE --template T.cfg [-o FITTED.cfg]
 *
 * Reads the records (fit/records.h), estimates every parameter they
 * identify at DATE (fit/fitmap.h), and writes the fitted scenario FITTED.cfg
 * (default NAME-fitted.cfg in the current folder, NAME the template's
 * name) and, in the folder FITTED-fit/ beside it (FITTED without .cfg),
 * fit.csv, fit_cov.csv, drops.csv and the charts of the fit. Every file is written
 * whole or not at all (output/afile.h), the scenario last; nothing else is
 * touched. The scenario is loaded back before it is written
 * (fit_scenario_loadable): what fit writes, check accepts. */
#include "cli/commands.h"
#include "cli/signals.h"

#include "fit/fitmap.h"
#include "fit/fitout.h"
#include "fit/fitplot.h"
#include "fit/records.h"
#include "output/afile.h"
#include "sim/check.h"
#include "sim/diag.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Notes about parameters kept from the template: all are printed. */
#define FIT_NOTES_LIMIT 1000
#define FIT_DIR_SUFFIX "-fit"
#define FIT_CFG_SUFFIX ".cfg"

static int usage_error(const char *what)
{
    fprintf(stderr, "caseload: fit: %s (usage: caseload fit RECORDS --at DATE --template SCENARIO.cfg "
                    "[-o FITTED.cfg] [--force] [--drop-bad] [-q])\n",
            what);
    return EXIT_USAGE;
}

/* Whether path is a folder holding anything. */
static bool folder_not_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    struct dirent *e;
    bool any = false;
    while (!any && (e = readdir(d)))
        any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return any;
}

static void print_drops(const struct records *r)
{
    size_t n = records_dropped(r);
    if (n == 0)
        return;
    fprintf(stderr, "caseload: --drop-bad: %zu row%s skipped:", n, n == 1 ? "" : "s");
    for (int f = 0; f < RECORDS_FILE_COUNT; f++)
        for (int k = 0; k < REASON_COUNT; k++)
            if (r->drops[f][k])
                fprintf(stderr, " %s %s %zu;", records_file_name((enum records_file)f),
                        records_reason_name((enum records_reason)k), r->drops[f][k]);
    fputc('\n', stderr);
}

/* The fit's files: fit.csv, fit_cov.csv, drops.csv, the charts' and the scenario. */
#define FIT_FILES (FITPLOT_MAX_FILES + 4)
struct outputs {
    struct afile file[FIT_FILES];
    struct afile *list[FIT_FILES];
    size_t n;
};

static bool put_file(struct outputs *o, const char *path, const char *text, size_t len)
{
    CHECK(o->n < FIT_FILES);
    struct afile *a = &o->file[o->n];
    if (!afile_open(a, path)) {
        fprintf(stderr, "caseload: %s: cannot write (%s)\n", path, strerror(errno));
        return false;
    }
    afile_write(a, text, len);
    o->list[o->n++] = a;
    return true;
}

/* Everything one fit holds, from its options to the texts it writes;
 * fc_free releases it. */
struct fit_cmd {
    struct options o;
    struct scenario *sc;
    struct records rec;
    struct fit_result fr;
    char *cfg, *csv, *cov, *drops, *fitted, *folder;
    struct fitplot_files charts;
    struct diag d, notes;
    struct date at;
};

/* Releases all that c holds, its options last. */
static void fc_free(struct fit_cmd *c)
{
    fitplot_files_free(&c->charts);
    free(c->cfg);
    free(c->csv);
    free(c->cov);
    free(c->drops);
    free(c->fitted);
    free(c->folder);
    fit_result_free(&c->fr);
    records_free(&c->rec);
    scenario_free(c->sc);
    diag_free(&c->d);
    diag_free(&c->notes);
    options_free(&c->o);
}

/* Checks the arguments, parses --at and loads the template; true, or false
 * after printing what is wrong. */
static bool fc_load(struct fit_cmd *c)
{
    const struct options *o = &c->o;
    if (o->n_args != 1) {
        usage_error(o->n_args ? "one records folder only" : "the records folder is missing");
        return false;
    }
    if (!o->at) {
        usage_error("--at DATE is missing");
        return false;
    }
    if (!date_parse(o->at, &c->at)) {
        fprintf(stderr, "caseload: --at %s: not a date (allowed: YYYY-MM-DD, a real calendar date)\n", o->at);
        return false;
    }
    if (!o->template_path) {
        usage_error("--template SCENARIO.cfg is missing");
        return false;
    }
    c->sc = cmd_load(o->template_path, &c->o);
    return c->sc != NULL;
}

/* Names the fitted scenario and its folder (-o, or the template's name) and
 * checks neither would replace anything without --force; true, or false
 * after printing why. */
static bool fc_name_outputs(struct fit_cmd *c)
{
    const struct options *o = &c->o;
    if (o->out_dir) {
        c->fitted = check_strdup(o->out_dir);
    } else {
        size_t n = strlen(c->sc->name) + sizeof "-fitted" FIT_CFG_SUFFIX;
        c->fitted = check_malloc(n);
        snprintf(c->fitted, n, "%s-fitted" FIT_CFG_SUFFIX, c->sc->name);
        for (char *p = c->fitted; *p; p++)
            if (*p == ' ')
                *p = '_';
    }
    size_t len = strlen(c->fitted), cut = len;
    if (len > strlen(FIT_CFG_SUFFIX) && strcmp(c->fitted + len - strlen(FIT_CFG_SUFFIX), FIT_CFG_SUFFIX) == 0)
        cut = len - strlen(FIT_CFG_SUFFIX);
    c->folder = check_malloc(cut + sizeof FIT_DIR_SUFFIX);
    snprintf(c->folder, cut + sizeof FIT_DIR_SUFFIX, "%.*s" FIT_DIR_SUFFIX, (int)cut, c->fitted);
    struct stat st;
    if (!o->force && stat(c->fitted, &st) == 0) {
        fprintf(stderr, "caseload: %s exists (use --force to replace it, or -o another name)\n", c->fitted);
        return false;
    }
    if (stat(c->folder, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "caseload: %s exists and is not a folder (fit writes fit.csv and its charts there)\n",
                c->folder);
        return false;
    }
    if (!o->force && folder_not_empty(c->folder)) {
        fprintf(stderr, "caseload: %s is not empty (use --force to replace the fit there)\n", c->folder);
        return false;
    }
    return true;
}

/* Reads the records and fits at --at; true, or false after printing why. */
static bool fc_read_and_fit(struct fit_cmd *c)
{
    const struct options *o = &c->o;
    if (!records_read(&c->rec, o->args[0], c->sc, o->drop_bad, &c->d)) {
        diag_print(&c->d, stderr, "caseload");
        return false;
    }
    print_drops(&c->rec);
    if (!fit_records(&c->rec, c->sc, c->at, &c->fr, &c->notes)) {
        fprintf(stderr, "caseload: %s: no referral or episode on or before %s: nothing to fit\n", o->args[0], o->at);
        return false;
    }
    if (c->notes.count)
        diag_print(&c->notes, stderr, "caseload: note");
    return true;
}

/* Makes the texts to write, the scenario loaded back first; true, or false
 * after printing why the fitted scenario would not be valid. */
static bool fc_texts(struct fit_cmd *c)
{
    const struct options *o = &c->o;
    char about[512];
    snprintf(about, sizeof about, "Fitted at %s to records (template: %s)", o->at, o->template_path);
    bool start_state;
    c->cfg = fit_scenario_loadable(o->template_path, c->sc, &c->fr, about, c->fitted, &start_state, &c->d);
    if (!c->cfg) {
        /* the template and the date disagree (an intervention before the
         * new start): a bad scenario, nothing written */
        fprintf(stderr, "caseload: the template with the values fitted at %s would not be valid (the lines are "
                        "those of the scenario fit would have written):\n",
                o->at);
        diag_print(&c->d, stderr, "caseload");
        return false;
    }
    if (!start_state)
        fprintf(stderr, "caseload: note: this model does not read open_elapsed_days and open_waiting_days; "
                        "the cases open at %s are written as each stage's initial count\n",
                o->at);
    c->csv = fit_csv_text(&c->fr);
    c->cov = fit_cov_text(&c->fr);
    c->drops = fit_drops_text(&c->rec);
    return true;
}

/* Writes the folder's files, then the scenario, as one set; true, or false
 * after printing why, leaving none of them. */
static bool fc_write(struct fit_cmd *c)
{
    if (mkdir(c->folder, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "caseload: %s: cannot make the folder (%s)\n", c->folder, strerror(errno));
        return false;
    }
    fitplot_files(&c->fr, c->sc, &c->charts);
    struct outputs out = { .n = 0 };
    char path[AFILE_PATH_MAX];
    snprintf(path, sizeof path, "%s/fit.csv", c->folder);
    bool ok = put_file(&out, path, c->csv, strlen(c->csv));
    snprintf(path, sizeof path, "%s/" FIT_COV_CSV, c->folder);
    ok = ok && put_file(&out, path, c->cov, strlen(c->cov));
    snprintf(path, sizeof path, "%s/drops.csv", c->folder);
    ok = ok && put_file(&out, path, c->drops, strlen(c->drops));
    for (size_t i = 0; ok && i < c->charts.n; i++) {
        snprintf(path, sizeof path, "%s/%s", c->folder, c->charts.name[i]);
        ok = put_file(&out, path, c->charts.text[i], strlen(c->charts.text[i]));
    }
    ok = ok && put_file(&out, c->fitted, c->cfg, strlen(c->cfg));
    if (!ok || !afile_commit_all(out.list, out.n)) {
        if (ok)
            fprintf(stderr, "caseload: %s: cannot write the fit (%s)\n", c->folder, strerror(errno));
        for (size_t i = 0; i < out.n; i++)
            afile_abort(out.list[i]);
        return false;
    }
    return true;
}

/* Draws the charts (a warning if gnuplot fails) and, unless quiet, says
 * what was fitted and where it went. */
static void fc_draw_and_tell(struct fit_cmd *c)
{
    char err[1024] = "";
    enum fitplot_status ps = fitplot_draw(c->folder, &c->fr, c->sc, err, sizeof err);
    if (ps == FITPLOT_NO_GNUPLOT || ps == FITPLOT_FAILED)
        fprintf(stderr, "caseload: warning: %s\n", err);
    if (c->o.quiet)
        return;
    size_t fitted_n = 0;
    for (size_t i = 0; i < c->fr.n_rows; i++)
        fitted_n += c->fr.row[i].fitted;
    printf("fitted %zu parameters at %s (%zu kept from the template for want of data, the rest as in %s)\n",
           fitted_n, c->o.at, c->fr.n_unfitted, c->o.template_path);
    printf("scenario: %s\nfit:      %s/fit.csv, %s/" FIT_COV_CSV ", %s/drops.csv%s\n", c->fitted, c->folder,
           c->folder, c->folder,
           ps == FITPLOT_OK ? ", charts fit_*.png and *.svg" : "");
}

int cmd_fit(int argc, char **argv)
{
    struct fit_cmd c;
    memset(&c, 0, sizeof c);
    if (!options_parse(&c.o, argc, argv, 2, "oqfAYd")) {
        options_free(&c.o);
        return EXIT_USAGE;
    }
    diag_init(&c.d, CLI_DIAG_LIMIT);
    diag_init(&c.notes, FIT_NOTES_LIMIT);
    int status = EXIT_USAGE;
    if (fc_load(&c) && fc_name_outputs(&c) && fc_read_and_fit(&c) && fc_texts(&c)) {
        status = EXIT_FAILURE_RUN;
        if (fc_write(&c)) {
            int sig = signals_at_once();
            if (sig)
                exit(CLI_EXIT_SIGNAL(sig));
            fc_draw_and_tell(&c);
            status = EXIT_OK;
        }
    }
    fc_free(&c);
    return status;
}
