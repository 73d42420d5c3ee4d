/* test_rng.c — counter-based random streams (sim/rng.h).
 *
 * Statistical checks use a fixed key, so each is deterministic; the bounds are
 * what a correct generator would exceed with a tiny probability (4 standard
 * errors: about 6e-5 two-sided under the normal approximation; chi-square at
 * p = 1e-6), so a failure means a defect, not bad luck. */
#include "tests/testutil.h"

#include "sim/rng.h"

#include <gsl/gsl_cdf.h>
#include <stdlib.h>
#include <string.h>

enum { N_DRAWS = 1000000 };

static const uint64_t KEY = 0x2385A11CE5EEDULL;

static void test_same_key_same_sequence(void **state)
{
    (void)state;
    struct rng a, b;
    rng_seed(&a, KEY);
    rng_seed(&b, KEY);
    for (int i = 0; i < 10000; i++)
        assert_true(rng_next(&a) == rng_next(&b));
    assert_true(a.counter == 10000 && b.counter == 10000);

    /* Re-seeding restarts the stream; the stream is a pure function of
     * (key, counter), so jumping the counter gives the same draw. */
    rng_seed(&a, KEY);
    uint64_t first = rng_next(&a);
    for (int i = 0; i < 99; i++)
        rng_next(&a);
    uint64_t hundred_first = rng_next(&a);
    rng_seed(&b, KEY);
    assert_true(rng_next(&b) == first);
    b.counter = 100;
    assert_true(rng_next(&b) == hundred_first);
}

static int u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

static void test_different_keys_differ(void **state)
{
    (void)state;
    /* Keys one bit apart: no draw in the same position may agree (a chance
     * agreement has probability 2^-64 per draw). */
    struct rng a, b, c;
    rng_seed(&a, KEY);
    rng_seed(&b, KEY ^ 1);
    rng_seed(&c, KEY + 1);
    for (int i = 0; i < 10000; i++) {
        uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c);
        assert_true(x != y && x != z && y != z);
    }
    /* Nor do the streams overlap: pool 64 streams x 1024 draws, all distinct. */
    enum { STREAMS = 64, LEN = 1024 };
    uint64_t *all = malloc(STREAMS * LEN * sizeof *all);
    assert_non_null(all);
    for (uint64_t s = 0; s < STREAMS; s++) {
        struct rng r;
        rng_seed(&r, rng_key(7, 0, 0, s));
        for (size_t i = 0; i < LEN; i++)
            all[s * LEN + i] = rng_next(&r);
    }
    qsort(all, STREAMS * LEN, sizeof *all, u64_cmp);
    for (size_t i = 1; i < STREAMS * LEN; i++)
        assert_true(all[i] != all[i - 1]);
    free(all);
}

static void test_uniform_open_interval(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, KEY);
    double lo = 1, hi = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double u = rng_uniform(&r);
        assert_true(u > 0.0 && u < 1.0);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    /* The extremes reach close to the ends: P(min > 1e-4) = (1-1e-4)^1e6 ≈ e^-100. */
    assert_true(lo < 1e-4 && hi > 1 - 1e-4);
}

static void test_uniform_mean_variance(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, KEY ^ 0xABCDEFu);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double u = rng_uniform(&r);
        sum += u;
        sum2 += u * u;
    }
    double n = N_DRAWS;
    double mean = sum / n;
    double var = (sum2 - n * mean * mean) / (n - 1);
    /* U(0,1): variance 1/12, so the mean's standard error is sqrt(1/12 / n). */
    TU_ASSERT_WITHIN(mean, 0.5, 4 * sqrt(1.0 / 12.0) / sqrt(n));
    /* The sample variance has variance (mu4 - sigma^4) / n, with the fourth
     * central moment mu4 = 1/80 and sigma^4 = 1/144 for U(0,1). */
    TU_ASSERT_WITHIN(var, 1.0 / 12.0, 4 * sqrt((1.0 / 80 - 1.0 / 144) / n));
}

static void test_uniform_chi_square(void **state)
{
    (void)state;
    enum { BINS = 100 };
    unsigned long count[BINS] = { 0 };
    struct rng r;
    rng_seed(&r, rng_key(KEY, 1, 2, 3));
    for (int i = 0; i < N_DRAWS; i++)
        count[(int)(rng_uniform(&r) * BINS)]++;
    double expect = (double)N_DRAWS / BINS, chi2 = 0;
    for (int b = 0; b < BINS; b++)
        chi2 += ((double)count[b] - expect) * ((double)count[b] - expect) / expect;
    /* Under uniformity chi2 ~ chi-square(BINS - 1); reject at p = 1e-6. */
    double limit = gsl_cdf_chisq_Qinv(1e-6, BINS - 1);
    if (!(chi2 < limit))
        fail_msg("chi-square %.2f over %d bins exceeds %.2f (p = 1e-6)", chi2, BINS, limit);
    /* Also not suspiciously good (p = 1e-6 in the lower tail): a generator
     * that spread its draws evenly on purpose would not be random. */
    assert_true(chi2 > gsl_cdf_chisq_Pinv(1e-6, BINS - 1));
}

static void test_serial_correlation(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, rng_key(KEY, 4, 5, 6));
    /* Lag-1 and lag-2 autocorrelations of independent draws are
     * asymptotically normal with mean 0 and standard error 1/sqrt(n). */
    double prev2 = rng_uniform(&r) - 0.5, prev = rng_uniform(&r) - 0.5;
    double s11 = 0, s12 = 0, s00 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = rng_uniform(&r) - 0.5;
        s11 += x * prev;
        s12 += x * prev2;
        s00 += x * x;
        prev2 = prev;
        prev = x;
    }
    double se = 1.0 / sqrt((double)N_DRAWS);
    TU_ASSERT_WITHIN(s11 / s00, 0.0, 4 * se);
    TU_ASSERT_WITHIN(s12 / s00, 0.0, 4 * se);
}

static void test_exponential(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, rng_key(KEY, 9, 9, 9));
    const double mean = 23.85;
    double sum = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = rng_exponential(&r, mean);
        assert_true(x > 0 && isfinite(x));
        sum += x;
    }
    /* Exponential: sd = mean, so the standard error is mean / sqrt(n). */
    TU_ASSERT_WITHIN(sum / N_DRAWS, mean, 4 * mean / sqrt((double)N_DRAWS));
}

/* The ziggurat samplers' shape: a chi-square over bins equiprobable under
 * the target distribution (cut at its quantiles, the outer bins reaching
 * into the tails the ziggurat draws separately); the share beyond the
 * ziggurat's base-layer edge r, which only the tail method produces (4
 * binomial standard errors); and the mean excess over r of those draws (4
 * standard errors). */
struct shape {
    double (*draw)(struct rng *r);
    double (*quantile)(double p);
    double (*upper)(double x);   /* P(X > x) */
    double r;                    /* the base layer's edge */
    bool two_sided;
    double excess_mean, excess_sd; /* of |X| - r given |X| > r */
};

static void check_shape(const struct shape *sh, uint64_t key)
{
    enum { BINS = 200 };
    double cut[BINS - 1];
    for (int b = 1; b < BINS; b++)
        cut[b - 1] = sh->quantile((double)b / BINS);
    unsigned long count[BINS] = { 0 }, beyond = 0;
    double excess = 0;
    struct rng r;
    rng_seed(&r, key);
    for (int i = 0; i < N_DRAWS; i++) {
        double x = sh->draw(&r);
        assert_true(isfinite(x));
        int lo = 0, hi = BINS - 1; /* the bin: first cut above x */
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (x < cut[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        count[lo]++;
        double a = sh->two_sided ? fabs(x) : x;
        if (a > sh->r) {
            beyond++;
            excess += a - sh->r;
        }
    }
    double expect = (double)N_DRAWS / BINS, chi2 = 0;
    for (int b = 0; b < BINS; b++)
        chi2 += ((double)count[b] - expect) * ((double)count[b] - expect) / expect;
    double limit = gsl_cdf_chisq_Qinv(1e-6, BINS - 1);
    if (!(chi2 < limit))
        fail_msg("chi-square %.2f over %d bins exceeds %.2f (p = 1e-6)", chi2, BINS, limit);
    double p = (sh->two_sided ? 2 : 1) * sh->upper(sh->r);
    TU_ASSERT_WITHIN((double)beyond / N_DRAWS, p, 4 * sqrt(p * (1 - p) / N_DRAWS));
    TU_ASSERT_WITHIN(excess / (double)beyond, sh->excess_mean, 4 * sh->excess_sd / sqrt((double)beyond));
}

static double draw_normal(struct rng *r) { return rng_normal(r); }
static double draw_exp(struct rng *r) { return rng_exponential(r, 1.0); }
static double upper_normal(double x) { return gsl_cdf_ugaussian_Q(x); }
static double quantile_exp(double p) { return gsl_cdf_exponential_Pinv(p, 1.0); }
static double upper_exp(double x) { return gsl_cdf_exponential_Q(x, 1.0); }

static void test_normal(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, rng_key(KEY, 7, 7, 7));
    double sum = 0, sum2 = 0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = rng_normal(&r);
        sum += x;
        sum2 += x * x;
    }
    double n = N_DRAWS, mean = sum / n, var = (sum2 - n * mean * mean) / (n - 1);
    /* Standard normal: SE of the mean 1/sqrt(n); of the variance
     * sqrt((mu4 - (n-3)/(n-1)) / n) with mu4 = 3. */
    TU_ASSERT_WITHIN(mean, 0.0, 4 / sqrt(n));
    TU_ASSERT_WITHIN(var, 1.0, 4 * sqrt((3.0 - (n - 3) / (n - 1)) / n));
    /* Beyond r the normal's excess has mean lambda - r and variance
     * 1 + r lambda - lambda^2, lambda = phi(r) / Q(r) (inverse Mills ratio). */
    const double zr = 3.6541528853610092;
    double lambda = exp(-0.5 * zr * zr) / sqrt(2 * M_PI) / gsl_cdf_ugaussian_Q(zr);
    const struct shape normal = { draw_normal, gsl_cdf_ugaussian_Pinv, upper_normal, zr, true,
                                  lambda - zr, sqrt(1 + zr * lambda - lambda * lambda) };
    check_shape(&normal, rng_key(KEY, 7, 7, 8));
}

static void test_exponential_shape(void **state)
{
    (void)state;
    /* Memoryless: the excess over r is Exp(1) again. */
    const struct shape expo = { draw_exp, quantile_exp, upper_exp, 7.6971174701310492, false, 1.0, 1.0 };
    check_shape(&expo, rng_key(KEY, 9, 9, 10));
}

/* The exponential's far tail, drawn by a method of its own beyond the
 * ziggurat's base edge r = 7.697: the excess over r of those draws is Exp(1)
 * again. test_exponential_shape sees about N_DRAWS e^-r = 450 of them, too
 * few to notice a tail 10% too thin or too fat (its 4-SE bound is 0.19).
 * Here TAIL_DRAWS = 2^24 draws give about 7600 beyond r: the mean excess
 * has SE 1/sqrt(7600) = 0.0115 and a 4-SE bound of 0.046, so a tail scaled
 * by 0.9 or 1.1 (a shift of 8.7 SE) is detected with probability
 * Phi(8.7 - 4) > 0.999998, while a correct sampler fails with ~6e-5. */
static void test_exponential_far_tail(void **state)
{
    (void)state;
    enum { TAIL_DRAWS = 1 << 24 };
    const double r = 7.6971174701310492;
    struct rng s;
    rng_seed(&s, rng_key(KEY, 9, 9, 11));
    double excess = 0;
    unsigned long beyond = 0;
    for (long i = 0; i < TAIL_DRAWS; i++) {
        double x = rng_exponential(&s, 1.0);
        if (x > r) {
            beyond++;
            excess += x - r;
        }
    }
    double p = exp(-r);
    TU_ASSERT_WITHIN((double)beyond / TAIL_DRAWS, p, 4 * sqrt(p * (1 - p) / TAIL_DRAWS));
    TU_ASSERT_WITHIN(excess / (double)beyond, 1.0, 4 / sqrt((double)beyond));
}

static void test_gsl_view_shares_stream(void **state)
{
    (void)state;
    struct rng s, ref;
    rng_seed(&s, KEY);
    rng_seed(&ref, KEY);
    gsl_rng g = rng_gsl_view(&s);
    assert_string_equal(gsl_rng_name(&g), "caseload-counter");
    assert_string_equal(rng_gsl_type->name, "caseload-counter");
    assert_true(gsl_rng_max(&g) == 0xFFFFFFFFUL && gsl_rng_min(&g) == 0);

    /* A draw through the view is draw 1 of the stream... */
    unsigned long v = gsl_rng_get(&g);
    assert_true(v == (unsigned long)(rng_next(&ref) >> 32));
    assert_true(s.counter == 1);
    /* ...and rng_next continues with draw 2. */
    assert_true(rng_next(&s) == rng_next(&ref));
    assert_true(s.counter == 2);

    /* Doubles through the view use the same draws, in [0, 1). */
    double d = gsl_rng_uniform(&g);
    assert_true(d == (double)(rng_next(&ref) >> 11) * 0x1.0p-53);
    assert_true(d >= 0 && d < 1);
    assert_true(s.counter == 3);

    /* Seeding through GSL re-keys the stream the view points at. */
    gsl_rng_set(&g, 12345);
    assert_true(s.key == 12345 && s.counter == 0);
}

static void test_keys_distinct(void **state)
{
    (void)state;
    /* All (a, b, c) in 0..15 under two masters: 8192 keys, all distinct. */
    enum { K = 16, N = 2 * K * K * K };
    uint64_t *keys = malloc(N * sizeof *keys);
    assert_non_null(keys);
    size_t n = 0;
    for (uint64_t m = 0; m < 2; m++)
        for (uint64_t a = 0; a < K; a++)
            for (uint64_t b = 0; b < K; b++)
                for (uint64_t c = 0; c < K; c++)
                    keys[n++] = rng_key(m ? 20240401u : 1u, a, b, c);
    qsort(keys, n, sizeof *keys, u64_cmp);
    for (size_t i = 1; i < n; i++)
        assert_true(keys[i] != keys[i - 1]);
    free(keys);

    /* rng_mix is not commutative, and rearranging the key's parts matters. */
    assert_true(rng_mix(3, 5) != rng_mix(5, 3));
    assert_true(rng_mix(0, 0) != 0);
    assert_true(rng_key(42, 1, 2, 3) != rng_key(42, 3, 2, 1));
    assert_true(rng_key(42, 1, 2, 3) != rng_key(43, 1, 2, 3));
    assert_true(rng_mix(1, 2) == rng_mix(1, 2));

    /* Avalanche: flipping one input bit flips about half of the 64 output
     * bits. Over 64 x 64 single-bit flips the count of flipped bits is
     * Binomial(64 * 4096, 1/2) for a good mix: mean 131072, sd 256. */
    unsigned long flipped = 0;
    for (int i = 0; i < 64; i++)
        for (int bit = 0; bit < 64; bit++) {
            uint64_t a = rng_mix(KEY + (uint64_t)i, 99);
            uint64_t b = rng_mix((KEY + (uint64_t)i) ^ ((uint64_t)1 << bit), 99);
            flipped += (unsigned long)__builtin_popcountll(a ^ b);
        }
    TU_ASSERT_WITHIN((double)flipped, 64.0 * 4096 / 2, 4 * 256.0);
}

static void test_hash_text(void **state)
{
    (void)state;
    const char *names[] = { "sw", "nqsw", "senior", "agency", "manager", "", "ws", "sw ",
                            "assessment", "cin", "cp", "looked_after" };
    const size_t n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; i++) {
        assert_true(rng_hash_text(names[i]) == rng_hash_text(names[i]));
        for (size_t j = i + 1; j < n; j++)
            if (rng_hash_text(names[i]) == rng_hash_text(names[j]))
                fail_msg("\"%s\" and \"%s\" hash alike", names[i], names[j]);
    }
    /* The hash reads the text, not the pointer. */
    char copy[8];
    strcpy(copy, "senior");
    assert_true(rng_hash_text(copy) == rng_hash_text("senior"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_key_same_sequence),
        cmocka_unit_test(test_different_keys_differ),
        cmocka_unit_test(test_uniform_open_interval),
        cmocka_unit_test(test_uniform_mean_variance),
        cmocka_unit_test(test_uniform_chi_square),
        cmocka_unit_test(test_serial_correlation),
        cmocka_unit_test(test_exponential),
        cmocka_unit_test(test_exponential_shape),
        cmocka_unit_test(test_exponential_far_tail),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_gsl_view_shares_stream),
        cmocka_unit_test(test_keys_distinct),
        cmocka_unit_test(test_hash_text),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
