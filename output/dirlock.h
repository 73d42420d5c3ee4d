/* dirlock.h — one writer per result folder.
 *
 * A command that writes a folder holds an exclusive flock(2) on the file
 * DIR/.caseload.lock from before it looks at the folder until it exits; a
 * second command into the same folder is refused at once, told the PID the
 * holder wrote into the file. The lock is never released by hand: the
 * kernel releases it when the process ends, however it ends, so a lock file
 * left by a crash is harmless (the next run locks it again). The lock file
 * stays in the folder; result-folder checks ignore it (DIRLOCK_NAME).
 *
 * The lock file is opened without following a link (O_NOFOLLOW) and used
 * only when it is a regular file with one name, so a link placed there
 * never makes caseload write through it. Within one process taking a lock
 * it already holds (the same folder by device and inode) succeeds. */
#ifndef OUTPUT_DIRLOCK_H
#define OUTPUT_DIRLOCK_H

#include <stddef.h>

#define DIRLOCK_NAME ".caseload.lock"

enum dirlock_status {
    DIRLOCK_OK,
    DIRLOCK_BUSY,     /* another process holds it: err names its PID */
    DIRLOCK_FAILED,   /* the lock file could not be made or used: err says why */
};

/* Lock the folder dir (which exists) for the rest of the process's life.
 * err receives one line (without "caseload: ") unless DIRLOCK_OK. */
enum dirlock_status dirlock_take(const char *dir, char *err, size_t size);

/* Remove the lock file of a folder this process locked and about to remove
 * (its other files gone), and let the lock go. */
void dirlock_drop(const char *dir);

#endif
