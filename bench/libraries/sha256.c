/* bench/libraries/sha256.c — the hand-written SHA-256 sim/sha256.c held
 * (kept in sha256_handwritten.c) against nettle's (which sim/sha256.c now
 * calls) and OpenSSL's (libcrypto), for the library decision in
 * docs/model.md.
 *
 *   cc -O2 bench/libraries/sha256.c -lnettle -lcrypto -o /tmp/bench_sha256 && /tmp/bench_sha256
 *
 * Checks that all three agree on the same bytes (64 MiB of a fixed
 * pattern, and a 4 KiB scenario-sized input hashed many times), then
 * prints MB/s of each (best of 5). Not part of make bench: it needs the
 * libraries the program does not link. */
#define _POSIX_C_SOURCE 200809L
#include "sha256_handwritten.c"

#include <nettle/sha2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHA256_HEX_SIZE 65

static void ours(const unsigned char *p, size_t n, char hex[SHA256_HEX_SIZE])
{
    struct hw_sha256 c;
    hw_sha256_init(&c);
    hw_sha256_update(&c, p, n);
    hw_sha256_final_hex(&c, hex);
}

static void to_hex(const unsigned char d[32], char hex[SHA256_HEX_SIZE])
{
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void with_nettle(const unsigned char *p, size_t n, char hex[SHA256_HEX_SIZE])
{
    struct sha256_ctx c;
    unsigned char d[SHA256_DIGEST_SIZE];
    nettle_sha256_init(&c);
    nettle_sha256_update(&c, n, p);
    nettle_sha256_digest(&c, sizeof d, d);
    to_hex(d, hex);
}

static void with_openssl(const unsigned char *p, size_t n, char hex[SHA256_HEX_SIZE])
{
    unsigned char d[32];
    unsigned int len;
    EVP_Digest(p, n, d, &len, EVP_sha256(), NULL);
    to_hex(d, hex);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef void hash_fn(const unsigned char *, size_t, char[SHA256_HEX_SIZE]);

/* Best of 5: MB/s hashing n bytes reps times. */
static double rate(hash_fn *f, const unsigned char *p, size_t n, int reps, char hex[SHA256_HEX_SIZE])
{
    double best = 0;
    for (int k = 0; k < 5; k++) {
        double t0 = now();
        for (int r = 0; r < reps; r++)
            f(p, n, hex);
        double mbs = (double)n * reps / 1e6 / (now() - t0);
        best = mbs > best ? mbs : best;
    }
    return best;
}

int main(void)
{
    size_t big = 64u << 20, small = 4096;
    unsigned char *p = malloc(big);
    for (size_t i = 0; i < big; i++)
        p[i] = (unsigned char)(i * 2654435761u >> 13);
    const char *name[] = { "hand-written (before)", "nettle 3.8", "OpenSSL 3.0 libcrypto" };
    hash_fn *fn[] = { ours, with_nettle, with_openssl };
    char ref[SHA256_HEX_SIZE], hex[SHA256_HEX_SIZE];
    ours(p, big, ref);
    for (int i = 1; i < 3; i++) {
        fn[i](p, big, hex);
        if (strcmp(hex, ref) != 0) {
            printf("%s disagrees: %s vs %s\n", name[i], hex, ref);
            return 1;
        }
    }
    printf("all three agree on 64 MiB: %s\n", ref);
    for (int i = 0; i < 3; i++)
        printf("%-24s %8.0f MB/s on 64 MiB   %8.0f MB/s on 4 KiB inputs\n", name[i], rate(fn[i], p, big, 1, hex),
               rate(fn[i], p, small, 20000, hex));
    free(p);
    return 0;
}
