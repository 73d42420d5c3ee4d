#include "tests/testutil.h"

#include "models/metrics.h"
#include "models/recorder.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "sim/diag.h"
#include "sim/runner.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

bool tu_dies(void (*fn)(void *), void *arg, const char *needle)
{
    int fd[2];
    if (pipe(fd) != 0)
        fail_msg("pipe: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDERR_FILENO);
        close(fd[1]);
        signal(SIGABRT, SIG_DFL);
        fn(arg);
        _exit(0);
    }
    close(fd[1]);
    char out[8192];
    size_t n = 0;
    for (;;) {
        char scratch[4096];
        ssize_t got = read(fd[0], scratch, sizeof scratch);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t take = (size_t)got < sizeof out - 1 - n ? (size_t)got : sizeof out - 1 - n;
        memcpy(out + n, scratch, take);
        n += take;
    }
    out[n] = '\0';
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    return aborted && (!needle || strstr(out, needle));
}

char *tu_tmpdir(void)
{
    char tmpl[] = "/tmp/caseload-test-XXXXXX";
    if (!mkdtemp(tmpl))
        fail_msg("mkdtemp: %s", strerror(errno));
    char *dir = strdup(tmpl);
    assert_non_null(dir);
    return dir;
}

char *tu_path(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    assert_non_null(p);
    snprintf(p, len, "%s/%s", dir, name);
    return p;
}

char *tu_write(const char *dir, const char *name, const char *text)
{
    char *path = tu_path(dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("%s: %s", path, strerror(errno));
    size_t len = strlen(text);
    if (fwrite(text, 1, len, f) != len || fclose(f) != 0)
        fail_msg("%s: write failed", path);
    return path;
}

char *tu_mkdir(const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    if (mkdir(path, 0700) != 0)
        fail_msg("mkdir %s: %s", path, strerror(errno));
    return path;
}

void tu_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = tu_path(dir, e->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                tu_rmtree(p);
            else
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* ---- the caseload program --------------------------------------------------- */

int tu_dir_setup(void **state)
{
    struct tu_dir *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = tu_tmpdir();
    *state = f;
    return 0;
}

int tu_dir_teardown(void **state)
{
    struct tu_dir *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

const char *tu_caseload(void)
{
    const char *p = getenv("CASELOAD");
    return p && *p ? p : "./caseload";
}

/* Append what is available on fd to *buf; false at end of file. */
static bool drain(int fd, char **buf, size_t *len, size_t *cap)
{
    char scratch[4096];
    ssize_t got = read(fd, scratch, sizeof scratch);
    if (got < 0 && errno == EINTR)
        return true;
    if (got <= 0)
        return false;
    if (*len + (size_t)got + 1 > *cap) {
        while (*len + (size_t)got + 1 > *cap)
            *cap = *cap ? 2 * *cap : 8192;
        *buf = realloc(*buf, *cap);
        assert_non_null(*buf);
    }
    memcpy(*buf + *len, scratch, (size_t)got);
    *len += (size_t)got;
    (*buf)[*len] = '\0';
    return true;
}

int tu_run(char *const argv[], char **out, char **err)
{
    int po[2], pe[2];
    if (pipe(po) != 0 || pipe(pe) != 0)
        fail_msg("pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, po[0]);
    posix_spawn_file_actions_addclose(&fa, pe[0]);
    posix_spawn_file_actions_addclose(&fa, po[1]);
    posix_spawn_file_actions_addclose(&fa, pe[1]);
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    extern char **environ;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        fail_msg("cannot run %s: %s", argv[0], strerror(rc));
    close(po[1]);
    close(pe[1]);

    char *buf[2] = { NULL, NULL };
    size_t len[2] = { 0, 0 }, cap[2] = { 0, 0 };
    struct pollfd pf[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            fail_msg("poll: %s", strerror(errno));
        }
        for (int i = 0; i < 2; i++)
            if (pf[i].fd >= 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))
                && !drain(pf[i].fd, &buf[i], &len[i], &cap[i])) {
                close(pf[i].fd);
                pf[i].fd = -1;
                open_fds--;
            }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        if (!buf[i]) {
            buf[i] = strdup("");
            assert_non_null(buf[i]);
        }
        char **to = i == 0 ? out : err;
        if (to)
            *to = buf[i];
        else
            free(buf[i]);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int tu_caseload_run(char **err, char **out, ...)
{
    char *argv[TU_MAX_ARGS + 2];
    int n = 0;
    argv[n++] = (char *)tu_caseload();
    va_list ap;
    va_start(ap, out);
    for (char *a; (a = va_arg(ap, char *));) {
        if (n > TU_MAX_ARGS)
            fail_msg("more than %d arguments", TU_MAX_ARGS);
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    return tu_run(argv, out, err);
}

void tu_assert_contains(const char *text, const char *needle)
{
    if (!strstr(text ? text : "", needle))
        fail_msg("expected \"%s\" in:\n%s", needle, text ? text : "(null)");
}

char *tu_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: %s", path, strerror(errno));
    size_t n = 0, cap = 8192;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    if (ferror(f))
        fail_msg("%s: read failed", path);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* ---- replications in this process ------------------------------------------- */

struct scenario *tu_load(const char *path, char *const *sets, size_t n_sets)
{
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load(path, sets, n_sets, &d);
    if (!sc) {
        diag_print(&d, stderr, "scenario");
        diag_free(&d);
        fail_msg("%s does not load", path);
    }
    diag_free(&d);
    return sc;
}

struct reps_ctx {
    const struct scenario *sc;
    struct tu_reps *r;
    uint64_t seed;
};

static void *reps_ws_create(void *ctx) { return model_create(((struct reps_ctx *)ctx)->sc); }

static void reps_ws_destroy(void *ctx, void *ws)
{
    (void)ctx;
    model_destroy(ws);
}

static void *reps_res_create(void *ctx)
{
    struct rep_result *res = calloc(1, sizeof *res);
    if (res)
        rep_result_alloc(res, &((struct reps_ctx *)ctx)->r->layout);
    return res;
}

static void reps_res_destroy(void *ctx, void *res)
{
    (void)ctx;
    rep_result_free(res);
    free(res);
}

static int reps_run_one(void *ctx, void *ws, uint64_t rep, void *res, volatile sig_atomic_t *stop)
{
    struct reps_ctx *c = ctx;
    return model_run(ws, c->seed, rep, &c->r->layout, res, stop);
}

/* Results come in replication order: keep a copy of each. */
static bool reps_sink(void *ctx, uint64_t rep, void *p)
{
    struct reps_ctx *c = ctx;
    const struct rep_result *res = p;
    const struct result_layout *l = &c->r->layout;
    struct rep_result *keep = &c->r->rep[rep];
    memcpy(keep->values, res->values, l->n_periods * l->n_metrics * sizeof *keep->values);
    memcpy(keep->kpi, res->kpi, l->n_kpis * sizeof *keep->kpi);
    if (l->years)
        memcpy(keep->years, res->years, l->years->n_periods * l->years->n_metrics * sizeof *keep->years);
    keep->rep = res->rep;
    keep->events = res->events;
    return true;
}

void tu_reps_run(struct tu_reps *r, const struct scenario *sc, uint64_t seed, size_t n)
{
    metrics_layout(sc, &r->layout);
    r->n = n;
    r->rep = calloc(n ? n : 1, sizeof *r->rep);
    assert_non_null(r->rep);
    for (size_t i = 0; i < n; i++)
        rep_result_alloc(&r->rep[i], &r->layout);
    struct reps_ctx ctx = { sc, r, seed };
    struct runner_job job = {
        .ctx = &ctx,
        .workspace_create = reps_ws_create,
        .workspace_destroy = reps_ws_destroy,
        .result_create = reps_res_create,
        .result_destroy = reps_res_destroy,
        .run = reps_run_one,
        .sink = reps_sink,
    };
    long long done = runner_run(&job, 0, n, runner_cores(), NULL);
    assert_int_equal(done, (long long)n);
}

void tu_reps_free(struct tu_reps *r)
{
    for (size_t i = 0; i < r->n; i++)
        rep_result_free(&r->rep[i]);
    free(r->rep);
    result_layout_free(&r->layout);
    r->rep = NULL;
    r->n = 0;
}

size_t tu_metric(const struct tu_reps *r, const char *name)
{
    long i = result_metric_index(&r->layout, name);
    if (i < 0)
        fail_msg("no metric %s", name);
    return (size_t)i;
}

size_t tu_kpi(const struct tu_reps *r, const char *name)
{
    long i = result_kpi_index(&r->layout, name);
    if (i < 0)
        fail_msg("no KPI %s", name);
    return (size_t)i;
}

double tu_value(const struct tu_reps *r, size_t rep, size_t p, size_t m)
{
    return r->rep[rep].values[p * r->layout.n_metrics + m];
}

char *tu_read_in(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    char *text = tu_read(p, NULL);
    free(p);
    return text;
}

bool tu_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

char *tu_find_tmp(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char *found = NULL;
    size_t nl = strlen(name);
    for (struct dirent *e; !found && (e = readdir(d));) {
        const char *s = e->d_name;
        size_t len = strlen(s);
        if (s[0] == '.' && len >= nl + 5 && strncmp(s + 1, name, nl) == 0 && s[nl + 1] == '.'
            && strcmp(s + len - 4, ".tmp") == 0)
            found = tu_path(dir, s);
    }
    closedir(d);
    return found;
}

int tu_wait(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void put_line(void *arg, const char *line) { fputs(line, arg); }

void tu_write_records(const struct scenario *sc, uint64_t seed, uint64_t rep, const char *dir)
{
    struct result_layout l;
    metrics_layout(sc, &l);
    struct rep_result out;
    rep_result_alloc(&out, &l);
    struct model *m = model_create(sc);
    struct recorder *r = recorder_create(sc);
    m->trace = recorder_trace(r);
    assert_int_equal(model_run(m, seed, rep, &l, &out, NULL), 0);
    for (size_t f = 0; f < RECORDER_FILES; f++) {
        char *path = tu_path(dir, recorder_file_name((enum recorder_file)f));
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        recorder_write(r, (enum recorder_file)f, put_line, fp);
        assert_int_equal(fclose(fp), 0);
        free(path);
    }
    recorder_destroy(r);
    model_destroy(m);
    rep_result_free(&out);
    result_layout_free(&l);
}
