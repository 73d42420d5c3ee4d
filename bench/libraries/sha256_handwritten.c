/* The hand-written SHA-256 that sim/sha256.c held before it called nettle,
 * kept for bench/libraries/sha256.c only (renamed hw_*). */
#include <stddef.h>
#include <stdint.h>

struct hw_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t fill;
};


#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SHA256_BLOCK 64              /* bytes per compression block */
#define SHA256_LENGTH_BYTES 8        /* message length field at the end */

/* FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube
 * roots of the first 64 primes. */
static const uint32_t hw_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4, 5.3.3: the initial hash value. */
static const uint32_t hw_sha256_h0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t hw_sha256_rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void hw_sha256_block(struct hw_sha256 *c, const unsigned char *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = hw_sha256_rotr(w[t - 15], 7) ^ hw_sha256_rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = hw_sha256_rotr(w[t - 2], 17) ^ hw_sha256_rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
    uint32_t e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t s1 = hw_sha256_rotr(e, 6) ^ hw_sha256_rotr(e, 11) ^ hw_sha256_rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + ch + hw_sha256_k[t] + w[t];
        uint32_t s0 = hw_sha256_rotr(a, 2) ^ hw_sha256_rotr(a, 13) ^ hw_sha256_rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & cc) ^ (b & cc);
        uint32_t t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    c->h[5] += f;
    c->h[6] += g;
    c->h[7] += h;
}

static void hw_sha256_init(struct hw_sha256 *c)
{
    memcpy(c->h, hw_sha256_h0, sizeof c->h);
    c->bytes = 0;
    c->fill = 0;
}

static void hw_sha256_update(struct hw_sha256 *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    c->bytes += n;
    if (c->fill) {
        size_t take = SHA256_BLOCK - c->fill;
        if (take > n)
            take = n;
        memcpy(c->block + c->fill, p, take);
        c->fill += take;
        p += take;
        n -= take;
        if (c->fill < SHA256_BLOCK)
            return;
        hw_sha256_block(c, c->block);
        c->fill = 0;
    }
    for (; n >= SHA256_BLOCK; p += SHA256_BLOCK, n -= SHA256_BLOCK)
        hw_sha256_block(c, p);
    memcpy(c->block, p, n);
    c->fill = n;
}

static void hw_sha256_final_hex(struct hw_sha256 *c, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    uint64_t bits = c->bytes * 8;

    /* FIPS 180-4, 5.1.1: a 1 bit, zeros, then the length in bits. */
    c->block[c->fill++] = 0x80;
    if (c->fill > SHA256_BLOCK - SHA256_LENGTH_BYTES) {
        memset(c->block + c->fill, 0, SHA256_BLOCK - c->fill);
        hw_sha256_block(c, c->block);
        c->fill = 0;
    }
    memset(c->block + c->fill, 0, SHA256_BLOCK - SHA256_LENGTH_BYTES - c->fill);
    for (int i = 0; i < SHA256_LENGTH_BYTES; i++)
        c->block[SHA256_BLOCK - 1 - i] = (unsigned char)(bits >> (8 * i));
    hw_sha256_block(c, c->block);
    c->fill = 0;

    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            hex[8 * i + j] = digits[(c->h[i] >> (28 - 4 * j)) & 0xf];
    hex[65 - 1] = '\0';
}

