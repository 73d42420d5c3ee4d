/* test_csv.c — the CSV result files and the JSON writer, byte for byte, on a
 * tiny layout (2 periods, 3 metrics, 2 KPIs, 3 replications). The expected
 * summary figures were computed independently (Python: two-pass moments,
 * closed-form t quantiles for 1 and 2 degrees of freedom, type-7 quantiles,
 * "%.10g"). */
#include "output/csv.h"
#include "output/json.h"

#include "sim/check.h"
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

#define N_PERIODS 2
#define N_METRICS 3
#define N_KPIS 2
#define N_REPS 3
#define TEST_READ_MAX 65536
#define TEST_DIR_MAX 256

static const char *const metric_name[N_METRICS] = {"referrals", "open_cases", "cost_total"};
static const char *const date_text[N_PERIODS] = {"2025-01-31", "2025-02-28"};
static const double rep_values[N_REPS][N_PERIODS * N_METRICS] = {
    {12, 3.5, 1000.25, 15, NAN, -2.385},
    {10, 4.5, 2000.75, 9, 4, 0.125},
    {14, 5.5, 1500.5, 6, 8, 3.75},
};
static const double rep_kpis[N_REPS][N_KPIS] = {
    {101.5, 2.5e6},
    {99.25, 2.75e6},
    {100.125, NAN},
};

struct fixture {
    char *dir;
    char path[TEST_DIR_MAX];
    struct result_layout l;
    struct stats *s;
    struct afile a;
};

static int setup(void **state)
{
    struct fixture *fx = check_calloc(1, sizeof *fx);
    fx->dir = tu_tmpdir();
    snprintf(fx->path, sizeof fx->path, "%s/out.csv", fx->dir);

    struct result_layout *l = &fx->l;
    l->n_periods = N_PERIODS;
    l->n_metrics = N_METRICS;
    l->n_kpis = N_KPIS;
    l->metric = check_calloc(N_METRICS, sizeof *l->metric);
    for (size_t m = 0; m < N_METRICS; m++) {
        l->metric[m].name = check_strdup(metric_name[m]);
        l->metric[m].unit = check_strdup(m == 2 ? "£" : "cases");
        l->metric[m].kind = m == 0 ? METRIC_FLOW : METRIC_STOCK;
    }
    l->date = check_calloc(N_PERIODS, sizeof *l->date);
    l->period_end = check_calloc(N_PERIODS, sizeof *l->period_end);
    for (size_t p = 0; p < N_PERIODS; p++) {
        strcpy(l->date[p], date_text[p]);
        l->period_end[p] = p == 0 ? 31.0 : 59.0;
    }
    l->kpi = check_calloc(N_KPIS, sizeof *l->kpi);
    l->kpi[0].name = check_strdup("backlog_mean");
    l->kpi[0].unit = check_strdup("cases");
    l->kpi[0].descr = check_strdup("mean backlog, all stages");
    l->kpi[1].name = check_strdup("cost_total");
    l->kpi[1].unit = check_strdup("£");
    l->kpi[1].descr = check_strdup("total \"staff\" cost");

    fx->s = stats_create(l);
    if (!fx->s)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    afile_abort(&fx->a);
    tu_rmtree(fx->dir);
    free(fx->dir);
    stats_destroy(fx->s);
    result_layout_free(&fx->l);
    free(fx);
    return 0;
}

/* Commit the fixture's afile and compare the file with want. */
static void expect_file(struct fixture *fx, const char *want)
{
    static char buf[TEST_READ_MAX];
    assert_true(afile_commit(&fx->a));
    FILE *f = fopen(fx->path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_string_equal(buf, want);
}

/* Feed the replications to the series file (if a is not NULL) and stats. */
static void add_reps(struct fixture *fx, struct afile *a)
{
    struct rep_result r;
    rep_result_alloc(&r, &fx->l);
    for (size_t i = 0; i < N_REPS; i++) {
        r.rep = i;
        memcpy(r.values, rep_values[i], sizeof rep_values[i]);
        memcpy(r.kpi, rep_kpis[i], sizeof rep_kpis[i]);
        if (a)
            csv_series_rows(a, "base", &fx->l, &r);
        stats_add(fx->s, &r);
    }
    rep_result_free(&r);
}

static void test_field_quoting(void **state)
{
    struct fixture *fx = *state;
    assert_true(afile_open(&fx->a, fx->path));
    static const char *const text[] = {
        "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "", "\"", "£ 2.385",
    };
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        csv_field(&fx->a, text[i]);
        afile_puts(&fx->a, "|");
    }
    csv_field(&fx->a, NULL);
    afile_puts(&fx->a, "|\n");
    expect_file(fx, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\rhere\"||\"\"\"\"|£ 2.385||\n");
}

static void test_series(void **state)
{
    struct fixture *fx = *state;
    assert_true(afile_open(&fx->a, fx->path));
    csv_series_header(&fx->a, &fx->l);
    add_reps(fx, &fx->a);
    expect_file(fx,
                "scenario,rep,period,date,referrals,open_cases,cost_total\n"
                "base,1,1,2025-01-31,12,3.5,1000.25\n"
                "base,1,2,2025-02-28,15,NA,-2.385\n"
                "base,2,1,2025-01-31,10,4.5,2000.75\n"
                "base,2,2,2025-02-28,9,4,0.125\n"
                "base,3,1,2025-01-31,14,5.5,1500.5\n"
                "base,3,2,2025-02-28,6,8,3.75\n");
}

/* Odd numbers and a scenario name that needs quotes. */
static void test_series_special(void **state)
{
    struct fixture *fx = *state;
    struct rep_result r;
    rep_result_alloc(&r, &fx->l);
    r.rep = 41;
    static const double v[N_PERIODS * N_METRICS] = {
        -0.0, INFINITY, -INFINITY, 1e20, 1234567.125, 1.0 / 3.0,
    };
    memcpy(r.values, v, sizeof v);
    assert_true(afile_open(&fx->a, fx->path));
    csv_series_rows(&fx->a, "staff \"+10%\", v2", &fx->l, &r);
    rep_result_free(&r);
    expect_file(fx,
                "\"staff \"\"+10%\"\", v2\",42,1,2025-01-31,0,Inf,-Inf\n"
                "\"staff \"\"+10%\"\", v2\",42,2,2025-02-28,1e+20,1234567.125,0.3333333333\n");
}

static const char summary_header[] =
    "scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p50,p95,p25,p75,n\n";
static const char summary_rows[] =
    "base,1,2025-01-31,referrals,12,2,7.031724576,16.96827542,10.2,12,13.8,11,13,3\n"
    "base,1,2025-01-31,open_cases,4.5,1,2.015862288,6.984137712,3.6,4.5,5.4,4,5,3\n"
    "base,1,2025-01-31,cost_total,1500.5,500.25,257.8101097,2743.18989,1050.275,1500.5,"
    "1950.725,1250.375,1750.625,3\n"
    "base,2,2025-02-28,referrals,10,4.582575695,-1.383749101,21.3837491,6.3,9,14.4,7.5,12,3\n"
    "base,2,2025-02-28,open_cases,6,2.828427125,-19.41240947,31.41240947,4.2,6,7.8,5,7,2\n"
    "base,2,2025-02-28,cost_total,0.4966666667,3.084340826,-7.165260696,8.158594029,-2.134,"
    "0.125,3.3875,-1.13,1.9375,3\n";

static void test_summary(void **state)
{
    struct fixture *fx = *state;
    static char want[sizeof summary_header + 2 * sizeof summary_rows];
    add_reps(fx, NULL);
    assert_true(afile_open(&fx->a, fx->path));
    csv_summary(&fx->a, "base", &fx->l, fx->s, 1);
    strcpy(want, summary_header);
    strcat(want, summary_rows);
    expect_file(fx, want);

    /* A second scenario appends its rows without a header. */
    assert_true(afile_open(&fx->a, fx->path));
    csv_summary(&fx->a, "base", &fx->l, fx->s, 1);
    csv_summary(&fx->a, "base", &fx->l, fx->s, 0);
    strcat(want, summary_rows);
    expect_file(fx, want);
}

static void test_kpis(void **state)
{
    struct fixture *fx = *state;
    add_reps(fx, NULL);
    assert_true(afile_open(&fx->a, fx->path));
    csv_kpis(&fx->a, "base", &fx->l, fx->s, 1);
    csv_kpis(&fx->a, "alt", &fx->l, fx->s, 0);
    expect_file(fx,
                "scenario,kpi,unit,mean,sd,ci_low,ci_high,p05,p50,p95,n,description\n"
                "base,backlog_mean,cases,100.2916667,1.134221466,97.47410435,103.109229,"
                "99.3375,100.125,101.3625,3,\"mean backlog, all stages\"\n"
                "base,cost_total,£,2625000,176776.6953,1036724.408,4213275.592,"
                "2512500,2625000,2737500,2,\"total \"\"staff\"\" cost\"\n"
                "alt,backlog_mean,cases,100.2916667,1.134221466,97.47410435,103.109229,"
                "99.3375,100.125,101.3625,3,\"mean backlog, all stages\"\n"
                "alt,cost_total,£,2625000,176776.6953,1036724.408,4213275.592,"
                "2512500,2625000,2737500,2,\"total \"\"staff\"\" cost\"\n");
}

/* With no replications every figure is missing. */
static void test_kpis_empty(void **state)
{
    struct fixture *fx = *state;
    assert_true(afile_open(&fx->a, fx->path));
    csv_kpis(&fx->a, "base", &fx->l, fx->s, 0);
    expect_file(fx,
                "base,backlog_mean,cases,NA,NA,NA,NA,NA,NA,NA,0,\"mean backlog, all stages\"\n"
                "base,cost_total,£,NA,NA,NA,NA,NA,NA,NA,0,\"total \"\"staff\"\" cost\"\n");
}

static void test_json(void **state)
{
    struct fixture *fx = *state;
    struct json j;
    assert_true(afile_open(&fx->a, fx->path));
    json_begin(&j, &fx->a);
    json_string(&j, "program", "caseload");
    json_uint(&j, "seed", UINT64_MAX);
    json_uint(&j, "reps", 3);
    json_bool(&j, "resumed", false);
    json_bool(&j, "ok", true);
    json_string(&j, "text", "a \"b\" \\ c\n\t\b\f\r\x01\x1f £");
    json_string(&j, "missing", NULL);
    json_number(&j, "nan", NAN);
    json_number(&j, "inf", -INFINITY);
    json_number(&j, "whole", -42.0);
    json_number(&j, "zero", -0.0);
    json_number(&j, "third", 1.0 / 3.0);
    json_number(&j, "big", 1e20);
    json_array(&j, "args");
    json_string(&j, NULL, "run");
    json_string(&j, NULL, "x,y.cfg");
    json_object(&j, NULL);
    json_number(&j, "w", 2.385);
    json_close(&j);
    json_close(&j);
    json_array(&j, "none");
    json_close(&j);
    json_object(&j, "nested");
    json_object(&j, "empty");
    json_close(&j);
    json_array(&j, "list");
    json_number(&j, NULL, 1);
    json_close(&j);
    json_close(&j);
    json_end(&j);
    expect_file(fx,
                "{\n"
                "  \"program\": \"caseload\",\n"
                "  \"seed\": 18446744073709551615,\n"
                "  \"reps\": 3,\n"
                "  \"resumed\": false,\n"
                "  \"ok\": true,\n"
                "  \"text\": \"a \\\"b\\\" \\\\ c\\n\\t\\b\\f\\r\\u0001\\u001f £\",\n"
                "  \"missing\": null,\n"
                "  \"nan\": null,\n"
                "  \"inf\": null,\n"
                "  \"whole\": -42,\n"
                "  \"zero\": 0,\n"
                "  \"third\": 0.33333333333333331,\n"
                "  \"big\": 1e+20,\n"
                "  \"args\": [\n"
                "    \"run\",\n"
                "    \"x,y.cfg\",\n"
                "    {\n"
                "      \"w\": 2.3849999999999998\n"
                "    }\n"
                "  ],\n"
                "  \"none\": [],\n"
                "  \"nested\": {\n"
                "    \"empty\": {},\n"
                "    \"list\": [\n"
                "      1\n"
                "    ]\n"
                "  }\n"
                "}\n");
}

static void test_json_empty(void **state)
{
    struct fixture *fx = *state;
    struct json j;
    assert_true(afile_open(&fx->a, fx->path));
    json_begin(&j, &fx->a);
    json_end(&j);
    expect_file(fx, "{}\n");
}

/* Misuse of the JSON writer, each in a child process that should abort. */
static void key_in_array(void *arg)
{
    struct json j;
    json_begin(&j, arg);
    json_array(&j, "a");
    json_bool(&j, "k", true);
}

static void no_key_in_object(void *arg)
{
    struct json j;
    json_begin(&j, arg);
    json_bool(&j, NULL, true);
}

static void close_top(void *arg)
{
    struct json j;
    json_begin(&j, arg);
    json_close(&j);
}

static void end_unclosed(void *arg)
{
    struct json j;
    json_begin(&j, arg);
    json_object(&j, "o");
    json_end(&j);
}

static void too_deep(void *arg)
{
    struct json j;
    json_begin(&j, arg);
    for (int i = 0; i < JSON_MAX_DEPTH; i++)
        json_array(&j, i == 0 ? "deep" : NULL);
}

static void write_after_commit(void *arg)
{
    struct afile *a = arg;
    afile_puts(a, "late");
}

/* Misuse of the JSON writer (and of a committed afile) is a programming
 * error: CHECK aborts. */
static void test_json_misuse(void **state)
{
    struct fixture *fx = *state;
    assert_true(afile_open(&fx->a, fx->path));
    assert_true(tu_dies(key_in_array, &fx->a, "internal error"));
    assert_true(tu_dies(no_key_in_object, &fx->a, "internal error"));
    assert_true(tu_dies(close_top, &fx->a, "j->depth > 1"));
    assert_true(tu_dies(end_unclosed, &fx->a, "j->depth == 1"));
    assert_true(tu_dies(too_deep, &fx->a, "j->depth < JSON_MAX_DEPTH"));
    assert_true(afile_commit(&fx->a));
    assert_true(tu_dies(write_after_commit, &fx->a, "a->f"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_field_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_series, setup, teardown),
        cmocka_unit_test_setup_teardown(test_series_special, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kpis, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kpis_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_misuse, setup, teardown),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
