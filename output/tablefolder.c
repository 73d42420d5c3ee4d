#include "output/tablefolder.h"

#include "output/manifest.h"
#include "output/runfolder.h"

#include <errno.h>
#include <string.h>

/* dir/name opened into a; errno ENAMETOOLONG when the path does not fit. */
static bool open_in(struct afile *a, const char *dir, const char *name)
{
    char path[AFILE_PATH_MAX];
    if (!runfolder_path(path, sizeof path, dir, name)) {
        errno = ENAMETOOLONG;
        return false;
    }
    return afile_open(a, path);
}

bool tablefolder_open(struct tablefolder *t, const char *dir, const char *csv_name, const char **failed)
{
    memset(t, 0, sizeof *t);
    if (strlen(dir) >= sizeof t->dir) {
        *failed = csv_name;
        errno = ENAMETOOLONG;
        return false;
    }
    strcpy(t->dir, dir);
    if (!open_in(&t->csv, dir, csv_name)) {
        *failed = csv_name;
        return false;
    }
    if (!open_in(&t->man, dir, MANIFEST_FILE)) {
        int e = errno;
        afile_abort(&t->csv);
        *failed = MANIFEST_FILE;
        errno = e;
        return false;
    }
    return true;
}

struct json *tablefolder_manifest(struct tablefolder *t, const char *version, const char *kind)
{
    manifest_begin(&t->j, &t->man, version, kind);
    return &t->j;
}

bool tablefolder_commit(struct tablefolder *t)
{
    struct afile *const set[] = { &t->csv, &t->man };
    manifest_end(&t->j, set, 2, NULL);
    return runfolder_commit(set, 2, NULL, t->dir);
}

void tablefolder_abort(struct tablefolder *t)
{
    afile_abort(&t->csv);
    afile_abort(&t->man);
}
