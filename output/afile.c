#include "output/afile.h"

#include "sim/check.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* How many afiles may be open at once, across all threads. */
#define AFILE_TABLE_SIZE 64

#define AFILE_TMP_PREFIX "."
#define AFILE_TMP_SUFFIX ".tmp"
#define AFILE_MODE 0666          /* before the umask, as fopen would */
/* Fresh tags tried when a temporary name is taken (by a link someone
 * placed there, or a left-over of a crashed run). */
#define AFILE_TAG_TRIES 16

/* The cleanup table. A slot is claimed by a compare-and-swap from FREE to
 * CLAIMED, its path is written, then it is published as LIVE; the signal
 * handler only reads LIVE slots. Lock-free atomics are async-signal-safe. */
enum { AFILE_FREE, AFILE_CLAIMED, AFILE_LIVE };

static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal handler needs lock-free atomics");

static atomic_int afile_state[AFILE_TABLE_SIZE];
static char afile_table[AFILE_TABLE_SIZE][AFILE_PATH_MAX];

static int afile_claim(const char *tmp)
{
    for (int i = 0; i < AFILE_TABLE_SIZE; i++) {
        int expected = AFILE_FREE;
        if (atomic_compare_exchange_strong(&afile_state[i], &expected, AFILE_CLAIMED)) {
            memcpy(afile_table[i], tmp, strlen(tmp) + 1);
            atomic_store(&afile_state[i], AFILE_LIVE);
            return i;
        }
    }
    return -1;
}

static void afile_release(int slot)
{
    if (slot >= 0)
        atomic_store(&afile_state[slot], AFILE_FREE);
}

/* Build ".NAME.TAG.tmp" beside path. False (errno set) when path has no
 * file name, the tag is not a plain word or the result does not fit. */
static bool afile_tmp_name(char tmp[AFILE_PATH_MAX], const char *path, const char *tag)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = (size_t)(base - path);
    size_t base_len = strlen(base);
    if (base_len == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || !*tag || strchr(tag, '/')) {
        errno = EINVAL;
        return false;
    }
    int n = snprintf(tmp, AFILE_PATH_MAX, "%.*s" AFILE_TMP_PREFIX "%s.%s" AFILE_TMP_SUFFIX, (int)dir_len, path,
                     base, tag);
    if (n < 0 || n >= AFILE_PATH_MAX) {
        errno = ENAMETOOLONG;
        return false;
    }
    return true;
}

void afile_new_tag(char tag[AFILE_TAG_SIZE])
{
    static atomic_uint counter;
    unsigned char r[4];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        /* no entropy yet: the pid, the time and a counter differ enough */
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        unsigned v = (unsigned)getpid() * 2654435761u ^ (unsigned)t.tv_nsec ^ atomic_fetch_add(&counter, 1) * 40503u;
        memcpy(r, &v, sizeof r);
    }
    snprintf(tag, AFILE_TAG_SIZE, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
}

bool afile_open_tagged(struct afile *a, const char *path, const char *tag)
{
    a->f = NULL;
    a->err = 0;
    a->slot = -1;
    a->finished = false;
    a->path[0] = a->tmp[0] = '\0';
    if (strlen(path) >= AFILE_PATH_MAX) {
        errno = ENAMETOOLONG;
        return false;
    }
    if (!afile_tmp_name(a->tmp, path, tag))
        return false;
    strcpy(a->path, path);

    /* Claim the slot before the file exists, so a signal never misses it. */
    a->slot = afile_claim(a->tmp);
    if (a->slot < 0) {
        errno = EMFILE;
        return false;
    }
    /* A new file or none: never through a link placed at the name. */
    int fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, AFILE_MODE);
    if (fd < 0) {
        int saved = errno;
        afile_release(a->slot);
        a->slot = -1;
        errno = saved;
        return false;
    }
    a->f = fdopen(fd, "w");
    if (!a->f) {
        int saved = errno;
        close(fd);
        unlink(a->tmp);
        afile_release(a->slot);
        a->slot = -1;
        errno = saved;
        return false;
    }
    return true;
}

bool afile_open(struct afile *a, const char *path)
{
    for (int i = 0; i < AFILE_TAG_TRIES; i++) {
        char tag[AFILE_TAG_SIZE];
        afile_new_tag(tag);
        if (afile_open_tagged(a, path, tag) || errno != EEXIST)
            return a->f != NULL;
    }
    return false;   /* errno EEXIST */
}

static void afile_fail(struct afile *a)
{
    if (!a->err)
        a->err = errno ? errno : EIO;
}

void afile_write(struct afile *a, const void *data, size_t size)
{
    CHECK(a->f);
    if (a->err || size == 0)
        return;
    if (fwrite(data, 1, size, a->f) != size)
        afile_fail(a);
}

void afile_puts(struct afile *a, const char *text)
{
    afile_write(a, text, strlen(text));
}

void afile_printf(struct afile *a, const char *fmt, ...)
{
    CHECK(a->f);
    if (a->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(a->f, fmt, ap);
    va_end(ap);
    if (n < 0)
        afile_fail(a);
}

/* Close (if open) and remove the temporary file; free the slot. */
static void afile_discard(struct afile *a)
{
    if (a->f) {
        fclose(a->f);
        a->f = NULL;
    }
    unlink(a->tmp);
    afile_release(a->slot);
    a->slot = -1;
}

bool afile_finish(struct afile *a)
{
    CHECK(a->f && !a->finished);
    errno = 0;
    if (!a->err && fflush(a->f) != 0)
        afile_fail(a);
    if (!a->err && fsync(fileno(a->f)) != 0)
        afile_fail(a);
    FILE *f = a->f;
    a->f = NULL;
    if (fclose(f) != 0)
        afile_fail(a);
    if (a->err) {
        int saved = a->err;
        afile_discard(a);
        errno = saved;
        return false;
    }
    a->finished = true;
    return true;
}

bool afile_publish(struct afile *a)
{
    CHECK(a->finished);
    a->finished = false;
    if (rename(a->tmp, a->path) != 0) {
        int saved = errno;
        afile_discard(a);
        errno = saved;
        return false;
    }
    afile_release(a->slot);
    a->slot = -1;
    return true;
}

bool afile_commit(struct afile *a)
{
    return afile_finish(a) && afile_publish(a);
}

/* fsync the folder holding path, so renames into it survive a crash. */
static void sync_dir_of(const char *path)
{
    char dir[AFILE_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* best effort: some file systems refuse it */
        close(fd);
    }
}

bool afile_commit_all(struct afile *const *files, size_t n)
{
    /* Phase 1: every file complete on disk under its temporary name. */
    for (size_t i = 0; i < n; i++)
        if (!afile_finish(files[i])) {
            int saved = errno;
            for (size_t k = 0; k < n; k++)
                afile_abort(files[k]);
            errno = saved;
            return false;
        }
    /* Phase 2: renames only, not to be cut in half by Ctrl-C (a second
     * Ctrl-C waits the few milliseconds this takes). */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    bool ok = true;
    int saved = 0;
    if (n > 0 && unlink(files[n - 1]->path) != 0 && errno != ENOENT) {
        ok = false;
        saved = errno;
    }
    size_t done = 0;
    for (; ok && done < n; done++)
        if (!afile_publish(files[done])) {
            ok = false;
            saved = errno;
        }
    if (!ok) {
        /* complete files or none: take back what was renamed */
        for (size_t k = 0; k + 1 < done; k++)
            unlink(files[k]->path);
        for (size_t k = 0; k < n; k++)
            afile_abort(files[k]);
    }
    for (size_t k = 0; k < n; k++)
        sync_dir_of(files[k]->path);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return ok;
}

void afile_abort(struct afile *a)
{
    if (!a->f && !a->finished)
        return;
    int saved = errno;
    a->finished = false;
    afile_discard(a);
    errno = saved;
}

void afile_unlink_all(void)
{
    for (int i = 0; i < AFILE_TABLE_SIZE; i++)
        if (atomic_load(&afile_state[i]) == AFILE_LIVE)
            unlink(afile_table[i]);
}

const char *afile_base_name(const struct afile *a)
{
    const char *slash = strrchr(a->path, '/');
    return slash ? slash + 1 : a->path;
}
