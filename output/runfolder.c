#include "output/runfolder.h"

#include "output/csv.h"
#include "output/json.h"
#include "output/plot.h"
#include "output/plot_script.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MODE 0777   /* before the umask, as mkdir(1) */

/* Files that mark a folder as holding results. */
static const char *const result_files[] = { "manifest.json", "series.csv", "summary.csv", "kpis.csv" };

/* Every file a result of any kind writes. */
static const char *const any_result_files[] = {
    "manifest.json", "series.csv", "summary.csv", "kpis.csv",  /* run */
    "compare.csv", "differences.csv",                          /* compare */
    "sweep.csv", "tornado.csv",                                /* sweep */
    "target.csv",                                              /* target */
};

bool runfolder_name_taken(const char *name)
{
    if (name[0] == '.' || strcasecmp(name, PLOT_SCRIPT) == 0)
        return true;
    for (size_t k = 0; k < sizeof any_result_files / sizeof *any_result_files; k++)
        if (strcasecmp(name, any_result_files[k]) == 0)
            return true;
    const char *dot = strrchr(name, '.');
    for (size_t k = 0; dot && k < PLOT_FORMATS; k++)
        if (strcasecmp(dot + 1, plot_formats[k]) == 0)
            return true;
    return false;
}

bool runfolder_path(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

static int make_dirs(const char *dir)
{
    char path[AFILE_PATH_MAX];
    if (strlen(dir) >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(path, dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, DIR_MODE) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, DIR_MODE) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int runfolder_prepare(const char *dir, bool force, char *err, size_t size)
{
    if (make_dirs(dir) != 0) {
        snprintf(err, size, "%s: cannot create the results folder (%s)", dir, strerror(errno));
        return 1;
    }
    if (force)
        return 0;
    for (size_t i = 0; i < sizeof result_files / sizeof *result_files; i++) {
        char path[AFILE_PATH_MAX];
        struct stat st;
        if (runfolder_path(path, sizeof path, dir, result_files[i]) && stat(path, &st) == 0) {
            snprintf(err, size, "%s already holds results (%s); pass --force to replace them, or -o DIR",
                     dir, result_files[i]);
            return 2;
        }
    }
    return 0;
}

bool runfolder_open(struct runfolder *rf, const char *dir, const char *scenario,
                    const struct result_layout *l)
{
    memset(rf, 0, sizeof *rf);
    if (strlen(dir) >= sizeof rf->dir) {
        errno = ENAMETOOLONG;
        return false;
    }
    strcpy(rf->dir, dir);
    rf->scenario = scenario;
    rf->layout = l;
    rf->started = time(NULL);
    clock_gettime(CLOCK_MONOTONIC, &rf->t0);
    rf->series.f = NULL;
    char path[AFILE_PATH_MAX];
    if (!runfolder_path(path, sizeof path, dir, "series.csv")) {
        errno = ENAMETOOLONG;
        return false;
    }
    if (!afile_open(&rf->series, path))
        return false;
    rf->stats = stats_create(l);
    if (!rf->stats) {
        afile_abort(&rf->series);
        errno = ENOMEM;
        return false;
    }
    csv_series_header(&rf->series, l);
    return true;
}

void runfolder_add(struct runfolder *rf, const struct rep_result *r)
{
    csv_series_rows(&rf->series, rf->scenario, rf->layout, r);
    stats_add(rf->stats, r);
    rf->events += r->events;
}

static void iso_time(time_t t, char buf[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_manifest(struct afile *a, const struct runfolder *rf, const struct run_info *info,
                           bool partial)
{
    struct json j;
    json_begin(&j, a);
    json_string(&j, "program", "caseload");
    json_string(&j, "version", info->version);
    json_object(&j, "scenario");
    json_string(&j, "name", info->scenario);
    json_string(&j, "description", info->description);
    json_string(&j, "start", info->start_date);
    json_string(&j, "report_every", info->report_every);
    json_array(&j, "files");
    for (size_t i = 0; i < info->n_files; i++) {
        /* the hash taken when the file was read, not now: the file may have
         * changed while the run went */
        const char *hex = info->file_sha256 && info->file_sha256[i][0] ? info->file_sha256[i] : NULL;
        json_object(&j, NULL);
        json_string(&j, "path", info->files[i]);
        json_string(&j, "sha256", hex);
        json_close(&j);
    }
    json_close(&j);
    json_array(&j, "overrides");
    for (size_t i = 0; i < info->n_sets; i++)
        json_string(&j, NULL, info->sets[i]);
    json_close(&j);
    json_close(&j);
    json_uint(&j, "seed", info->seed);
    json_uint(&j, "replications_requested", info->reps_requested);
    json_uint(&j, "replications", stats_count(rf->stats));
    json_bool(&j, "partial", partial);
    /* summary.csv's quantiles: exact, or P² estimates past the values kept */
    json_string(&j, "quantiles", stats_exact(rf->stats) ? "exact" : "P2");
    if (info->precision > 0) {
        json_object(&j, "precision");
        json_number(&j, "relative_half_width", info->precision);
        json_string(&j, "kpi", info->precision_kpi);
        json_bool(&j, "met", info->precision_met);
        json_uint(&j, "replications_needed", stats_count(rf->stats));
        json_close(&j);
    }
    json_uint(&j, "threads", info->threads);
    json_uint(&j, "periods", rf->layout->n_periods);
    json_uint(&j, "events", rf->events);
    json_array(&j, "command_line");
    for (int i = 0; i < info->argc; i++)
        json_string(&j, NULL, info->argv[i]);
    json_close(&j);
    char when[32];
    iso_time(rf->started, when);
    json_string(&j, "started", when);
    iso_time(time(NULL), when);
    json_string(&j, "finished", when);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    json_number(&j, "elapsed_seconds",
                (double)(t1.tv_sec - rf->t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - rf->t0.tv_nsec));
    json_end(&j);
}

bool runfolder_finish(struct runfolder *rf, const struct run_info *info, bool partial)
{
    struct afile summary, kpis, manifest;
    char path[AFILE_PATH_MAX];
    bool ok = runfolder_path(path, sizeof path, rf->dir, "summary.csv") && afile_open(&summary, path);
    if (!ok) {
        afile_abort(&rf->series);
        return false;
    }
    ok = runfolder_path(path, sizeof path, rf->dir, "kpis.csv") && afile_open(&kpis, path);
    if (!ok) {
        int e = errno;
        afile_abort(&summary);
        afile_abort(&rf->series);
        errno = e;
        return false;
    }
    ok = runfolder_path(path, sizeof path, rf->dir, "manifest.json") && afile_open(&manifest, path);
    if (!ok) {
        int e = errno;
        afile_abort(&kpis);
        afile_abort(&summary);
        afile_abort(&rf->series);
        errno = e;
        return false;
    }
    csv_summary(&summary, rf->scenario, rf->layout, rf->stats, 1);
    csv_kpis(&kpis, rf->scenario, rf->layout, rf->stats, 1);
    write_manifest(&manifest, rf, info, partial);
    /* Two phases: every file complete, then all renamed into place, the
     * manifest last: a folder with a manifest is complete. */
    struct afile *const order[] = { &rf->series, &summary, &kpis, &manifest };
    return runfolder_commit(order, sizeof order / sizeof *order, rf->dir);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool runfolder_commit(struct afile *const *files, size_t n, const char *dir)
{
    if (!afile_commit_all(files, n))
        return false;
    for (size_t k = 0; k < sizeof any_result_files / sizeof *any_result_files; k++) {
        bool kept = false;
        for (size_t i = 0; i < n && !kept; i++)
            kept = strcmp(base_name(files[i]->path), any_result_files[k]) == 0;
        char path[AFILE_PATH_MAX];
        if (!kept && runfolder_path(path, sizeof path, dir, any_result_files[k]))
            (void)unlink(path);   /* absent is the usual case */
    }
    return true;
}

void runfolder_close(struct runfolder *rf)
{
    afile_abort(&rf->series);
    stats_destroy(rf->stats);
    rf->stats = NULL;
}
