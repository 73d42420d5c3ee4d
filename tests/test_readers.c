/* test_readers.c — reading result files back: csv_in on what csv_field
 * writes (quotes, commas, line breaks, CRLF, NA) and json_in on what the
 * JSON writer writes (escapes, nesting), plus the malformed inputs each
 * must refuse. */
#include "output/csv.h"
#include "output/csv_in.h"
#include "output/json.h"
#include "output/json_in.h"

#include "output/afile.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ERR_MAX 512

/* ---- csv_in ------------------------------------------------------------------ */

static void test_csv_round_trip(void **state)
{
    struct tu_dir *d = *state;
    char *path = tu_path(d->dir, "t.csv");
    static const char *const texts[] = {
        "plain", "a, comma", "a \"quote\"", "two\nlines", "", "£ and é",
    };
    enum { N_TEXTS = sizeof texts / sizeof *texts };
    struct afile a;
    assert_true(afile_open(&a, path));
    afile_puts(&a, "name,value\n");
    for (size_t i = 0; i < N_TEXTS; i++) {
        csv_field(&a, texts[i]);
        csv_next_number(&a, i == 1 ? NAN : (double)i + 0.5);
        afile_puts(&a, "\n");
    }
    assert_true(afile_commit(&a));

    static const char *const need[] = { "value", "name" };
    long col[2];
    char err[ERR_MAX];
    struct csv_in c;
    assert_true(csv_in_open(&c, path, need, col, 2, err, sizeof err));
    assert_int_equal(col[0], 1);
    assert_int_equal(col[1], 0);
    long line = 2;
    for (size_t i = 0; i < N_TEXTS; i++) {
        assert_int_equal(csv_in_next(&c), 1);
        assert_int_equal(c.line, line);
        TU_ASSERT_STR(csv_in_field(&c, col[1]), texts[i]);
        double v = csv_in_number(csv_in_field(&c, col[0]));
        if (i == 1)
            assert_true(isnan(v));
        else
            TU_ASSERT_WITHIN(v, (double)i + 0.5, 0.0);
        assert_null(csv_in_field(&c, 2));
        line += strchr(texts[i], '\n') ? 2 : 1;
    }
    assert_int_equal(csv_in_next(&c), 0);
    csv_in_free(&c);
    free(path);
}

static void test_csv_crlf_and_blank_lines(void **state)
{
    struct tu_dir *d = *state;
    char *path = tu_write(d->dir, "crlf.csv", "a,b\r\n\r\n1,\"x\r\ny\"\r\n\n2,3\r\n");
    long col[2];
    char err[ERR_MAX];
    struct csv_in c;
    static const char *const need[] = { "a", "b" };
    assert_true(csv_in_open(&c, path, need, col, 2, err, sizeof err));
    assert_int_equal(csv_in_next(&c), 1);
    TU_ASSERT_STR(csv_in_field(&c, 0), "1");
    TU_ASSERT_STR(csv_in_field(&c, 1), "x\r\ny");      /* quoted: kept as written */
    assert_int_equal(csv_in_next(&c), 1);
    assert_int_equal(c.line, 6);
    TU_ASSERT_STR(csv_in_field(&c, 1), "3");            /* the CR of the line end dropped */
    assert_int_equal(csv_in_next(&c), 0);
    csv_in_free(&c);
    free(path);
}

static void test_csv_errors(void **state)
{
    struct tu_dir *d = *state;
    long col[1];
    char err[ERR_MAX];
    struct csv_in c;
    static const char *const need[] = { "kpi" };

    char *missing = tu_path(d->dir, "none.csv");
    assert_false(csv_in_open(&c, missing, need, col, 1, err, sizeof err));
    tu_assert_contains(err, "none.csv: cannot read");
    free(missing);

    char *empty = tu_write(d->dir, "empty.csv", "");
    assert_false(csv_in_open(&c, empty, need, col, 1, err, sizeof err));
    tu_assert_contains(err, "empty.csv: empty file");
    free(empty);

    char *no_col = tu_write(d->dir, "nocol.csv", "metric,mean\n");
    assert_false(csv_in_open(&c, no_col, need, col, 1, err, sizeof err));
    tu_assert_contains(err, "nocol.csv:1: no column \"kpi\"");
    free(no_col);
    char *late_header = tu_write(d->dir, "late.csv", "\n\nmetric,mean\n");
    assert_false(csv_in_open(&c, late_header, need, col, 1, err, sizeof err));
    tu_assert_contains(err, "late.csv:3: no column \"kpi\"");
    free(late_header);

    char *open_quote = tu_write(d->dir, "quote.csv", "kpi\n\"never closed\n");
    assert_true(csv_in_open(&c, open_quote, need, col, 1, err, sizeof err));
    assert_int_equal(csv_in_next(&c), -1);
    csv_in_free(&c);
    free(open_quote);

    assert_true(isnan(csv_in_number(NULL)));
    assert_true(isnan(csv_in_number("")));
    assert_true(isnan(csv_in_number("NA")));
    assert_true(isnan(csv_in_number("12abc")));
    assert_true(isnan(csv_in_number(" 5")));
    assert_true(isnan(csv_in_number("0x10")));
    assert_true(isnan(csv_in_number("inf")));
    TU_ASSERT_WITHIN(csv_in_number("-1.5e3"), -1500.0, 0.0);
}

/* ---- json_in ----------------------------------------------------------------- */

static void test_json_round_trip(void **state)
{
    struct tu_dir *d = *state;
    char *path = tu_path(d->dir, "m.json");
    struct afile a;
    struct json j;
    assert_true(afile_open(&a, path));
    json_begin(&j, &a);
    json_string(&j, "name", "quote \" backslash \\ tab \t line\n £");
    json_number(&j, "x", 2.5);
    json_number(&j, "missing", NAN);
    json_bool(&j, "partial", true);
    json_array(&j, "vary");
    json_object(&j, NULL);
    json_string(&j, "parameter", "a.b");
    json_uint(&j, "steps", 50);
    json_close(&j);
    json_close(&j);
    json_end(&j);
    assert_true(afile_commit(&a));

    char *text = tu_read(path, NULL);
    struct json_in root;
    assert_true(json_in_parse(text, &root));
    assert_int_equal(root.type, JSON_IN_OBJECT);
    TU_ASSERT_STR(json_in_text(json_in_get(&root, "name")), "quote \" backslash \\ tab \t line\n £");
    TU_ASSERT_WITHIN(json_in_get(&root, "x")->number, 2.5, 0.0);
    assert_int_equal(json_in_get(&root, "missing")->type, JSON_IN_NULL);
    assert_int_equal(json_in_get(&root, "partial")->type, JSON_IN_BOOL);
    TU_ASSERT_WITHIN(json_in_get(&root, "partial")->number, 1.0, 0.0);
    const struct json_in *vary = json_in_get(&root, "vary");
    assert_non_null(vary);
    assert_int_equal(vary->type, JSON_IN_ARRAY);
    assert_int_equal(vary->n, 1);
    TU_ASSERT_STR(json_in_text(json_in_get(&vary->kid[0], "parameter")), "a.b");
    TU_ASSERT_WITHIN(json_in_get(&vary->kid[0], "steps")->number, 50.0, 0.0);
    assert_null(json_in_get(&root, "absent"));
    assert_null(json_in_get(NULL, "name"));
    assert_null(json_in_get(vary, "name"));               /* an array has no members by name */
    assert_null(json_in_text(json_in_get(&root, "x")));    /* a number is no text */
    json_in_free(&root);
    free(text);
    free(path);
}

static void test_json_escapes(void **state)
{
    (void)state;
    struct json_in root;
    /* \u00e9 (2 bytes), \u20ac (3), a surrogate pair (4), a lone surrogate (U+FFFD). */
    assert_true(json_in_parse("[\"\\u00e9\\u20AC\\ud83d\\ude00\\/\", \"\\ud800x\"]", &root));
    assert_int_equal(root.n, 2);
    TU_ASSERT_STR(root.kid[0].text, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/");
    TU_ASSERT_STR(root.kid[1].text, "\xef\xbf\xbdx");
    json_in_free(&root);
}

static void test_json_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "{", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "\"open", "{\"a\":1} x", "nul",
        "\"\\u12\"", "{1:2}",
        "[\"\\x\"]", "[\"a\tb\"]", "[\"a\\u0000b\"]",              /* escapes, control characters, NUL */
        "[+1]", "[0x10]", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[inf]", "[nan]",   /* numbers */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct json_in root;
        if (json_in_parse(bad[i], &root))
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(root.n, 0);
        json_in_free(&root);
    }

    /* Nesting: JSON_IN_MAX_DEPTH levels below the top are accepted, one more is not. */
    char deep[2 * (JSON_IN_MAX_DEPTH + 2) + 1];
    for (int levels = JSON_IN_MAX_DEPTH + 1; levels <= JSON_IN_MAX_DEPTH + 2; levels++) {
        int k = 0;
        for (int i = 0; i < levels; i++)
            deep[k++] = '[';
        for (int i = 0; i < levels; i++)
            deep[k++] = ']';
        deep[k] = '\0';
        struct json_in root;
        bool ok = json_in_parse(deep, &root);
        assert_int_equal(ok, levels == JSON_IN_MAX_DEPTH + 1);
        json_in_free(&root);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_csv_round_trip, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_csv_crlf_and_blank_lines, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_csv_errors, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_json_round_trip, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_json_escapes),
        cmocka_unit_test(test_json_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
