/* test_browser.c — the report (caseload report) in a real browser.
 *
 * Headless Chromium opens the report of a run and of a comparison, takes a
 * screenshot and prints it to PDF. The PDF must be A4 and have a sensible
 * number of pages (pdfinfo); the screenshot, decoded here (a small PNG
 * reader on zlib), must not be blank: it must hold many colours, dark
 * text, and the colours of the charts (pixels far from grey: the tables
 * and text are black and grey, so these come from the inline SVG).
 *
 * Chromium and poppler-utils are test dependencies (make test installs
 * them). Where they cannot be had this test says so loudly and FAILS: a
 * browser check that skips itself would pass in CI having checked
 * nothing. */
#include "testutil.h"

#include "output/report.h"
#include "sim/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define BASE "tests/scenarios/report/base.cfg"
#define OPTION "tests/scenarios/report/option.cfg"
#define REPS "3"
#define TEXT_SIZE 4096
/* The browser window: a page's width, and tall enough to reach the first
 * charts below the summary and tables. */
#define WINDOW "--window-size=1200,4000"
/* Seconds a browser may take over one page before the test gives up (the
 * machine may be busy: this is no timing, only a guard against a hang). */
#define BROWSER_TIMEOUT "300"
/* The pages of the fixtures' reports printed on A4: a run has its summary,
 * tables, five charts and assumptions; a comparison more. Fewer than this
 * many pages means a section is missing; more, that the layout broke (a
 * table or chart per page or worse). */
#define MIN_PAGES 4
#define MAX_PAGES 40
/* A screenshot that is not blank: at least this many distinct colours (text
 * is anti-aliased), this share of dark pixels (text), and this many pixels
 * of strong colour (charts). */
#define MIN_COLOURS 64
#define MIN_DARK_SHARE 0.002
#define MIN_COLOURED 2000
#define DARK 96
#define COLOURED_SPREAD 80

static char *root;

static char *find_program(const char *name)
{
    const char *path = getenv("PATH");
    char *dirs = check_strdup(path ? path : "/usr/bin:/bin"), *save = NULL;
    char *found = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *p = tu_path(d, name);
        if (access(p, X_OK) == 0)
            found = p;
        else
            free(p);
    }
    free(dirs);
    return found;
}

/* The program, or a loud failure saying how to get it. */
static char *need(const char *name, const char *package)
{
    char *p = find_program(name);
    if (!p) {
        fprintf(stderr, "\n*** test_browser: %s is not installed: the report cannot be checked in a browser.\n"
                        "*** Install it (apt-get install %s, or make test as root, which installs the test\n"
                        "*** dependencies). This test fails rather than skip.\n\n", name, package);
        fail_msg("%s not found on PATH (Debian package %s)", name, package);
    }
    return p;
}

#define CASELOAD_OK(...)                                                              \
    do {                                                                             \
        char *out_ = NULL, *err_ = NULL;                                             \
        int rc_ = tu_caseload_run(&err_, &out_, __VA_ARGS__, (char *)NULL);          \
        if (rc_ != 0)                                                                \
            fail_msg("caseload exited %d: %s", rc_, err_ ? err_ : "");               \
        free(out_);                                                                  \
        free(err_);                                                                  \
    } while (0)

static int setup(void **state)
{
    (void)state;
    root = tu_tmpdir();
    char *run = tu_path(root, "run"), *cmp = tu_path(root, "cmp");
    CASELOAD_OK("run", BASE, "-n", REPS, "-o", run, "-q", "--plot");
    CASELOAD_OK("report", run, "-q");
    CASELOAD_OK("compare", BASE, OPTION, "-n", REPS, "-o", cmp, "-q", "--plot");
    CASELOAD_OK("report", cmp, "-q");
    free(run);
    free(cmp);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(root);
    free(root);
    return 0;
}

/* Run the browser on dir's report with the option what (a screenshot or a
 * PDF), its output going to a log file: the browser's helpers may outlive
 * it holding what they inherited. */
static void browser(const char *dir, const char *what)
{
    char *chromium = need("chromium", "chromium");
    char *timeout = need("timeout", "coreutils");
    char *sh = need("sh", "dash");
    char *page = tu_path(dir, REPORT_HTML), *log = tu_path(dir, "browser.log"), *profile = tu_path(dir, "profile");
    char cmd[TEXT_SIZE * 2];
    snprintf(cmd, sizeof cmd,
             "DBUS_SESSION_BUS_ADDRESS=disabled: exec '%s' " BROWSER_TIMEOUT " '%s' --headless --no-sandbox "
             "--disable-gpu --disable-dev-shm-usage --no-first-run --disable-extensions --hide-scrollbars "
             "--mute-audio --no-pdf-header-footer --user-data-dir='%s' " WINDOW " %s 'file://%s' > '%s' 2>&1",
             timeout, chromium, profile, what, page, log);
    char *argv[] = { sh, "-c", cmd, NULL };
    char *out = NULL, *err = NULL;
    int rc = tu_run(argv, &out, &err);
    if (rc != 0) {
        char *text = tu_read(log, NULL);
        fail_msg("chromium exited %d: %s", rc, text);
    }
    free(out);
    free(err);
    free(page);
    free(log);
    free(profile);
    free(chromium);
    free(timeout);
    free(sh);
}

/* ---- PNG ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

struct picture {
    uint32_t width, height;
    unsigned char *rgb;    /* width * height * 3 */
};

/* Decode an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). */
static void png_read(const char *path, struct picture *pic)
{
    size_t len;
    unsigned char *data = (unsigned char *)tu_read(path, &len);
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    assert_true(len > 8 && memcmp(data, sig, 8) == 0);
    unsigned char *idat = NULL;
    size_t n_idat = 0;
    int bit_depth = 0, colour = 0, interlace = 0;
    for (size_t at = 8; at + 12 <= len;) {
        uint32_t n = be32(data + at);
        const unsigned char *type = data + at + 4, *body = data + at + 8;
        assert_true(at + 12 + n <= len);
        if (memcmp(type, "IHDR", 4) == 0) {
            pic->width = be32(body);
            pic->height = be32(body + 4);
            bit_depth = body[8];
            colour = body[9];
            interlace = body[12];
        } else if (memcmp(type, "IDAT", 4) == 0) {
            idat = check_realloc(idat, n_idat + n);
            memcpy(idat + n_idat, body, n);
            n_idat += n;
        }
        at += 12 + n;
    }
    assert_int_equal(bit_depth, 8);
    assert_int_equal(interlace, 0);
    assert_true(colour == 2 || colour == 6);
    size_t bpp = colour == 6 ? 4 : 3, stride = pic->width * bpp;
    uLongf raw_len = (uLongf)((stride + 1) * pic->height);
    unsigned char *raw = check_malloc(raw_len);
    assert_int_equal(uncompress(raw, &raw_len, idat, (uLong)n_idat), Z_OK);
    assert_true(raw_len == (stride + 1) * pic->height);
    unsigned char *img = check_calloc(stride * pic->height, 1);
    for (size_t y = 0; y < pic->height; y++) {
        int filter = raw[y * (stride + 1)];
        const unsigned char *in = raw + y * (stride + 1) + 1;
        unsigned char *row = img + y * stride, *up = y ? img + (y - 1) * stride : NULL;
        for (size_t x = 0; x < stride; x++) {
            int a = x >= bpp ? row[x - bpp] : 0, b = up ? up[x] : 0, c = up && x >= bpp ? up[x - bpp] : 0;
            int pred = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2
                     : filter == 4 ? paeth(a, b, c) : -1;
            assert_true(pred >= 0);
            row[x] = (unsigned char)(in[x] + pred);
        }
    }
    pic->rgb = check_malloc((size_t)pic->width * pic->height * 3);
    for (size_t i = 0; i < (size_t)pic->width * pic->height; i++)
        memcpy(pic->rgb + 3 * i, img + bpp * i, 3);
    free(img);
    free(raw);
    free(idat);
    free(data);
}

/* The screenshot of dir's report is a page: text and charts. */
static void assert_not_blank(const char *png)
{
    struct picture pic = { 0, 0, NULL };
    png_read(png, &pic);
    assert_true(pic.width >= 1000 && pic.height >= 1000);
    size_t n = (size_t)pic.width * pic.height, dark = 0, coloured = 0, colours = 0;
    /* distinct colours, in a bitmap of 2^24 */
    unsigned char *seen = check_calloc(1u << 21, 1);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = pic.rgb + 3 * i;
        uint32_t c = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        if (!(seen[c >> 3] & (1u << (c & 7)))) {
            seen[c >> 3] |= (unsigned char)(1u << (c & 7));
            colours++;
        }
        int hi = p[0] > p[1] ? (p[0] > p[2] ? p[0] : p[2]) : (p[1] > p[2] ? p[1] : p[2]);
        int lo = p[0] < p[1] ? (p[0] < p[2] ? p[0] : p[2]) : (p[1] < p[2] ? p[1] : p[2]);
        dark += hi < DARK;
        coloured += hi - lo > COLOURED_SPREAD;
    }
    free(seen);
    free(pic.rgb);
    if (colours < MIN_COLOURS || (double)dark < MIN_DARK_SHARE * (double)n || coloured < MIN_COLOURED)
        fail_msg("%s looks blank: %zu colours, %zu dark and %zu coloured pixels of %zu", png, colours, dark,
                 coloured, n);
}

/* The PDF's page count, checking it is A4. */
static int pdf_pages(const char *pdf)
{
    char *pdfinfo = need("pdfinfo", "poppler-utils");
    char *argv[] = { pdfinfo, (char *)pdf, NULL };
    char *out = NULL, *err = NULL;
    assert_int_equal(tu_run(argv, &out, &err), 0);
    tu_assert_contains(out, "(A4)");
    const char *p = strstr(out, "Pages:");
    assert_non_null(p);
    int pages = atoi(p + strlen("Pages:"));
    free(out);
    free(err);
    free(pdfinfo);
    return pages;
}

static void check_in_browser(const char *name)
{
    char *dir = tu_path(root, name);
    char *png = tu_path(dir, "screenshot.png"), *pdf = tu_path(dir, "report.pdf");
    char what[TEXT_SIZE];
    snprintf(what, sizeof what, "--screenshot='%s'", png);
    browser(dir, what);
    assert_not_blank(png);
    snprintf(what, sizeof what, "--print-to-pdf='%s'", pdf);
    browser(dir, what);
    int pages = pdf_pages(pdf);
    if (pages < MIN_PAGES || pages > MAX_PAGES)
        fail_msg("%s: %d pages of A4 (expected %d to %d)", pdf, pages, MIN_PAGES, MAX_PAGES);
    printf("%s: %d pages of A4\n", name, pages);
    free(png);
    free(pdf);
    free(dir);
}

static void test_run_in_browser(void **state)
{
    (void)state;
    check_in_browser("run");
}

static void test_comparison_in_browser(void **state)
{
    (void)state;
    check_in_browser("cmp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_in_browser),
        cmocka_unit_test(test_comparison_in_browser),
    };
    return cmocka_run_group_tests_name("browser", tests, setup, teardown);
}
