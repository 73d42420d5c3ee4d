#include "rng.h"

#include "check.h"

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

/* ---- ziggurats ------------------------------------------------------------
 *
 * Marsaglia and Tsang's ziggurat method (J. Stat. Software 5(8), 2000) with
 * 256 layers of equal area v under the density f (exp(-x) for the
 * exponential, exp(-x^2/2) for the half-normal): layer i spans heights
 * f(x[i]) .. f(x[i+1]) and widths 0 .. x[i], from x[0] = v / f(r) and x[1]
 * = r to x[256] = 0; layer 0 is the base rectangle plus the tail beyond r.
 * One 64-bit draw gives the layer (8 bits), the sign (1 bit, normal only)
 * and a uniform (the top 53 bits); a point left of x[i+1] lies under the
 * curve and is returned at once, which is about 99% of draws. The rest are
 * decided by a second uniform against f, or come from the tail: r + Exp(1)
 * for the exponential, Marsaglia's method for the normal. The constants r
 * and v = r f(r) + P(X > r) are those that make the top layer's area v too
 * (x[256] = 0): the paper's, solved again to full double precision; the
 * tables are checked to close to within ZIG_CLOSE. */
#define ZIG_LAYERS RNG_ZIG_LAYERS
#define ZIG_EXP_R 7.6971174701310492
#define ZIG_EXP_V 0.0039496598225815588
#define ZIG_NORM_R 3.6541528853610092
#define ZIG_NORM_V 0.0049286732339746484
#define ZIG_CLOSE 1e-9         /* relative error of the top layer's area */
#define ZIG_SIGN_BIT 8

struct rng_zig rng_zig_exp;
static struct rng_zig zig_norm;

static double f_exp(double x) { return exp(-x); }
static double f_exp_inv(double y) { return -log(y); }
static double f_norm(double x) { return exp(-0.5 * x * x); }
static double f_norm_inv(double y) { return sqrt(-2.0 * log(y)); }

static void zig_build(struct rng_zig *z, double r, double v, double (*f)(double), double (*f_inv)(double))
{
    z->x[0] = v / f(r);
    z->x[1] = r;
    for (int i = 1; i < ZIG_LAYERS - 1; i++)
        z->x[i + 1] = f_inv(f(z->x[i]) + v / z->x[i]);
    z->x[ZIG_LAYERS] = 0;
    for (int i = 0; i <= ZIG_LAYERS; i++)
        z->f[i] = f(z->x[i]);
    double top = z->x[ZIG_LAYERS - 1] * (1.0 - z->f[ZIG_LAYERS - 1]);
    CHECK(fabs(top - v) <= ZIG_CLOSE * v);
}

/* The tables are built once, before main, while only one thread runs. */
__attribute__((constructor)) static void zig_init(void)
{
    zig_build(&rng_zig_exp, ZIG_EXP_R, ZIG_EXP_V, f_exp, f_exp_inv);
    zig_build(&zig_norm, ZIG_NORM_R, ZIG_NORM_V, f_norm, f_norm_inv);
}

double rng_exponential_rest(struct rng *s, uint64_t u)
{
    const struct rng_zig *z = &rng_zig_exp;
    for (;;) {
        unsigned i = (unsigned)(u & (ZIG_LAYERS - 1));
        double x = rng_zig_x(z, u, i);
        if (x < z->x[i + 1])
            return x;
        if (i == 0)
            return ZIG_EXP_R - log(rng_uniform(s));
        if (z->f[i] + rng_uniform(s) * (z->f[i + 1] - z->f[i]) < exp(-x))
            return x;
        u = rng_next(s);
    }
}

double rng_normal(struct rng *s)
{
    const struct rng_zig *z = &zig_norm;
    for (;;) {
        uint64_t u = rng_next(s);
        unsigned i = (unsigned)(u & (ZIG_LAYERS - 1));
        double sign = (u >> ZIG_SIGN_BIT) & 1 ? -1.0 : 1.0;
        double x = rng_zig_x(z, u, i);
        if (x < z->x[i + 1])
            return sign * x;
        if (i == 0) {
            double a, b;
            do {
                a = -log(rng_uniform(s)) / ZIG_NORM_R;
                b = -log(rng_uniform(s));
            } while (b + b < a * a);
            return sign * (ZIG_NORM_R + a);
        }
        if (z->f[i] + rng_uniform(s) * (z->f[i + 1] - z->f[i]) < exp(-0.5 * x * x))
            return sign * x;
    }
}

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
