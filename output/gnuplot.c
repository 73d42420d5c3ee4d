#include "output/gnuplot.h"

#include "sim/check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Most arguments a job may pass (argv[0] and the terminating NULL apart). */
#define GNUPLOT_MAX_ARGS 16
/* Bytes of the program's standard error kept for the error message. */
#define GNUPLOT_ERR_KEEP 4096
/* The child's exit status when it cannot exec, as a shell's. */
#define GNUPLOT_EXEC_FAILED 127
#define GNUPLOT_READ_CHUNK 1024

/* What went wrong in the child before exec, sent back on a close-on-exec
 * pipe: nothing arrives when exec succeeded. */
enum child_step { STEP_CHDIR, STEP_STDIN, STEP_EXEC };
struct child_error {
    int step;
    int err;
};

/* The child gnuplot_run is waiting for (0: none), for gnuplot_end_async.
 * Written with the stop signals blocked, so a handler never sees a child
 * that is not recorded or one already reaped. */
static volatile sig_atomic_t running_child = 0;

/* The stop signals a handler may act on (cli/signals.c). */
static void stop_signals(sigset_t *s)
{
    sigemptyset(s);
    sigaddset(s, SIGINT);
    sigaddset(s, SIGTERM);
    sigaddset(s, SIGHUP);
}

void gnuplot_end_async(void)
{
    pid_t pid = (pid_t)running_child;
    if (pid <= 0)
        return;
    int saved = errno;
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    running_child = 0;
    errno = saved;
}

const char *gnuplot_program(const char *given)
{
    if (given && *given)
        return given;
    const char *env = getenv(GNUPLOT_ENV);
    return env && *env ? env : GNUPLOT_DEFAULT;
}

static bool cloexec_pipe(int fd[2])
{
    if (pipe(fd) != 0)
        return false;
    for (int i = 0; i < 2; i++) {
        if (fcntl(fd[i], F_SETFD, FD_CLOEXEC) != 0) {
            int e = errno;
            close(fd[0]);
            close(fd[1]);
            errno = e;
            return false;
        }
    }
    return true;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static _Noreturn void child(const struct gnuplot_job *job, char *const argv[], int in_fd, int err_fd,
                            int status_fd)
{
    struct child_error ce = { STEP_CHDIR, 0 };
    /* our handlers and ignored SIGPIPE are not gnuplot's: the defaults
     * first, then the signals held back in the parent are let through */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL);
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGHUP, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (chdir(job->cwd) != 0)
        goto fail;
    ce.step = STEP_STDIN;
    if (in_fd < 0 && (in_fd = open("/dev/null", O_RDONLY)) < 0)
        goto fail;
    if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
        goto fail;
    ce.step = STEP_EXEC;
    execvp(job->program, argv);
fail:
    ce.err = errno;
    ssize_t w = write(status_fd, &ce, sizeof ce);
    (void)w;
    _exit(GNUPLOT_EXEC_FAILED);
}

/* Keep the last GNUPLOT_ERR_KEEP bytes the child wrote on standard error. */
struct tail {
    char buf[GNUPLOT_ERR_KEEP];
    size_t len;
};

static void tail_add(struct tail *t, const char *data, size_t n)
{
    if (n >= sizeof t->buf) {
        data += n - sizeof t->buf;
        n = sizeof t->buf;
    }
    if (t->len + n > sizeof t->buf) {
        size_t drop = t->len + n - sizeof t->buf;
        memmove(t->buf, t->buf + drop, t->len - drop);
        t->len -= drop;
    }
    memcpy(t->buf + t->len, data, n);
    t->len += n;
}

/* The last non-blank line of the tail, into out. */
static void tail_last_line(const struct tail *t, char *out, size_t size)
{
    size_t end = t->len;
    while (end > 0 && (t->buf[end - 1] == '\n' || t->buf[end - 1] == ' ' || t->buf[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && t->buf[start - 1] != '\n')
        start--;
    snprintf(out, size, "%.*s", (int)(end - start), t->buf + start);
}

/* Feed input to in_fd (closed when done) while draining err_fd into t, until
 * the child closes its standard error. */
static void exchange(int *in_fd, int err_fd, const char *input, struct tail *t)
{
    size_t left = input ? strlen(input) : 0;
    if (*in_fd >= 0 && left == 0)
        close_fd(in_fd);
    if (*in_fd >= 0)
        fcntl(*in_fd, F_SETFL, O_NONBLOCK);
    for (;;) {
        struct pollfd p[2] = { { err_fd, POLLIN, 0 }, { *in_fd, POLLOUT, 0 } };
        nfds_t n = *in_fd >= 0 ? 2 : 1;
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (n == 2 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(*in_fd, input, left);
            if (w > 0) {
                input += w;
                left -= (size_t)w;
            }
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || left == 0)
                close_fd(in_fd);
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char chunk[GNUPLOT_READ_CHUNK];
            ssize_t r = read(err_fd, chunk, sizeof chunk);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            tail_add(t, chunk, (size_t)r);
        }
    }
    close_fd(in_fd);
}

/* Block SIGPIPE in this thread while writing to the child, so a child that
 * exits early makes write fail with EPIPE instead of killing us; a SIGPIPE
 * raised meanwhile is consumed before the mask is restored. */
static void pipe_signal_block(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

static void pipe_signal_restore(const sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    struct timespec zero = { 0, 0 };
    while (sigtimedwait(&s, NULL, &zero) == SIGPIPE)
        ;
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Wait for the child pid's end without reaping it, so that a signal
 * handler may still end it (gnuplot_end_async); then forget it and reap it
 * with the signals of stop held back. Its wait status. */
static int reap(pid_t pid, const sigset_t *stop)
{
    siginfo_t si;
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
    sigset_t old_mask;
    pthread_sigmask(SIG_BLOCK, stop, &old_mask);
    running_child = 0;
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return wst;
}

/* How the run went: ce, the child's report that it could not start (NULL
 * when it started), or its wait status wst and the tail of its messages;
 * the message into err. */
static enum gnuplot_status outcome(const struct gnuplot_job *job, const struct child_error *ce, int wst,
                                   struct tail *t, char *err, size_t size)
{
    enum gnuplot_status rc = GNUPLOT_OK;
    if (ce) {
        if (ce->step == STEP_EXEC && ce->err == ENOENT) {
            snprintf(err, size, "%s: not found", job->program);
            rc = GNUPLOT_MISSING;
        } else if (ce->step == STEP_CHDIR) {
            snprintf(err, size, "%s: cannot enter the folder (%s)", job->cwd, strerror(ce->err));
            rc = GNUPLOT_FAILED;
        } else {
            snprintf(err, size, "cannot run %s (%s)", job->program, strerror(ce->err));
            rc = GNUPLOT_FAILED;
        }
    } else if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        char line[GNUPLOT_ERR_KEEP];
        tail_last_line(t, line, sizeof line);
        if (WIFSIGNALED(wst))
            snprintf(err, size, "%s was stopped by signal %d%s%s", job->program, WTERMSIG(wst),
                     *line ? ": " : "", line);
        else
            snprintf(err, size, "%s failed (exit status %d)%s%s", job->program, WEXITSTATUS(wst),
                     *line ? ": " : "", line);
        rc = GNUPLOT_FAILED;
    }
    return rc;
}

enum gnuplot_status gnuplot_run(const struct gnuplot_job *job, char *err, size_t size)
{
    char *argv[GNUPLOT_MAX_ARGS + 2];
    size_t argc = 0;
    argv[argc++] = (char *)job->program;
    for (const char *const *a = job->args; a && *a; a++) {
        CHECK(argc <= GNUPLOT_MAX_ARGS);
        argv[argc++] = (char *)*a;
    }
    argv[argc] = NULL;

    int in[2] = { -1, -1 }, errp[2] = { -1, -1 }, status[2] = { -1, -1 };
    int *fds[] = { &in[0], &in[1], &errp[0], &errp[1], &status[0], &status[1] };
    size_t n_fds = sizeof fds / sizeof *fds;
    pid_t pid = -1;
    sigset_t stop, old_mask;
    stop_signals(&stop);
    if ((!job->input || cloexec_pipe(in)) && cloexec_pipe(errp) && cloexec_pipe(status)) {
        fflush(NULL);   /* nothing buffered may be written twice or out of order */
        pthread_sigmask(SIG_BLOCK, &stop, &old_mask);
        pid = fork();
        if (pid > 0)
            running_child = pid;
        if (pid != 0)
            pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    }
    if (pid < 0) {
        snprintf(err, size, "cannot start %s (%s)", job->program, strerror(errno));
        for (size_t i = 0; i < n_fds; i++)
            close_fd(fds[i]);
        return GNUPLOT_FAILED;
    }
    if (pid == 0)
        child(job, argv, in[0], errp[1], status[1]);
    close_fd(&in[0]);
    close_fd(&errp[1]);
    close_fd(&status[1]);

    struct child_error ce;
    ssize_t got;
    do
        got = read(status[0], &ce, sizeof ce);
    while (got < 0 && errno == EINTR);
    close_fd(&status[0]);

    struct tail *t = check_calloc(1, sizeof *t);
    if (got != (ssize_t)sizeof ce) {
        sigset_t old;
        pipe_signal_block(&old);
        exchange(&in[1], errp[0], job->input, t);
        pipe_signal_restore(&old);
    }
    close_fd(&in[1]);
    close_fd(&errp[0]);
    int wst = reap(pid, &stop);

    enum gnuplot_status rc = outcome(job, got == (ssize_t)sizeof ce ? &ce : NULL, wst, t, err, size);
    free(t);
    return rc;
}
