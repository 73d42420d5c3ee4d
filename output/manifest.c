#include "output/manifest.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest manifest read back (ours are a few kilobytes). */
#define MANIFEST_MAX (1 << 20)
/* Room for a time as manifest_time writes it. */
#define MANIFEST_TIME_SIZE 32

void manifest_begin(struct json *j, struct afile *a, const char *version, const char *kind)
{
    json_begin(j, a);
    json_string(j, "program", "caseload");
    json_string(j, "version", version);
    if (kind)
        json_string(j, "kind", kind);
}

void manifest_ranks(struct json *j, unsigned ranks, unsigned threads)
{
    if (ranks == 0)
        return;
    json_uint(j, "ranks", ranks);
    json_uint(j, "threads", threads);
}

void manifest_command_line(struct json *j, int argc, char *const *argv)
{
    json_array(j, "command_line");
    for (int i = 0; i < argc; i++)
        json_string(j, NULL, argv[i]);
    json_close(j);
}

void manifest_sources(struct json *j, const struct manifest_sources *s)
{
    json_array(j, "files");
    for (size_t i = 0; i < s->n_files; i++) {
        /* the hash taken when the file was read, not now: the file may have
         * changed while the run went */
        const char *hex = s->sha256 && s->sha256[i][0] ? s->sha256[i] : NULL;
        json_object(j, NULL);
        json_string(j, "path", s->files[i]);
        json_string(j, "sha256", hex);
        json_close(j);
    }
    json_close(j);
    json_array(j, "overrides");
    for (size_t i = 0; i < s->n_sets; i++)
        json_string(j, NULL, s->sets[i]);
    json_close(j);
}

void manifest_span(struct json *j, const char *start, double horizon_years)
{
    json_string(j, "start", start);
    json_number(j, "horizon_years", horizon_years);
}

/* t as manifest_time writes it into buf. */
static void manifest_time_text(time_t t, char buf[MANIFEST_TIME_SIZE])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, MANIFEST_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void manifest_time(struct json *j, const char *key, time_t t)
{
    char when[MANIFEST_TIME_SIZE];
    manifest_time_text(t, when);
    json_string(j, key, when);
}

void manifest_end(struct json *j, struct afile *const *files, size_t n, const char *const *keep)
{
    json_array(j, MANIFEST_KEY_WRITTEN);
    for (size_t i = 0; i < n; i++)
        json_string(j, NULL, afile_base_name(files[i]));
    for (const char *const *k = keep; k && *k; k++)
        json_string(j, NULL, *k);
    json_close(j);
    json_end(j);
}

bool manifest_load(int dirfd, struct json_in *root, char **text)
{
    memset(root, 0, sizeof *root);
    *text = NULL;
    int fd = openat(dirfd, MANIFEST_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MANIFEST_MAX) {
        close(fd);
        return false;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    ssize_t r = 1;
    while (buf && got < (size_t)st.st_size && (r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
        got += (size_t)r;
    close(fd);
    if (!buf || r < 0) {
        free(buf);
        return false;
    }
    buf[got] = '\0';
    if (!json_in_parse(buf, root)) {
        free(buf);
        json_in_free(root);
        memset(root, 0, sizeof *root);
        return false;
    }
    *text = buf;
    return true;
}
