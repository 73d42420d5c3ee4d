/* sha256.h — SHA-256 (FIPS 180-4) of memory or a file, as lower-case hex
 * (scenario files are hashed as they are read, for the manifest). */
#ifndef SIM_SHA256_H
#define SIM_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_SIZE 65

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX_SIZE]);

/* Hash a whole file; false (errno set) when it cannot be read. */
bool sha256_file(const char *path, char hex[SHA256_HEX_SIZE]);

#endif
