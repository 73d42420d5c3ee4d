/* afile.h — result files written whole or not at all.
 *
 * An afile writes to a hidden temporary name beside its final path
 * (".NAME.TAG.tmp" in the same folder, TAG eight random hex digits, the
 * file created anew with O_EXCL|O_NOFOLLOW, so two writers never share a
 * temporary and a link placed at the name is never written through) and
 * checks every write; afile_commit
 * flushes, syncs and closes it, then renames it into place. Until then the
 * final path is untouched. Every temporary name in use is kept in a small
 * process-wide table so a signal handler can remove them all
 * (afile_unlink_all is async-signal-safe). */
#ifndef OUTPUT_AFILE_H
#define OUTPUT_AFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define AFILE_PATH_MAX 4096
/* A temporary's tag: 8 hex digits and the NUL. */
#define AFILE_TAG_SIZE 9

struct afile {
    char path[AFILE_PATH_MAX];   /* final name */
    char tmp[AFILE_PATH_MAX];    /* temporary name */
    FILE *f;
    int err;                     /* first errno seen while writing, 0 if none */
    int slot;                    /* index in the cleanup table */
    bool finished;               /* afile_finish done: complete, not yet renamed */
};

/* Start writing path's temporary file (a fresh tag, another one tried when
 * the name is taken). On failure returns false with errno set; nothing is
 * left behind. */
bool afile_open(struct afile *a, const char *path);

/* As afile_open, with the given tag (a word without '/'): fails with
 * EEXIST when anything, a link included, has that temporary name. For
 * files another program writes into under names agreed beforehand. */
bool afile_open_tagged(struct afile *a, const char *path, const char *tag);

/* A fresh random tag. */
void afile_new_tag(char tag[AFILE_TAG_SIZE]);

/* Append; failures are remembered (a->err) and reported by afile_commit. */
void afile_write(struct afile *a, const void *data, size_t size);
void afile_puts(struct afile *a, const char *text);
void afile_printf(struct afile *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Flush, fsync, close and rename into place. On any failure (including an
 * earlier write) the temporary file is removed, errno is set and false is
 * returned. */
bool afile_commit(struct afile *a);

/* The two halves of afile_commit, for sets of files that must appear
 * together. afile_finish flushes, fsyncs and closes the temporary file
 * (which stays, complete, under its temporary name); false (errno set, the
 * temporary removed) on any failure, including an earlier write.
 * afile_publish renames a finished file into place; false (errno set, the
 * temporary removed) on failure. */
bool afile_finish(struct afile *a);
bool afile_publish(struct afile *a);

/* Commit files[0..n) as a set, in two phases: finish every one (any failure
 * removes every temporary, and nothing in place changes), then rename them
 * into place in order with SIGINT, SIGTERM and SIGHUP held back, removing
 * the old version of the last one first: the last file (a manifest) marks
 * the set complete. If a rename fails, the files already renamed are removed
 * too. Finally the folders are synced. True on success; false with errno
 * set. */
bool afile_commit_all(struct afile *const *files, size_t n);

/* The final name without its folder ("kpis.csv"). */
const char *afile_base_name(const struct afile *a);

/* Close and remove the temporary file (a no-op after commit or abort). */
void afile_abort(struct afile *a);

/* Remove every temporary file still open. Async-signal-safe. */
void afile_unlink_all(void);

#endif
