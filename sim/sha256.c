#include "sim/sha256.h"

#include "sim/infile.h"

#include <errno.h>
#include <stdio.h>

#define SHA256_FILE_CHUNK 16384      /* bytes read at a time by sha256_file */

void sha256_start(struct sha256 *c)
{
    nettle_sha256_init(&c->ctx);
}

void sha256_add(struct sha256 *c, const void *data, size_t n)
{
    nettle_sha256_update(&c->ctx, n, data);
}

void sha256_final_hex(struct sha256 *c, char hex[SHA256_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    nettle_sha256_digest(&c->ctx, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 0xf];
    }
    hex[SHA256_HEX_SIZE - 1] = '\0';
}

bool sha256_file(const char *path, char hex[SHA256_HEX_SIZE])
{
    unsigned char buf[SHA256_FILE_CHUNK];
    struct sha256 c;
    FILE *f = infile_open(path);
    if (!f)
        return false;
    sha256_start(&c);
    errno = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sha256_add(&c, buf, n);
    if (ferror(f)) {
        int saved = errno ? errno : EIO;
        fclose(f);
        errno = saved;
        return false;
    }
    fclose(f);
    sha256_final_hex(&c, hex);
    return true;
}
