/* rng.h — counter-based random streams derived from one master seed.
 *
 * A stream is two words: a key (which stream) and a counter (how far along).
 * Draw i of a stream is a strong 64-bit hash of (key, i), so any number of
 * streams can be made without set-up cost, streams never overlap, and a stream
 * can live inside the entity that owns it (a case, a post) — that is what
 * makes common random numbers work: the same entity in two scenarios sees the
 * same draws however the rest of the run differs.
 *
 * Keys are derived by mixing: rng_key(master, replication, kind, index). */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

struct rng {
    uint64_t key;
    uint64_t counter;
};

/* A well-mixed 64-bit hash of two words (not commutative). */
uint64_t rng_mix(uint64_t a, uint64_t b);

/* Key of stream (a, b, c) under the master seed. */
static inline uint64_t rng_key(uint64_t master, uint64_t a, uint64_t b, uint64_t c)
{
    return rng_mix(rng_mix(rng_mix(master, a), b), c);
}

/* A 64-bit hash of a string (to key streams by name, e.g. a grade). */
uint64_t rng_hash_text(const char *text);

static inline void rng_seed(struct rng *s, uint64_t key)
{
    s->key = key;
    s->counter = 0;
}

static inline uint64_t rng_splitmix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* The next 64 random bits of the stream. */
static inline uint64_t rng_next(struct rng *s)
{
    uint64_t c = ++s->counter;
    return rng_splitmix(s->key ^ rng_splitmix(c * 0x9E3779B97F4A7C15ULL));
}

/* Uniform on (0, 1): never exactly 0 or 1. */
static inline double rng_uniform(struct rng *s)
{
    return ((double)(rng_next(s) >> 11) + 0.5) * 0x1.0p-53;
}

/* Ziggurat tables (rng.c): layer edges x, decreasing to x[256] = 0, and the
 * density at them. Shared with the inline common case below. */
#define RNG_ZIG_LAYERS 256
struct rng_zig {
    double x[RNG_ZIG_LAYERS + 1];
    double f[RNG_ZIG_LAYERS + 1];
};
extern struct rng_zig rng_zig_exp;

/* The point of layer i (the draw's low 8 bits) from the 64-bit draw u: x
 * uniform on (0, x[i]) from the top 53 bits. */
static inline double rng_zig_x(const struct rng_zig *z, uint64_t u, unsigned i)
{
    return ((double)(u >> 11) + 0.5) * 0x1.0p-53 * z->x[i];
}

/* The rest of an Exp(1) draw whose first 64 bits u missed the common case. */
double rng_exponential_rest(struct rng *s, uint64_t u);

/* Exponential with the given mean (> 0); never 0. By the ziggurat method
 * (rng.c): one draw of the stream in about 99% of calls, occasionally more;
 * the common case is inline (bench/mm1: 10% faster than a call). */
static inline double rng_exponential(struct rng *s, double mean)
{
    uint64_t u = rng_next(s);
    unsigned i = (unsigned)(u & (RNG_ZIG_LAYERS - 1));
    double x = rng_zig_x(&rng_zig_exp, u, i);
    return mean * (x < rng_zig_exp.x[i + 1] ? x : rng_exponential_rest(s, u));
}

/* Standard normal, by the ziggurat method; draws as rng_exponential. */
double rng_normal(struct rng *s);

/* A GSL generator view of the stream, for GSL's distributions. The view holds
 * a pointer to s: draws through it advance s. Valid while s lives. */
gsl_rng rng_gsl_view(struct rng *s);

/* The gsl_rng_type of the views (name "caseload-counter"). */
extern const gsl_rng_type *rng_gsl_type;

#endif
