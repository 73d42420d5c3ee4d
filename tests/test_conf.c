/* test_conf.c — configuration trees with file and line (sim/conf.h) and the
 * diagnostics they report into (sim/diag.h). Every test works in a fresh
 * directory under /tmp, removed afterwards. */
#include "tests/testutil.h"

#include "sim/conf.h"
#include "sim/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures and helpers --------------------------------------------------- */

struct fx {
    char *dir;
    struct diag d;
    char buf[1024];   /* scratch for expected messages */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tmpdir();
    diag_init(&f->d, 20);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    tu_rmtree(f->dir);
    free(f->dir);
    diag_free(&f->d);
    free(f);
    return 0;
}

/* Write dir/name; returns its malloc'd path. */
static char *put(struct fx *f, const char *name, const char *text)
{
    return tu_write(f->dir, name, text);
}

/* Fail, listing the messages, unless some kept message equals want. */
static void expect_msg(const struct diag *d, const char *want)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->msg[i], want) == 0)
            return;
    print_error("expected message: %s\n", want);
    for (size_t i = 0; i < d->n; i++)
        print_error("  got: %s\n", d->msg[i]);
    fail();
}

/* Fail unless some kept message starts with prefix and contains needle. */
static void expect_msg_like(const struct diag *d, const char *prefix, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strncmp(d->msg[i], prefix, strlen(prefix)) == 0 && strstr(d->msg[i], needle))
            return;
    print_error("expected a message starting \"%s\" with \"%s\"\n", prefix, needle);
    for (size_t i = 0; i < d->n; i++)
        print_error("  got: %s\n", d->msg[i]);
    fail();
}

static struct conf_node *kid(struct conf_node *g, const char *name)
{
    struct conf_node *k = conf_get(g, name);
    if (!k)
        fail_msg("no setting \"%s\"", name);
    return k;
}

static const char *SCENARIO =
    "# a scenario\n"                                   /* 1 */
    "name = \"baseline\";\n"                           /* 2 */
    "horizon_years = 5.0;\n"                           /* 3 */
    "reps = 12;\n"                                     /* 4 */
    "big = 10000000000L;\n"                            /* 5 */
    "plot = true;\n"                                   /* 6 */
    "demand: {\n"                                      /* 7 */
    "  referrals_per_year = 4000.5;\n"                 /* 8 */
    "  seasonality = [ 1.0, 1.1, 0.9 ];\n"             /* 9 */
    "};\n"                                             /* 10 */
    "grades = (\n"                                     /* 11 */
    "  { name = \"sw\"; cap = 18.0; },\n"              /* 12 */
    "  { name = \"nqsw\";\n"                           /* 13 */
    "    cap = 12.0; }\n"                              /* 14 */
    ");\n";                                            /* 15 */

/* ---- loading ---------------------------------------------------------------- */

static void test_types_and_lines(void **state)
{
    struct fx *f = *state;
    char *path = put(f, "scenario.cfg", SCENARIO);
    struct conf_doc *doc = conf_load(path, &f->d);
    assert_non_null(doc);
    assert_false(diag_failed(&f->d));
    assert_int_equal(doc->n_files, 1);
    assert_string_equal(doc->files[0], path);

    struct conf_node *root = doc->root;
    assert_int_equal(root->type, CONF_GROUP);
    struct conf_node *n = kid(root, "name");
    assert_int_equal(n->type, CONF_STRING);
    assert_string_equal(n->s, "baseline");
    assert_string_equal(n->file, path);
    assert_int_equal(n->line, 2);

    n = kid(root, "horizon_years");
    assert_int_equal(n->type, CONF_FLOAT);
    assert_true(n->f == 5.0 && conf_is_number(n) && conf_number(n) == 5.0);
    assert_int_equal(n->line, 3);
    n = kid(root, "reps");
    assert_int_equal(n->type, CONF_INT);
    assert_true(n->i == 12 && conf_is_number(n) && conf_number(n) == 12.0);
    assert_int_equal(n->line, 4);
    n = kid(root, "big");
    assert_int_equal(n->type, CONF_INT);
    assert_true(n->i == 10000000000LL);
    n = kid(root, "plot");
    assert_int_equal(n->type, CONF_BOOL);
    assert_true(n->b);
    assert_false(conf_is_number(n));
    assert_int_equal(n->line, 6);

    struct conf_node *demand = kid(root, "demand");
    assert_int_equal(demand->type, CONF_GROUP);
    assert_int_equal(demand->line, 7);
    n = kid(demand, "referrals_per_year");
    assert_true(conf_number(n) == 4000.5);
    assert_int_equal(n->line, 8);
    assert_ptr_equal(n->parent, demand);
    struct conf_node *season = kid(demand, "seasonality");
    assert_int_equal(season->type, CONF_ARRAY);
    assert_int_equal(season->n_kid, 3);
    assert_true(conf_number(conf_item(season, 2)) == 0.9);
    assert_null(conf_item(season, 2)->name);
    assert_int_equal(conf_item(season, 2)->line, 9);

    struct conf_node *grades = kid(root, "grades");
    assert_int_equal(grades->type, CONF_LIST);
    assert_int_equal(grades->n_kid, 2);
    struct conf_node *nq = conf_item(grades, 1);
    assert_int_equal(nq->type, CONF_GROUP);
    assert_string_equal(conf_key(nq), "nqsw");
    assert_int_equal(nq->line, 13);
    assert_int_equal(kid(nq, "cap")->line, 14);
    assert_null(conf_key(season));
    assert_null(conf_key(kid(nq, "cap")));

    /* Absent settings come back NULL; conf_get on a non-group too. */
    assert_null(conf_get(root, "nothing_here"));
    assert_null(conf_get(kid(root, "reps"), "x"));
    assert_null(conf_get(NULL, "x"));

    assert_string_equal(conf_type_text(CONF_GROUP), "a group");
    assert_string_equal(conf_type_text(CONF_FLOAT), "a number");
    assert_string_equal(conf_type_text(CONF_INT), "a whole number");
    assert_string_equal(conf_type_text(CONF_STRING), "a string");
    assert_string_equal(conf_type_text(CONF_BOOL), "true or false");
    assert_string_equal(conf_type_text(CONF_LIST), "a list");
    assert_string_equal(conf_type_text(CONF_ARRAY), "an array");
    assert_false(conf_is_number(NULL));

    conf_free(doc);
    conf_free(NULL);
    free(path);
}

static void test_unused_settings(void **state)
{
    struct fx *f = *state;
    char *path = put(f, "s.cfg",
                     "name = \"x\";\n"                                  /* 1 */
                     "horizon_yeras = 5.0;\n"                           /* 2 */
                     "demand: {\n"                                      /* 3 */
                     "  referals_per_year = 4000.0;\n"                  /* 4 */
                     "  screen_out = 0.3;\n"                            /* 5 */
                     "  colour = \"red\";\n"                            /* 6 */
                     "};\n"                                             /* 7 */
                     "grades = ( { name = \"sw\"; capp = 18.0; },\n"    /* 8 */
                     "           { name = \"nq\"; capp = 12.0; } );\n"  /* 9 */
                     "costs: { unread = 1; };\n"                        /* 10 */
                     "unrelated_setting = 3;\n");                       /* 11 */
    struct conf_doc *doc = conf_load(path, &f->d);
    assert_non_null(doc);
    struct conf_node *root = doc->root;
    /* A reader asks for what it knows. */
    assert_non_null(conf_get(root, "name"));
    assert_null(conf_get(root, "horizon_years"));
    struct conf_node *demand = conf_get(root, "demand");
    assert_null(conf_get(demand, "referrals_per_year"));
    assert_non_null(conf_get(demand, "screen_out"));
    assert_null(conf_get(demand, "trend_per_year"));
    struct conf_node *sw = conf_item(conf_get(root, "grades"), 0);
    assert_non_null(conf_get(sw, "name"));
    assert_null(conf_get(sw, "cap"));
    assert_true(sw->used && kid(sw, "name")->used);

    conf_report_unused(doc, &f->d);
    snprintf(f->buf, sizeof f->buf,
             "%s:2: horizon_yeras: unknown setting (did you mean horizon_years?)", path);
    expect_msg(&f->d, f->buf);
    snprintf(f->buf, sizeof f->buf,
             "%s:4: demand.referals_per_year: unknown setting (did you mean referrals_per_year?)",
             path);
    expect_msg(&f->d, f->buf);
    snprintf(f->buf, sizeof f->buf,
             "%s:6: demand.colour: unknown setting (known here: referrals_per_year, screen_out, "
             "trend_per_year)", path);
    expect_msg(&f->d, f->buf);
    snprintf(f->buf, sizeof f->buf,
             "%s:8: grades.sw.capp: unknown setting (did you mean cap?)", path);
    expect_msg(&f->d, f->buf);
    /* A group nobody read is reported once, not setting by setting; so is
     * nothing inside a list element nobody read (grades.nq). */
    snprintf(f->buf, sizeof f->buf, "%s:10: costs: unknown setting", path);
    expect_msg_like(&f->d, f->buf, "known here: name, horizon_years, demand, grades");
    snprintf(f->buf, sizeof f->buf, "%s:11: unrelated_setting: unknown setting", path);
    expect_msg_like(&f->d, f->buf, "known here");
    assert_int_equal(f->d.count, 6);
    conf_free(doc);
    free(path);
}

static void test_syntax_error(void **state)
{
    struct fx *f = *state;
    char *path = put(f, "bad.cfg", "a = 1;\n# fine so far\nb = ;\nc = 2;\n");
    assert_null(conf_load(path, &f->d));
    assert_int_equal(f->d.count, 1);
    snprintf(f->buf, sizeof f->buf, "%s:3: ", path);
    expect_msg_like(&f->d, f->buf, "syntax error");
    free(path);
}

static void test_missing_top_file(void **state)
{
    struct fx *f = *state;
    snprintf(f->buf, sizeof f->buf, "%s/absent.cfg", f->dir);
    char *path = strdup(f->buf);
    assert_null(conf_load(path, &f->d));
    snprintf(f->buf, sizeof f->buf, "%s: cannot read the file", path);
    expect_msg_like(&f->d, f->buf, "No such file");
    free(path);
}

/* ---- @include ----------------------------------------------------------------- */

static const char *BASE =
    "name = \"base\";\n"                                                      /* 1 */
    "horizon_years = 5.0;\n"                                                  /* 2 */
    "demand: { referrals_per_year = 4000.0; screen_out = 0.3;\n"              /* 3 */
    "          rereferral = { p = 0.22; within_days = 365.0; }; };\n"         /* 4 */
    "grades = ( { name = \"sw\"; cap = 18.0; salary = 42000.0; },\n"          /* 5 */
    "           { name = \"nqsw\"; cap = 12.0; } );\n"                        /* 6 */
    "seasonality = [ 1.0, 2.0, 3.0 ];\n"                                      /* 7 */
    "steps = ( 1, 2, 3 );\n"                                                  /* 8 */
    "shape = { a = 1; };\n"                                                   /* 9 */
    "stages = ( { name = \"assessment\"; weight = 1.0; } );\n";               /* 10 */

static const char *VARIANT =
    "# a variant restates only what it changes\n"                             /* 1 */
    "@include \"base.cfg\"\n"                                                 /* 2 */
    "name = \"variant\";\n"                                                   /* 3 */
    "demand: { screen_out = 0.25; trend_per_year = 0.01;\n"                   /* 4 */
    "          rereferral = { p = 0.3; }; };\n"                               /* 5 */
    "grades = ( { name = \"sw\"; cap = 20.0; },\n"                            /* 6 */
    "           { name = \"agency\"; cap = 18.0; } );\n"                      /* 7 */
    "seasonality = [ 0.5 ];\n"                                                /* 8 */
    "steps = ( 4 );\n"                                                        /* 9 */
    "shape = 5;\n"                                                            /* 10 */
    "stages = ( );\n";                                                        /* 11 */

static void test_include_merge(void **state)
{
    struct fx *f = *state;
    char *base = put(f, "base.cfg", BASE);
    char *variant = put(f, "variant.cfg", VARIANT);
    struct conf_doc *doc = conf_load(variant, &f->d);
    if (!doc)
        diag_print(&f->d, stderr, "test");
    assert_non_null(doc);
    assert_int_equal(doc->n_files, 2);
    struct conf_node *root = doc->root;

    /* A scalar is replaced, and remembers the variant's file and line. */
    struct conf_node *n = kid(root, "name");
    assert_string_equal(n->s, "variant");
    assert_string_equal(n->file, variant);
    assert_int_equal(n->line, 3);
    /* What the variant does not mention comes from the base. */
    n = kid(root, "horizon_years");
    assert_true(conf_number(n) == 5.0);
    assert_string_equal(n->file, base);
    assert_int_equal(n->line, 2);

    /* Groups merge setting by setting, recursively. */
    struct conf_node *demand = kid(root, "demand");
    assert_int_equal(demand->n_kid, 4);
    n = kid(demand, "referrals_per_year");
    assert_true(conf_number(n) == 4000.0);
    assert_string_equal(n->file, base);
    n = kid(demand, "screen_out");
    assert_true(conf_number(n) == 0.25);
    assert_string_equal(n->file, variant);
    assert_int_equal(n->line, 4);
    n = kid(demand, "trend_per_year");
    assert_true(conf_number(n) == 0.01);
    struct conf_node *rr = kid(demand, "rereferral");
    assert_true(conf_number(kid(rr, "p")) == 0.3);
    assert_true(conf_number(kid(rr, "within_days")) == 365.0);
    assert_int_equal(kid(rr, "within_days")->line, 4);
    assert_string_equal(kid(rr, "within_days")->file, base);

    /* A keyed list merges element by element: known keys merge, new keys
     * are appended, the base's order is kept. */
    struct conf_node *grades = kid(root, "grades");
    assert_int_equal(grades->n_kid, 3);
    struct conf_node *sw = conf_item(grades, 0);
    assert_string_equal(conf_key(sw), "sw");
    assert_true(conf_number(kid(sw, "cap")) == 20.0);
    assert_string_equal(kid(sw, "cap")->file, variant);
    assert_int_equal(kid(sw, "cap")->line, 6);
    assert_true(conf_number(kid(sw, "salary")) == 42000.0);
    assert_string_equal(kid(sw, "salary")->file, base);
    assert_ptr_equal(sw->parent, grades);
    struct conf_node *nq = conf_item(grades, 1);
    assert_string_equal(conf_key(nq), "nqsw");
    assert_true(conf_number(kid(nq, "cap")) == 12.0);
    struct conf_node *ag = conf_item(grades, 2);
    assert_string_equal(conf_key(ag), "agency");
    assert_string_equal(ag->file, variant);
    assert_int_equal(ag->line, 7);
    assert_ptr_equal(ag->parent, grades);

    /* Arrays and lists that are not keyed are replaced whole. */
    struct conf_node *season = kid(root, "seasonality");
    assert_int_equal(season->n_kid, 1);
    assert_true(conf_number(conf_item(season, 0)) == 0.5);
    struct conf_node *steps = kid(root, "steps");
    assert_int_equal(steps->n_kid, 1);
    assert_true(conf_number(conf_item(steps, 0)) == 4.0);
    /* A value of another type replaces the base's. */
    n = kid(root, "shape");
    assert_int_equal(n->type, CONF_INT);
    assert_int_equal(n->i, 5);
    /* An empty list replaces a keyed one (there is nothing to merge). */
    assert_int_equal(kid(root, "stages")->n_kid, 0);

    /* Settings nobody read are reported where the merged value came from. */
    conf_report_unused(doc, &f->d);
    assert_int_equal(f->d.count, 4);   /* the key "name" of each grade, agency's cap */
    snprintf(f->buf, sizeof f->buf, "%s:6: grades.nqsw.name: unknown setting (known here: cap)",
             base);
    expect_msg(&f->d, f->buf);
    snprintf(f->buf, sizeof f->buf, "%s:7: grades.agency.cap: unknown setting (known here: none)",
             variant);
    expect_msg(&f->d, f->buf);
    conf_free(doc);
    free(base);
    free(variant);
}

static void test_include_relative_and_order(void **state)
{
    struct fx *f = *state;
    char *sub = tu_mkdir(f->dir, "sub");
    char *p1 = put(f, "sub/common.cfg", "a = 1;\nb = 1;\nc = 1;\n");
    char *p2 = put(f, "sub/mid.cfg", "@include \"common.cfg\"\nb = 2;\n");
    char *p3 = put(f, "other.cfg", "c = 3;\nd = 3;\n");
    /* Two bases: the second is laid over the first, then the file itself. */
    char *top = put(f, "top.cfg",
                    "// bases first\n@include \"sub/mid.cfg\"\n  @include \"other.cfg\"\n"
                    "/* a block\n   comment */\nd = 4;\n");
    struct conf_doc *doc = conf_load(top, &f->d);
    if (!doc)
        diag_print(&f->d, stderr, "test");
    assert_non_null(doc);
    assert_int_equal(doc->n_files, 4);
    assert_int_equal(kid(doc->root, "a")->i, 1);
    assert_string_equal(kid(doc->root, "a")->file, p1);
    assert_int_equal(kid(doc->root, "b")->i, 2);
    assert_string_equal(kid(doc->root, "b")->file, p2);
    assert_int_equal(kid(doc->root, "b")->line, 2);
    assert_int_equal(kid(doc->root, "c")->i, 3);
    assert_string_equal(kid(doc->root, "c")->file, p3);
    assert_int_equal(kid(doc->root, "d")->i, 4);
    assert_string_equal(kid(doc->root, "d")->file, top);
    assert_int_equal(kid(doc->root, "d")->line, 6);
    conf_free(doc);

    /* A diamond (two bases sharing a third) is no cycle. */
    free(put(f, "left.cfg", "@include \"sub/common.cfg\"\nb = 5;\n"));
    free(put(f, "right.cfg", "@include \"sub/common.cfg\"\nc = 6;\n"));
    free(put(f, "diamond.cfg", "@include \"left.cfg\"\n@include \"right.cfg\"\n"));
    snprintf(f->buf, sizeof f->buf, "%s/diamond.cfg", f->dir);
    doc = conf_load(f->buf, &f->d);
    assert_non_null(doc);
    assert_false(diag_failed(&f->d));
    assert_int_equal(kid(doc->root, "a")->i, 1);
    assert_int_equal(kid(doc->root, "b")->i, 1);   /* right's base is laid over left */
    assert_int_equal(kid(doc->root, "c")->i, 6);
    conf_free(doc);

    /* The same from text in memory, with includes resolved against dir. */
    snprintf(f->buf, sizeof f->buf, "%s/memory.cfg", f->dir);
    doc = conf_load_text("@include \"other.cfg\"\nd = 5;\n", f->buf, f->dir, &f->d);
    assert_non_null(doc);
    assert_int_equal(kid(doc->root, "c")->i, 3);
    assert_int_equal(kid(doc->root, "d")->i, 5);
    assert_string_equal(kid(doc->root, "d")->file, f->buf);
    assert_int_equal(kid(doc->root, "d")->line, 2);
    conf_free(doc);
    doc = conf_load_text("x = ;\n", "memory.cfg", f->dir, &f->d);
    assert_null(doc);
    expect_msg_like(&f->d, "memory.cfg:1: ", "syntax error");

    free(sub);
    free(p1);
    free(p2);
    free(p3);
    free(top);
}

static void test_include_errors(void **state)
{
    struct fx *f = *state;
    char *base = put(f, "base.cfg", BASE);

    /* A missing file: reported where it is included. */
    char *missing = put(f, "missing.cfg", "# variant\n@include \"nope.cfg\"\nx = 1;\n");
    assert_null(conf_load(missing, &f->d));
    snprintf(f->buf, sizeof f->buf, "%s:2: @include \"%s/nope.cfg\": cannot read it", missing,
             f->dir);
    expect_msg_like(&f->d, f->buf, "No such file");

    /* A file including itself. */
    char *self = put(f, "self.cfg", "@include \"self.cfg\"\nx = 1;\n");
    assert_null(conf_load(self, &f->d));
    snprintf(f->buf, sizeof f->buf,
             "%s:1: @include \"%s/self.cfg\" includes itself (allowed: a base that does not include this file)",
             self, f->dir);
    expect_msg(&f->d, f->buf);

    /* ... and through another file: a includes b, b includes a. */
    char *a = put(f, "a.cfg", "@include \"b.cfg\"\nx = 1;\n");
    char *b = put(f, "b.cfg", "# b\n\n@include \"a.cfg\"\ny = 2;\n");
    assert_null(conf_load(a, &f->d));
    snprintf(f->buf, sizeof f->buf,
             "%s:3: @include \"%s/a.cfg\" includes itself through the files it includes "
             "(allowed: a base that does not include this file)", b, f->dir);
    expect_msg(&f->d, f->buf);

    /* After a setting. */
    char *late = put(f, "late.cfg", "x = 1;\n\n@include \"base.cfg\"\n");
    assert_null(conf_load(late, &f->d));
    snprintf(f->buf, sizeof f->buf, "%s:3: @include must come before the settings", late);
    expect_msg_like(&f->d, f->buf, "");

    /* Without quotes. */
    char *unq = put(f, "unquoted.cfg", "@include base.cfg\n");
    assert_null(conf_load(unq, &f->d));
    snprintf(f->buf, sizeof f->buf,
             "%s:1: @include needs a file name in double quotes (allowed: @include \"FILE.cfg\")", unq);
    expect_msg(&f->d, f->buf);

    /* A syntax error in a base is reported in the base. */
    char *broken = put(f, "broken.cfg", "a = 1;\nb = = 2;\n");
    char *over = put(f, "over.cfg", "@include \"broken.cfg\"\nc = 3;\n");
    assert_null(conf_load(over, &f->d));
    snprintf(f->buf, sizeof f->buf, "%s/broken.cfg:2: ", f->dir);
    expect_msg_like(&f->d, f->buf, "syntax error");

    assert_int_equal(f->d.count, 6);
    char *all[] = { base, missing, self, a, b, late, unq, broken, over };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
}

static void test_include_depth(void **state)
{
    struct fx *f = *state;
    /* f0 includes f1 ... includes f16: seventeen files nested, one too many. */
    char name[32], text[64];
    for (int i = 0; i <= CONF_MAX_INCLUDE_DEPTH; i++) {
        snprintf(name, sizeof name, "f%d.cfg", i);
        if (i < CONF_MAX_INCLUDE_DEPTH)
            snprintf(text, sizeof text, "@include \"f%d.cfg\"\nv%d = %d;\n", i + 1, i, i);
        else
            snprintf(text, sizeof text, "v%d = %d;\n", i, i);
        free(put(f, name, text));
    }
    snprintf(f->buf, sizeof f->buf, "%s/f0.cfg", f->dir);
    assert_null(conf_load(f->buf, &f->d));
    snprintf(f->buf, sizeof f->buf,
             "%s/f%d.cfg:1: @include nested deeper than %d files (allowed: at most %d files, each including the next)",
             f->dir, CONF_MAX_INCLUDE_DEPTH - 1, CONF_MAX_INCLUDE_DEPTH, CONF_MAX_INCLUDE_DEPTH);
    expect_msg(&f->d, f->buf);

    /* Sixteen files nested is allowed, and every level's settings arrive. */
    diag_free(&f->d);
    diag_init(&f->d, 20);
    snprintf(f->buf, sizeof f->buf, "%s/f1.cfg", f->dir);
    struct conf_doc *doc = conf_load(f->buf, &f->d);
    assert_non_null(doc);
    assert_int_equal(doc->root->n_kid, CONF_MAX_INCLUDE_DEPTH);
    assert_int_equal(kid(doc->root, "v16")->i, 16);
    assert_int_equal(kid(doc->root, "v1")->i, 1);
    conf_free(doc);
}

/* ---- paths and errors --------------------------------------------------------- */

static void test_paths(void **state)
{
    struct fx *f = *state;
    char *path = put(f, "p.cfg",
                     "a: {\n"
                     "  b = ( { name = \"sw\"; cap = 18.0; }, { name = \"nq\"; cap = 12.0; } );\n"
                     "  c = ( 1, \"x\", { cap = 3; }, { id = 4; } );\n"
                     "  d = [ 4, 5, 6 ];\n"
                     "};\n");
    struct conf_doc *doc = conf_load(path, &f->d);
    assert_non_null(doc);
    struct conf_node *a = kid(doc->root, "a");
    struct conf_node *b = kid(a, "b"), *c = kid(a, "c"), *d = kid(a, "d");
    char buf[128];
    conf_path(doc->root, buf, sizeof buf);
    assert_string_equal(buf, "");
    conf_path(a, buf, sizeof buf);
    assert_string_equal(buf, "a");
    conf_path(kid(conf_item(b, 0), "cap"), buf, sizeof buf);
    assert_string_equal(buf, "a.b.sw.cap");
    conf_path(conf_item(b, 1), buf, sizeof buf);
    assert_string_equal(buf, "a.b.nq");
    conf_path(conf_item(c, 1), buf, sizeof buf);
    assert_string_equal(buf, "a.c.2");
    /* A group whose first setting is a number has no key: its position. */
    conf_path(kid(conf_item(c, 2), "cap"), buf, sizeof buf);
    assert_string_equal(buf, "a.c.3.cap");
    conf_path(conf_item(c, 3), buf, sizeof buf);
    assert_string_equal(buf, "a.c.4");
    conf_path(conf_item(d, 2), buf, sizeof buf);
    assert_string_equal(buf, "a.d.3");
    /* A short buffer gets a terminated prefix. */
    char tiny[6];
    conf_path(kid(conf_item(b, 0), "cap"), tiny, sizeof tiny);
    assert_string_equal(tiny, "a.b.s");
    conf_path(a, tiny, 0);   /* nothing written, no crash */

    /* conf_error: FILE:LINE: PATH: text. */
    conf_error(&f->d, kid(conf_item(b, 0), "cap"), "must be > %d", 20);
    snprintf(f->buf, sizeof f->buf, "%s:2: a.b.sw.cap: must be > 20", path);
    expect_msg(&f->d, f->buf);
    conf_error(&f->d, doc->root, "is empty");
    snprintf(f->buf, sizeof f->buf, "%s:1: is empty", path);
    expect_msg(&f->d, f->buf);
    conf_free(doc);
    free(path);
}

/* ---- diag ---------------------------------------------------------------------- */

static char *print_to_string(const struct diag *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    diag_print(d, out, "caseload");
    fclose(out);
    return text;
}

static void test_diag_messages_and_limit(void **state)
{
    (void)state;
    struct diag d;
    diag_init(&d, 3);
    assert_false(diag_failed(&d));
    diag_error(&d, "scenarios/x.cfg", 14, "workforce.grades.sw.cap", "must be > %g", 0.0);
    diag_error(&d, "scenarios/x.cfg", 0, NULL, "cannot read the file");
    diag_error(&d, NULL, 0, "demand.screen_out", "must be %s", "0 to 1");
    assert_true(diag_failed(&d));
    for (int i = 0; i < 5; i++)
        diag_error(&d, "y.cfg", 100 + i, NULL, "problem %d", i);
    assert_int_equal(d.count, 8);   /* every problem counted */
    assert_int_equal(d.n, 3);       /* only the first three kept */
    assert_string_equal(d.msg[0], "scenarios/x.cfg:14: workforce.grades.sw.cap: must be > 0");
    assert_string_equal(d.msg[1], "scenarios/x.cfg: cannot read the file");
    assert_string_equal(d.msg[2], "demand.screen_out: must be 0 to 1");

    char *text = print_to_string(&d);
    assert_string_equal(text,
                        "caseload: scenarios/x.cfg:14: workforce.grades.sw.cap: must be > 0\n"
                        "caseload: scenarios/x.cfg: cannot read the file\n"
                        "caseload: demand.screen_out: must be 0 to 1\n"
                        "caseload: ... and 5 more problems\n");
    free(text);
    diag_free(&d);
    assert_int_equal(d.count, 0);
    diag_free(&d);   /* twice is harmless */
    diag_free(NULL);

    /* One dropped: singular. None dropped: no summary line. */
    diag_init(&d, 1);
    diag_error(&d, "z.cfg", 2, NULL, "first");
    text = print_to_string(&d);
    assert_string_equal(text, "caseload: z.cfg:2: first\n");
    free(text);
    diag_error(&d, "z.cfg", 3, NULL, "second");
    text = print_to_string(&d);
    assert_string_equal(text, "caseload: z.cfg:2: first\ncaseload: ... and 1 more problem\n");
    free(text);
    diag_free(&d);

    /* A very long message is truncated, not overrun. */
    diag_init(&d, 2);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    diag_error(&d, "f.cfg", 1, "p", "%s", big);
    assert_true(strlen(d.msg[0]) < sizeof big);
    assert_true(strncmp(d.msg[0], "f.cfg:1: p: xxx", 15) == 0);
    diag_free(&d);
}

static void zero_limit(void *arg)
{
    (void)arg;
    struct diag d;
    diag_init(&d, 0);
}

static void test_diag_nearest(void **state)
{
    (void)state;
    const char *names[] = { "referrals_per_year", "screen_out", "trend_per_year", "seasonality",
                            "shocks", "rereferral" };
    const size_t n = sizeof names / sizeof names[0];
    TU_ASSERT_STR(diag_nearest("referals_per_year", names, n), "referrals_per_year");
    TU_ASSERT_STR(diag_nearest("screenout", names, n), "screen_out");
    TU_ASSERT_STR(diag_nearest("seasonalty", names, n), "seasonality");
    TU_ASSERT_STR(diag_nearest("shock", names, n), "shocks");
    TU_ASSERT_STR(diag_nearest("trend_per_year", names, n), "trend_per_year");
    assert_null(diag_nearest("workforce", names, n));
    assert_null(diag_nearest("", names, n));
    assert_null(diag_nearest("screen_out", names, 0));
    /* Closest wins, and the first of equals. */
    const char *ab[] = { "cap", "cab", "map" };
    TU_ASSERT_STR(diag_nearest("cat", ab, 3), "cap");
    /* A short word allows two edits, a long one a third of its length. */
    const char *sw[] = { "sw" };
    TU_ASSERT_STR(diag_nearest("x", sw, 1), "sw");
    const char *long_name[] = { "reallocate_after_days" };   /* 21 letters: 7 edits */
    TU_ASSERT_STR(diag_nearest("relocate_after_day", long_name, 1), long_name[0]);
    assert_null(diag_nearest("remain", long_name, 1));
    /* A long parameter path with one typo is still a plausible typo. */
    const char *paths[] = { "workforce.grades.newly_qualified_social_worker.turnover_per_year",
                            "workforce.grades.newly_qualified_social_worker.sickness_per_year" };
    TU_ASSERT_STR(
        diag_nearest("workforce.grades.newly_qualified_social_worker.turnover_per_yaer", paths, 2),
        paths[0]);
    assert_true(tu_dies(zero_limit, NULL, "limit >= 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_types_and_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unused_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_top_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_relative_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
        cmocka_unit_test(test_diag_messages_and_limit),
        cmocka_unit_test(test_diag_nearest),
    };
    return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
