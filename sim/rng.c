#include "rng.h"

#include <math.h>

uint64_t rng_mix(uint64_t a, uint64_t b)
{
    return rng_splitmix(rng_splitmix(a + 0x632BE59BD9B4E019ULL) ^ (b * 0x9E3779B97F4A7C15ULL + 0xD1B54A32D192ED03ULL));
}

uint64_t rng_hash_text(const char *text)
{
    uint64_t h = 0xCBF29CE484222325ULL; /* FNV-1a offset basis */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 0x100000001B3ULL;
    return rng_splitmix(h);
}

double rng_exponential(struct rng *s, double mean) { return -mean * log(rng_uniform(s)); }

/* GSL adaptor: the state is the struct rng the view points at. */
static void view_set(void *state, unsigned long seed)
{
    rng_seed(state, (uint64_t)seed);
}

static unsigned long view_get(void *state) { return (unsigned long)(rng_next(state) >> 32); }

static double view_get_double(void *state)
{
    return (double)(rng_next(state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type view_type = {
    "caseload-counter", 0xFFFFFFFFUL, 0, sizeof(struct rng),
    view_set, view_get, view_get_double,
};

const gsl_rng_type *rng_gsl_type = &view_type;

gsl_rng rng_gsl_view(struct rng *s)
{
    gsl_rng g = { &view_type, s };
    return g;
}
