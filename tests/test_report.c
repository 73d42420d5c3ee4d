/* test_report.c — caseload report: the page of every kind of results
 * folder, read back with libxml2 (not grepped).
 *
 * Every number in the page's tables carries where it came from (data-src,
 * data-match, data-col, data-value): the test finds that field in the CSV
 * file itself and checks that data-value is its text and that the number
 * shown is that value rounded. The page must parse as XML (it is
 * XHTML-compatible), fetch nothing (no script, image, link or frame; no
 * src, href or url() but to a fragment of the page; no @import) and show
 * text from scenarios and result files as text. Fixtures:
 * tests/scenarios/report/. The pages in a browser: tests/test_browser.c. */
#include "testutil.h"

#include "output/csv_in.h"
#include "output/report.h"
#include "output/report_html.h"
#include "sim/check.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "tests/scenarios/report/base.cfg"
#define OPTION "tests/scenarios/report/option.cfg"
/* Replications: few, the page's content does not depend on how many. */
#define REPS "3"
#define TEXT_SIZE 4096
/* Each kind of page has at least this many numbers in its tables. */
#define MIN_NUMBERS 12
/* Largest page of a fixture's results (the shipped scenarios' limit is
 * 2 MB: docs/charts.md). */
#define PAGE_MAX (2u << 20)

static char *root;   /* the folders below */

/* Run caseload with the arguments (NULL-terminated); it must exit 0. */
#define CASELOAD_OK(...)                                                              \
    do {                                                                             \
        char *out_ = NULL, *err_ = NULL;                                             \
        int rc_ = tu_caseload_run(&err_, &out_, __VA_ARGS__, (char *)NULL);          \
        if (rc_ != 0)                                                                \
            fail_msg("caseload exited %d: %s", rc_, err_ ? err_ : "");               \
        free(out_);                                                                  \
        free(err_);                                                                  \
    } while (0)

static char *folder(const char *name)
{
    return tu_path(root, name);
}

static int setup(void **state)
{
    (void)state;
    root = tu_tmpdir();
    char *run = folder("run"), *cmp = folder("cmp"), *sw = folder("sweep"), *tor = folder("tornado"),
         *tg = folder("target");
    CASELOAD_OK("run", BASE, "-n", REPS, "-o", run, "-q", "--plot");
    CASELOAD_OK("report", run, "-q");
    CASELOAD_OK("compare", BASE, OPTION, "-n", REPS, "-o", cmp, "-q", "--plot");
    CASELOAD_OK("report", cmp, "-q");
    CASELOAD_OK("sweep", BASE, "--vary", "workforce.grades.sw.establishment=5:7:2", "-n", "2", "-o", sw, "-q");
    CASELOAD_OK("report", sw, "-q");   /* draws the charts it lacks */
    CASELOAD_OK("sweep", BASE, "--tornado", "-n", "2", "-o", tor, "-q", "--plot");
    CASELOAD_OK("report", tor, "-q");
    CASELOAD_OK("target", BASE, "--lever", "workforce.grades.sw.establishment", "--kpi", "backlog_mean", "--below",
                "5", "-n", "2", "--range", "4:12", "--step", "1", "-o", tg, "-q");
    CASELOAD_OK("report", tg, "-q");
    free(run);
    free(cmp);
    free(sw);
    free(tor);
    free(tg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(root);
    free(root);
    return 0;
}

/* ---- the page as XML ---- */

static int xml_errors;

static void count_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
    xml_errors++;
}

/* Parse dir/report.html strictly: any error fails. */
static xmlDocPtr parse_page(const char *dir)
{
    char *path = tu_path(dir, REPORT_HTML);
    xml_errors = 0;
    xmlSetGenericErrorFunc(NULL, count_error);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    xmlSetGenericErrorFunc(NULL, NULL);
    if (!doc || xml_errors)
        fail_msg("%s does not parse as XML (%d errors)", path, xml_errors);
    free(path);
    return doc;
}

static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* ---- CSV files, read whole ---- */

struct table {
    char *name;
    size_t cols, rows;
    char **head, **cell;
};

static struct table *tables;
static size_t n_tables;

static const struct table *table_of(const char *dir, const char *name)
{
    for (size_t i = 0; i < n_tables; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    tables = check_realloc(tables, (n_tables + 1) * sizeof *tables);
    struct table *t = &tables[n_tables++];
    memset(t, 0, sizeof *t);
    t->name = check_strdup(name);
    char *path = tu_path(dir, name);
    struct csv_in c;
    char err[TEXT_SIZE];
    if (!csv_in_open(&c, path, NULL, NULL, 0, err, sizeof err))
        fail_msg("%s", err);
    t->cols = c.n;
    t->head = check_calloc(c.n, sizeof *t->head);
    for (size_t i = 0; i < c.n; i++)
        t->head[i] = check_strdup(csv_in_field(&c, (long)i));
    while (csv_in_next(&c) > 0) {
        t->cell = check_realloc(t->cell, (t->rows + 1) * t->cols * sizeof *t->cell);
        for (size_t i = 0; i < t->cols; i++) {
            const char *f = csv_in_field(&c, (long)i);
            t->cell[t->rows * t->cols + i] = check_strdup(f ? f : "");
        }
        t->rows++;
    }
    csv_in_free(&c);
    free(path);
    return t;
}

static void tables_free(void)
{
    for (size_t i = 0; i < n_tables; i++) {
        for (size_t k = 0; k < tables[i].cols; k++)
            free(tables[i].head[k]);
        for (size_t k = 0; k < tables[i].rows * tables[i].cols; k++)
            free(tables[i].cell[k]);
        free(tables[i].head);
        free(tables[i].cell);
        free(tables[i].name);
    }
    free(tables);
    tables = NULL;
    n_tables = 0;
}

static long column(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->cols; i++)
        if (strcmp(t->head[i], name) == 0)
            return (long)i;
    fail_msg("%s: no column %s", t->name, name);
    return -1;
}

/* The field of column col in the one row where every "k=v" of match (joined
 * by '|') holds. */
static const char *lookup(const struct table *t, const char *match, const char *col)
{
    long found = -1;
    for (size_t r = 0; r < t->rows; r++) {
        bool all = true;
        char *m = check_strdup(match), *save = NULL;
        for (char *pair = strtok_r(m, "|", &save); pair && all; pair = strtok_r(NULL, "|", &save)) {
            char *eq = strchr(pair, '=');
            assert_non_null(eq);
            *eq = '\0';
            all = strcmp(t->cell[r * t->cols + (size_t)column(t, pair)], eq + 1) == 0;
        }
        free(m);
        if (all) {
            if (found >= 0)
                fail_msg("%s: two rows match %s", t->name, match);
            found = (long)r;
        }
    }
    if (found < 0)
        fail_msg("%s: no row matches %s", t->name, match);
    return t->cell[(size_t)found * t->cols + (size_t)column(t, col)];
}

/* The number a cell shows, and half a unit of its last digit. */
static void shown_number(const char *text, double *value, double *tol)
{
    char buf[TEXT_SIZE];
    size_t w = 0;
    double scale = 1;
    int decimals = 0;
    bool point = false;
    for (const char *p = text; *p && w + 1 < sizeof buf; p++) {
        if (strncmp(p, "£", strlen("£")) == 0) {
            p += strlen("£") - 1;
            continue;
        }
        if (*p == ',')
            continue;
        if (*p == 'm')
            scale = 1e6;
        else if (*p == 'k')
            scale = 1e3;
        else if (*p == '%')
            scale = 0.01;
        else {
            if (point && *p >= '0' && *p <= '9')
                decimals++;
            if (*p == '.')
                point = true;
            buf[w++] = *p;
        }
    }
    buf[w] = '\0';
    char *end;
    *value = strtod(buf, &end) * scale;
    if (end == buf || *end)
        fail_msg("\"%s\" is not a number as the report writes them", text);
    *tol = 0.5 * pow(10, -decimals) * scale;
}

/* Check every number cell under n against its CSV field; count them. */
static void check_numbers(const char *dir, xmlNodePtr n, size_t *count)
{
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *src = attr(c, "data-src");
        if (src) {
            char *match = attr(c, "data-match"), *col = attr(c, "data-col"), *value = attr(c, "data-value");
            assert_non_null(match);
            assert_non_null(col);
            assert_non_null(value);
            const char *field = lookup(table_of(dir, src), match, col);
            if (strcmp(field, value) != 0)
                fail_msg("%s %s %s: the page says %s, the file %s", src, match, col, value, field);
            xmlChar *shown = xmlNodeGetContent(c);
            double v = csv_in_number(field);
            if (isnan(v)) {
                TU_ASSERT_STR((const char *)shown, "n/a");
            } else {
                double got, tol;
                shown_number((const char *)shown, &got, &tol);
                if (!(fabs(got - v) <= tol + 1e-9 * fabs(v)))
                    fail_msg("%s %s %s: shows %s for %s", src, match, col, (const char *)shown, field);
            }
            xmlFree(shown);
            xmlFree(match);
            xmlFree(col);
            xmlFree(value);
            xmlFree(src);
            (*count)++;
        }
        check_numbers(dir, c->children, count);
    }
}

static void numbers_of(const char *name)
{
    char *dir = folder(name);
    xmlDocPtr doc = parse_page(dir);
    size_t count = 0;
    check_numbers(dir, xmlDocGetRootElement(doc), &count);
    if (count < MIN_NUMBERS)
        fail_msg("%s: only %zu numbers in the tables", name, count);
    xmlFreeDoc(doc);
    tables_free();
    free(dir);
}

static void test_numbers_run(void **state) { (void)state; numbers_of("run"); }
static void test_numbers_comparison(void **state) { (void)state; numbers_of("cmp"); }
static void test_numbers_sweep(void **state) { (void)state; numbers_of("sweep"); }
static void test_numbers_tornado(void **state) { (void)state; numbers_of("tornado"); }
static void test_numbers_target(void **state) { (void)state; numbers_of("target"); }

/* ---- nothing to fetch ---- */

static bool is_one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static void check_inert(xmlNodePtr n, size_t *svgs)
{
    static const char *const fetching[] = { "script", "link", "img", "iframe", "frame", "object", "embed", "base",
                                            "audio", "video", "source", "image", "foreignObject", "use_external" };
    static const char *const url_attrs[] = { "src", "href", "action", "formaction", "poster", "background",
                                             "srcset", "data", "ping", "cite", "longdesc", "manifest" };
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        if (is_one_of(name, fetching, sizeof fetching / sizeof *fetching))
            fail_msg("a <%s> element: it could fetch something", name);
        if (strcmp(name, "svg") == 0)
            (*svgs)++;
        if (strcmp(name, "meta") == 0) {
            char *he = attr(c, "http-equiv");
            assert_null(he);
        }
        for (xmlAttrPtr a = c->properties; a; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            const char *an = (const char *)a->name, *vs = (const char *)v;
            if (is_one_of(an, url_attrs, sizeof url_attrs / sizeof *url_attrs) && vs[0] != '#')
                fail_msg("<%s %s=\"%s\">: not a fragment of the page", name, an, vs);
            if (strncmp(an, "on", 2) == 0)
                fail_msg("<%s %s>: an event handler", name, an);
            for (const char *u = strstr(vs, "url("); u; u = strstr(u + 1, "url("))
                if (u[4] != '#')
                    fail_msg("<%s %s=\"%s\">: url() of something to fetch", name, an, vs);
            if (strstr(vs, "javascript:"))
                fail_msg("<%s %s>: javascript:", name, an);
            xmlFree(v);
        }
        if (strcmp(name, "style") == 0) {
            xmlChar *css = xmlNodeGetContent(c);
            assert_null(strstr((const char *)css, "url("));
            assert_null(strstr((const char *)css, "@import"));
            assert_non_null(strstr((const char *)css, "break-inside:avoid"));
            assert_non_null(strstr((const char *)css, "@page{size:A4"));
            xmlFree(css);
        }
        check_inert(c->children, svgs);
    }
}

static void inert_page(const char *name, size_t min_svgs)
{
    char *dir = folder(name);
    xmlDocPtr doc = parse_page(dir);
    size_t svgs = 0;
    check_inert(xmlDocGetRootElement(doc), &svgs);
    if (svgs < min_svgs)
        fail_msg("%s: %zu charts inline, expected %zu", name, svgs, min_svgs);
    xmlFreeDoc(doc);
    char *page = tu_path(dir, REPORT_HTML);
    size_t len;
    free(tu_read(page, &len));
    assert_true(len < PAGE_MAX);
    free(page);
    free(dir);
}

static void test_inert_pages(void **state)
{
    (void)state;
    inert_page("run", 5);        /* backlog, waiting, workforce, caseload, cost */
    inert_page("cmp", 4);        /* compare_backlog, its difference, the years, the plane */
    inert_page("sweep", 2);
    inert_page("tornado", 1);
    inert_page("target", 0);
}

/* ---- text from scenarios and results shown as text ---- */

/* Whether some element's whole text content under n equals text or holds it. */
static bool has_text(xmlNodePtr n, const char *text)
{
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && strstr((const char *)c->content, text))
            return true;
        if (c->type == XML_ELEMENT_NODE && has_text(c->children, text))
            return true;
    }
    return false;
}

static bool has_element(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, name) == 0 || has_element(c->children, name))
            return true;
    }
    return false;
}

/* Replace the first `from` in dir/name by `to`. */
static void edit(const char *dir, const char *name, const char *from, const char *to)
{
    char *path = tu_path(dir, name);
    char *text = tu_read(path, NULL);
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t size = strlen(text) + strlen(to) + 1;
    char *out = check_malloc(size);
    snprintf(out, size, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    free(tu_write(dir, name, out));
    free(out);
    free(text);
    free(path);
}

#define HOSTILE "<script>alert('x')</script> & \"co\""

static void test_hostile_text(void **state)
{
    (void)state;
    /* a results folder whose scenario name (in the manifest and in the
     * CSV files) is markup */
    char *dir = folder("hostile");
    char *run = folder("run");
    CASELOAD_OK("run", BASE, "-n", "2", "-o", dir, "-q");
    edit(dir, "manifest.json", "\"name\": \"report base\"", "\"name\": \"<script>alert('x')<\\/script> & \\\"co\\\"\"");
    /* and in the charts' titles (the report draws them: the folder has none) */
    edit(dir, "summary.csv", "\nreport base,", "\n\"<script>alert(2)</script> & co\",");
    CASELOAD_OK("report", dir, "-q");
    xmlDocPtr doc = parse_page(dir);
    xmlNodePtr top = xmlDocGetRootElement(doc);
    assert_true(has_text(top, HOSTILE));
    assert_true(has_text(top, "<script>alert(2)</script> & co"));
    assert_false(has_element(top, "script"));
    /* the scenario file's texts: its opening comment and a parameter's */
    assert_true(has_text(top, "<script>alert(\"base\")</script> & <img src=\"x.png\">"));
    assert_true(has_text(top, "referrals a year <i>assumed</i> & rising"));
    assert_false(has_element(top, "i"));
    assert_false(has_element(top, "b"));
    xmlFreeDoc(doc);
    /* the comparison: an intervention's name */
    char *cmp = folder("cmp");
    doc = parse_page(cmp);
    top = xmlDocGetRootElement(doc);
    assert_true(has_text(top, "<em>two posts</em> & \"more\""));
    assert_false(has_element(top, "em"));
    xmlFreeDoc(doc);
    free(cmp);
    free(run);
    free(dir);
}

/* ---- what the page says ---- */

static void test_content(void **state)
{
    (void)state;
    char *run = folder("run");
    xmlDocPtr doc = parse_page(run);
    xmlNodePtr top = xmlDocGetRootElement(doc);
    static const char *const sections[] = { "Summary", "Tables", "Charts", "Assumptions", "Method and provenance",
                                            "What the model leaves out" };
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        if (!has_text(top, sections[i]))
            fail_msg("no section %s", sections[i]);
    /* the summary's sentences come from the numbers */
    assert_true(has_text(top, "the service costs £"));
    assert_true(has_text(top, "net present cost, discounted at 3.5% a year"));
    /* every parameter, with its unit, description and source comment */
    assert_true(has_text(top, "workforce.recruitment.time_to_hire.mean"));
    assert_true(has_text(top, "funded posts (full-time equivalent)"));
    assert_true(has_text(top, "the case-holding social workers"));
    /* provenance: the file and its SHA-256 as the run recorded it */
    char *man = tu_read_in(run, "manifest.json");
    const char *h = strstr(man, "\"sha256\": \"");
    assert_non_null(h);
    char sha[65];
    snprintf(sha, sizeof sha, "%.64s", h + strlen("\"sha256\": \""));
    assert_true(has_text(top, sha));
    assert_true(has_text(top, "unchanged"));
    assert_true(has_text(top, "Master seed"));
    free(man);
    xmlFreeDoc(doc);
    free(run);
    /* a comparison ranks its options and says which is best */
    char *cmp = folder("cmp");
    doc = parse_page(cmp);
    top = xmlDocGetRootElement(doc);
    assert_true(has_text(top, "the best value of the 2 options considered"));
    assert_true(has_text(top, "report option costs £"));
    assert_true(has_text(top, "Money per financial year against the base: report option"));
    assert_true(has_text(top, "one-off cost"));
    xmlFreeDoc(doc);
    free(cmp);
}

/* A sweep's, a tornado's and a goal seek's manifest record where the
 * results came from (the scenario files with their SHA-256, the overrides,
 * the times) and, in the registry's words with units, what was varied and
 * measured; the report's provenance shows the SHA-256, which is the
 * file's. */
static void test_sweep_provenance(void **state)
{
    (void)state;
    char *want = NULL, *err = NULL;
    char *const argv[] = { "/usr/bin/sha256sum", BASE, NULL };
    assert_int_equal(tu_run(argv, &want, &err), 0);
    assert_true(want && strlen(want) > 64);
    want[64] = '\0';
    static const char *const kinds[] = { "sweep", "tornado", "target" };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        char *dir = folder(kinds[i]);
        char *man = tu_read_in(dir, "manifest.json");
        tu_assert_contains(man, "\"files\": [");
        tu_assert_contains(man, "\"path\": \"" BASE "\"");
        char field[128];
        snprintf(field, sizeof field, "\"sha256\": \"%s\"", want);
        tu_assert_contains(man, field);
        tu_assert_contains(man, "\"overrides\": [");
        tu_assert_contains(man, "\"started\": \"");
        tu_assert_contains(man, "\"finished\": \"");
        tu_assert_contains(man, "\"start\": \"");
        tu_assert_contains(man, "\"horizon_years\": ");
        tu_assert_contains(man, "\"kpi_description\": \"unallocated cases, time average over the horizon\"");
        tu_assert_contains(man, "\"kpi_unit\": \"cases\"");
        if (strcmp(kinds[i], "sweep") == 0)
            tu_assert_contains(man, "\"description\": \"funded posts (full-time equivalent)\"");
        else if (strcmp(kinds[i], "tornado") == 0)
            tu_assert_contains(man, "\"descriptions\": [");
        else
            tu_assert_contains(man, "\"lever_description\": \"funded posts (full-time equivalent)\"");
        free(man);
        xmlDocPtr doc = parse_page(dir);
        xmlNodePtr top = xmlDocGetRootElement(doc);
        assert_true(has_text(top, want));
        assert_true(has_text(top, "unchanged"));
        assert_false(has_text(top, "not recorded by the run"));
        assert_false(has_text(top, "not recorded in the results"));
        xmlFreeDoc(doc);
        free(dir);
    }
    free(want);
    free(err);
}

/* ---- the command ---- */

static void test_errors(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_caseload_run(&err, &out, "report", "/nonexistent/folder", (char *)NULL), 2);
    tu_assert_contains(err, "not a folder");
    free(out);
    free(err);
    char *empty = tu_mkdir(root, "empty");
    assert_int_equal(tu_caseload_run(&err, &out, "report", empty, (char *)NULL), 2);
    tu_assert_contains(err, "no results here");
    free(out);
    free(err);
    assert_int_equal(tu_caseload_run(&err, &out, "report", (char *)NULL), 2);
    free(out);
    free(err);
    /* -o: the page where asked, atomically (no temporary left) */
    char *run = folder("run"), *page = tu_path(root, "paper.html");
    CASELOAD_OK("report", run, "-o", page, "-q");
    assert_true(tu_exists(page));
    assert_null(tu_find_tmp(root, "paper.html"));
    free(page);
    free(run);
    free(empty);
}

/* ---- pieces ---- */

static void test_numbers_for_people(void **state)
{
    (void)state;
    char buf[64];
    report_number(buf, sizeof buf, 59123456.7, "£");
    TU_ASSERT_STR(buf, "£59.1m");
    report_number(buf, sizeof buf, -2466619, "£");
    TU_ASSERT_STR(buf, "-£2.47m");
    report_number(buf, sizeof buf, 12345.6, "£");
    TU_ASSERT_STR(buf, "£12.3k");
    report_number(buf, sizeof buf, 0.179, "share");
    TU_ASSERT_STR(buf, "17.9%");
    report_number(buf, sizeof buf, 171320.51, "child-days");
    TU_ASSERT_STR(buf, "171,321");
    report_number(buf, sizeof buf, 3, "");
    TU_ASSERT_STR(buf, "3");
    report_number(buf, sizeof buf, 0.4489, "cases");
    TU_ASSERT_STR(buf, "0.449");
    report_number(buf, sizeof buf, -0.0001, "cases");
    TU_ASSERT_STR(buf, "0.000");
    report_number(buf, sizeof buf, NAN, "£");
    TU_ASSERT_STR(buf, "n/a");
}

static void test_source_comments(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_write(dir, "s.cfg", "# s.cfg: the opening comment\n# on two lines\n\n"
                                       "# above the setting\n# and more\nx = 1.0;   # beside it\n"
                                       "# only above\ny = \"a # not a comment\";\nz = 2;\n");
    char *c = report_source_comment(path, 0);
    TU_ASSERT_STR(c, "s.cfg: the opening comment\non two lines");
    free(c);
    c = report_source_comment(path, 6);
    TU_ASSERT_STR(c, "beside it");
    free(c);
    c = report_source_comment(path, 8);
    TU_ASSERT_STR(c, "only above");
    free(c);
    c = report_source_comment(path, 9);
    TU_ASSERT_STR(c, "");
    free(c);
    tu_rmtree(dir);
    free(dir);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_for_people),
        cmocka_unit_test(test_source_comments),
        cmocka_unit_test(test_numbers_run),
        cmocka_unit_test(test_numbers_comparison),
        cmocka_unit_test(test_numbers_sweep),
        cmocka_unit_test(test_numbers_tornado),
        cmocka_unit_test(test_sweep_provenance),
        cmocka_unit_test(test_numbers_target),
        cmocka_unit_test(test_inert_pages),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_content),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
