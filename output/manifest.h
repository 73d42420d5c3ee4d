/* manifest.h — manifest.json, the file every result folder ends with.
 *
 * Whatever the kind of result (run, comparison, sweep, tornado, target),
 * its manifest opens with the same members and closes with the same one:
 *
 *   "program": "caseload", "version": "…", "kind": "…" (a run has none)
 *   … members of the kind (the folder's module in output/ writes them)
 *   "command_line": [ … ]             (manifest_command_line, where the
 *                                      kind puts it)
 *   "written": [ files of the result ] (manifest_end, always)
 *   "charts": [ plots.gp, pictures ]   (added later by the drawing:
 *                                      runfolder_note_charts)
 *
 * The manifest is committed last: a folder with a manifest holds a whole
 * result, and "written" is what the next result forced into the folder
 * removes (runfolder_commit). */
#ifndef OUTPUT_MANIFEST_H
#define OUTPUT_MANIFEST_H

#include "output/afile.h"
#include "output/json.h"
#include "output/json_in.h"
#include "sim/sha256.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define MANIFEST_FILE "manifest.json"
/* The members that list what a result wrote. */
#define MANIFEST_KEY_WRITTEN "written"
#define MANIFEST_KEY_CHARTS "charts"

/* Start the manifest in a (open): the top object and the members every
 * manifest opens with. kind NULL for a run's (which has none). */
void manifest_begin(struct json *j, struct afile *a, const char *version, const char *kind);

/* The members "ranks" and "threads" (per rank) of a result computed over
 * MPI ranks (caseload-mpi); nothing when ranks is 0 (caseload's manifests
 * stay as they were). */
void manifest_ranks(struct json *j, unsigned ranks, unsigned threads);

/* The command line that made the result, as member "command_line". */
void manifest_command_line(struct json *j, int argc, char *const *argv);

/* Member key: the time t as UTC in ISO 8601 (2024-04-01T09:30:00Z). */
void manifest_time(struct json *j, const char *key, time_t t);

/* Where a result came from: the scenario files read and the --set
 * overrides on them. */
struct manifest_sources {
    char *const *files;              /* scenario file first, then its includes */
    const char (*sha256)[SHA256_HEX_SIZE]; /* of the bytes parsed from files[i],
                                      * taken when read ("" or NULL: unknown) */
    size_t n_files;
    char *const *sets;               /* --set overrides */
    size_t n_sets;
};

/* Members "files" ([{"path", "sha256"}], sha256 null when unknown) and
 * "overrides" ([text]) of s, in the object open in j. */
void manifest_sources(struct json *j, const struct manifest_sources *s);

/* Members "start" (the scenario's start date, text) and "horizon_years":
 * the span the results cover, which the charts' titles state. */
void manifest_span(struct json *j, const char *start, double horizon_years);

/* Close the manifest with the member "written": the base names of
 * files[0..n) and the entries of keep (NULL-terminated, may be NULL: a
 * comparison's scenario folders as "NAME/"). */
void manifest_end(struct json *j, struct afile *const *files, size_t n, const char *const *keep);

/* Read the manifest of the folder dirfd: true (root and *text filled, both
 * to free) when it is a plain file (never a link) that parses. */
bool manifest_load(int dirfd, struct json_in *root, char **text);

#endif
