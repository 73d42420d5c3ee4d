#include "output/runfolder.h"

#include "output/compare.h"
#include "output/csv.h"
#include "output/json.h"
#include "output/plot.h"
#include "output/plot_script.h"
#include "sim/check.h"

#include "output/dirlock.h"
#include "output/json_in.h"
#include "output/manifest.h"
#include "output/sweepfolder.h"
#include "output/targetfolder.h"
#include "output/tornadofolder.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_MODE 0777   /* before the umask, as mkdir(1) */
/* How the charts member is written, always last (runfolder_note_charts). */
#define CHARTS_OPENING ",\n  \"" MANIFEST_KEY_CHARTS "\": ["

/* Every file a result of any kind writes, besides plots.gp and the charts:
 * names a scenario may not take (runfolder_name_taken). */
static const char *const any_result_files[] = {
    MANIFEST_FILE,
    RUNFOLDER_SERIES_CSV, RUNFOLDER_SUMMARY_CSV, RUNFOLDER_KPIS_CSV, RUNFOLDER_YEARS_CSV,
    COMPARE_CSV, COMPARE_DIFFERENCES_CSV, COMPARE_YEARS_CSV,
    SWEEPFOLDER_CSV, TORNADOFOLDER_CSV, TARGETFOLDER_CSV,
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

/* A name a manifest may list: a file in the folder ("x.csv") or, ending in
 * '/', a folder in it ("base/"); never a path elsewhere, nor the lock. */
static bool plain_name(const char *name, bool *folder)
{
    size_t n = strlen(name);
    *folder = n > 0 && name[n - 1] == '/';
    if (*folder)
        n--;
    if (n == 0 || memchr(name, '/', n) || (n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.'))
        return false;
    return strcmp(name, DIRLOCK_NAME) != 0;
}

/* Whether name is among names[0..n). */
static bool listed(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static void remove_folder(int dirfd, const char *dir, const char *name);

/* Remove from dirfd (the folder dir) what the manifest member key of root
 * lists, but for names[0..n): files by unlinkat (a link is removed, never
 * followed), folders ("x/") as remove_folder does. */
static void remove_listed(int dirfd, const char *dir, const struct json_in *root, const char *key,
                          const char *const *names, size_t n)
{
    const struct json_in *list = json_in_get(root, key);
    if (!list || list->type != JSON_IN_ARRAY)
        return;
    for (size_t i = 0; i < list->n; i++) {
        const char *name = json_in_text(&list->kid[i]);
        bool folder;
        if (!name || !plain_name(name, &folder) || listed(name, names, n))
            continue;
        if (folder) {
            char sub[AFILE_PATH_MAX];
            snprintf(sub, sizeof sub, "%.*s", (int)strlen(name) - 1, name);
            remove_folder(dirfd, dir, sub);
        } else {
            (void)unlinkat(dirfd, name, 0);   /* already gone is fine */
        }
    }
}

/* Remove the result folder dir/name that a result no longer lists: what its
 * own manifest lists, its lock file, then the folder if that left it empty.
 * A link is never followed; a folder another process holds is left. */
static void remove_folder(int dirfd, const char *dir, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    char path[AFILE_PATH_MAX], err[AFILE_PATH_MAX + 128];
    if (!runfolder_path(path, sizeof path, dir, name) || dirlock_take(path, err, sizeof err) != DIRLOCK_OK) {
        close(fd);
        return;
    }
    struct json_in root;
    char *text;
    if (manifest_load(fd, &root, &text)) {
        remove_listed(fd, path, &root, MANIFEST_KEY_CHARTS, NULL, 0);
        remove_listed(fd, path, &root, MANIFEST_KEY_WRITTEN, NULL, 0);
        json_in_free(&root);
        free(text);
    }
    dirlock_drop(path);
    close(fd);
    (void)unlinkat(dirfd, name, AT_REMOVEDIR);   /* fails, as it should, when other files are there */
}

/* The first entry of dir that is not the lock file, into name; false when
 * there is none. */
static bool first_entry(const char *dir, char *name, size_t size)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || strcmp(e->d_name, DIRLOCK_NAME) == 0)
            continue;
        snprintf(name, size, "%s", e->d_name);
        found = true;
    }
    closedir(d);
    return found;
}

/* Lock dir (existing) and check what it holds. */
static int prepare_locked(const char *dir, bool force, char *err, size_t size)
{
    enum dirlock_status ls = dirlock_take(dir, err, size);
    if (ls != DIRLOCK_OK)
        return ls == DIRLOCK_BUSY ? 2 : 1;
    if (force)
        return 0;
    char path[AFILE_PATH_MAX], name[256];
    struct stat st;
    if (runfolder_path(path, sizeof path, dir, MANIFEST_FILE) && lstat(path, &st) == 0) {
        snprintf(err, size, "%s already holds results (%s); pass --force to replace them, or -o DIR", dir, MANIFEST_FILE);
        return 2;
    }
    if (first_entry(dir, name, sizeof name)) {
        snprintf(err, size, "%s is not empty (it holds %s) and holds no results of caseload's: results go "
                 "only into a new or empty folder; choose another -o DIR, or pass --force to write beside "
                 "what is there", dir, name);
        return 2;
    }
    return 0;
}

int runfolder_prepare(const char *dir, bool force, char *err, size_t size)
{
    if (make_dirs(dir) != 0) {
        snprintf(err, size, "%s: cannot create the results folder (%s)", dir, strerror(errno));
        return 1;
    }
    return prepare_locked(dir, force, err, size);
}

int runfolder_prepare_sub(const char *dir, const char *name, bool force, char *err, size_t size)
{
    char path[AFILE_PATH_MAX];
    if (!runfolder_path(path, sizeof path, dir, name)) {
        snprintf(err, size, "%s/%s: results folder name too long", dir, name);
        return 2;
    }
    if (mkdir(path, DIR_MODE) != 0 && errno != EEXIST) {
        snprintf(err, size, "%s: cannot create the results folder (%s)", path, strerror(errno));
        return 1;
    }
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, size, "%s: not a folder (%s); caseload never writes through a link: remove it, or "
                 "choose another -o DIR", path, S_ISLNK(st.st_mode) ? "a symbolic link" : "a file");
        return 2;
    }
    return prepare_locked(path, force, err, size);
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
    if (!runfolder_path(path, sizeof path, dir, RUNFOLDER_SERIES_CSV)) {
        errno = ENAMETOOLONG;
        return false;
    }
    if (!afile_open(&rf->series, path))
        return false;
    rf->stats = stats_create(l);
    rf->years = l->years ? stats_create(l->years) : NULL;
    if (!rf->stats || (l->years && !rf->years)) {
        stats_destroy(rf->stats);
        stats_destroy(rf->years);
        rf->stats = rf->years = NULL;
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
    if (rf->years) {
        /* the years as a result of their own layout (which has no KPIs) */
        struct rep_result y = { .rep = r->rep, .values = r->years };
        stats_add(rf->years, &y);
    }
    rf->events += r->events;
}

static void write_manifest(struct afile *a, const struct runfolder *rf, const struct run_info *info,
                           bool partial, struct afile *const *set, size_t n_set)
{
    struct json j;
    manifest_begin(&j, a, info->version, NULL);
    json_object(&j, "scenario");
    json_string(&j, "name", info->scenario);
    json_string(&j, "description", info->description);
    json_string(&j, "start", info->start_date);
    json_string(&j, "report_every", info->report_every);
    struct manifest_sources src = { .files = info->files, .sha256 = info->file_sha256, .n_files = info->n_files,
                                    .sets = info->sets, .n_sets = info->n_sets };
    manifest_sources(&j, &src);
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
    if (info->draws_from) {
        json_object(&j, "parameter_uncertainty");
        json_string(&j, "from", info->draws_from);
        json_uint(&j, "parameters", info->draws_n);
        json_close(&j);
    }
    json_uint(&j, "threads", info->threads);
    if (info->ranks)
        json_uint(&j, "ranks", info->ranks);
    json_uint(&j, "periods", rf->layout->n_periods);
    json_uint(&j, "events", rf->events);
    manifest_command_line(&j, info->argc, info->argv);
    manifest_time(&j, "started", rf->started);
    manifest_time(&j, "finished", time(NULL));
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    json_number(&j, "elapsed_seconds",
                (double)(t1.tv_sec - rf->t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - rf->t0.tv_nsec));
    manifest_end(&j, set, n_set, info->keep);
}

bool runfolder_finish(struct runfolder *rf, const struct run_info *info, bool partial)
{
    struct afile summary, kpis, years, manifest;
    /* opened in this order; manifest last */
    struct afile *files[] = { &summary, &kpis, &years, &manifest };
    const char *names[] = { RUNFOLDER_SUMMARY_CSV, RUNFOLDER_KPIS_CSV, RUNFOLDER_YEARS_CSV, MANIFEST_FILE };
    size_t n_files = sizeof files / sizeof *files;
    char path[AFILE_PATH_MAX];
    for (size_t i = 0; i < n_files; i++) {
        if (files[i] == &years && !rf->years)
            continue;
        if (!runfolder_path(path, sizeof path, rf->dir, names[i]))
            errno = ENAMETOOLONG;
        else if (afile_open(files[i], path))
            continue;
        int e = errno;
        while (i-- > 0)
            if (files[i] != &years || rf->years)
                afile_abort(files[i]);
        afile_abort(&rf->series);
        errno = e;
        return false;
    }
    /* Two phases: every file complete, then all renamed into place, the
     * manifest last: a folder with a manifest is complete. */
    struct afile *order[] = { &rf->series, &summary, &kpis, &years, &manifest };
    size_t n = sizeof order / sizeof *order;
    if (!rf->years) {
        order[3] = &manifest;
        n--;
    }
    csv_summary(&summary, rf->scenario, rf->layout, rf->stats, 1);
    csv_kpis(&kpis, rf->scenario, rf->layout, rf->stats, 1);
    if (rf->years)
        csv_years(&years, rf->scenario, rf->layout->years, rf->years, 1);
    write_manifest(&manifest, rf, info, partial, (struct afile *const *)order, n);
    return runfolder_commit((struct afile *const *)order, n, info->keep, rf->dir);
}

bool runfolder_commit(struct afile *const *files, size_t n, const char *const *keep, const char *dir)
{
    /* what the result in place wrote, by its manifest (read before the new
     * one replaces it) */
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct json_in old;
    char *text = NULL;
    bool had = dirfd >= 0 && manifest_load(dirfd, &old, &text);
    if (!afile_commit_all(files, n)) {
        int e = errno;
        if (had)
            json_in_free(&old);
        free(text);
        if (dirfd >= 0)
            close(dirfd);
        errno = e;
        return false;
    }
    if (had) {
        size_t n_keep = 0;
        for (const char *const *k = keep; k && *k; k++)
            n_keep++;
        const char **names = check_calloc(n + n_keep + 1, sizeof *names);
        for (size_t i = 0; i < n; i++)
            names[i] = afile_base_name(files[i]);
        for (size_t i = 0; i < n_keep; i++)
            names[n + i] = keep[i];
        /* old numbers never stand beside new ones: the files of the earlier
         * result that this one does not replace go, and its charts */
        remove_listed(dirfd, dir, &old, MANIFEST_KEY_WRITTEN, names, n + n_keep);
        remove_listed(dirfd, dir, &old, MANIFEST_KEY_CHARTS, NULL, 0);
        free(names);
        json_in_free(&old);
    }
    free(text);
    if (dirfd >= 0)
        close(dirfd);
    return true;
}

bool runfolder_note_charts(const char *dir, const char *const *names, size_t n, bool replace)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return false;
    struct json_in old;
    char *text;
    if (!manifest_load(dirfd, &old, &text)) {
        close(dirfd);
        return true;   /* no manifest of ours: nothing to note */
    }
    /* the manifest without its charts member (written last) and its end */
    char *cut = strstr(text, CHARTS_OPENING);
    if (!cut) {
        cut = strrchr(text, '}');
        while (cut && cut > text && (cut[-1] == '\n' || cut[-1] == ' '))
            cut--;
    }
    struct afile a;
    char path[AFILE_PATH_MAX];
    bool ok = cut && runfolder_path(path, sizeof path, dir, MANIFEST_FILE) && afile_open(&a, path);
    if (ok) {
        afile_write(&a, text, (size_t)(cut - text));
        afile_puts(&a, CHARTS_OPENING);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (!strpbrk(names[i], "\"\\"))   /* ours are plain words */
                afile_printf(&a, "%s\n    \"%s\"", k++ ? "," : "", names[i]);
        /* charts not drawn this time (gnuplot missing or failed) are still
         * there: they stay listed */
        const struct json_in *list = json_in_get(&old, MANIFEST_KEY_CHARTS);
        for (size_t i = 0; !replace && list && list->type == JSON_IN_ARRAY && i < list->n; i++) {
            const char *name = json_in_text(&list->kid[i]);
            bool folder;
            if (name && plain_name(name, &folder) && !folder && !listed(name, names, n) && !strpbrk(name, "\"\\"))
                afile_printf(&a, "%s\n    \"%s\"", k++ ? "," : "", name);
        }
        afile_puts(&a, k ? "\n  ]\n}\n" : "]\n}\n");
        ok = afile_commit(&a);
    }
    if (ok && replace)
        remove_listed(dirfd, dir, &old, MANIFEST_KEY_CHARTS, names, n);   /* the charts not drawn again */
    json_in_free(&old);
    free(text);
    close(dirfd);
    return ok;
}

void runfolder_close(struct runfolder *rf)
{
    afile_abort(&rf->series);
    stats_destroy(rf->stats);
    stats_destroy(rf->years);
    rf->stats = rf->years = NULL;
}
