#include "output/plot.h"

#include "output/afile.h"
#include "output/compare.h"
#include "output/gnuplot.h"
#include "output/plot_data.h"
#include "output/plot_script.h"
#include "output/runfolder.h"
#include "output/sweepfolder.h"
#include "output/tornadofolder.h"
#include "sim/check.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* gnuplot's options: no start-up file of the user's, and staged output
 * (see plot_script.h). */
#define GNUPLOT_NO_INIT "--default-settings"
#define GNUPLOT_STAGING "staging='%s'"
/* Fresh tags tried when a picture's temporary name is taken. */
#define PLOT_TAG_TRIES 8

/* Every picture of one script: NAME.png and NAME.svg per chart. */
#define PLOT_MAX_FILES (PLOT_MAX_CHARTS * PLOT_FORMATS)
/* Room for the reason a script is not inert. */
#define PLOT_WHY_SIZE 256

/* Every chart name a script draws (plot_run.c, plot_compare.c), and the
 * prefixes of the names that depend on a KPI (plot_sweep.c); the test of
 * plot_forget checks them against what the scripts produce. */
static const char *const every_chart[] = {
    "backlog", "waiting", "workforce", "caseload", "cost",
    "compare_backlog", "compare_backlog_difference", "cost_effectiveness",
    "compare_cost",   /* drawn by earlier versions */
};
#define PREFIX_SWEEP "sweep_"
#define PREFIX_TORNADO "tornado_"
#define PREFIX_YEARS "compare_years_"
static const char *const every_prefix[] = { PREFIX_SWEEP, PREFIX_TORNADO, PREFIX_YEARS };

/* The kinds of folder, by the file that holds their results and the kind
 * their manifest names (run manifests name none), in the order they are
 * looked for. */
static const struct {
    enum plot_kind kind;
    const char *file, *manifest;
} kinds[] = {
    { PLOT_KIND_COMPARISON, COMPARE_CSV, "comparison" },
    { PLOT_KIND_RUN, RUNFOLDER_SUMMARY_CSV, NULL },
    { PLOT_KIND_SWEEP, SWEEPFOLDER_CSV, "sweep" },
    { PLOT_KIND_TORNADO, TORNADOFOLDER_CSV, "tornado" },
    { PLOT_KIND_BACKTEST, "forecast.csv", "backtest" },
};
#define N_KINDS (sizeof kinds / sizeof *kinds)
#define KIND_NAME_SIZE 32

enum plot_kind plot_kind_of(const char *dir)
{
    /* results written with --force over others of another kind: the
     * manifest, written last, says which are current */
    char named[KIND_NAME_SIZE];
    plot_manifest_kind(dir, named, sizeof named);
    for (size_t i = 0; i < N_KINDS; i++)
        if (kinds[i].manifest && strcmp(named, kinds[i].manifest) == 0 && plot_file_exists(dir, kinds[i].file))
            return kinds[i].kind;
    for (size_t i = 0; i < N_KINDS; i++)
        if (plot_file_exists(dir, kinds[i].file))
            return kinds[i].kind;
    return PLOT_KIND_NONE;
}

static bool path_join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

/* Whether name is a picture NAME.png or NAME.svg whose NAME starts with
 * prefix and is not one of charts (NULL: none). */
static bool other_picture(const char *name, const char *prefix, const struct plot_charts *charts)
{
    size_t n = strlen(name), p = strlen(prefix);
    if (n <= p || strncmp(name, prefix, p) != 0)
        return false;
    const char *dot = strrchr(name, '.');
    bool picture = false;
    for (size_t k = 0; dot && k < PLOT_FORMATS; k++)
        picture = picture || strcmp(dot + 1, plot_formats[k]) == 0;
    if (!picture)
        return false;
    for (size_t c = 0; charts && c < charts->n; c++)
        if (strlen(charts->name[c]) == (size_t)(dot - name) && strncmp(name, charts->name[c], (size_t)(dot - name)) == 0)
            return false;
    return true;
}

/* Remove dir's pictures whose names start with prefix, but for charts. */
static void forget_others(const char *dir, const char *prefix, const struct plot_charts *charts)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char path[AFILE_PATH_MAX];
    for (struct dirent *e; (e = readdir(d));)
        if (other_picture(e->d_name, prefix, charts) && path_join(path, sizeof path, dir, e->d_name))
            unlink(path);
    closedir(d);
}

void plot_forget(const char *dir)
{
    char path[AFILE_PATH_MAX];
    if (path_join(path, sizeof path, dir, PLOT_SCRIPT))
        unlink(path);
    for (size_t c = 0; c < sizeof every_chart / sizeof *every_chart; c++)
        for (size_t k = 0; k < PLOT_FORMATS; k++) {
            char name[PLOT_NAME_SIZE + 8];
            snprintf(name, sizeof name, "%s.%s", every_chart[c], plot_formats[k]);
            if (path_join(path, sizeof path, dir, name))
                unlink(path);
        }
    for (size_t i = 0; i < sizeof every_prefix / sizeof *every_prefix; i++)
        forget_others(dir, every_prefix[i], NULL);
}

/* A script that could do more than draw (run a command, read or write
 * another file) is a bug in the writers: whatever the results held, no
 * such script reaches gnuplot or the folder. */
static void check_inert(const char *script)
{
    char why[PLOT_WHY_SIZE];
    if (!gp_script_inert(script, why, sizeof why)) {
        fprintf(stderr, "caseload: internal error: plots.gp would not be inert: %s\n", why);
        CHECK(!"plots.gp inert");
    }
}

/* Write text to dir/plots.gp, whole or not at all. */
static bool write_script(const char *dir, const char *text, char *err, size_t size)
{
    check_inert(text);
    char path[AFILE_PATH_MAX];
    struct afile a;
    if (!path_join(path, sizeof path, dir, PLOT_SCRIPT)) {
        snprintf(err, size, "%s/%s: path too long", dir, PLOT_SCRIPT);
        return false;
    }
    if (!afile_open(&a, path)) {
        snprintf(err, size, "%s: cannot write (%s)", path, strerror(errno));
        return false;
    }
    afile_puts(&a, text);
    if (!afile_commit(&a)) {
        snprintf(err, size, "%s: cannot write (%s)", path, strerror(errno));
        return false;
    }
    return true;
}

static void abort_all(struct afile *files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        afile_abort(&files[i]);
}

/* Reserve the temporary name of every picture, all under one tag: afile
 * creates each (empty, O_EXCL) and removes it on failure or a signal;
 * gnuplot then writes into it, since the script's staging names are
 * afile's. */
static bool reserve_tagged(const char *dir, const struct plot_charts *charts, const char *tag, struct afile *files,
                           size_t *n, char *err, size_t size)
{
    *n = 0;
    for (size_t c = 0; c < charts->n; c++) {
        for (size_t k = 0; k < PLOT_FORMATS; k++) {
            char name[PLOT_NAME_SIZE + 8], path[AFILE_PATH_MAX], staged[AFILE_PATH_MAX];
            snprintf(name, sizeof name, "%s.%s", charts->name[c], plot_formats[k]);
            if (!path_join(path, sizeof path, dir, name)) {
                snprintf(err, size, "%s/%s: path too long", dir, name);
                abort_all(files, *n);
                errno = ENAMETOOLONG;
                return false;
            }
            if (!afile_open_tagged(&files[*n], path, tag)) {
                int e = errno;
                snprintf(err, size, "%s: cannot write (%s)", path, strerror(e));
                abort_all(files, *n);
                errno = e;
                return false;
            }
            (*n)++;
            /* the name the script writes: chart(name) in plot_script.c */
            int len = snprintf(staged, sizeof staged, "%s/.%s.%s.tmp", dir, name, tag);
            CHECK(len > 0 && (size_t)len < sizeof staged && strcmp(staged, files[*n - 1].tmp) == 0);
        }
    }
    return true;
}

static bool reserve(const char *dir, const struct plot_charts *charts, char tag[AFILE_TAG_SIZE], struct afile *files,
                    size_t *n, char *err, size_t size)
{
    for (int i = 0; i < PLOT_TAG_TRIES; i++) {
        afile_new_tag(tag);
        if (reserve_tagged(dir, charts, tag, files, n, err, size))
            return true;
        if (errno != EEXIST)
            return false;
    }
    return false;
}

/* Every reserved file was written by gnuplot. */
static bool all_drawn(struct afile *files, size_t n, char *err, size_t size)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(files[i].tmp, &st) != 0 || st.st_size == 0) {
            snprintf(err, size, "%s: gnuplot drew nothing", files[i].path);
            return false;
        }
    }
    return true;
}

/* Note in dir's manifest the charts now there (runfolder_note_charts):
 * plots.gp and, when drawn, files[0..n). */
static void note_charts(const char *dir, const struct afile *files, size_t n, bool replace)
{
    const char **names = check_calloc(n + 1, sizeof *names);
    names[0] = PLOT_SCRIPT;
    for (size_t i = 0; i < n; i++) {
        const char *slash = strrchr(files[i].path, '/');
        names[i + 1] = slash ? slash + 1 : files[i].path;
    }
    (void)runfolder_note_charts(dir, names, n + 1, replace);   /* best effort: the charts are drawn */
    free(names);
}

/* What drawing a folder (and a comparison's scenario folders) came to. */
struct plot_progress {
    bool missing;           /* gnuplot was found missing */
    size_t drawn;           /* charts drawn */
};

/* Write the script into dir and (unless o says not to, or gnuplot was
 * found missing before) draw its charts. */
static enum plot_status draw(const char *dir, const char *script, const struct plot_charts *charts,
                             const struct plot_opts *o, struct plot_progress *pp, char *err, size_t size)
{
    if (!write_script(dir, script, err, size))
        return PLOT_FAILED;
    if (o->script_only || charts->n == 0 || pp->missing) {
        note_charts(dir, NULL, 0, charts->n == 0 && !o->script_only);
        return o->script_only || charts->n == 0 ? PLOT_OK : PLOT_NO_GNUPLOT;
    }
    struct afile *files = check_calloc(PLOT_MAX_FILES, sizeof *files);
    size_t n;
    char tag[AFILE_TAG_SIZE];
    if (!reserve(dir, charts, tag, files, &n, err, size)) {
        free(files);
        note_charts(dir, NULL, 0, false);
        return PLOT_FAILED;
    }
    char staging[AFILE_TAG_SIZE + sizeof GNUPLOT_STAGING];
    snprintf(staging, sizeof staging, GNUPLOT_STAGING, tag);
    const char *const args[] = { GNUPLOT_NO_INIT, "-e", staging, PLOT_SCRIPT, NULL };
    struct gnuplot_job job = { gnuplot_program(o->gnuplot), dir, args, NULL };
    char why[AFILE_PATH_MAX];
    enum gnuplot_status st = gnuplot_run(&job, why, sizeof why);
    enum plot_status rc = PLOT_OK;
    if (st == GNUPLOT_MISSING) {
        pp->missing = true;   /* plot_folder says what to do */
        rc = PLOT_NO_GNUPLOT;
    } else if (st == GNUPLOT_FAILED) {
        snprintf(err, size, "%s/%s: %s; charts not drawn", dir, PLOT_SCRIPT, why);
        rc = PLOT_FAILED;
    } else if (!all_drawn(files, n, err, size)) {
        rc = PLOT_FAILED;
    }
    if (rc != PLOT_OK) {
        abort_all(files, n);
        free(files);
        note_charts(dir, NULL, 0, false);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if (!afile_commit(&files[i])) {
            snprintf(err, size, "%s: cannot write (%s)", files[i].path, strerror(errno));
            abort_all(files + i + 1, n - i - 1);
            note_charts(dir, files, i, false);
            free(files);
            return PLOT_FAILED;
        }
    }
    /* the pictures of an earlier drawing not drawn again (another sweep
     * KPI's, a chart whose metrics are gone) describe older numbers */
    note_charts(dir, files, n, true);
    free(files);
    pp->drawn += charts->n;
    return PLOT_OK;
}

static enum plot_status plot_run(const char *dir, size_t colour, const struct plot_opts *o, struct plot_progress *pp,
                                 char *err, size_t size)
{
    struct plot_run_facts f;
    if (!plot_run_facts_read(dir, &f, err, size))
        return PLOT_FAILED;
    struct plot_charts charts;
    char *script = plot_run_script(&f, colour, &charts);
    plot_run_facts_free(&f);
    enum plot_status rc = draw(dir, script, &charts, o, pp, err, size);
    free(script);
    return rc;
}

static enum plot_status plot_comparison(const char *dir, const struct plot_opts *o, struct plot_progress *pp, char *err,
                                        size_t size)
{
    struct plot_compare_facts f;
    if (!plot_compare_facts_read(dir, &f, err, size))
        return PLOT_FAILED;
    enum plot_status rc = PLOT_OK;
    char sub[AFILE_PATH_MAX];
    for (size_t i = 0; i < f.n_scenarios && rc != PLOT_FAILED; i++) {
        path_join(sub, sizeof sub, dir, f.scenario[i].folder);   /* checked when read */
        enum plot_status r = plot_run(sub, i, o, pp, err, size);
        if (r != PLOT_OK)
            rc = r;
    }
    if (rc != PLOT_FAILED) {
        struct plot_charts charts;
        char *script = plot_compare_script(&f, &charts);
        enum plot_status r = draw(dir, script, &charts, o, pp, err, size);
        if (r != PLOT_OK)
            rc = r;
        free(script);
    }
    plot_compare_facts_free(&f);
    return rc;
}

static enum plot_status plot_sweep(const char *dir, const struct plot_opts *o, struct plot_progress *pp, char *err,
                                   size_t size)
{
    struct plot_sweep_facts f;
    if (!plot_sweep_facts_read(dir, &f, err, size))
        return PLOT_FAILED;
    struct plot_charts charts;
    char *script = plot_sweep_script(&f, &charts);
    plot_sweep_facts_free(&f);
    enum plot_status rc = draw(dir, script, &charts, o, pp, err, size);
    free(script);
    return rc;
}

static enum plot_status plot_tornado(const char *dir, const struct plot_opts *o, struct plot_progress *pp, char *err,
                                     size_t size)
{
    struct plot_tornado_facts f;
    if (!plot_tornado_facts_read(dir, &f, err, size))
        return PLOT_FAILED;
    struct plot_charts charts;
    char *script = plot_tornado_script(&f, &charts);
    plot_tornado_facts_free(&f);
    enum plot_status rc = draw(dir, script, &charts, o, pp, err, size);
    free(script);
    return rc;
}

static enum plot_status plot_backtest(const char *dir, const struct plot_opts *o, struct plot_progress *pp,
                                      char *err, size_t size)
{
    struct plot_backtest_facts f;
    if (!plot_backtest_facts_read(dir, &f, err, size))
        return PLOT_FAILED;
    struct plot_charts charts;
    char *script = plot_backtest_script(&f, &charts);
    plot_backtest_facts_free(&f);
    enum plot_status rc = draw(dir, script, &charts, o, pp, err, size);
    free(script);
    return rc;
}

static const struct plot_opts default_opts = { NULL, false };

enum plot_status plot_fit(const char *dir, const struct plot_fit_facts *f, const struct plot_opts *o, char *err,
                          size_t size)
{
    if (!o)
        o = &default_opts;
    struct plot_progress pp = { false, 0 };
    struct plot_charts charts = { 0 };
    char *script = plot_fit_script(f, &charts);
    enum plot_status rc = draw(dir, script, &charts, o, &pp, err, size);
    free(script);
    if (rc == PLOT_NO_GNUPLOT)
        snprintf(err, size, "%s not found, so the charts of the fit were not drawn (install it: %s)",
                 gnuplot_program(o->gnuplot), GNUPLOT_INSTALL_HINT);
    return rc;
}

enum plot_status plot_folder(const char *dir, const struct plot_opts *o, char *err, size_t size)
{
    if (!o)
        o = &default_opts;
    struct plot_progress pp = { false, 0 };
    enum plot_status rc;
    switch (plot_kind_of(dir)) {
    case PLOT_KIND_RUN:
        rc = plot_run(dir, 0, o, &pp, err, size);
        break;
    case PLOT_KIND_COMPARISON:
        rc = plot_comparison(dir, o, &pp, err, size);
        break;
    case PLOT_KIND_SWEEP:
        rc = plot_sweep(dir, o, &pp, err, size);
        break;
    case PLOT_KIND_TORNADO:
        rc = plot_tornado(dir, o, &pp, err, size);
        break;
    case PLOT_KIND_BACKTEST:
        rc = plot_backtest(dir, o, &pp, err, size);
        break;
    case PLOT_KIND_NONE:
    default:
        if (plot_file_exists(dir, "target.csv"))
            snprintf(err, size, "%s holds the answer of caseload target (target.csv), which has no charts "
                     "(charts are drawn for a run, comparison, sweep, tornado or backtest folder)", dir);
        else
            snprintf(err, size,
                     "%s holds no results (no summary.csv, compare.csv, sweep.csv, tornado.csv or forecast.csv)",
                     dir);
        return PLOT_NOT_RESULTS;
    }
    if (rc == PLOT_OK && pp.drawn == 0 && !o->script_only) {
        snprintf(err, size, "%s: no charts drawn: its results hold none of the series the charts show (%s written)",
                 dir, PLOT_SCRIPT);
        return PLOT_NOTHING_DRAWN;
    }
    if (rc == PLOT_NO_GNUPLOT)
        snprintf(err, size, "%s not found, so the charts were not drawn (install it: %s; then run: caseload plot %s)",
                 gnuplot_program(o->gnuplot), GNUPLOT_INSTALL_HINT, dir);
    return rc;
}

enum plot_status plot_terminal(const char *dir, const struct plot_opts *o, int width, int height,
                               char *err, size_t size)
{
    if (!o)
        o = &default_opts;
    if (plot_kind_of(dir) != PLOT_KIND_RUN) {
        snprintf(err, size, "%s holds no run results (no summary.csv)", dir);
        return PLOT_NOT_RESULTS;
    }
    struct plot_run_facts f;
    if (!plot_run_facts_read(dir, &f, err, size))
        return PLOT_FAILED;
    char *script = plot_terminal_script(&f, width, height);
    plot_run_facts_free(&f);
    if (!script) {
        snprintf(err, size, "%s/summary.csv: no backlog to draw", dir);
        return PLOT_FAILED;
    }
    check_inert(script);
    static const char *const args[] = { GNUPLOT_NO_INIT, NULL };
    struct gnuplot_job job = { gnuplot_program(o->gnuplot), dir, args, script };
    char why[AFILE_PATH_MAX];
    enum gnuplot_status st = gnuplot_run(&job, why, sizeof why);
    free(script);
    switch (st) {
    case GNUPLOT_OK:
        return PLOT_OK;
    case GNUPLOT_MISSING:
        snprintf(err, size, "%s not found (install it: %s)", job.program, GNUPLOT_INSTALL_HINT);
        return PLOT_NO_GNUPLOT;
    case GNUPLOT_FAILED:
        break;
    }
    snprintf(err, size, "%s: text chart: %s", dir, why);
    return PLOT_FAILED;
}
