/* cmd_fit.c — caseload fit RECORDS --at DATE --template T.cfg [-o FITTED.cfg]
 *
 * Reads the records (fit/records.h), estimates every parameter they
 * identify at DATE (fit/fitmap.h), and writes the fitted scenario FITTED.cfg
 * (default NAME-fitted.cfg in the current folder, NAME the template's
 * name) and, in the folder FITTED-fit/ beside it (FITTED without .cfg),
 * fit.csv, drops.csv and the charts of the fit. Every file is written
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

struct outputs {
    struct afile file[FITPLOT_MAX_FILES + 3];
    struct afile *list[FITPLOT_MAX_FILES + 3];
    size_t n;
};

static bool put_file(struct outputs *o, const char *path, const char *text, size_t len)
{
    struct afile *a = &o->file[o->n];
    if (!afile_open(a, path)) {
        fprintf(stderr, "caseload: %s: cannot write (%s)\n", path, strerror(errno));
        return false;
    }
    afile_write(a, text, len);
    o->list[o->n++] = a;
    return true;
}

int cmd_fit(int argc, char **argv)
{
    struct options o;
    if (!options_parse(&o, argc, argv, 2, "oqfAYd")) {
        options_free(&o);
        return EXIT_USAGE;
    }
    int status = EXIT_USAGE;
    struct scenario *sc = NULL;
    struct records rec;
    memset(&rec, 0, sizeof rec);
    struct fit_result fr;
    memset(&fr, 0, sizeof fr);
    char *cfg = NULL, *csv = NULL, *drops = NULL, *fitted = NULL, *folder = NULL;
    struct fitplot_files charts;
    memset(&charts, 0, sizeof charts);
    struct diag d, notes;
    diag_init(&d, CLI_DIAG_LIMIT);
    diag_init(&notes, FIT_NOTES_LIMIT);
    struct date at;
    if (o.n_args != 1) {
        status = usage_error(o.n_args ? "one records folder only" : "the records folder is missing");
        goto done;
    }
    if (!o.at) {
        status = usage_error("--at DATE is missing");
        goto done;
    }
    if (!date_parse(o.at, &at)) {
        fprintf(stderr, "caseload: --at %s: not a date (allowed: YYYY-MM-DD, a real calendar date)\n", o.at);
        goto done;
    }
    if (!o.template_path) {
        status = usage_error("--template SCENARIO.cfg is missing");
        goto done;
    }
    sc = cmd_load(o.template_path, &o);
    if (!sc)
        goto done;

    /* where the results go */
    if (o.out_dir) {
        fitted = check_strdup(o.out_dir);
    } else {
        size_t n = strlen(sc->name) + sizeof "-fitted" FIT_CFG_SUFFIX;
        fitted = check_malloc(n);
        snprintf(fitted, n, "%s-fitted" FIT_CFG_SUFFIX, sc->name);
        for (char *c = fitted; *c; c++)
            if (*c == ' ')
                *c = '_';
    }
    size_t len = strlen(fitted), cut = len;
    if (len > strlen(FIT_CFG_SUFFIX) && strcmp(fitted + len - strlen(FIT_CFG_SUFFIX), FIT_CFG_SUFFIX) == 0)
        cut = len - strlen(FIT_CFG_SUFFIX);
    folder = check_malloc(cut + sizeof FIT_DIR_SUFFIX);
    snprintf(folder, cut + sizeof FIT_DIR_SUFFIX, "%.*s" FIT_DIR_SUFFIX, (int)cut, fitted);
    struct stat st;
    if (!o.force && stat(fitted, &st) == 0) {
        fprintf(stderr, "caseload: %s exists (use --force to replace it, or -o another name)\n", fitted);
        goto done;
    }
    if (stat(folder, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "caseload: %s exists and is not a folder (fit writes fit.csv and its charts there)\n", folder);
        goto done;
    }
    if (!o.force && folder_not_empty(folder)) {
        fprintf(stderr, "caseload: %s is not empty (use --force to replace the fit there)\n", folder);
        goto done;
    }

    /* read, fit */
    if (!records_read(&rec, o.args[0], sc, o.drop_bad, &d)) {
        diag_print(&d, stderr, "caseload");
        goto done;
    }
    print_drops(&rec);
    if (!fit_records(&rec, sc, at, &fr, &notes)) {
        fprintf(stderr, "caseload: %s: no referral or episode on or before %s: nothing to fit\n", o.args[0], o.at);
        goto done;
    }
    if (notes.count)
        diag_print(&notes, stderr, "caseload: note");

    /* the texts; the scenario loaded back first */
    char about[512];
    snprintf(about, sizeof about, "Fitted at %s to records (template: %s)", o.at, o.template_path);
    bool start_state;
    cfg = fit_scenario_loadable(o.template_path, sc, &fr, about, fitted, &start_state, &d);
    if (!cfg) {
        /* the template and the date disagree (an intervention before the
         * new start): a bad scenario, nothing written */
        fprintf(stderr, "caseload: the template with the values fitted at %s would not be valid (the lines are "
                        "those of the scenario fit would have written):\n",
                o.at);
        diag_print(&d, stderr, "caseload");
        goto done;
    }
    if (!start_state)
        fprintf(stderr, "caseload: note: this model does not read open_elapsed_days and open_waiting_days; "
                        "the cases open at %s are written as each stage's initial count\n",
                o.at);
    csv = fit_csv_text(&fr);
    drops = fit_drops_text(&rec);

    /* write: the folder's files, then the scenario, as one set */
    status = EXIT_FAILURE_RUN;
    if (mkdir(folder, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "caseload: %s: cannot make the folder (%s)\n", folder, strerror(errno));
        goto done;
    }
    fitplot_files(&fr, sc, &charts);
    struct outputs out = { .n = 0 };
    char path[AFILE_PATH_MAX];
    snprintf(path, sizeof path, "%s/fit.csv", folder);
    bool ok = put_file(&out, path, csv, strlen(csv));
    snprintf(path, sizeof path, "%s/drops.csv", folder);
    ok = ok && put_file(&out, path, drops, strlen(drops));
    for (size_t i = 0; ok && i < charts.n; i++) {
        snprintf(path, sizeof path, "%s/%s", folder, charts.name[i]);
        ok = put_file(&out, path, charts.text[i], strlen(charts.text[i]));
    }
    ok = ok && put_file(&out, fitted, cfg, strlen(cfg));
    if (!ok || !afile_commit_all(out.list, out.n)) {
        if (ok)
            fprintf(stderr, "caseload: %s: cannot write the fit (%s)\n", folder, strerror(errno));
        for (size_t i = 0; i < out.n; i++)
            afile_abort(out.list[i]);
        goto done;
    }
    int sig = signals_at_once();
    if (sig)
        exit(CLI_EXIT_SIGNAL(sig));
    char err[1024] = "";
    enum fitplot_status ps = fitplot_draw(folder, &fr, sc, err, sizeof err);
    if (ps == FITPLOT_NO_GNUPLOT || ps == FITPLOT_FAILED)
        fprintf(stderr, "caseload: warning: %s\n", err);
    if (!o.quiet) {
        size_t fitted_n = 0;
        for (size_t i = 0; i < fr.n_rows; i++)
            fitted_n += fr.row[i].fitted;
        printf("fitted %zu parameters at %s (%zu kept from the template for want of data, the rest as in %s)\n",
               fitted_n, o.at, fr.n_unfitted, o.template_path);
        printf("scenario: %s\nfit:      %s/fit.csv, %s/drops.csv%s\n", fitted, folder, folder,
               ps == FITPLOT_OK ? ", charts fit_*.png and *.svg" : "");
    }
    status = EXIT_OK;
done:
    fitplot_files_free(&charts);
    free(cfg);
    free(csv);
    free(drops);
    free(fitted);
    free(folder);
    fit_result_free(&fr);
    records_free(&rec);
    scenario_free(sc);
    diag_free(&d);
    diag_free(&notes);
    options_free(&o);
    return status;
}
