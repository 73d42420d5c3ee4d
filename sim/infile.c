/* infile.c — regular files only, inspected before they are read (infile.h). */
#include "sim/infile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *infile_open(const char *path)
{
    /* O_NONBLOCK: opening a FIFO with no writer returns at once instead of
     * waiting; a regular file is unaffected by the flag. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    int bad = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? EINVAL : 0;
    int flags = bad ? 0 : fcntl(fd, F_GETFL);
    if (!bad && (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0))
        bad = errno;
    FILE *f = bad ? NULL : fdopen(fd, "r");
    if (!f) {
        if (!bad)
            bad = errno;
        close(fd);
        errno = bad;
    }
    return f;
}

const char *infile_error(int err)
{
    return err == EINVAL ? "not a regular file" : strerror(err);
}
