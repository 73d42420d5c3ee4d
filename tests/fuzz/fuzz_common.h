/* fuzz_common.h — what the harnesses of the readers `plot` uses share:
 * their entry point's name (a test that replays several harnesses in one
 * program defines FUZZ_ENTRY differently for each), and a scratch folder
 * for the files an input becomes. Included by tests/fuzz/fuzz_*.c only. */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

/* Inputs larger than this are skipped: they only slow the search down. */
#define FUZZ_MAX_INPUT (256 * 1024)

static char fuzz_scratch_dir[64];

/* Remove path and, when it is a folder, everything in it. */
static inline void fuzz_remove(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[1024];
            int n = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (n > 0 && (size_t)n < sizeof sub)
                fuzz_remove(sub);
        }
        closedir(d);
    }
    remove(path);
}

static inline void fuzz_scratch_remove(void)
{
    if (fuzz_scratch_dir[0])
        fuzz_remove(fuzz_scratch_dir);
}

/* A folder of its own for this process (in memory when /dev/shm exists),
 * made once and removed at exit; the same path on every call. NULL when
 * none can be made. */
static inline const char *fuzz_scratch(void)
{
    char *dir = fuzz_scratch_dir;
    if (!dir[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof fuzz_scratch_dir, "%s/caseload-fuzz-XXXXXX", base);
        if (!mkdtemp(dir)) {
            dir[0] = '\0';
            return NULL;
        }
        atexit(fuzz_scratch_remove);
    }
    return dir;
}

/* Write size bytes to dir/name (removed when data is NULL). */
static inline void fuzz_put(const char *dir, const char *name, const uint8_t *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!data) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
}

#endif
