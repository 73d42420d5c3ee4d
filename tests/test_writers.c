/* test_writers.c — a result folder has one writer, loses nothing it did not
 * write, and is left clean however the program ends (docs/robustness.md,
 * "Writers, folders and signals").
 *
 * Laws:
 *  - two runs into one folder: the second is refused at once (exit 2,
 *    naming the first's PID) and the first's files are whole;
 *  - a temporary or lock file name holding a link is never written
 *    through;
 *  - without --force results go only into a new or empty folder; with it,
 *    only what the folder's own manifest lists is removed (never a name
 *    outside the folder, never through a link), a comparison's stale
 *    scenario folders included;
 *  - a closed standard output, a signal while charts are drawn, two
 *    Ctrl-C: exit status 0 / 128+N as documented, no temporary left, the
 *    gnuplot child ended. */
#include "output/afile.h"
#include "output/dirlock.h"

#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define EXIT_USAGE 2
#define PERIODS 18          /* 1.5 years reported monthly */
#define LONG_REPS "20000"   /* a run that lasts until it is interrupted */
#define WAIT_S 60.0         /* longest wait for a child to reach a state */
#define PATH_SIZE 4400

/* A small valid scenario: 1.5 years, monthly. */
static const char scenario_text[] =
    "name = \"writers\";\n"
    "start = \"2024-04-01\";\n"
    "horizon_years = 1.5;\n"
    "demand: { referrals_per_year = 812.5; screen_out = 0.1; };\n"
    "pathway: {\n"
    "  entry = \"assessment\";\n"
    "  wait_threshold_days = 60.0;\n"
    "  stages = (\n"
    "    { name = \"assessment\"; weight = 1.0; priority = 2; initial = 20;\n"
    "      duration = { dist = \"gamma\"; mean = 30.0; sd = 12.0; };\n"
    "      grades = [ \"sw\" ];\n"
    "      next = ( { to = \"cin\"; p = 0.4; }, { to = \"close\"; p = 0.6; } ); },\n"
    "    { name = \"cin\"; weight = 1.0; priority = 3; initial = 40;\n"
    "      duration = { dist = \"exponential\"; mean = 200.0; };\n"
    "      grades = [ \"sw\" ];\n"
    "      next = ( { to = \"close\"; p = 1.0; } ); }\n"
    "  );\n"
    "};\n"
    "workforce: {\n"
    "  admin_share = 0.6;\n"
    "  grades = ( { name = \"sw\"; establishment = 40.0; in_post = 36.0; cap = 16.0;\n"
    "               salary = 41000.0; turnover_per_year = 0.15; } );\n"
    "  sickness = { episodes_per_fte_year = 2.0; short_mean_days = 3.0; long_share = 0.1;\n"
    "               long_mean_days = 40.0; reallocate_after_days = 28.0; };\n"
    "  pressure = { sickness_gain = 1.0; turnover_gain = 1.0; };\n"
    "  recruitment = { success = 0.5; retry_days = 60.0; cost_per_campaign = 5000.0;\n"
    "                  time_to_hire = { dist = \"fixed\"; value = 90.0; }; };\n"
    "};\n";

/* A stand-in for gnuplot that records its PID and then takes its time, as
 * a slow gnuplot would: the window in which the signals arrive. */
static const char slow_gnuplot[] =
    "#!/bin/sh\n"
    "echo $$ > \"$WRITERS_GNUPLOT_PID.new\" && mv \"$WRITERS_GNUPLOT_PID.new\" \"$WRITERS_GNUPLOT_PID\"\n"
    "exec sleep 60\n";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void pause_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* ---- children ---------------------------------------------------------------- */

struct child_io {
    const char *err_path;   /* standard error into this file (NULL: /dev/null) */
    int out_fd;             /* standard output (-1: /dev/null) */
    const char *gnuplot;    /* CASELOAD_GNUPLOT, or NULL */
    const char *pid_file;   /* WRITERS_GNUPLOT_PID, or NULL */
};

/* Start the program under test with the arguments (NULL-terminated). */
static pid_t start(const struct child_io *io, ...)
{
    char *argv[TU_MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = (char *)tu_caseload();
    va_list ap;
    va_start(ap, io);
    for (char *a; (a = va_arg(ap, char *)) && argc <= TU_MAX_ARGS;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = io->out_fd >= 0 ? io->out_fd : open("/dev/null", O_WRONLY);
        int er = io->err_path ? open(io->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0666) : open("/dev/null", O_WRONLY);
        if (in < 0 || out < 0 || er < 0)
            _exit(125);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(er, STDERR_FILENO);
        signal(SIGPIPE, SIG_DFL);   /* as from a shell */
        if (io->gnuplot)
            setenv("CASELOAD_GNUPLOT", io->gnuplot, 1);
        if (io->pid_file)
            setenv("WRITERS_GNUPLOT_PID", io->pid_file, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Wait until dir holds a temporary of name with more than min_size bytes. */
static void wait_for_tmp(const char *dir, const char *name, long min_size)
{
    double t0 = now_s();
    while (now_s() - t0 < WAIT_S) {
        char *tmp = tu_find_tmp(dir, name);
        struct stat st;
        bool there = tmp && stat(tmp, &st) == 0 && st.st_size > min_size;
        free(tmp);
        if (there)
            return;
        pause_ms(2);
    }
    fail_msg("no temporary of %s/%s appeared", dir, name);
}

/* The PID the slow gnuplot wrote into path, once it has. */
static pid_t wait_for_pid(const char *path)
{
    double t0 = now_s();
    while (now_s() - t0 < WAIT_S) {
        if (tu_exists(path)) {
            char *text = tu_read(path, NULL);
            long pid = strtol(text, NULL, 10);
            free(text);
            if (pid > 0)
                return (pid_t)pid;
        }
        pause_ms(2);
    }
    fail_msg("gnuplot never started (no %s)", path);
    return -1;
}

/* Whether process pid is gone (reaped; not a zombie either). */
static bool gone(pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        if (kill(pid, 0) != 0 && errno == ESRCH)
            return true;
        pause_ms(5);
    }
    return false;
}

/* ---- folders ----------------------------------------------------------------- */

/* Temporaries (".NAME.TAG.tmp") anywhere under dir. */
static int count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (e->d_name[0] == '.' && len > 4 && strcmp(e->d_name + len - 4, ".tmp") == 0)
            n++;
        char sub[PATH_SIZE];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            n += count_tmp(sub);
    }
    closedir(d);
    return n;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* A run folder is whole: a manifest, and series.csv with exactly
 * replications × periods rows. */
static void assert_whole_run(const char *dir)
{
    char *manifest = tu_read_in(dir, "manifest.json");
    const char *r = strstr(manifest, "\"replications\": ");
    assert_non_null(r);
    unsigned long reps = strtoul(r + strlen("\"replications\": "), NULL, 10);
    assert_true(reps > 0);
    char *series = tu_read_in(dir, "series.csv");
    assert_int_equal(count_lines(series), 1 + reps * PERIODS);
    free(series);
    free(manifest);
    assert_int_equal(count_tmp(dir), 0);
}

static bool have_gnuplot(void)
{
    return system("gnuplot --version > /dev/null 2>&1") == 0;
}

/* The scenario, and the slow gnuplot, in the test's folder. */
struct fixture {
    char *dir, *cfg, *slow, *pid_file, *err_path;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tmpdir();
    f->cfg = tu_write(f->dir, "writers.cfg", scenario_text);
    f->slow = tu_write(f->dir, "slow-gnuplot", slow_gnuplot);
    chmod(f->slow, 0755);
    f->pid_file = tu_path(f->dir, "gnuplot.pid");
    f->err_path = tu_path(f->dir, "stderr.txt");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->cfg);
    free(f->slow);
    free(f->pid_file);
    free(f->err_path);
    free(f);
    return 0;
}

/* ---- two writers, one folder ---------------------------------------------------- */

/* A second run into a folder a run is writing is refused at once, whatever
 * its options, and the first one's files come out whole. */
static void test_second_writer_refused(void **state)
{
    struct fixture *f = *state;
    char *out = tu_path(f->dir, "results");
    struct child_io io = { f->err_path, -1, NULL, NULL };
    pid_t first = start(&io, "run", f->cfg, "-n", LONG_REPS, "-j", "1", "-o", out, NULL);
    wait_for_tmp(out, "series.csv", 20000);

    char want[128];
    snprintf(want, sizeof want, "is in use by another caseload (PID %ld)", (long)first);
    for (int k = 0; k < 3; k++) {
        char *err;
        double t0 = now_s();
        int rc = k == 0   ? tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, NULL)
                 : k == 1 ? tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, "--force", NULL)
                          : tu_caseload_run(&err, NULL, "sweep", f->cfg, "--vary",
                                            "workforce.grades.sw.establishment=30:40:2", "-q", "-n", "2", "-o", out,
                                            "--force", NULL);
        double took = now_s() - t0;
        if (rc != EXIT_USAGE || !strstr(err, want))
            fail_msg("form %d: status %d, stderr:\n%s", k, rc, err);
        assert_true(took < 5.0);   /* at once: it does not wait for the lock */
        free(err);
    }
    /* caseload plot is a writer too */
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "plot", out, NULL), EXIT_USAGE);
    tu_assert_contains(err, want);
    free(err);

    kill(first, SIGINT);   /* the first stops early: a whole result marked partial */
    assert_int_equal(tu_wait(first), 1);
    assert_whole_run(out);
    char *manifest = tu_read_in(out, "manifest.json");
    tu_assert_contains(manifest, "\"partial\": true");
    free(manifest);

    /* the lock went with its holder: the folder may be written again */
    assert_int_equal(tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, "--force", NULL), 0);
    free(err);
    assert_whole_run(out);
    free(out);
}

/* A link at a temporary's name, or at the lock file's, is never written
 * through: the temporary is a new file or none (O_EXCL), and the lock file
 * must be a plain file with one name. */
static void test_links_never_written_through(void **state)
{
    struct fixture *f = *state;
    char *victim = tu_write(f->dir, "victim.txt", "precious\n");
    char *out = tu_mkdir(f->dir, "out");
    char *final = tu_path(out, "series.csv");

    /* a symbolic and a hard link where a temporary is to be made */
    char *sym_tmp = tu_path(out, ".series.csv.0badc0de.tmp");
    char *hard_tmp = tu_path(out, ".series.csv.0badf00d.tmp");
    assert_int_equal(symlink(victim, sym_tmp), 0);
    assert_int_equal(link(victim, hard_tmp), 0);
    struct afile a;
    errno = 0;
    assert_false(afile_open_tagged(&a, final, "0badc0de"));
    assert_int_equal(errno, EEXIST);
    errno = 0;
    assert_false(afile_open_tagged(&a, final, "0badf00d"));
    assert_int_equal(errno, EEXIST);
    /* a fresh tag is taken instead */
    assert_true(afile_open(&a, final));
    afile_puts(&a, "new\n");
    assert_true(afile_commit(&a));
    char *text = tu_read(victim, NULL);
    assert_string_equal(text, "precious\n");
    free(text);
    unlink(sym_tmp);
    unlink(hard_tmp);
    unlink(final);

    /* the lock file: a symbolic link, then a hard link, to the victim */
    char *lock = tu_path(out, DIRLOCK_NAME);
    char *err;
    for (int hard = 0; hard < 2; hard++) {
        assert_int_equal(hard ? link(victim, lock) : symlink(victim, lock), 0);
        int rc = tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, "--force", NULL);
        if (rc == 0)
            fail_msg("ran with a %s link as its lock file", hard ? "hard" : "symbolic");
        free(err);
        text = tu_read(victim, NULL);
        assert_string_equal(text, "precious\n");
        free(text);
        assert_false(tu_exists(final));
        unlink(lock);
    }
    free(lock);
    free(sym_tmp);
    free(hard_tmp);
    free(final);
    free(out);
    free(victim);
}

/* ---- nothing deleted without --force ------------------------------------------ */

static void write_files(const char *dir, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(tu_write(dir, names[i], names[i]));   /* each holds its own name */
}

static void assert_files(const char *dir, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *text = tu_read_in(dir, names[i]);
        assert_string_equal(text, names[i]);
        free(text);
    }
}

/* A folder without results but with other files is refused (exit 2, files
 * unchanged); --force writes beside them and removes none. */
static void test_not_empty_without_force(void **state)
{
    struct fixture *f = *state;
    static const char *const mine[] = { "target.csv", "compare.csv", "plots.gp", "backlog.png", "backlog.svg",
                                        "notes.txt" };
    size_t n = sizeof mine / sizeof *mine;
    char *out = tu_mkdir(f->dir, "mine");
    write_files(out, mine, n);
    for (int k = 0; k < 3; k++) {
        char *err;
        int rc = k == 0   ? tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, NULL)
                 : k == 1 ? tu_caseload_run(&err, NULL, "sweep", f->cfg, "--vary",
                                            "workforce.grades.sw.establishment=30:40:2", "-q", "-n", "2", "-o", out,
                                            NULL)
                          : tu_caseload_run(&err, NULL, "target", f->cfg, "--lever",
                                            "workforce.grades.sw.establishment", "--kpi", "backlog_mean", "--below",
                                            "50", "-q", "-n", "2", "-o", out, NULL);
        if (rc != EXIT_USAGE)
            fail_msg("form %d: status %d, stderr:\n%s", k, rc, err);
        tu_assert_contains(err, "is not empty (it holds ");
        tu_assert_contains(err, "only into a new or empty folder");
        free(err);
        assert_files(out, mine, n);
    }
    char *err;
    char *cmp = tu_mkdir(f->dir, "cmp");
    char *base = tu_mkdir(cmp, "writers");
    free(tu_write(base, "notes.txt", "notes.txt"));
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", f->cfg, f->cfg, "-q", "-n", "2", "-o", cmp, NULL),
                     EXIT_USAGE);
    tu_assert_contains(err, "cmp is not empty (it holds writers)");
    free(err);

    assert_int_equal(tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, "--force", NULL), 0);
    free(err);
    assert_files(out, mine, n);
    assert_whole_run(out);
    free(base);
    free(cmp);
    free(out);
}

/* With --force, what the manifest in place lists goes and nothing else: not
 * the user's files, not a name outside the folder that a tampered manifest
 * lists. */
static void test_force_removes_only_listed(void **state)
{
    struct fixture *f = *state;
    char *out = tu_path(f->dir, "res");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, NULL), 0);
    free(err);
    char *manifest = tu_read_in(out, "manifest.json");
    tu_assert_contains(manifest, "\"written\": [\n    \"series.csv\",\n    \"summary.csv\",\n    \"kpis.csv\",\n"
                                 "    \"years.csv\",\n    \"manifest.json\"\n  ]");
    /* the user adds files; someone adds names outside the folder to the
     * manifest's list */
    static const char *const mine[] = { "notes.txt", "backlog.png", "compare.csv" };
    write_files(out, mine, 3);
    char *outside = tu_write(f->dir, "outside.txt", "outside.txt");
    char *at = strstr(manifest, "\"written\": [");
    assert_non_null(at);
    char *tampered = malloc(strlen(manifest) + 256);
    assert_non_null(tampered);
    sprintf(tampered, "%.*s\"written\": [\"../outside.txt\", \"/%s\", \"..\", \".\", \"./\", %s", (int)(at - manifest),
            manifest, outside, at + strlen("\"written\": ["));
    free(tu_write(out, "manifest.json", tampered));
    free(tampered);

    assert_int_equal(tu_caseload_run(&err, NULL, "sweep", f->cfg, "--vary", "workforce.grades.sw.establishment=30:40:2",
                                     "-q", "-n", "2", "-o", out, "--force", NULL), 0);
    free(err);
    assert_files(out, mine, 3);
    char *text = tu_read(outside, NULL);
    assert_string_equal(text, "outside.txt");
    free(text);
    static const char *const gone_now[] = { "series.csv", "summary.csv", "kpis.csv", "years.csv" };
    for (size_t i = 0; i < 4; i++) {
        char *p = tu_path(out, gone_now[i]);
        assert_false(tu_exists(p));
        free(p);
    }
    char *sweep = tu_path(out, "sweep.csv");
    assert_true(tu_exists(sweep));
    free(sweep);
    free(outside);
    free(manifest);
    free(out);
}

/* compare --force removes the scenario folders of the comparison it
 * replaces that are no longer part of it — as their own manifests list,
 * never through a link, and a user's file keeps its folder. A scenario
 * folder that is a link is refused. */
static void test_compare_force_stale_folders(void **state)
{
    struct fixture *f = *state;
    char *cmp = tu_path(f->dir, "cmp");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", f->cfg, f->cfg, f->cfg, f->cfg, "-q", "-n", "2", "-o", cmp,
                                     NULL), 0);
    free(err);
    char *third = tu_path(cmp, "scenario-3"), *fourth = tu_path(cmp, "scenario-4");
    assert_true(tu_exists(third) && tu_exists(fourth));
    free(tu_write(fourth, "notes.txt", "notes.txt"));
    /* scenario-3 replaced by a link to a folder holding files of the same
     * names: removing it must not follow the link */
    char *elsewhere = tu_mkdir(f->dir, "elsewhere");
    static const char *const same[] = { "series.csv", "summary.csv", "kpis.csv", "manifest.json" };
    write_files(elsewhere, same, 4);
    tu_rmtree(third);
    assert_int_equal(symlink(elsewhere, third), 0);

    assert_int_equal(tu_caseload_run(&err, NULL, "compare", f->cfg, f->cfg, "-q", "-n", "2", "-o", cmp, "--force",
                                     NULL), 0);
    free(err);
    assert_files(elsewhere, same, 4);
    struct stat st;
    assert_int_equal(lstat(third, &st), 0);
    assert_true(S_ISLNK(st.st_mode));   /* a link is no folder of ours */
    /* scenario-4: its results gone, the user's file and so the folder kept */
    char *p = tu_path(fourth, "series.csv");
    assert_false(tu_exists(p));
    free(p);
    static const char *const notes[] = { "notes.txt" };
    assert_files(fourth, notes, 1);
    /* and the comparison before that, with no user file: gone whole */
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", f->cfg, f->cfg, f->cfg, "-q", "-n", "2", "-o", cmp,
                                     "--force", NULL), EXIT_USAGE);   /* scenario-3 is a link */
    tu_assert_contains(err, "scenario-3: not a folder (a symbolic link); caseload never writes through a link");
    free(err);
    assert_files(elsewhere, same, 4);
    unlink(third);
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", f->cfg, f->cfg, f->cfg, "-q", "-n", "2", "-o", cmp,
                                     "--force", NULL), 0);
    free(err);
    assert_int_equal(tu_caseload_run(&err, NULL, "compare", f->cfg, f->cfg, "-q", "-n", "2", "-o", cmp, "--force",
                                     NULL), 0);
    free(err);
    assert_false(tu_exists(third));
    free(elsewhere);
    free(third);
    free(fourth);
    free(cmp);
}

/* ---- signals and pipes ------------------------------------------------------- */

/* A reader of standard output that goes away (`| head -1`) does not kill
 * the program: the files are finished, the charts drawn, no temporary is
 * left, and the status is 0. */
static void test_closed_pipe(void **state)
{
    struct fixture *f = *state;
    char *cmp = tu_path(f->dir, "cmp");
    int p[2];
    assert_int_equal(pipe(p), 0);
    close(p[0]);   /* the reader is gone before the first line */
    struct child_io io = { f->err_path, p[1], NULL, NULL };
    bool plot = have_gnuplot();
    pid_t pid = plot ? start(&io, "compare", f->cfg, f->cfg, "-n", "2", "-o", cmp, "--plot", NULL)
                     : start(&io, "compare", f->cfg, f->cfg, "-n", "2", "-o", cmp, NULL);
    close(p[1]);
    int rc = tu_wait(pid);
    char *err = tu_read(f->err_path, NULL);
    if (rc != 0)
        fail_msg("status %d, stderr:\n%s", rc, err);
    free(err);
    assert_int_equal(count_tmp(cmp), 0);
    char *base = tu_path(cmp, "scenario-1");
    assert_whole_run(base);
    if (plot) {
        char *png = tu_path(cmp, "compare_backlog.png");
        assert_true(tu_exists(png));
        free(png);
    }
    free(base);
    free(cmp);
}

/* Drawing charts with the slow gnuplot, sig arrives (twice when twice):
 * the status is 128 + sig, gnuplot is ended, no temporary is left, and the
 * results written before are whole. args: the command's own. */
static void signal_while_drawing(struct fixture *f, const char *out, int sig, bool twice, pid_t pid)
{
    pid_t gp = wait_for_pid(f->pid_file);
    pause_ms(50);
    kill(pid, sig);
    if (twice)
        kill(pid, sig);
    int rc = tu_wait(pid);
    char *err = tu_read(f->err_path, NULL);
    if (rc != 128 + sig)
        fail_msg("status %d (expected %d), stderr:\n%s", rc, 128 + sig, err);
    tu_assert_contains(err, "caseload: stopped at once; unfinished result files removed");
    free(err);
    if (!gone(gp)) {
        kill(gp, SIGKILL);
        fail_msg("gnuplot (PID %ld) still runs after caseload stopped", (long)gp);
    }
    assert_int_equal(count_tmp(out), 0);
    assert_whole_run(out);
    unlink(f->pid_file);
}

static void test_signal_while_plotting(void **state)
{
    struct fixture *f = *state;
    char *out = tu_path(f->dir, "res");
    struct child_io io = { f->err_path, -1, f->slow, f->pid_file };
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", f->cfg, "-q", "-n", "2", "-o", out, NULL), 0);
    free(err);

    /* caseload plot: SIGTERM, then SIGINT */
    signal_while_drawing(f, out, SIGTERM, false, start(&io, "plot", out, NULL));
    signal_while_drawing(f, out, SIGINT, false, start(&io, "plot", out, NULL));
    /* run --plot: SIGTERM once (it used to print "stopping" and exit 0),
     * and Ctrl-C twice (it used to leave gnuplot running) */
    signal_while_drawing(f, out, SIGTERM, false,
                         start(&io, "run", f->cfg, "-q", "-n", "2", "-o", out, "--force", "--plot", NULL));
    signal_while_drawing(f, out, SIGINT, true,
                         start(&io, "run", f->cfg, "-q", "-n", "2", "-o", out, "--force", "--plot", NULL));
    free(out);
}

/* A second stop signal while replications run stops at once with 128 +
 * its own number. Two signals of one kind sent together merge into one, so
 * the program is stopped (SIGSTOP) while a SIGINT and a SIGTERM are sent:
 * on SIGCONT the kernel delivers SIGINT (the lower number) first, then
 * SIGTERM, which must give 143 (it gave 130 whatever the signal). */
static void test_second_signal_status(void **state)
{
    struct fixture *f = *state;
    char *out = tu_path(f->dir, "res");
    struct child_io io = { f->err_path, -1, NULL, NULL };
    pid_t pid = start(&io, "run", f->cfg, "-n", LONG_REPS, "-j", "1", "-o", out, NULL);
    wait_for_tmp(out, "series.csv", 20000);
    kill(pid, SIGSTOP);
    siginfo_t si;
    assert_int_equal(waitid(P_PID, (id_t)pid, &si, WSTOPPED | WNOWAIT), 0);
    kill(pid, SIGINT);
    kill(pid, SIGTERM);
    kill(pid, SIGCONT);
    int rc = tu_wait(pid);
    char *err = tu_read(f->err_path, NULL);
    if (rc != 128 + SIGTERM)
        fail_msg("status %d (expected %d), stderr:\n%s", rc, 128 + SIGTERM, err);
    tu_assert_contains(err, "caseload: stopping: writing the replications finished so far");
    tu_assert_contains(err, "caseload: stopped at once; unfinished result files removed");
    free(err);
    assert_int_equal(count_tmp(out), 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_second_writer_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_never_written_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_empty_without_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_force_removes_only_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_force_stale_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_pipe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signal_while_plotting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_signal_status, setup, teardown),
    };
    return cmocka_run_group_tests_name("writers", tests, NULL, NULL);
}
