/* tablefolder.h — a result folder of one table and its manifest (a sweep,
 * a tornado chart, a goal seek: sweepfolder.h, tornadofolder.h,
 * targetfolder.h build on it).
 *
 * Both files are opened before anything runs (a folder that cannot be
 * written fails at once) and appear together or not at all: the table is
 * written row by row, the manifest last, and tablefolder_commit renames
 * both into place (runfolder_commit: the manifest marks the set complete,
 * and what an earlier result forced into the folder wrote is removed). */
#ifndef OUTPUT_TABLEFOLDER_H
#define OUTPUT_TABLEFOLDER_H

#include "output/afile.h"
#include "output/json.h"

#include <stdbool.h>

struct tablefolder {
    char dir[AFILE_PATH_MAX];
    struct afile csv, man;
    struct json j;               /* the manifest, once begun */
};

/* Open dir/csv_name and dir/manifest.json. False (errno set, nothing left
 * behind, *failed the name of the file that could not be opened) on
 * failure. */
bool tablefolder_open(struct tablefolder *t, const char *dir, const char *csv_name, const char **failed);

/* Begin the manifest (manifest_begin) of the given kind. */
struct json *tablefolder_manifest(struct tablefolder *t, const char *version, const char *kind);

/* Close the manifest (manifest_end) and commit both files. False (errno
 * set, nothing changed in dir) on failure. */
bool tablefolder_commit(struct tablefolder *t);

/* Drop both files (a no-op after commit). */
void tablefolder_abort(struct tablefolder *t);

#endif
