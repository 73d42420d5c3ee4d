/* sha256.h — SHA-256 (FIPS 180-4) of memory or a file, as lower-case hex
 * (scenario files are hashed as they are read, for the manifest).
 *
 * The hash itself is nettle's (GnuTLS's cryptographic library, Debian
 * nettle-dev): a provenance record should rest on a hash implementation
 * that is reviewed and tested far beyond ours, and nettle's is at least 4
 * times faster than the hand-written one it replaced (docs/model.md).
 * nettle's header #defines sha256_init, sha256_update and sha256_digest
 * to its own names, so ours are sha256_start and sha256_add. */
#ifndef SIM_SHA256_H
#define SIM_SHA256_H

#include <nettle/sha2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_SIZE 65

struct sha256 {
    struct sha256_ctx ctx;
};

void sha256_start(struct sha256 *c);
void sha256_add(struct sha256 *c, const void *data, size_t n);
/* The hash of everything added, as 64 hex digits and a NUL; c is then
 * started afresh. */
void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX_SIZE]);

/* Hash a whole file; false (errno set) when it cannot be read. */
bool sha256_file(const char *path, char hex[SHA256_HEX_SIZE]);

#endif
