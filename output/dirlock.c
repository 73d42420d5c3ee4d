#include "output/dirlock.h"

#include "output/afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DIRLOCK_MODE 0666        /* before the umask */
/* Folders one process may hold locked (a comparison: its folder and one
 * per scenario). */
#define DIRLOCK_MAX 256
/* The holder writes its PID right after it takes the lock: a reader that
 * finds the file empty looks again this many times, this long apart. */
#define DIRLOCK_PID_TRIES 50
#define DIRLOCK_PID_WAIT_NS 10000000L
/* A lock file replaced while we waited for it: take the new one, at most
 * this many times. */
#define DIRLOCK_RETRIES 8
#define DIRLOCK_PID_SIZE 32

/* The folders this process holds, by device and inode; fd their lock files
 * (kept open: closing would let the lock go). */
static struct held {
    dev_t dev;
    ino_t ino;
    int fd;
} held[DIRLOCK_MAX];
static size_t n_held;

static struct held *find_held(const struct stat *dir)
{
    for (size_t i = 0; i < n_held; i++)
        if (held[i].fd >= 0 && held[i].dev == dir->st_dev && held[i].ino == dir->st_ino)
            return &held[i];
    return NULL;
}

/* The PID written in the lock file fd, or 0 when none is (yet). */
static long holder_pid(int fd)
{
    for (int t = 0; t < DIRLOCK_PID_TRIES; t++) {
        char buf[DIRLOCK_PID_SIZE];
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        if (n > 0) {
            buf[n] = '\0';
            char *end;
            long pid = strtol(buf, &end, 10);
            if (end != buf && pid > 0)
                return pid;
        }
        struct timespec wait = { 0, DIRLOCK_PID_WAIT_NS };
        nanosleep(&wait, NULL);
    }
    return 0;
}

enum dirlock_status dirlock_take(const char *dir, char *err, size_t size)
{
    struct stat dst;
    if (stat(dir, &dst) != 0) {
        snprintf(err, size, "%s: cannot lock the results folder (%s)", dir, strerror(errno));
        return DIRLOCK_FAILED;
    }
    if (find_held(&dst))
        return DIRLOCK_OK;
    if (n_held == DIRLOCK_MAX) {
        snprintf(err, size, "%s: cannot lock the results folder (%s)", dir, strerror(EMFILE));
        return DIRLOCK_FAILED;
    }
    char path[AFILE_PATH_MAX];
    int w = snprintf(path, sizeof path, "%s/%s", dir, DIRLOCK_NAME);
    if (w < 0 || (size_t)w >= sizeof path) {
        snprintf(err, size, "%s: results folder name too long", dir);
        return DIRLOCK_FAILED;
    }
    for (int attempt = 0; attempt < DIRLOCK_RETRIES; attempt++) {
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, DIRLOCK_MODE);
        if (fd < 0) {
            snprintf(err, size, "%s: cannot write results (%s)", dir, strerror(errno));
            return DIRLOCK_FAILED;
        }
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
            close(fd);
            snprintf(err, size, "%s: not caseload's lock file (a link or not a plain file); remove it", path);
            return DIRLOCK_FAILED;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            if (e != EWOULDBLOCK) {
                close(fd);
                snprintf(err, size, "%s: cannot lock (%s)", path, strerror(e));
                return DIRLOCK_FAILED;
            }
            long pid = holder_pid(fd);
            close(fd);
            if (pid > 0)
                snprintf(err, size, "%s is in use by another caseload (PID %ld); wait for it to finish, "
                         "or choose another -o DIR", dir, pid);
            else
                snprintf(err, size, "%s is in use by another caseload (PID unknown); wait for it to finish, "
                         "or choose another -o DIR", dir);
            return DIRLOCK_BUSY;
        }
        /* the file we locked must still be the one at the name (a holder
         * removing its folder unlinks it) */
        struct stat now;
        if (lstat(path, &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
            close(fd);
            continue;
        }
        char pid[DIRLOCK_PID_SIZE];
        int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
            int e = errno;
            close(fd);
            snprintf(err, size, "%s: cannot write (%s)", path, strerror(e));
            return DIRLOCK_FAILED;
        }
        held[n_held++] = (struct held){ dst.st_dev, dst.st_ino, fd };
        return DIRLOCK_OK;
    }
    snprintf(err, size, "%s: the lock file keeps being replaced; is another program removing it?", path);
    return DIRLOCK_FAILED;
}

void dirlock_drop(const char *dir)
{
    struct stat dst;
    if (stat(dir, &dst) != 0)
        return;
    struct held *h = find_held(&dst);
    if (!h)
        return;
    char path[AFILE_PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, DIRLOCK_NAME) < (int)sizeof path)
        unlink(path);   /* first, so nobody locks the old file after us */
    close(h->fd);
    h->fd = -1;
}
