/* test_date.c — civil dates (sim/date.h). */
#include "tests/testutil.h"

#include "sim/date.h"

#include <string.h>

static struct date D(int y, int m, int d) { return (struct date){ y, m, d }; }

static bool same(struct date a, struct date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

#define ASSERT_DATE(got, y, m, d)                                                    \
    do {                                                                             \
        struct date g_ = (got);                                                      \
        if (!same(g_, D(y, m, d)))                                                   \
            fail_msg("%s = %04d-%02d-%02d, expected %04d-%02d-%02d", #got, g_.year,   \
                     g_.month, g_.day, y, m, d);                                     \
    } while (0)

/* Month lengths written out independently of date.c. */
static int days_in(int y, int m)
{
    static const int len[13] = { 0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : len[m];
}

static void test_parse_valid(void **state)
{
    (void)state;
    struct date d;
    assert_true(date_parse("2024-02-29", &d));
    ASSERT_DATE(d, 2024, 2, 29);
    assert_true(date_parse("2000-02-29", &d));   /* divisible by 400: leap */
    ASSERT_DATE(d, 2000, 2, 29);
    assert_true(date_parse("2024-04-01", &d));
    ASSERT_DATE(d, 2024, 4, 1);
    assert_true(date_parse("1900-01-01", &d));
    ASSERT_DATE(d, 1900, 1, 1);
    assert_true(date_parse("9999-12-31", &d));
    ASSERT_DATE(d, 9999, 12, 31);
    assert_true(date_parse("2023-12-31", &d));
    ASSERT_DATE(d, 2023, 12, 31);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    const char *bad[] = {
        "2023-02-29",   /* not a leap year */
        "1900-02-29",   /* divisible by 100, not 400 */
        "2024-1-01",    /* month not two digits */
        "2024-01-1",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",   /* April has 30 days */
        "2024-04-00",
        "2024-01-32",
        "1899-12-31",   /* before 1900 */
        "0000-01-01",
        "2024/01/01",
        "2024-01-01x",
        " 2024-01-01",
        "2024-01-01 ",
        "20240101",
        "abcd-ef-gh",
        "2024-0a-01",
        "+024-01-01",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct date d = D(1111, 11, 11);
        if (date_parse(bad[i], &d))
            fail_msg("\"%s\" parsed as a date", bad[i]);
        ASSERT_DATE(d, 1111, 11, 11);   /* left alone */
    }
    struct date d = D(1111, 11, 11);
    assert_false(date_parse(NULL, &d));
    ASSERT_DATE(d, 1111, 11, 11);
}

static void test_known_days(void **state)
{
    (void)state;
    assert_int_equal(date_to_days(D(1970, 1, 1)), 0);
    assert_int_equal(date_to_days(D(2000, 3, 1)), 11017);
    assert_int_equal(date_to_days(D(1969, 12, 31)), -1);
    assert_int_equal(date_to_days(D(2024, 2, 29)), 19782);
    assert_int_equal(date_to_days(D(2024, 4, 1)), 19814);
    assert_true(date_to_days(D(1900, 1, 1)) == -25567);
    assert_int_equal(date_to_days(D(9999, 12, 31)), 2932896);
    ASSERT_DATE(date_from_days(0), 1970, 1, 1);
    ASSERT_DATE(date_from_days(11017), 2000, 3, 1);
    ASSERT_DATE(date_from_days(-1), 1969, 12, 31);
    ASSERT_DATE(date_from_days(-25567), 1900, 1, 1);
    ASSERT_DATE(date_from_days(19782), 2024, 2, 29);
}

static void test_round_trip(void **state)
{
    (void)state;
    /* Walk every day from 1900-01-01 to 9999-12-31, stepping the date with
     * the independent month table: each day number is one more than the
     * previous, and converts back to the same date. */
    struct date d = D(1900, 1, 1);
    long n = date_to_days(d);
    for (;;) {
        long k = date_to_days(d);
        if (k != n)
            fail_msg("%04d-%02d-%02d -> %ld, expected %ld", d.year, d.month, d.day, k, n);
        struct date back = date_from_days(k);
        if (!same(back, d))
            fail_msg("%ld -> %04d-%02d-%02d, expected %04d-%02d-%02d", k, back.year,
                     back.month, back.day, d.year, d.month, d.day);
        if (same(d, D(9999, 12, 31)))
            break;
        if (++d.day > days_in(d.year, d.month)) {
            d.day = 1;
            if (++d.month > 12) {
                d.month = 1;
                d.year++;
            }
        }
        n++;
    }
    assert_int_equal(n, 2932896);
}

static void test_format(void **state)
{
    (void)state;
    char buf[DATE_TEXT_SIZE];
    date_format(D(2024, 2, 29), buf);
    assert_string_equal(buf, "2024-02-29");
    date_format(D(1900, 1, 1), buf);
    assert_string_equal(buf, "1900-01-01");
    date_format(D(9999, 12, 31), buf);
    assert_string_equal(buf, "9999-12-31");
    /* Format and parse are inverses over a spread of day numbers. */
    for (long k = -25567; k <= 2932896; k += 997) {
        struct date d = date_from_days(k), back;
        date_format(d, buf);
        assert_int_equal(strlen(buf), 10);
        assert_true(date_parse(buf, &back));
        assert_true(same(back, d));
    }
}

static void test_add_months(void **state)
{
    (void)state;
    ASSERT_DATE(date_add_months(D(2024, 1, 31), 1), 2024, 2, 29);   /* clamped, leap */
    ASSERT_DATE(date_add_months(D(2023, 1, 31), 1), 2023, 2, 28);   /* clamped */
    ASSERT_DATE(date_add_months(D(2024, 1, 31), 2), 2024, 3, 31);   /* not clamped */
    ASSERT_DATE(date_add_months(D(2024, 3, 31), 1), 2024, 4, 30);
    ASSERT_DATE(date_add_months(D(2024, 3, 31), -1), 2024, 2, 29);
    ASSERT_DATE(date_add_months(D(2024, 1, 15), -1), 2023, 12, 15);  /* back over a year */
    ASSERT_DATE(date_add_months(D(2024, 11, 15), 3), 2025, 2, 15);   /* over a year */
    ASSERT_DATE(date_add_months(D(2024, 2, 29), 12), 2025, 2, 28);
    ASSERT_DATE(date_add_months(D(2024, 2, 29), 48), 2028, 2, 29);
    ASSERT_DATE(date_add_months(D(2024, 4, 1), 60), 2029, 4, 1);    /* a 5-year horizon */
    ASSERT_DATE(date_add_months(D(2024, 4, 1), -24), 2022, 4, 1);
    ASSERT_DATE(date_add_months(D(2024, 6, 17), 0), 2024, 6, 17);
    ASSERT_DATE(date_add_months(D(2024, 12, 31), 1), 2025, 1, 31);
    ASSERT_DATE(date_add_months(D(2024, 1, 1), -1), 2023, 12, 1);

    /* Quarterly steps from a month end stay on the 31st only when they can. */
    struct date d = D(2024, 1, 31);
    for (int q = 1; q <= 8; q++) {
        struct date s = date_add_months(d, 3 * q);
        int last = days_in(s.year, s.month);
        assert_int_equal(s.day, last < 31 ? last : 31);
        assert_int_equal((s.month - 1) % 3, 0);
    }
}

static void test_diff(void **state)
{
    (void)state;
    assert_int_equal(date_diff(D(2024, 4, 1), D(2025, 4, 1)), 365);
    assert_int_equal(date_diff(D(2023, 4, 1), D(2024, 4, 1)), 366);   /* over 2024-02-29 */
    assert_int_equal(date_diff(D(2024, 2, 28), D(2024, 3, 1)), 2);
    assert_int_equal(date_diff(D(2023, 2, 28), D(2023, 3, 1)), 1);
    assert_int_equal(date_diff(D(2025, 1, 1), D(2024, 4, 1)), -275);
    assert_int_equal(date_diff(D(2024, 6, 17), D(2024, 6, 17)), 0);
    assert_int_equal(date_diff(D(1900, 1, 1), D(2000, 1, 1)), 36524);
    assert_int_equal(date_diff(D(2000, 1, 1), D(2100, 1, 1)), 36525);
    assert_int_equal(date_diff(D(1969, 12, 31), D(1970, 1, 1)), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_known_days),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
