/* runfolder.h — the result files of one scenario's run, in one folder.
 *
 *   series.csv    streamed as replications arrive (in order)
 *   summary.csv   statistics per period and metric
 *   kpis.csv      headline figures with confidence intervals
 *   years.csv     statistics per financial year and metric (when the
 *                 layout has years)
 *   manifest.json what was run: program, scenario files and their SHA-256,
 *                 seed, replications, command line, times
 *
 * Every file is written under a temporary name and renamed into place only
 * when all of them are complete, so the folder holds a whole result or
 * none of it. The folder is locked for the writer's life (dirlock.h); the
 * manifest lists what the result wrote, and only that is removed when a
 * later result is forced into the folder. */
#ifndef OUTPUT_RUNFOLDER_H
#define OUTPUT_RUNFOLDER_H

#define RUNFOLDER_SERIES_CSV "series.csv"
#define RUNFOLDER_SUMMARY_CSV "summary.csv"
#define RUNFOLDER_KPIS_CSV "kpis.csv"
#define RUNFOLDER_YEARS_CSV "years.csv"

#include "output/afile.h"
#include "output/json.h"
#include "output/stats.h"
#include "sim/sha256.h"
#include "sim/result.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* What the manifest records about a run. */
struct run_info {
    const char *version;             /* program version */
    const char *scenario, *description;
    char *const *files;              /* scenario file first, then its includes */
    const char (*file_sha256)[SHA256_HEX_SIZE]; /* SHA-256 of the bytes parsed from
                                                 * files[i] ("" or NULL: unknown) */
    size_t n_files;
    const char *start_date, *report_every;
    uint64_t seed, reps_requested;
    unsigned threads;
    unsigned ranks;                  /* MPI ranks (caseload-mpi), 0: not recorded */
    int argc;
    char **argv;
    char *const *sets;               /* --set overrides */
    size_t n_sets;
    const char *const *keep;         /* folders beside the files that are part of the
                                      * result ("records/"), NULL-terminated; may be NULL */
    double precision;                /* 0 when the number of replications was fixed */
    const char *precision_kpi;
    bool precision_met;
    const char *draws_from;          /* parameter uncertainty: where the draws came
                                      * from (NULL: none, nothing recorded) */
    size_t draws_n;                  /* ... and how many parameters each replication draws */
};

struct runfolder {
    char dir[AFILE_PATH_MAX];
    const char *scenario;
    const struct result_layout *layout;
    struct stats *stats;
    struct stats *years;             /* of layout->years, or NULL */
    struct afile series;
    uint64_t events;
    time_t started;
    struct timespec t0;
};

/* Make sure dir exists (creating missing parents), lock it for the rest of
 * the process's life (dirlock.h) and check it may be written: a new or
 * empty folder (its lock file apart), or any folder when force. Returns 0
 * when ready, 2 when it holds results or other files, or another caseload
 * holds it (a usage problem: the message says what to do), 1 when it cannot
 * be created or locked; the message goes to err. */
int runfolder_prepare(const char *dir, bool force, char *err, size_t size);

/* As runfolder_prepare for the folder name inside dir (a comparison's
 * scenario folder), which must be a folder itself, never a link to one. */
int runfolder_prepare_sub(const char *dir, const char *name, bool force, char *err, size_t size);

/* Start the files of a run in dir (prepared). False (errno set) on failure,
 * nothing left behind. */
bool runfolder_open(struct runfolder *rf, const char *dir, const char *scenario,
                    const struct result_layout *l);

/* One replication, in replication order. */
void runfolder_add(struct runfolder *rf, const struct rep_result *r);

/* Write summary, KPIs and manifest and rename everything into place. partial
 * marks a run stopped early. False (errno set, every temporary removed) on
 * failure. The stats stay readable until runfolder_close. */
bool runfolder_finish(struct runfolder *rf, const struct run_info *info, bool partial);

/* Drop everything not yet committed and free the stats. */
void runfolder_close(struct runfolder *rf);

/* Commit files[0..n) in dir as a set (afile_commit_all: the last one, the
 * manifest, marks it complete; manifest.h), then remove what the manifest it replaced
 * listed and the new set does not hold (neither files[] nor keep): the
 * earlier result's other files, its charts, and folders it listed that are
 * no longer part of it (each as its own manifest lists, then the folder if
 * empty). Only names of that folder are removed, relative to it, and links
 * are never followed. False (errno set, nothing changed) when the commit
 * fails. */
bool runfolder_commit(struct afile *const *files, size_t n, const char *const *keep, const char *dir);

/* Record names[0..n) (plots.gp and the pictures just drawn) as the charts
 * member of dir's manifest (rewritten whole; nothing done when there is
 * none). With replace, the charts listed before and not drawn again are
 * removed; without, they stay listed (a drawing that failed leaves them).
 * False when the manifest could not be rewritten. */
bool runfolder_note_charts(const char *dir, const char *const *names, size_t n, bool replace);

/* Whether name, as a file or folder in a result folder, could collide with
 * what a result of any kind writes there: a result file (the list
 * runfolder_commit clears), the charts' script, a chart (NAME.png,
 * NAME.svg) or a hidden temporary (.NAME.tmp). Case is ignored (file
 * systems that fold it). A comparison makes a folder of each scenario's
 * name in its own folder, so such a name would fail only after the run. */
bool runfolder_name_taken(const char *name);

/* dir/name into buf; false when it does not fit. */
bool runfolder_path(char *buf, size_t size, const char *dir, const char *name);

#endif
