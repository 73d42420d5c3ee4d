/* test_numfmt.c — numbers as text: the special values, and agreement with
 * printf ("%.0f" for whole numbers, "%.10g" for the rest) on many values,
 * ties and carries in the range numfmt formats by itself among them. */
#include "output/numfmt.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#define TEST_SEED 20240917UL
#define TEST_DRAWS 200000
#define TEST_MAX_EXP10 15     /* whole numbers are written by hand below 1e15 */
#define TEST_WIDE_EXP10 300   /* other values range over 1e-300 .. 1e300 */
#define TEST_MAX_EXP10_VALUE 1e15
#define TEST_TIE_RANGE 2e10   /* whole parts of the ties: up to twice the range */
#define TEST_TIE_SHIFTS 16    /* k / 2^j for j < 16: down to about 1e-5 of k */

static void expect(double v, const char *text)
{
    char buf[NUMFMT_SIZE];
    size_t n = numfmt(buf, v);
    assert_string_equal(buf, text);
    assert_int_equal(n, strlen(text));
}

static void test_special_values(void **state)
{
    (void)state;
    expect(NAN, "NA");
    expect(-NAN, "NA");
    expect(INFINITY, "Inf");
    expect(-INFINITY, "-Inf");
    expect(0.0, "0");
    expect(-0.0, "0");
}

static void test_whole_numbers(void **state)
{
    (void)state;
    expect(1.0, "1");
    expect(-7.0, "-7");
    expect(2385.0, "2385");
    expect(123456789012.0, "123456789012");       /* %.10g would round it */
    expect(999999999999999.0, "999999999999999");
    expect(-999999999999999.0, "-999999999999999");
    expect(1e15, "1e+15");                         /* at the limit: %.10g */
    expect(-1e15, "-1e+15");
    expect(4503599627370496.0, "4.503599627e+15");
}

static void test_fractions(void **state)
{
    (void)state;
    expect(2.385, "2.385");
    expect(0.1, "0.1");
    expect(-0.5, "-0.5");
    expect(1.0 / 3.0, "0.3333333333");
    expect(2.0 / 3.0, "0.6666666667");
    expect(1e-5, "1e-05");
    expect(123456.7890123, "123456.789");
    expect(DBL_MIN, "2.225073859e-308");
    expect(DBL_TRUE_MIN, "4.940656458e-324");
    expect(DBL_MAX, "1.797693135e+308");
}

/* Random values of every magnitude against printf. */
static void test_against_printf(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED);
    char got[NUMFMT_SIZE], want[NUMFMT_SIZE];
    for (int i = 0; i < TEST_DRAWS; i++) {
        double sign = gsl_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
        double v;
        if (i % 2 == 0) {
            /* a whole number below 1e15 */
            double mag = pow(10.0, gsl_rng_uniform(rng) * TEST_MAX_EXP10);
            v = sign * floor(mag);
            snprintf(want, sizeof want, "%.0f", v);
        } else {
            double e = (2.0 * gsl_rng_uniform(rng) - 1.0) * TEST_WIDE_EXP10;
            v = sign * pow(10.0, e);
            if (v == trunc(v) && fabs(v) < 1e15)
                continue;   /* whole: checked above */
            snprintf(want, sizeof want, "%.10g", v);
        }
        size_t n = numfmt(got, v);
        assert_string_equal(got, want);
        assert_int_equal(n, strlen(want));
    }
    gsl_rng_free(rng);
}

/* The exact fixed-point path (1e-4 <= |v| < 1e10, numfmt.c) against printf:
 * values of every magnitude in and around it; whole numbers plus a half
 * and dyadic fractions k / 2^j, whose exact decimal expansions put a tie at
 * the eleventh significant digit (printf rounds it to even); and values a
 * rounding carries to the next power of ten (9.9999999996 -> 10). */
static void check_g10(double v)
{
    if (fabs(v) < TEST_MAX_EXP10_VALUE && v == trunc(v))
        return;   /* whole: written digit by digit */
    char got[NUMFMT_SIZE], want[NUMFMT_SIZE];
    snprintf(want, sizeof want, "%.10g", v);
    size_t n = numfmt(got, v);
    if (strcmp(got, want) != 0)
        fail_msg("%.17g: numfmt \"%s\", printf \"%s\"", v, got, want);
    assert_int_equal(n, strlen(want));
}

static void test_fixed_range_against_printf(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, TEST_SEED + 1);
    for (int i = 0; i < TEST_DRAWS; i++) {
        double sign = gsl_rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
        /* magnitudes 1e-5 .. 1e11: the range and a decade either side */
        check_g10(sign * pow(10.0, -5.0 + 16.0 * gsl_rng_uniform(rng)));
        double k = floor(gsl_rng_uniform(rng) * TEST_TIE_RANGE);
        check_g10(sign * (k + 0.5));
        check_g10(sign * ldexp(k, -(int)gsl_rng_uniform_int(rng, TEST_TIE_SHIFTS)));
    }
    gsl_rng_free(rng);
    static const double carries[] = { 9.99999999996, 0.000999999999951, 99999.999995, 9999999999.5,
                                      0.0001, 1e10 - 0.25, 0.00009999999999, 1234567890.5, 1234567891.5 };
    for (size_t i = 0; i < sizeof carries / sizeof carries[0]; i++) {
        check_g10(carries[i]);
        check_g10(-carries[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_against_printf),
        cmocka_unit_test(test_fixed_range_against_printf),
    };
    return cmocka_run_group_tests_name("numfmt", tests, NULL, NULL);
}
