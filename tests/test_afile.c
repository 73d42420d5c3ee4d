/* test_afile.c — files written whole or not at all: commit, abort, every
 * failure path (open, write, rename), and the signal-time cleanup. */
#include "output/afile.h"

#include "tests/testutil.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define TEST_FILE_LIMIT 4096      /* RLIMIT_FSIZE for the write-failure test */
#define TEST_MANY 256             /* more afiles than the cleanup table holds */
#define TEST_READ_MAX 65536
#define TEST_DIR_MAX 256          /* folders made by the tests */

struct fixture {
    char *dir;
    char path[TEST_DIR_MAX];      /* dir/out.csv */
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    fx->dir = tu_tmpdir();
    snprintf(fx->path, sizeof fx->path, "%s/out.csv", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    tu_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* How many temporaries of out.csv (".out.csv.TAG.tmp") dir holds. */
static int tmp_count(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        n += strncmp(e->d_name, ".out.csv.", 9) == 0 && len > 13 && strcmp(e->d_name + len - 4, ".tmp") == 0;
    }
    closedir(d);
    return n;
}

static void expect_content(const char *path, const char *want)
{
    static char buf[TEST_READ_MAX];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

static void test_commit_creates_file(void **state)
{
    struct fixture *fx = *state;
    struct afile a;
    assert_true(afile_open(&a, fx->path));
    /* ".out.csv.TAG.tmp", TAG 8 hex digits */
    size_t dl = strlen(fx->dir);
    assert_int_equal(strlen(a.tmp), dl + strlen("/.out.csv.12345678.tmp"));
    assert_memory_equal(a.tmp, fx->dir, dl);
    assert_memory_equal(a.tmp + dl, "/.out.csv.", 10);
    assert_string_equal(a.tmp + dl + 18, ".tmp");
    assert_int_equal(strspn(a.tmp + dl + 10, "0123456789abcdef"), 8);
    assert_true(tu_exists(a.tmp));
    assert_int_equal(tmp_count(fx->dir), 1);
    afile_puts(&a, "scenario,rep\n");
    afile_write(&a, "base,1\n", 7);
    afile_printf(&a, "%s,%d\n", "alt", 2);
    assert_false(tu_exists(fx->path));      /* untouched until commit */
    assert_true(afile_commit(&a));
    assert_int_equal(tmp_count(fx->dir), 0);
    expect_content(fx->path, "scenario,rep\nbase,1\nalt,2\n");
    afile_abort(&a);                     /* no-op after commit */
    assert_true(tu_exists(fx->path));
}

static void test_commit_replaces_file(void **state)
{
    struct fixture *fx = *state;
    struct afile a;
    assert_true(afile_open(&a, fx->path));
    afile_puts(&a, "old contents, longer than the new\n");
    assert_true(afile_commit(&a));
    assert_true(afile_open(&a, fx->path));
    afile_puts(&a, "new\n");
    expect_content(fx->path, "old contents, longer than the new\n");
    assert_true(afile_commit(&a));
    expect_content(fx->path, "new\n");
}

static void test_abort_leaves_nothing(void **state)
{
    struct fixture *fx = *state;
    struct afile a;
    assert_true(afile_open(&a, fx->path));
    afile_puts(&a, "half a file");
    afile_abort(&a);
    assert_int_equal(tmp_count(fx->dir), 0);
    assert_false(tu_exists(fx->path));
    afile_abort(&a);                     /* twice is harmless */
}

static void test_path_without_folder(void **state)
{
    struct fixture *fx = *state;
    char cwd[AFILE_PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(fx->dir), 0);
    struct afile a;
    bool opened = afile_open(&a, "plain.json");
    bool tmp_there = opened && tu_exists(a.tmp);
    bool committed = opened && afile_commit(&a);
    bool final_there = tu_exists("plain.json");
    assert_int_equal(chdir(cwd), 0);
    assert_true(opened);
    assert_memory_equal(a.tmp, ".plain.json.", 12);
    assert_true(tmp_there);
    assert_true(committed);
    assert_true(final_there);
}

static void test_open_fails(void **state)
{
    struct fixture *fx = *state;
    struct afile a;
    char p[AFILE_PATH_MAX];

    snprintf(p, sizeof p, "%s/missing/out.csv", fx->dir);
    errno = 0;
    assert_false(afile_open(&a, p));
    assert_int_equal(errno, ENOENT);
    afile_abort(&a);                     /* no-op after a failed open */

    snprintf(p, sizeof p, "%s/out.csv/x.csv", fx->dir);   /* parent is a file */
    FILE *f = fopen(fx->path, "w");
    assert_non_null(f);
    fclose(f);
    errno = 0;
    assert_false(afile_open(&a, p));
    assert_int_equal(errno, ENOTDIR);

    snprintf(p, sizeof p, "%s/", fx->dir);                /* no file name */
    errno = 0;
    assert_false(afile_open(&a, p));
    assert_int_equal(errno, EINVAL);

    static char longp[AFILE_PATH_MAX + 8];
    memset(longp, 'x', sizeof longp - 1);
    errno = 0;
    assert_false(afile_open(&a, longp));
    assert_int_equal(errno, ENAMETOOLONG);
    longp[AFILE_PATH_MAX - 3] = '\0';   /* fits; its ".NAME.TAG.tmp" does not */
    errno = 0;
    assert_false(afile_open(&a, longp));
    assert_int_equal(errno, ENAMETOOLONG);
}

static void test_open_fails_read_only_folder(void **state)
{
    struct fixture *fx = *state;
    char ro[TEST_DIR_MAX], p[AFILE_PATH_MAX];
    snprintf(ro, sizeof ro, "%s/ro", fx->dir);
    snprintf(p, sizeof p, "%s/out.csv", ro);
    assert_int_equal(mkdir(ro, S_IRUSR | S_IXUSR), 0);
    if (access(ro, W_OK) == 0)
        skip();   /* privileged (root): permissions do not stop us */
    struct afile a;
    errno = 0;
    assert_false(afile_open(&a, p));
    assert_int_equal(errno, EACCES);
}

/* The final name is a folder: rename fails, the temporary file goes. */
static void test_commit_fails_on_rename(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(mkdir(fx->path, S_IRWXU), 0);
    char inside[AFILE_PATH_MAX];
    snprintf(inside, sizeof inside, "%s/keep", fx->path);
    FILE *f = fopen(inside, "w");
    assert_non_null(f);
    fclose(f);

    struct afile a;
    assert_true(afile_open(&a, fx->path));
    afile_puts(&a, "data\n");
    errno = 0;
    assert_false(afile_commit(&a));
    assert_int_equal(errno, EISDIR);
    assert_int_equal(tmp_count(fx->dir), 0);
    assert_true(tu_exists(inside));         /* the folder is untouched */
    afile_abort(&a);                     /* no-op after a failed commit */
}

/* The folder disappears while the file is being written. */
static void test_commit_fails_folder_removed(void **state)
{
    struct fixture *fx = *state;
    char sub[TEST_DIR_MAX], p[AFILE_PATH_MAX];
    snprintf(sub, sizeof sub, "%s/run", fx->dir);
    snprintf(p, sizeof p, "%s/summary.csv", sub);
    assert_int_equal(mkdir(sub, S_IRWXU), 0);
    struct afile a;
    assert_true(afile_open(&a, p));
    afile_puts(&a, "data\n");
    assert_int_equal(unlink(a.tmp), 0);
    assert_int_equal(rmdir(sub), 0);
    errno = 0;
    assert_false(afile_commit(&a));
    assert_int_equal(errno, ENOENT);
    assert_false(tu_exists(sub));
}

/* A write that fails (the file-size limit stands in for a full disk) is
 * remembered, later writes are dropped, and commit reports it. */
static void test_write_failure(void **state)
{
    struct fixture *fx = *state;
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    if (old.rlim_max != RLIM_INFINITY && old.rlim_max < TEST_FILE_LIMIT)
        skip();
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);

    struct afile a;
    assert_true(afile_open(&a, fx->path));
    static char block[4 * TEST_FILE_LIMIT];
    memset(block, 'x', sizeof block);

    lim = old;
    lim.rlim_cur = TEST_FILE_LIMIT;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    afile_write(&a, block, sizeof block);
    int err = a.err;
    afile_puts(&a, "dropped");
    errno = 0;
    bool ok = afile_commit(&a);
    int commit_errno = errno;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);

    assert_int_equal(err, EFBIG);
    assert_false(ok);
    assert_int_equal(commit_errno, EFBIG);
    assert_int_equal(tmp_count(fx->dir), 0);
    assert_false(tu_exists(fx->path));
}

static void test_unlink_all(void **state)
{
    struct fixture *fx = *state;
    char p2[AFILE_PATH_MAX];
    snprintf(p2, sizeof p2, "%s/kpis.csv", fx->dir);
    struct afile a, b, c;
    assert_true(afile_open(&a, fx->path));
    assert_true(afile_open(&b, p2));
    afile_puts(&a, "a");
    afile_puts(&b, "b");
    assert_true(tu_exists(a.tmp) && tu_exists(b.tmp));

    afile_unlink_all();
    assert_false(tu_exists(a.tmp));
    assert_false(tu_exists(b.tmp));
    afile_abort(&a);
    afile_abort(&b);

    /* Committed files are not in the table any more. */
    assert_true(afile_open(&c, fx->path));
    assert_true(afile_commit(&c));
    afile_unlink_all();
    assert_true(tu_exists(fx->path));
}

/* The cleanup table is finite: opening too many fails cleanly, and slots
 * come back after abort. */
static void test_table_full(void **state)
{
    struct fixture *fx = *state;
    struct afile *a = calloc(TEST_MANY, sizeof *a);
    assert_non_null(a);
    int n = 0;
    int err = 0;
    for (; n < TEST_MANY; n++) {
        char p[AFILE_PATH_MAX];
        snprintf(p, sizeof p, "%s/f%d.csv", fx->dir, n);
        errno = 0;
        if (!afile_open(&a[n], p)) {
            err = errno;
            assert_false(tu_exists(a[n].tmp));
            break;
        }
    }
    assert_true(n > 0 && n < TEST_MANY);
    assert_int_equal(err, EMFILE);
    for (int i = 0; i < n; i++)
        afile_abort(&a[i]);
    assert_true(afile_open(&a[0], fx->path));
    afile_abort(&a[0]);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit_creates_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_replaces_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_path_without_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_fails_read_only_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_fails_on_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_fails_folder_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlink_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_full, setup, teardown),
    };
    return cmocka_run_group_tests_name("afile", tests, NULL, NULL);
}
