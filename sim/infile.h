/* infile.h — opening a file the program reads (scenarios, their includes,
 * the CSV and JSON of a results folder).
 *
 * Only regular files are read. A FIFO, a device or a socket could block the
 * program for ever (fopen of a FIFO waits for a writer) or never end, so the
 * file is opened without blocking, inspected with fstat on the descriptor
 * actually opened (no race between a check and the open), and refused unless
 * it is a regular file. Every read of an input file goes through here. */
#ifndef SIM_INFILE_H
#define SIM_INFILE_H

#include <stdio.h>

/* path opened for reading ("r" stdio stream, blocking again once open), or
 * NULL with errno set: EISDIR for a folder, EINVAL for anything else that is
 * not a regular file (a FIFO, a device, a socket), or open's error. */
FILE *infile_open(const char *path);

/* A short reason for errno as infile_open sets it: "not a regular file" for
 * EINVAL, strerror otherwise. */
const char *infile_error(int err);

#endif
