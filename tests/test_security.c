/* test_security.c — no text from outside the program runs a command
 * through gnuplot.
 *
 * Law: whatever bytes a scenario's name, a CSV field or a manifest field
 * hold, the charts' script (plots.gp) only draws. A table of hostile
 * strings — a leading < or | (gnuplot opens such a file name as a pipe),
 * a line break then system("..."), backquotes (command substitution), the
 * two quotes, a backslash at the end (which continues a comment onto the
 * next line), @macros, enhanced-text markup, a very long name, bytes that
 * are not UTF-8 — each carrying a command that would create a sentinel
 * file, goes (a) into scenario names through `caseload compare --plot`,
 * (b) into every text field of crafted run, comparison, sweep and tornado
 * folders drawn by `caseload plot DIR`, and (c) the scripts written are
 * run again directly with `gnuplot plots.gp`. The sentinel never appears,
 * and the titles show the names as they are. The quoting function itself
 * is checked by gnuplot: each string, quoted, prints back as itself. */
#include "output/compare.h"
#include "output/gnuplot.h"
#include "output/plot_script.h"

#include "sim/check.h"
#include "tests/testutil.h"

#include <ctype.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <dirent.h>

/* The fuzz harnesses of the readers and script writers, replayed on their
 * seeds and on every input they once crashed on (tests/fuzz/HARNESS/). */
#define FUZZ_ENTRY fuzz_csv_in_entry
#include "tests/fuzz/fuzz_csv_in.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_json_in_entry
#include "tests/fuzz/fuzz_json_in.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_plot_data_entry
#include "tests/fuzz/fuzz_plot_data.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_plot_script_entry
#include "tests/fuzz/fuzz_plot_script.c"
#undef FUZZ_ENTRY

#define SENTINEL "SENTINEL"          /* replaced by the sentinel's path */
#define SENTINEL_FILE "pwned"
#define TEXT_MAX (256 * 1024)
#define ERR_SIZE 8192
/* Long, yet short enough for the titles (PLOT_TEXT_SIZE) to hold whole. */
#define LONG_NAME_CHARS 400

/* Hostile strings; SENTINEL stands for the sentinel file's path. */
static const char *const hostile[] = {
    "<touch SENTINEL;echo ",
    "|touch SENTINEL",
    "< touch SENTINEL",
    "x\nsystem(\"touch SENTINEL\")\n# ",
    "x\r\n!touch SENTINEL\n",
    "`touch SENTINEL`",
    "\"`touch SENTINEL`\"",
    "it's '.system(\"touch SENTINEL\").'",
    "'",
    "''",
    "'''",
    "a''''b`touch SENTINEL`",
    "ends in a backslash \\",
    "back\\\nsystem(\"touch SENTINEL\")",
    "@png @svg @staging",
    "x^{2}_{y} @a &{b} {/Symbol a} \\U+263A",
    "#`touch SENTINEL`",
    "bad UTF-8 \xff\xfe \xc3( \xed\xa0\x80 `touch SENTINEL`",
    "name; system(\"touch SENTINEL\")",
};
#define N_HOSTILE (sizeof hostile / sizeof *hostile)

/* hostile string i with its sentinel path (malloc'd); the long one is
 * LONG_NAME_CHARS long. */
static char *hostile_text(size_t i, const char *sentinel)
{
    const char *h = hostile[i];
    char *out = check_malloc(strlen(h) + 8 * strlen(sentinel) + 1);
    size_t w = 0;
    for (const char *p = h; *p;) {
        if (strncmp(p, SENTINEL, strlen(SENTINEL)) == 0) {
            strcpy(out + w, sentinel);
            w += strlen(sentinel);
            p += strlen(SENTINEL);
        } else {
            out[w++] = *p++;
        }
    }
    out[w] = '\0';
    return out;
}

/* A name LONG_NAME_CHARS long carrying a backquoted command at its end. */
static char *long_name(const char *sentinel)
{
    char *out = check_malloc(LONG_NAME_CHARS + strlen(sentinel) + 16);
    memset(out, 'n', LONG_NAME_CHARS);
    sprintf(out + LONG_NAME_CHARS, "`touch %s`", sentinel);
    return out;
}

/* What gnuplot shows of text: control characters as spaces, bytes that
 * are not UTF-8 as '?' (the invalid ones of the table, by hand). */
static char *shown(const char *text)
{
    char *out = check_strdup(text);
    for (unsigned char *p = (unsigned char *)out; *p; p++)
        if (*p < ' ')
            *p = ' ';
    static const char *const bad[][2] = { { "\xff\xfe", "??" }, { "\xc3(", "?(" }, { "\xed\xa0\x80", "???" } };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *at;
        while ((at = strstr(out, bad[k][0])))
            memcpy(at, bad[k][1], strlen(bad[k][1]));
    }
    return out;
}

/* text as the test expects it in a script: in single quotes, each of
 * ' " ` @ as '."\OOO".' (octal; written here independently of gp_quoted). */
static char *expected_literal(const char *text)
{
    char *s = shown(text);
    char *out = check_malloc(10 * strlen(s) + 3);
    size_t w = 0;
    out[w++] = '\'';
    for (const char *p = s; *p; p++) {
        if (strchr("'\"`@", *p)) {
            w += (size_t)sprintf(out + w, "'.\"\\%03o\".'", (unsigned char)*p);
        } else {
            out[w++] = *p;
        }
    }
    out[w++] = '\'';
    out[w] = '\0';
    free(s);
    return out;
}

/* The gnuplot program as a path (tu_run does not search PATH); NULL when
 * there is none. */
static const char *gnuplot_path(void)
{
    static char path[PATH_MAX];
    const char *prog = gnuplot_program(NULL);
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? prog : NULL;
    const char *dirs = getenv("PATH");
    for (const char *d = dirs ? dirs : ""; *d;) {
        size_t n = strcspn(d, ":");
        snprintf(path, sizeof path, "%.*s/%s", (int)n, d, prog);
        if (n > 0 && access(path, X_OK) == 0)
            return path;
        d += n + (d[n] == ':');
    }
    return NULL;
}

static bool have_gnuplot(void)
{
    return gnuplot_path() != NULL;
}

static void assert_no_sentinel(const char *sentinel, const char *what)
{
    if (tu_exists(sentinel))
        fail_msg("%s: the hostile command ran (%s exists)", what, sentinel);
}

/* Run gnuplot plots.gp in dir, as a user re-drawing the charts would. */
static void gnuplot_again(const char *dir, const char *sentinel)
{
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    char *argv[] = { (char *)gnuplot_path(), "plots.gp", NULL };
    char *err = NULL;
    tu_run(argv, NULL, &err);
    free(err);
    assert_int_equal(chdir(cwd), 0);
    assert_no_sentinel(sentinel, dir);
}

/* A CSV field: quoted, a quote doubled. */
static void csv_field(char *buf, size_t *w, const char *text)
{
    buf[(*w)++] = '"';
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            buf[(*w)++] = '"';
        buf[(*w)++] = *p;
    }
    buf[(*w)++] = '"';
    buf[*w] = '\0';
}

/* A JSON string: quoted, with escapes; bytes above 0x7F as they are (the
 * reader passes them through). */
static void json_string(char *buf, size_t *w, const char *text)
{
    buf[(*w)++] = '"';
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') {
            buf[(*w)++] = '\\';
            buf[(*w)++] = (char)*p;
        } else if (*p < ' ') {
            *w += (size_t)sprintf(buf + *w, "\\u%04x", *p);
        } else {
            buf[(*w)++] = (char)*p;
        }
    }
    buf[(*w)++] = '"';
    buf[*w] = '\0';
}

/* ---- the quoting function ---- */

/* Each hostile string, quoted, is one inert line in every context, and
 * gnuplot prints it back as itself (control characters as spaces, bytes
 * that are not UTF-8 as '?'). */
static void test_quoting_prints_back(void **state)
{
    struct tu_dir *f = *state;
    char *sentinel = tu_path(f->dir, SENTINEL_FILE);
    bool gnuplot = have_gnuplot();
    for (size_t i = 0; i <= N_HOSTILE; i++) {
        char *text = i < N_HOSTILE ? hostile_text(i, sentinel) : long_name(sentinel);
        static const char *const contexts[] = { "# comment ", "set title ", "array a[1] = [", "x = ",
                                                "set label 1 " };
        for (size_t c = 0; c < sizeof contexts / sizeof *contexts; c++) {
            struct gp g;
            gp_begin(&g, NULL);
            gp_printf(&g, "%s", contexts[c]);
            gp_quoted(&g, text);
            gp_printf(&g, "%s\n", c == 2 ? "]" : c == 4 ? " at 0, 0" : "");
            char *script = gp_end(&g);
            char why[256];
            if (!gp_script_inert(script, why, sizeof why))
                fail_msg("hostile string %zu in \"%s\": %s\n%s", i, contexts[c], why, script);
            assert_ptr_equal(strchr(script, '\n'), script + strlen(script) - 1);   /* one line */
            free(script);
        }
        char *want = expected_literal(text);
        struct gp g;
        gp_begin(&g, NULL);
        gp_quoted(&g, text);
        char *lit = gp_end(&g);
        TU_ASSERT_STR(lit, want);
        if (gnuplot) {
            char *script_path = tu_path(f->dir, "print.gp");
            FILE *fp = fopen(script_path, "w");
            assert_non_null(fp);
            fprintf(fp, "print %s\n", lit);
            fclose(fp);
            char *argv[] = { (char *)gnuplot_path(), script_path, NULL };
            char *err = NULL;
            assert_int_equal(tu_run(argv, NULL, &err), 0);
            char *back = shown(text);
            size_t n = strlen(err);
            if (n > 0 && err[n - 1] == '\n')
                err[--n] = '\0';
            if (strcmp(err, back) != 0)
                fail_msg("hostile string %zu printed back as \"%s\", not \"%s\"", i, err, back);
            free(back);
            free(err);
            free(script_path);
            assert_no_sentinel(sentinel, "print");
        }
        free(lit);
        free(want);
        free(text);
    }
    free(sentinel);
}

/* The check refuses every line that could run a command or touch a file
 * other than the constant ones, and accepts the forms the scripts use. */
static void test_inert_check(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "plot '<touch x' using 1:2",
        "plot '|touch x'",
        "plot 'other.csv' using 1:2",
        "plot folder[i].'/summary.csv' using 1",
        "plot for [i=1:2] name[i] using 1",
        "stats 'x.csv' using 1 nooutput",
        "plot 'summary.csv' using 1:2, '<touch x' using 1:2",
        "set output '|touch x'",
        "set output 'backlog.png'",
        "set output chart(\"a/b.\".ext)",
        "set print '|touch x'",
        "set table 'x'",
        "set title \"`touch x`\"",
        "x = `touch x`",
        "x = system(\"touch x\")",
        "system \"touch x\"",
        "!touch x",
        "   !touch x",
        "set title 'a'; !touch x",
        "load 'x.gp'",
        "call 'x.gp'",
        "shell",
        "cd '/tmp'",
        "save 'x.gp'",
        "eval(\"system('touch x')\")",
        "eval(png); eval(svg)",
        "x = @png",
        "set title '@lever_y'",
        "# `touch x`",
        "set title 'a'.\"'\".'@lever_y'",
        "set title 'open",
        "# a comment \\\nplot '<touch x'",
        "# a comment \\\nx = 1",
        "summary(i) = sprintf('<touch %d', i)",
        "if (1) load 'x.gp'",
        "do for [i=1:2] { load 'x.gp' }",
        "set title 'a'\r",
        "fit f(x) 'data' via a",
        "import f(x) from 'lib'",
    };
    char why[256];
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (gp_script_inert(refused[i], why, sizeof why))
            fail_msg("accepted: %s", refused[i]);
    static const char *const accepted[] = {
        "# plots.gp: | < \\ ' \"\n",
        "set title 'a'.\"\\047\".'b | < # \\'\n",
        "x = 1; y = 2\n",
        "if (!exists(\"staging\")) staging = 0\n",
        ("do for [ext in \"png svg\"] {\n    eval(ext eq \"png\" ? png : svg)\n    set output chart(\"backlog.\".ext)\n"
         "    plot 'summary.csv' using 1:2 with lines title '<x', \\\n         keyentry title \"y\"\n}\n"),
        "summary(i) = sprintf('scenario-%d/summary.csv', i)\n",
        "plot for [i=1:|s|] summary(i) using 1:2 with labels left offset char 1, 0 notitle\n",
    };
    for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++)
        if (!gp_script_inert(accepted[i], why, sizeof why))
            fail_msg("refused (%s): %s", why, accepted[i]);
}

/* ---- (a) scenario names through caseload compare --plot ---- */

/* The safe set of scenario names as scenarios/README.md states it: 1 to
 * 120 ASCII letters, digits, spaces and - _ . ( ), not starting with a dot. */
static bool documented_safe(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 120 || name[0] == '.')
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
            if (!strchr(" -_.()", *p))
                return false;
    return true;
}

static void test_compare_hostile_names(void **state)
{
    struct tu_dir *f = *state;
    char *sentinel = tu_path(f->dir, SENTINEL_FILE);
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    /* one scenario per hostile name, each a copy of the small edge fixture */
    char *args[TU_MAX_ARGS];
    size_t n = 0;
    args[n++] = (char *)tu_caseload();
    args[n++] = "compare";
    char *paths[N_HOSTILE + 1];
    char **names = check_calloc(N_HOSTILE + 1, sizeof *names);
    size_t accepted = 0;
    for (size_t i = 0; i <= N_HOSTILE; i++) {
        names[i] = i < N_HOSTILE ? hostile_text(i, sentinel) : long_name(sentinel);
        char *text = check_malloc(TEXT_MAX);
        size_t w = (size_t)snprintf(text, TEXT_MAX, "@include \"%s/tests/scenarios/edge.cfg\"\nname = \"", cwd);
        for (const unsigned char *p = (const unsigned char *)names[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                w += (size_t)snprintf(text + w, TEXT_MAX - w, "\\%c", *p);
            else if (*p < ' ' || *p >= 0x7F)
                w += (size_t)snprintf(text + w, TEXT_MAX - w, "\\x%02x", *p);
            else
                text[w++] = (char)*p;
        }
        snprintf(text + w, TEXT_MAX - w, "\";\n");
        char file[32];
        snprintf(file, sizeof file, "s%zu.cfg", i);
        paths[i] = tu_write(f->dir, file, text);
        free(text);
        /* names check refuses (line breaks, ...) cannot reach a script this
         * way: check refuses exactly the names outside the documented safe
         * set (scenarios/README.md) */
        int st = tu_caseload_run(NULL, NULL, "check", paths[i], NULL);
        if (st != (documented_safe(names[i]) ? 0 : 2))
            fail_msg("hostile name %zu: check exit %d, but the name is %s the safe set", i, st,
                     documented_safe(names[i]) ? "in" : "outside");
        if (st == 0) {
            names[accepted] = names[i];
            if (accepted != i)
                names[i] = NULL;
            args[n++] = paths[i];
            accepted++;
        } else {
            free(names[i]);
            names[i] = NULL;
        }
    }
    print_message("%zu of %zu hostile names accepted as scenario names\n", accepted, N_HOSTILE + 1);
    if (accepted < 2) {
        /* nothing to compare: every hostile name is refused before any script */
        for (size_t i = 0; i <= N_HOSTILE; i++) {
            free(paths[i]);
            free(names[i]);
        }
        free(names);
        free(sentinel);
        return;
    }
    char *out = tu_path(f->dir, "cmp");
    const char *more[] = { "-n", "2", "-q", "--plot", "--set", "horizon_years=0.25", "-o", out, NULL };
    for (size_t k = 0; more[k]; k++)
        args[n++] = (char *)more[k];
    args[n] = NULL;
    char *err = NULL;
    int st = tu_run(args, NULL, &err);
    assert_no_sentinel(sentinel, "caseload compare --plot");
    {
        if (st != 0)
            fail_msg("compare failed (%d): %s", st, err);
        assert_no_sentinel(sentinel, "caseload compare --plot");
        char *gp = tu_read_in(out, "plots.gp");
        for (size_t i = 0; i < accepted; i++) {
            char *lit = expected_literal(names[i]);
            tu_assert_contains(gp, lit);        /* the key titles: the array of names */
            free(lit);
            char sub[64];
            snprintf(sub, sizeof sub, "scenario-%zu", i + 1);
            char *dir = tu_path(out, sub);
            char *run = tu_read_in(dir, "plots.gp");
            char *title = check_malloc(strlen(names[i]) + 64);
            snprintf(title, strlen(names[i]) + 64, "%s: unallocated cases (the backlog)", names[i]);
            char *want = expected_literal(title);
            want[strlen(want) - 1] = '\0';     /* the title goes on: ", N replications'" */
            tu_assert_contains(run, want);
            free(want);
            free(title);
            free(run);
            if (have_gnuplot())
                gnuplot_again(dir, sentinel);
            free(dir);
        }
        free(gp);
        /* caseload plot DIR draws them again */
        char *perr = NULL;
        assert_int_equal(tu_caseload_run(&perr, NULL, "plot", out, "-q", NULL), have_gnuplot() ? 0 : 1);
        free(perr);
        assert_no_sentinel(sentinel, "caseload plot");
        if (have_gnuplot())
            gnuplot_again(out, sentinel);
    }
    free(err);
    for (size_t i = 0; i <= N_HOSTILE; i++) {
        free(paths[i]);
        free(names[i]);
    }
    free(names);
    free(out);
    free(sentinel);
}

/* ---- (b) crafted result folders through caseload plot DIR ---- */

#define N_DATES 3
static const char *const dates[N_DATES] = { "2024-04-30", "2024-05-31", "2024-06-30" };
static const char *const metrics[] = { "unallocated", "waiting_over_threshold", "mean_wait_days",
                                       "staff_in_post_fte", "caseload_mean", "cost_staff", "cost_cumulative" };

/* A run folder in dir/name whose scenario field and report_every are h. */
static char *crafted_run(const char *dir, const char *name, const char *h)
{
    char *run = tu_mkdir(dir, name);
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX, "scenario,period,date,metric,mean,sd,ci_low,ci_high,p05,p25,p50,p75,p95,n\n");
    for (size_t d = 0; d < N_DATES; d++)
        for (size_t m = 0; m < sizeof metrics / sizeof *metrics; m++) {
            csv_field(text, &w, h);
            double v = 10.5 + (double)m * 2.385 + (double)d;
            w += (size_t)snprintf(text + w, TEXT_MAX - w, ",%zu,%s,%s,%g,1,%g,%g,%g,%g,%g,%g,%g,3\n", d + 1,
                                  dates[d], metrics[m], v, v - 1, v + 1, v - 2, v - 1, v, v + 1, v + 2);
        }
    free(tu_write(run, "summary.csv", text));
    w = (size_t)snprintf(text, TEXT_MAX, "{ \"scenario\": { \"name\": ");
    json_string(text, &w, h);
    w += (size_t)snprintf(text + w, TEXT_MAX - w, ", \"report_every\": ");
    json_string(text, &w, h);
    snprintf(text + w, TEXT_MAX - w, " } }\n");
    free(tu_write(run, "manifest.json", text));
    free(text);
    return run;
}

static char *crafted_comparison(const char *dir, const char *h)
{
    char *cmp = tu_mkdir(dir, "cmp");
    free(crafted_run(cmp, "scenario-1", h));
    free(crafted_run(cmp, "scenario-2", h));
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX, "%s", COMPARE_CSV_HEADER);
    static const char *const kpis[] = { "child_days_unallocated", "cost_total" };
    for (size_t k = 0; k < 2; k++) {
        text[w++] = '"';
        text[w++] = 'b';
        text[w++] = '"';
        text[w++] = ',';
        csv_field(text, &w, h);
        w += (size_t)snprintf(text + w, TEXT_MAX - w, ",%s,u,1,2,-2.5,1,-3,-2,true,3,100,90,NA,x\n", kpis[k]);
    }
    free(tu_write(cmp, "compare.csv", text));
    w = (size_t)snprintf(text, TEXT_MAX, "{ \"kind\": \"comparison\", \"scenarios\": [ { \"name\": \"b\" }, { \"name\": ");
    json_string(text, &w, h);
    snprintf(text + w, TEXT_MAX - w, ", \"folder\": \"scenario-2\" } ] }\n");
    free(tu_write(cmp, "manifest.json", text));
    free(text);
    return cmp;
}

static char *crafted_sweep(const char *dir, const char *h, bool grid)
{
    char *sw = tu_mkdir(dir, grid ? "grid" : "sweep");
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX, "point,");
    csv_field(text, &w, h);
    if (grid) {
        text[w++] = ',';
        char *y = check_malloc(strlen(h) + 2);
        sprintf(y, "y%s", h);
        csv_field(text, &w, y);
        free(y);
    }
    w += (size_t)snprintf(text + w, TEXT_MAX - w,
                          ",backlog_mean_mean,backlog_mean_ci_low,backlog_mean_ci_high,backlog_mean_p05,backlog_mean_p95\n");
    for (int p = 0; p < 4; p++) {
        if (grid)
            w += (size_t)snprintf(text + w, TEXT_MAX - w, "%d,%d,%d,%g,%g,%g,%g,%g\n", p + 1, 90 + 5 * (p % 2),
                                  p / 2, 12.5 + p, 11.0 + p, 14.0 + p, 10.0 + p, 15.0 + p);
        else
            w += (size_t)snprintf(text + w, TEXT_MAX - w, "%d,%d,%g,%g,%g,%g,%g\n", p + 1, 90 + 5 * p, 12.5 + p,
                                  11.0 + p, 14.0 + p, 10.0 + p, 15.0 + p);
    }
    free(tu_write(sw, "sweep.csv", text));
    w = (size_t)snprintf(text, TEXT_MAX, "{ \"kind\": \"sweep\", \"kpi\": \"backlog_mean\", \"scenario\": ");
    json_string(text, &w, h);
    w += (size_t)snprintf(text + w, TEXT_MAX - w, ", \"kpi_unit\": ");
    json_string(text, &w, h);
    w += (size_t)snprintf(text + w, TEXT_MAX - w, ", \"replications_per_point\": 3, \"vary\": [ { \"parameter\": ");
    json_string(text, &w, h);
    w += (size_t)snprintf(text + w, TEXT_MAX - w, ", \"unit\": ");
    json_string(text, &w, h);
    snprintf(text + w, TEXT_MAX - w, ", \"base\": 95 } ] }\n");
    free(tu_write(sw, "manifest.json", text));
    free(text);
    return sw;
}

static char *crafted_tornado(const char *dir, const char *h)
{
    char *t = tu_mkdir(dir, "tornado");
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX, "rank,parameter,unit,low_value,high_value,kpi,kpi_base,kpi_low,kpi_high,swing\n");
    for (int r = 1; r <= 2; r++) {
        w += (size_t)snprintf(text + w, TEXT_MAX - w, "%d,", r);
        csv_field(text, &w, h);
        text[w++] = ',';
        csv_field(text, &w, h);
        w += (size_t)snprintf(text + w, TEXT_MAX - w, ",%d,%d,backlog_mean,12.5,%g,%g,%g\n", 8 * r, 12 * r,
                              10.0 / r, 15.0 * r, 15.0 * r - 10.0 / r);
    }
    free(tu_write(t, "tornado.csv", text));
    w = (size_t)snprintf(text, TEXT_MAX, "{ \"kind\": \"tornado\", \"spread\": 0.2, \"scenario\": ");
    json_string(text, &w, h);
    w += (size_t)snprintf(text + w, TEXT_MAX - w, ", \"kpi_unit\": ");
    json_string(text, &w, h);
    snprintf(text + w, TEXT_MAX - w, " }\n");
    free(tu_write(t, "manifest.json", text));
    free(text);
    return t;
}

/* Draw dir with caseload plot, then with gnuplot again. It must succeed,
 * but where a CSV field holds a line break, a double quote or a backslash: gnuplot's
 * reader of CSV files takes a line break for the end of a row and does not
 * undouble quotes (caseload never writes such fields: check refuses such
 * names), so gnuplot may fail there, with an error. */
static void plot_folder_ok(const char *dir, const char *sentinel, size_t i, const char *h)
{
    char *err = NULL;
    int st = tu_caseload_run(&err, NULL, "plot", dir, "-q", NULL);
    assert_no_sentinel(sentinel, "caseload plot");
    bool line_break = strpbrk(h, "\r\n\"\\") != NULL;
    if (st != 0 && !(st == 1 && (!have_gnuplot() || (line_break && strstr(err, "gnuplot failed")))))
        fail_msg("hostile string %zu: caseload plot %s failed (%d): %s", i, dir, st, err);
    free(err);
    if (have_gnuplot())
        gnuplot_again(dir, sentinel);
}

static void test_plot_crafted_folders(void **state)
{
    struct tu_dir *f = *state;
    char *sentinel = tu_path(f->dir, SENTINEL_FILE);
    for (size_t i = 0; i <= N_HOSTILE; i++) {
        char sub[32];
        snprintf(sub, sizeof sub, "h%zu", i);
        char *dir = tu_mkdir(f->dir, sub);
        char *h = i < N_HOSTILE ? hostile_text(i, sentinel) : long_name(sentinel);

        char *run = crafted_run(dir, "run", h);
        plot_folder_ok(run, sentinel, i, h);
        char *gp = tu_read_in(run, "plots.gp");
        char *lit = expected_literal(h);
        tu_assert_contains(gp, lit);           /* the header names the scenario */
        free(lit);
        free(gp);

        char *cmp = crafted_comparison(dir, h);
        plot_folder_ok(cmp, sentinel, i, h);
        char *script = tu_path(cmp, "plots.gp");
        if (tu_exists(script)) {               /* not when a scenario's charts failed */
            gp = tu_read_in(cmp, "plots.gp");
            lit = expected_literal(h);
            tu_assert_contains(gp, lit);       /* the alternative's name in the key */
            free(lit);
            free(gp);
        } else {
            assert_non_null(strpbrk(h, "\r\n\"\\"));
        }
        free(script);

        for (int grid = 0; grid <= 1; grid++) {
            char *sw = crafted_sweep(dir, h, grid);
            plot_folder_ok(sw, sentinel, i, h);
            free(sw);
        }
        char *t = crafted_tornado(dir, h);
        plot_folder_ok(t, sentinel, i, h);
        free(t);

        /* a hostile folder of a comparison is refused, not read */
        char *text = check_malloc(TEXT_MAX);
        size_t w = (size_t)snprintf(text, TEXT_MAX, "{ \"scenarios\": [ { \"name\": \"b\", \"folder\": ");
        json_string(text, &w, h);
        snprintf(text + w, TEXT_MAX - w, " } ] }\n");
        free(tu_write(cmp, "manifest.json", text));
        free(text);
        char *err = NULL;
        assert_int_equal(tu_caseload_run(&err, NULL, "plot", cmp, "-q", NULL), 1);
        tu_assert_contains(err, "the folder must be scenario-1");
        free(err);
        assert_no_sentinel(sentinel, "caseload plot (hostile folder)");

        free(cmp);
        free(run);
        free(h);
        free(dir);
    }
    free(sentinel);
}

/* gnuplot expands @NAME (a string variable's text, raw) before it parses a
 * line, with its own count of quotes: a quote in one lever's name must not
 * let @lever_y in it pull the other lever's name, a command, into the line
 * (this ran the command while quotes were written as '."'".'). */
static void test_macro_through_quotes(void **state)
{
    struct tu_dir *f = *state;
    char *sentinel = tu_path(f->dir, SENTINEL_FILE);
    char *sw = tu_mkdir(f->dir, "grid");
    char *text = check_malloc(TEXT_MAX);
    size_t w = (size_t)snprintf(text, TEXT_MAX, "point,\"a'@lever_y\",\"'.system(\"\"touch %s\"\").'\","
                                "backlog_mean_mean,backlog_mean_ci_low,backlog_mean_ci_high,backlog_mean_p05,"
                                "backlog_mean_p95\n", sentinel);
    for (int p = 0; p < 4; p++)
        w += (size_t)snprintf(text + w, TEXT_MAX - w, "%d,%d,%d,%g,%g,%g,%g,%g\n", p + 1, 90 + 5 * (p % 2), p / 2,
                              1.5 + p, 1.0 + p, 2.0 + p, 0.5 + p, 2.5 + p);
    free(tu_write(sw, "sweep.csv", text));
    free(tu_write(sw, "manifest.json", "{ \"kind\": \"sweep\", \"kpi\": \"backlog_mean\" }\n"));
    plot_folder_ok(sw, sentinel, 0, "");
    char *gp = tu_read_in(sw, "plots.gp");
    tu_assert_contains(gp, "set xlabel 'a'.\"\\047\".''.\"\\100\".'lever_y'");
    free(gp);
    free(text);
    free(sw);
    free(sentinel);
}

/* Every input kept under tests/fuzz/HARNESS/ (seeds, and what the fuzzer
 * once crashed on) runs through its harness in this process: a crash, or
 * a script that is not inert, fails the test. */
static void test_fuzz_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *dir;
        int (*entry)(const uint8_t *, size_t);
    } harness[] = {
        { "tests/fuzz/fuzz_csv_in", fuzz_csv_in_entry },
        { "tests/fuzz/fuzz_json_in", fuzz_json_in_entry },
        { "tests/fuzz/fuzz_plot_data", fuzz_plot_data_entry },
        { "tests/fuzz/fuzz_plot_script", fuzz_plot_script_entry },
    };
    for (size_t h = 0; h < sizeof harness / sizeof *harness; h++) {
        DIR *d = opendir(harness[h].dir);
        assert_non_null(d);
        int n = 0;
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            char *path = tu_path(harness[h].dir, e->d_name);
            size_t len;
            char *data = tu_read(path, &len);
            harness[h].entry((const uint8_t *)data, len);
            free(data);
            free(path);
            n++;
        }
        closedir(d);
        assert_true(n > 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quoting_prints_back, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_inert_check),
        cmocka_unit_test_setup_teardown(test_compare_hostile_names, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_plot_crafted_folders, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test_setup_teardown(test_macro_through_quotes, tu_dir_setup, tu_dir_teardown),
        cmocka_unit_test(test_fuzz_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
