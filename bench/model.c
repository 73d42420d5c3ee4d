/* model.c — benchmark driver: time a whole `caseload run` from outside.
 *
 * Runs the command after "--" (a caseload run with -o DIR) as a child
 * process and reports its wall time, CPU time and peak resident memory
 * (getrusage of the child: ru_maxrss), and the events it processed, read
 * from DIR/manifest.json. The program under test is not changed or linked:
 * what is measured is exactly what a user runs.
 *
 *   build/bench/model [LABEL] -- ./caseload run SCENARIO -n N -j J -o DIR -q --force ...
 *
 * Last line, for bench/run.sh:
 *   model label=L seconds=S cpu_seconds=C events=E events_per_s=R peak_rss_mb=M */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KB_PER_MB 1024.0

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double tv(struct timeval t) { return (double)t.tv_sec + 1e-6 * (double)t.tv_usec; }

/* The value of "events" in DIR/manifest.json, or -1. */
static long long manifest_events(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    long long events = -1;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "\"events\":");
        if (p) {
            events = strtoll(p + strlen("\"events\":"), NULL, 10);
            break;
        }
    }
    fclose(f);
    return events;
}

int main(int argc, char **argv)
{
    const char *label = "run";
    int cmd = 1;
    if (cmd < argc && strcmp(argv[cmd], "--") != 0)
        label = argv[cmd++];
    if (cmd >= argc || strcmp(argv[cmd], "--") != 0 || cmd + 1 >= argc) {
        fprintf(stderr, "usage: model [LABEL] -- CASELOAD run SCENARIO ... -o DIR ...\n");
        return 2;
    }
    char **child_argv = argv + cmd + 1;
    const char *dir = NULL;
    for (char **a = child_argv; *a; a++)
        if ((strcmp(*a, "-o") == 0 || strcmp(*a, "--out") == 0) && a[1])
            dir = a[1];
    if (!dir) {
        fprintf(stderr, "model: the command needs -o DIR (its manifest gives the events)\n");
        return 2;
    }

    double t0 = seconds();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "model: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0) {
        execvp(child_argv[0], child_argv);
        fprintf(stderr, "model: %s: %s\n", child_argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        fprintf(stderr, "model: wait: %s\n", strerror(errno));
        return 1;
    }
    double wall = seconds() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "model: %s failed (status %d)\n", child_argv[0], status);
        return 1;
    }
    double cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
    long long events = manifest_events(dir);
    double rss_mb = (double)ru.ru_maxrss / KB_PER_MB;
    printf("%s: %.3f s wall, %.3f s CPU, %lld events, peak RSS %.1f MB\n", label, wall, cpu, events, rss_mb);
    printf("model label=%s seconds=%.6f cpu_seconds=%.6f events=%lld events_per_s=%.6g peak_rss_mb=%.1f\n",
           label, wall, cpu, events, events > 0 ? (double)events / wall : 0.0, rss_mb);
    return 0;
}
