/* test_records.c — caseload run --records: the records a case system and HR
 * would hold of one replication (models/records.h, docs/fitting.md).
 *
 * Laws checked on tests/scenarios/records.cfg, which has something of
 * everything the records hold:
 *   - they are the records of replication K of the run: counted from them,
 *     the referrals of each month, the cases open in each stage and the
 *     permanent staff in post (FTE) of each grade at each month's end equal
 *     series.csv's for rep K exactly (dates are whole days and every period
 *     ends on a day boundary, so nothing is lost to rounding);
 *   - they are well-formed: the exact header rows; a person's spells and
 *     absences never overlap; an episode ends no earlier than it starts and
 *     is allocated inside it; a case's episodes (case_id is the child's
 *     id) follow one another, each `next` the stage of the one after,
 *     starting the day the last ended, or `close` and the child referred
 *     again later;
 *   - the result folder lists records/ in its manifest, so a later --force
 *     without --records removes it; the run's other results are the same
 *     bytes with or without --records; --records-rep beyond -n is refused. */
#include "output/records_series.h"
#include "tests/testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#define FIXTURE "tests/scenarios/records.cfg"
#define MAX_FIELDS 64

/* A CSV file without quoted fields (as the records and series.csv are):
 * rows of fields, row 0 the header. */
struct table {
    char *text;
    char ***row;
    size_t *n_fields;
    size_t n;
};

static void table_read(struct table *t, const char *dir, const char *name)
{
    t->text = tu_read_in(dir, name);
    t->n = 0;
    size_t cap = 1024;
    t->row = malloc(cap * sizeof *t->row);
    t->n_fields = malloc(cap * sizeof *t->n_fields);
    for (char *line = strtok(t->text, "\n"); line; line = strtok(NULL, "\n")) {
        if (t->n == cap) {
            cap *= 2;
            t->row = realloc(t->row, cap * sizeof *t->row);
            t->n_fields = realloc(t->n_fields, cap * sizeof *t->n_fields);
        }
        char **f = calloc(MAX_FIELDS, sizeof *f);
        size_t k = 0;
        char *p = line;
        while (k < MAX_FIELDS && p) {
            f[k++] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        t->row[t->n] = f;
        t->n_fields[t->n++] = k;
    }
}

static void table_free(struct table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->row[i]);
    free(t->row);
    free(t->n_fields);
    free(t->text);
}

static long col(const struct table *t, const char *name)
{
    for (size_t k = 0; k < t->n_fields[0]; k++)
        if (strcmp(t->row[0][k], name) == 0)
            return (long)k;
    fail_msg("no column %s", name);
    return -1;
}

static char *header(const struct table *t)
{
    static char buf[512];
    buf[0] = '\0';
    for (size_t k = 0; k < t->n_fields[0]; k++) {
        strcat(buf, k ? "," : "");
        strcat(buf, t->row[0][k]);
    }
    return buf;
}

struct world {
    char *tmp, *dir;
};

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof *w);
    w->tmp = tu_tmpdir();
    w->dir = tu_path(w->tmp, "run");
    char *err;
    int rc = tu_caseload_run(&err, NULL, "run", FIXTURE, "-n", "2", "-s", "29", "--records", "--records-rep", "2",
                             "-o", w->dir, "-q", NULL);
    if (rc != 0)
        fprintf(stderr, "%s", err);
    free(err);
    *state = w;
    return rc;
}

static int teardown(void **state)
{
    struct world *w = *state;
    tu_rmtree(w->tmp);
    free(w->tmp);
    free(w->dir);
    free(w);
    return 0;
}

static void test_headers_are_the_documented_ones(void **state)
{
    struct world *w = *state;
    char *rec = tu_path(w->dir, "records");
    static const char *const want[][2] = {
        { "referrals.csv", "child_id,referral_date,outcome" },
        { "episodes.csv", "case_id,stage,start_date,end_date,next,allocated_date,worker_id" },
        { "staff.csv", "person_id,grade,fte,start_date,end_date,agency" },
        { "absences.csv", "person_id,start_date,end_date" },
        { "vacancies.csv", "grade,vacant_from,filled_on" },
        { "establishment.csv", "grade,date,fte" },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        struct table t;
        table_read(&t, rec, want[i][0]);
        assert_string_equal(header(&t), want[i][1]);
        assert_true(t.n > 1);   /* the fixture has rows of every kind */
        table_free(&t);
    }
    free(rec);
}

/* Whether a date text d (may be "") is after e ("" counts as never). */
static bool open_after(const char *end, const char *day) { return !*end || strcmp(end, day) > 0; }

static void test_records_are_replication_k(void **state)
{
    struct world *w = *state;
    char *rec = tu_path(w->dir, "records");
    struct table se, re, ep, st;
    table_read(&se, w->dir, "series.csv");
    table_read(&re, rec, "referrals.csv");
    table_read(&ep, rec, "episodes.csv");
    table_read(&st, rec, "staff.csv");
    long c_rep = col(&se, "rep"), c_date = col(&se, "date"), c_ref = col(&se, "referrals");
    const char *stages[] = { "assessment", "cin" }, *grades[] = { "nqsw", "sw" };
    const char *prev = "";
    size_t periods = 0;
    for (size_t i = 1; i < se.n; i++) {
        if (strcmp(se.row[i][c_rep], "2") != 0)
            continue;
        periods++;
        const char *day = se.row[i][c_date];   /* the period's last day */
        double n = 0;
        for (size_t r = 1; r < re.n; r++)
            n += strcmp(re.row[r][1], prev) > 0 && strcmp(re.row[r][1], day) <= 0;
        if (n != atof(se.row[i][c_ref]))
            fail_msg("%s: %g referrals in the records, %s in series.csv", day, n, se.row[i][c_ref]);
        for (size_t s = 0; s < 2; s++) {
            char name[64];
            snprintf(name, sizeof name, "open_%s", stages[s]);
            double open = 0;
            for (size_t r = 1; r < ep.n; r++)
                open += strcmp(ep.row[r][1], stages[s]) == 0 && strcmp(ep.row[r][2], day) <= 0
                        && open_after(ep.row[r][3], day);
            if (open != atof(se.row[i][col(&se, name)]))
                fail_msg("%s: %g open in %s by the records, %s in series.csv", day, open, stages[s],
                         se.row[i][col(&se, name)]);
        }
        for (size_t g = 0; g < 2; g++) {
            char name[64];
            snprintf(name, sizeof name, "in_post_%s", grades[g]);
            double fte = 0;
            for (size_t r = 1; r < st.n; r++)
                if (strcmp(st.row[r][1], grades[g]) == 0 && strcmp(st.row[r][3], day) <= 0
                    && open_after(st.row[r][4], day))
                    fte += atof(st.row[r][2]);
            TU_ASSERT_WITHIN(fte, atof(se.row[i][col(&se, name)]), 1e-9);
        }
        prev = day;
    }
    assert_int_equal(periods, 24);
    table_free(&se);
    table_free(&re);
    table_free(&ep);
    table_free(&st);
    free(rec);
}

static int cmp_rows(const void *a, const void *b)
{
    char **x = *(char ***)a, **y = *(char ***)b;
    int c = strcmp(x[0], y[0]);
    return c ? c : strcmp(x[1], y[1]);
}

/* Rows 1.. of t sorted by (field a, field b), as pairs of pointers into t. */
static char ***sorted_by(const struct table *t, size_t a, size_t b)
{
    char ***r = calloc(t->n, sizeof *r);
    for (size_t i = 1; i < t->n; i++) {
        r[i - 1] = calloc(2 + t->n_fields[i], sizeof **r);
        r[i - 1][0] = t->row[i][a];
        r[i - 1][1] = t->row[i][b];
        memcpy(r[i - 1] + 2, t->row[i], t->n_fields[i] * sizeof **r);
    }
    qsort(r, t->n - 1, sizeof *r, cmp_rows);
    return r;
}

static void free_sorted(char ***r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i]);
    free(r);
}

/* Intervals of one id never overlap: sorted by id then start, each ends no
 * later than the next of the same id starts (before it, when the end is
 * inclusive), and only the last may be open. */
static void check_no_overlap(const char *dir, const char *file, size_t id, size_t start, size_t end, bool inclusive)
{
    struct table t;
    table_read(&t, dir, file);
    char ***r = sorted_by(&t, id, start);
    for (size_t i = 0; i + 1 < t.n - 1; i++) {
        char **a = r[i] + 2, **b = r[i + 1] + 2;
        if (strcmp(a[end], "") != 0 && strcmp(a[end], a[start]) < 0)
            fail_msg("%s: %s ends %s before it starts %s", file, a[id], a[end], a[start]);
        if (strcmp(a[id], b[id]) != 0)
            continue;
        int c = *a[end] ? strcmp(a[end], b[start]) : 1;
        if (c > 0 || (inclusive && c == 0))
            fail_msg("%s: %s's rows overlap: %s-%s and %s-%s", file, a[id], a[start], a[end], b[start], b[end]);
    }
    free_sorted(r, t.n - 1);
    table_free(&t);
}

static void test_records_are_well_formed(void **state)
{
    struct world *w = *state;
    char *rec = tu_path(w->dir, "records");
    check_no_overlap(rec, "staff.csv", 0, 3, 4, false);
    check_no_overlap(rec, "absences.csv", 0, 1, 2, true);   /* end_date: the last day off */
    check_no_overlap(rec, "episodes.csv", 0, 2, 3, false);
    struct table ep;
    table_read(&ep, rec, "episodes.csv");
    char ***r = sorted_by(&ep, 0, 2);
    size_t chained = 0, rereferred = 0;
    for (size_t i = 0; i < ep.n - 1; i++) {
        char **a = r[i] + 2;
        const char *alloc = a[5];
        if (*alloc && (strcmp(alloc, a[2]) < 0 || (*a[3] && strcmp(alloc, a[3]) > 0)))
            fail_msg("episode of %s allocated %s outside %s-%s", a[0], alloc, a[2], a[3]);
        assert_true(!*a[5] == !*a[6]);   /* allocated: by someone */
        assert_true(!*a[3] == !*a[4]);   /* ended: to somewhere */
        if (*a[4] && strcmp(a[4], "close") && strcmp(a[4], "cin"))
            fail_msg("next %s is not a stage of the pathway", a[4]);
        if (i + 2 < ep.n && strcmp(a[0], r[i + 1][2]) == 0) {
            char **b = r[i + 1] + 2;
            if (strcmp(a[4], "close") == 0) {   /* the child referred again later */
                assert_true(strcmp(b[2], a[3]) >= 0);
                rereferred++;
                continue;
            }
            assert_string_equal(a[4], b[1]);
            assert_string_equal(a[3], b[2]);
            chained++;
        }
    }
    assert_true(chained > 0 && rereferred > 0);
    free_sorted(r, ep.n - 1);
    table_free(&ep);
    free(rec);
}

static void test_folder_lists_records_and_results_do_not_change(void **state)
{
    struct world *w = *state;
    char *manifest = tu_read_in(w->dir, "manifest.json");
    tu_assert_contains(manifest, "\"records/\"");
    free(manifest);
    char *kpis = tu_read_in(w->dir, "kpis.csv");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", FIXTURE, "-n", "2", "-s", "29", "-o", w->dir, "-q",
                                     "--force", NULL), 0);
    free(err);
    char *again = tu_read_in(w->dir, "kpis.csv");
    assert_string_equal(kpis, again);
    char *rec = tu_path(w->dir, "records");
    assert_false(tu_exists(rec));
    free(rec);
    free(kpis);
    free(again);
    assert_int_equal(tu_caseload_run(&err, NULL, "run", FIXTURE, "-n", "2", "--records", "--records-rep", "3", "-o",
                                     w->dir, "-q", "--force", NULL), 2);
    tu_assert_contains(err, "--records-rep 3: there are only 2 replications");
    free(err);
}

/* output/records_series.h rebuilds series.csv's monthly series for rep K
 * from the records: the same values exactly for referrals, open cases per
 * stage, permanent staff in post per grade and permanent staff off sick
 * (but for an absence begun and ended on a month's last day, recorded as
 * that one day off: there is none in this replication);
 * unallocated cases no more than the model's (a case handed back to the
 * queue keeps its first allocation date in the records). */
static void test_series_rebuilt_from_records(void **state)
{
    struct world *w = *state;
    char *rec = tu_path(w->dir, "records");
    struct recseries rs;
    char err[512];
    struct date from = { 2024, 4, 1 };
    if (!recseries_build(&rs, rec, from, 24, err, sizeof err))
        fail_msg("%s", err);
    struct table se;
    table_read(&se, w->dir, "series.csv");
    const char *exact[] = { "referrals", "open_assessment", "open_cin", "in_post_nqsw", "in_post_sw",
                            "staff_sick_fte" };
    size_t k = 0;
    double sick = 0;
    for (size_t i = 1; i < se.n; i++) {
        if (strcmp(se.row[i][col(&se, "rep")], "2") != 0)
            continue;
        char day[DATE_TEXT_SIZE];
        date_format(date_from_days(rs.last_day[k]), day);
        assert_string_equal(day, se.row[i][col(&se, "date")]);
        for (size_t j = 0; j < sizeof exact / sizeof *exact; j++) {
            const double *v = recseries_get(&rs, exact[j]);
            assert_non_null(v);
            double want = atof(se.row[i][col(&se, exact[j])]);
            if (fabs(v[k] - want) > 1e-9)
                fail_msg("%s %s: %g from the records, %g in series.csv", day, exact[j], v[k], want);
        }
        sick += recseries_get(&rs, "staff_sick_fte")[k];
        assert_true(recseries_get(&rs, "unallocated")[k] <= atof(se.row[i][col(&se, "unallocated")]) + 1e-9);
        k++;
    }
    assert_int_equal(k, 24);
    assert_true(sick > 0);   /* the law was exercised */
    assert_non_null(recseries_get(&rs, "vacancies_fte"));
    recseries_free(&rs);
    /* a bad date is an error naming file, line and column */
    char *bad = tu_mkdir(w->tmp, "bad");
    char *text = tu_read_in(rec, "referrals.csv");
    char *nl = strchr(text, '\n');
    memcpy(nl + 1 + 8, "2024-13-01", 10);
    free(tu_write(bad, "referrals.csv", text));
    assert_false(recseries_build(&rs, bad, from, 24, err, sizeof err));
    tu_assert_contains(err, "referrals.csv:2: referral_date: \"2024-13-01\" is not a date");
    free(text);
    free(bad);
    table_free(&se);
    free(rec);
}

/* The shipped example (scenarios/records-example/) is exactly what the
 * command its README states writes. */
static void test_shipped_example_is_current(void **state)
{
    struct world *w = *state;
    char *out = tu_path(w->tmp, "example");
    char *err;
    assert_int_equal(tu_caseload_run(&err, NULL, "run", "scenarios/records-example/small-council.cfg", "-n", "1",
                                     "-s", "17", "--records", "-o", out, "-q", NULL), 0);
    free(err);
    char *rec = tu_path(out, "records");
    const char *const files[] = { "referrals.csv", "episodes.csv", "staff.csv", "absences.csv", "vacancies.csv",
                                  "establishment.csv" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *made = tu_read_in(rec, files[i]), *shipped = tu_read_in("scenarios/records-example", files[i]);
        if (strcmp(made, shipped) != 0)
            fail_msg("scenarios/records-example/%s is not what its README's command writes", files[i]);
        free(made);
        free(shipped);
    }
    char *readme = tu_read_in("scenarios/records-example", "README.md");
    tu_assert_contains(readme, "caseload run scenarios/records-example/small-council.cfg -n 1 -s 17 --records");
    tu_assert_contains(readme, "synthetic");
    free(readme);
    free(rec);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers_are_the_documented_ones),
        cmocka_unit_test(test_records_are_replication_k),
        cmocka_unit_test(test_records_are_well_formed),
        cmocka_unit_test(test_series_rebuilt_from_records),
        cmocka_unit_test(test_folder_lists_records_and_results_do_not_change),
        cmocka_unit_test(test_shipped_example_is_current),
    };
    return cmocka_run_group_tests_name("records", tests, setup, teardown);
}
