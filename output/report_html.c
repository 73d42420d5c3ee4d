/* report_html.c — the sections of the report page. */
#include "output/report_html.h"

#include "output/compare.h"
#include "output/csv_in.h"
#include "output/plot.h"
#include "sim/check.h"
#include "sim/diag.h"
#include "sim/date.h"
#include "sim/infile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Largest chart inlined (gnuplot's are tens of kilobytes). */
#define SVG_MAX (4u << 20)
#define TEXT_SIZE 1024
#define NUM_SIZE 64
#define DAYS_PER_YEAR 365.25
/* Alternatives a comparison's summary names one by one, at most. */
#define SUMMARY_OPTIONS_MAX 12
/* Tornado bars the summary names. */
#define SUMMARY_BARS 3

/* ---- writing ---- */

/* printf into a malloc'd string. */
static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    CHECK(n >= 0);
    char *text = check_malloc((size_t)n + 1);
    vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    return text;
}

static void raw(struct rpage *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void raw(struct rpage *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    afile_puts(&pg->a, text);
    free(text);
}

/* Text from outside the program, escaped for element content and
 * attribute values alike: & < > " ' as references, control characters
 * (but line breaks, kept when keep_lines) as spaces, bytes that are not
 * UTF-8 as '?'. */
static void esc_text(struct rpage *pg, const char *text, bool keep_lines)
{
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p;) {
        size_t n = diag_utf8_length(p);
        switch (*p) {
        case '&': afile_puts(&pg->a, "&amp;"); break;
        case '<': afile_puts(&pg->a, "&lt;"); break;
        case '>': afile_puts(&pg->a, "&gt;"); break;
        case '"': afile_puts(&pg->a, "&quot;"); break;
        case '\'': afile_puts(&pg->a, "&#39;"); break;
        default:
            if (n == 0)
                afile_puts(&pg->a, "?");
            else if (*p == '\n' && keep_lines)
                afile_puts(&pg->a, "\n");
            else if (*p < ' ' || *p == 0x7F)
                afile_puts(&pg->a, " ");
            else
                afile_write(&pg->a, p, n);
        }
        p += n ? n : 1;
    }
}

static void esc(struct rpage *pg, const char *text)
{
    esc_text(pg, text, false);
}

/* printf, then escaped. */
static void escf(struct rpage *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void escf(struct rpage *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    esc(pg, text);
    free(text);
}

/* ---- numbers ---- */

static bool is_money(const char *unit)
{
    return unit && strncmp(unit, "£", strlen("£")) == 0;
}

static bool is_share(const char *unit)
{
    return unit && (strcmp(unit, "share") == 0 || strcmp(unit, "probability") == 0);
}

/* A whole number with commas between the thousands. */
static void with_commas(char *buf, size_t size, double a)
{
    char digits[NUM_SIZE];
    snprintf(digits, sizeof digits, "%.0f", a);
    size_t n = strlen(digits), w = 0;
    for (size_t i = 0; i < n && w + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[w++] = ',';
        buf[w++] = digits[i];
    }
    buf[w] = '\0';
}

void report_number(char *buf, size_t size, double v, const char *unit)
{
    if (isnan(v)) {
        snprintf(buf, size, "n/a");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, size, "%s", v > 0 ? "never" : "-never");
        return;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    char body[NUM_SIZE];
    if (is_money(unit)) {
        if (a >= 1e6)
            snprintf(body, sizeof body, "£%.*fm", a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2, a / 1e6);
        else if (a >= 1e3)
            snprintf(body, sizeof body, "£%.*fk", a >= 1e5 ? 0 : a >= 1e4 ? 1 : 2, a / 1e3);
        else
            snprintf(body, sizeof body, "£%.0f", a);
    } else if (is_share(unit)) {
        snprintf(body, sizeof body, "%.1f%%", 100 * a);
    } else if (a >= 1e4) {
        with_commas(body, sizeof body, a);
    } else if (a == floor(a)) {
        snprintf(body, sizeof body, "%.0f", a);
    } else if (a >= 100) {
        snprintf(body, sizeof body, "%.0f", a);
    } else if (a >= 10) {
        snprintf(body, sizeof body, "%.1f", a);
    } else if (a >= 1) {
        snprintf(body, sizeof body, "%.2f", a);
    } else if (a == 0) {
        snprintf(body, sizeof body, "0");
    } else {
        snprintf(body, sizeof body, "%.3f", a);
    }
    /* no minus before a value that shows as zero */
    bool zero = strspn(body, "£0.,%mk") == strlen(body);
    snprintf(buf, size, "%s%s", zero ? "" : sign, body);
}

static const char *num(char buf[NUM_SIZE], double v, const char *unit)
{
    report_number(buf, NUM_SIZE, v, unit);
    return buf;
}

/* ---- tables read from CSV files ---- */

static bool rtab_read(struct rtab *t, const char *dir, const char *name, char *err, size_t size)
{
    memset(t, 0, sizeof *t);
    char path[AFILE_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct csv_in c;
    if (!csv_in_open(&c, path, NULL, NULL, 0, err, size))
        return false;
    t->name = check_strdup(name);
    t->n_cols = c.n;
    t->col = check_calloc(c.n ? c.n : 1, sizeof *t->col);
    for (size_t i = 0; i < c.n; i++)
        t->col[i] = check_strdup(csv_in_field(&c, (long)i));
    size_t cap = 0;
    int r;
    while ((r = csv_in_next(&c)) > 0) {
        if (t->n_rows == cap) {
            cap = cap ? 2 * cap : 64;
            t->cell = check_realloc(t->cell, cap * t->n_cols * sizeof *t->cell + 1);
        }
        for (size_t i = 0; i < t->n_cols; i++) {
            const char *f = csv_in_field(&c, (long)i);
            t->cell[t->n_rows * t->n_cols + i] = check_strdup(f ? f : "");
        }
        t->n_rows++;
    }
    csv_in_free(&c);
    if (r < 0) {
        snprintf(err, size, "%s: unterminated quoted field", path);
        return false;
    }
    return true;
}

static void rtab_free(struct rtab *t)
{
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->col[i]);
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cell[i]);
    free(t->col);
    free(t->cell);
    free(t->name);
    memset(t, 0, sizeof *t);
}

static long rtab_col(const struct rtab *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->col[i], name) == 0)
            return (long)i;
    return -1;
}

/* Row r's field of column name ("" when there is no such column). */
static const char *rget(const struct rtab *t, size_t r, const char *name)
{
    long c = rtab_col(t, name);
    return c < 0 || r >= t->n_rows ? "" : t->cell[r * t->n_cols + (size_t)c];
}

static double rnum(const struct rtab *t, size_t r, const char *name)
{
    return csv_in_number(rget(t, r, name));
}

/* The first row whose column k1 is v1 (and k2 is v2 when k2 is not NULL);
 * -1 when none. */
static long rfind(const struct rtab *t, const char *k1, const char *v1, const char *k2, const char *v2)
{
    for (size_t r = 0; r < t->n_rows; r++)
        if (strcmp(rget(t, r, k1), v1) == 0 && (!k2 || strcmp(rget(t, r, k2), v2) == 0))
            return (long)r;
    return -1;
}

/* A cell of a number from a CSV file: the number for people, and where it
 * came from. match names the row: "column=value" pairs joined by '|'. */
static void td_num(struct rpage *pg, const struct rtab *t, size_t r, const char *match, const char *col,
                   const char *unit)
{
    const char *text = rget(t, r, col);
    char buf[NUM_SIZE];
    raw(pg, "<td class=\"n\" data-src=\"");
    esc(pg, t->name);
    raw(pg, "\" data-match=\"");
    esc(pg, match);
    raw(pg, "\" data-col=\"");
    esc(pg, col);
    raw(pg, "\" data-value=\"");
    esc(pg, text);
    raw(pg, "\">%s</td>", num(buf, csv_in_number(text), unit));
}

static void td_text(struct rpage *pg, const char *text)
{
    raw(pg, "<td>");
    esc(pg, text);
    raw(pg, "</td>");
}

static void table_begin(struct rpage *pg, const char *caption_fmt, ...) __attribute__((format(printf, 2, 3)));
static void table_begin(struct rpage *pg, const char *caption_fmt, ...)
{
    va_list ap;
    va_start(ap, caption_fmt);
    char *text = vformat(caption_fmt, ap);
    va_end(ap);
    raw(pg, "<table>\n<caption>Table %d. ", ++pg->tables);
    esc(pg, text);
    free(text);
    raw(pg, "</caption>\n");
}

static void thead(struct rpage *pg, const char *const *heads, size_t n)
{
    raw(pg, "<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        raw(pg, "<th scope=\"col\">");
        esc(pg, heads[i]);
        raw(pg, "</th>");
    }
    raw(pg, "</tr></thead>\n<tbody>\n");
}

static void table_end(struct rpage *pg)
{
    raw(pg, "</tbody>\n</table>\n");
}

/* ---- what the folder says ---- */

static const char *mtext(const struct rpage *pg, const char *key)
{
    const char *t = json_in_text(json_in_get(pg->manifest, key));
    return t ? t : "";
}

static double mnumber(const struct rpage *pg, const char *key)
{
    const struct json_in *v = json_in_get(pg->manifest, key);
    return v && (v->type == JSON_IN_NUMBER || v->type == JSON_IN_BOOL) ? v->number : NAN;
}

/* The scenario's parameter path's value text, or NULL. */
static const char *param_value(const struct report_scenario *s, const char *path)
{
    for (size_t i = 0; s && i < s->n_params; i++)
        if (strcmp(s->param[i].path, path) == 0)
            return s->param[i].value;
    return NULL;
}

static const struct report_scenario *scenario0(const struct rpage *pg)
{
    return pg->in->n_scenarios > 0 ? &pg->in->scenario[0] : NULL;
}

/* "1 April 2024" from "2024-04-01". */
static void date_words(char *buf, size_t size, const char *iso)
{
    static const char *const months[] = { "January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December" };
    struct date d;
    if (date_parse(iso, &d) && d.month >= 1 && d.month <= 12)
        snprintf(buf, size, "%d %s %d", d.day, months[d.month - 1], d.year);
    else
        snprintf(buf, size, "%s", iso);
}

/* The run's start date and horizon in years (NaN when unknown). */
static void run_span(const struct rpage *pg, char *start, size_t size, double *years)
{
    const char *s = json_in_text(json_in_get(json_in_get(pg->manifest, "scenario"), "start"));
    snprintf(start, size, "%s", s ? s : "");
    const char *h = param_value(scenario0(pg), "horizon_years");
    *years = h ? atof(h) : NAN;
    if (!s && pg->kind == REPORT_KIND_COMPARISON) {
        /* the base's run folder says */
        char sub[AFILE_PATH_MAX];
        snprintf(sub, sizeof sub, "%s/" COMPARE_FOLDER_PREFIX "1/manifest.json", pg->dir);
        FILE *f = infile_open(sub);
        if (f) {
            char text[16384];
            size_t n = fread(text, 1, sizeof text - 1, f);
            fclose(f);
            text[n] = '\0';
            struct json_in m;
            if (json_in_parse(text, &m)) {
                const char *st = json_in_text(json_in_get(json_in_get(&m, "scenario"), "start"));
                if (st)
                    snprintf(start, size, "%s", st);
                json_in_free(&m);
            }
        }
    }
}

/* The span the results cover: from the end of the warm-up, for the days
 * the financial years add up to (the horizon less the warm-up when the
 * folder has no years). */
static void span_words(const struct rpage *pg, char *buf, size_t size)
{
    char start[DATE_TEXT_SIZE + 8], words[64];
    double years;
    run_span(pg, start, sizeof start, &years);
    const char *w = param_value(scenario0(pg), "warmup_days");
    double warmup = w ? atof(w) : 0, days = 0;
    if (pg->years.n_rows)
        for (size_t r = 0; r < pg->years.n_rows; r++)
            days += strcmp(rget(&pg->years, r, "metric"), "cost_total") == 0 ? rnum(&pg->years, r, "days") : 0;
    long total = rfind(&pg->cyears, "year", "total", "metric", "cost_total");
    if (total >= 0)
        days = rnum(&pg->cyears, (size_t)total, "days");
    if (days > 0)
        years = days / DAYS_PER_YEAR;
    else if (isfinite(years))
        years -= warmup / DAYS_PER_YEAR;
    struct date d;
    if (warmup > 0 && date_parse(start, &d))
        date_format(date_from_days(date_to_days(d) + lround(warmup)), start);
    date_words(words, sizeof words, start);
    if (isfinite(years) && *start)
        snprintf(buf, size, "the %.3g year%s from %s", years, years == 1 ? "" : "s", words);
    else if (*start)
        snprintf(buf, size, "the horizon from %s", words);
    else
        snprintf(buf, size, "the horizon");
}

/* ---- loading ---- */

bool rpage_load(struct rpage *pg, char *err, size_t size)
{
    switch (pg->kind) {
    case REPORT_KIND_RUN:
        if (!rtab_read(&pg->kpis, pg->dir, "kpis.csv", err, size))
            return false;
        if (!rtab_read(&pg->summary, pg->dir, "summary.csv", err, size))
            return false;
        {
            char e[8];
            if (!rtab_read(&pg->years, pg->dir, "years.csv", e, sizeof e))
                rtab_free(&pg->years);
        }
        return true;
    case REPORT_KIND_COMPARISON:
        if (!rtab_read(&pg->compare, pg->dir, "compare.csv", err, size))
            return false;
        {
            char e[8];
            if (!rtab_read(&pg->cyears, pg->dir, "compare_years.csv", e, sizeof e))
                rtab_free(&pg->cyears);
        }
        return true;
    case REPORT_KIND_SWEEP:
        return rtab_read(&pg->sweep, pg->dir, "sweep.csv", err, size);
    case REPORT_KIND_TORNADO:
        return rtab_read(&pg->tornado, pg->dir, "tornado.csv", err, size);
    case REPORT_KIND_TARGET:
        return rtab_read(&pg->target, pg->dir, "target.csv", err, size);
    case REPORT_KIND_NONE:
        break;
    }
    snprintf(err, size, "%s: no results here", pg->dir);
    return false;
}

void rpage_free(struct rpage *pg)
{
    rtab_free(&pg->kpis);
    rtab_free(&pg->years);
    rtab_free(&pg->summary);
    rtab_free(&pg->compare);
    rtab_free(&pg->cyears);
    rtab_free(&pg->sweep);
    rtab_free(&pg->tornado);
    rtab_free(&pg->target);
}

/* ---- the page's frame ---- */

/* Screen and print (A4) styles. No url(), no @import: nothing is fetched. */
static const char style[] =
    "body{font-family:sans-serif;font-size:11pt;line-height:1.45;color:#111;max-width:60em;margin:1.5em auto;"
    "padding:0 1em}\n"
    "h1{font-size:1.6em;margin-bottom:0.2em}h2{font-size:1.3em;margin-top:1.6em;border-bottom:1px solid #999}"
    "h3{font-size:1.1em}\n"
    "p.sub{color:#444;margin-top:0}\n"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}\n"
    "caption{text-align:left;font-weight:bold;padding-bottom:0.3em}\n"
    "th,td{border:1px solid #bbb;padding:0.2em 0.5em;vertical-align:top}\n"
    "th{background:#eee;text-align:left}td.n{text-align:right;white-space:nowrap}\n"
    "td.path,code{font-family:monospace;font-size:0.9em}\n"
    "figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:0.3em}\n"
    "figure svg{width:100%;height:auto;display:block}\n"
    "p.about{white-space:pre-wrap;font-size:0.9em;color:#333;border-left:3px solid #ccc;padding-left:0.8em}\n"
    "ul.summary li{margin-bottom:0.4em}\n"
    "@page{size:A4;margin:15mm}\n"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}"
    "table,figure,tr{break-inside:avoid;page-break-inside:avoid}"
    "h2,h3,caption,figcaption{break-after:avoid;page-break-after:avoid}"
    "figure svg{max-height:150mm}}\n";

static const char *kind_words(enum report_kind k)
{
    switch (k) {
    case REPORT_KIND_RUN: return "forecast";
    case REPORT_KIND_COMPARISON: return "comparison of options";
    case REPORT_KIND_SWEEP: return "sweep of a parameter";
    case REPORT_KIND_TORNADO: return "sensitivity analysis (tornado)";
    case REPORT_KIND_TARGET: return "target search";
    case REPORT_KIND_NONE: break;
    }
    return "results";
}

/* The scenario names the title gives. */
static void title_text(const struct rpage *pg, char *buf, size_t size)
{
    const struct report_scenario *s0 = scenario0(pg);
    const char *name = s0 && s0->name && *s0->name ? s0->name : mtext(pg, "scenario");
    if (pg->kind == REPORT_KIND_COMPARISON)
        snprintf(buf, size, "Options against %s", name && *name ? name : "the base");
    else
        snprintf(buf, size, "%s", name && *name ? name : "Results");
}

void rpage_begin(struct rpage *pg)
{
    char title[TEXT_SIZE];
    title_text(pg, title, sizeof title);
    raw(pg, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" xml:lang=\"en\">\n<head>\n"
            "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
            "<title>");
    esc(pg, title);
    raw(pg, ": %s</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", kind_words(pg->kind), style);
    esc(pg, title);
    raw(pg, "</h1>\n<p class=\"sub\">A %s by caseload, a simulation of a children's social care workforce",
        kind_words(pg->kind));
    const char *when = mtext(pg, "finished");
    if (strlen(when) >= DATE_TEXT_SIZE - 1) {
        char day[DATE_TEXT_SIZE], words[64];
        snprintf(day, sizeof day, "%.10s", when);
        date_words(words, sizeof words, day);
        raw(pg, "; results of the run of ");
        esc(pg, words);
        if (strlen(when) >= 16 && when[10] == 'T') {
            raw(pg, " at ");
            escf(pg, "%.5s UTC", when + 11);
        }
    }
    raw(pg, ".</p>\n");
}

void rpage_end(struct rpage *pg)
{
    raw(pg, "</body>\n</html>\n");
}

/* ---- summary ---- */

/* " (95% CI A to B)" into buf from row r's ci_low and ci_high. */
static const char *ci_words(char *buf, size_t size, const struct rtab *t, size_t r, const char *unit,
                            const char *lo_col, const char *hi_col, bool negate)
{
    double lo = rnum(t, r, lo_col), hi = rnum(t, r, hi_col);
    if (!isfinite(lo) || !isfinite(hi)) {
        buf[0] = '\0';
        return buf;
    }
    if (negate) {
        double x = -hi;
        hi = -lo;
        lo = x;
    }
    char a[NUM_SIZE], b[NUM_SIZE];
    snprintf(buf, size, " (95%% CI %s to %s)", num(a, lo, unit), num(b, hi, unit));
    return buf;
}

static void li_begin(struct rpage *pg) { raw(pg, "<li>"); }
static void li_end(struct rpage *pg) { raw(pg, "</li>\n"); }

/* The cost item, when the run has cost_total: cash over span, and the net
 * present cost at the scenario's discount rate when it has cost_npv. */
static void run_costs(struct rpage *pg, const char *span)
{
    const struct rtab *k = &pg->kpis;
    char a[NUM_SIZE], b[NUM_SIZE], ci[TEXT_SIZE], ci2[TEXT_SIZE];
    long cost = rfind(k, "kpi", "cost_total", NULL, NULL), npv = rfind(k, "kpi", "cost_npv", NULL, NULL);
    if (cost >= 0) {
        li_begin(pg);
        const char *rate_text = param_value(scenario0(pg), "costs.discount_rate");
        char rate[NUM_SIZE + 16];
        if (rate_text)
            snprintf(rate, sizeof rate, "%s", num(b, atof(rate_text), "share"));
        escf(pg, "Over %s the service costs %s in cash, not discounted%s", span,
             num(a, rnum(k, (size_t)cost, "mean"), "£"), ci_words(ci, sizeof ci, k, (size_t)cost, "£", "ci_low",
                                                                  "ci_high", false));
        if (npv >= 0)
            escf(pg, "; its net present cost, discounted at %s a year, is %s%s",
                 rate_text ? rate : "the scenario's rate", num(b, rnum(k, (size_t)npv, "mean"), "£"),
                 ci_words(ci2, sizeof ci2, k, (size_t)npv, "£", "ci_low", "ci_high", false));
        raw(pg, ".");
        li_end(pg);
    }
}

/* The backlog item, when the run has backlog_mean and backlog_end: both,
 * against the backlog at the end of the first period. */
static void run_backlog(struct rpage *pg)
{
    const struct rtab *k = &pg->kpis;
    char a[NUM_SIZE], b[NUM_SIZE], ci[TEXT_SIZE], ci2[TEXT_SIZE];
    long bm = rfind(k, "kpi", "backlog_mean", NULL, NULL), be = rfind(k, "kpi", "backlog_end", NULL, NULL);
    long first = rfind(&pg->summary, "metric", "unallocated", NULL, NULL);
    if (bm >= 0 && be >= 0) {
        li_begin(pg);
        escf(pg, "Children waiting for a worker (unallocated cases) average %s over the horizon%s and stand at %s "
             "at its end%s", num(a, rnum(k, (size_t)bm, "mean"), "cases"),
             ci_words(ci, sizeof ci, k, (size_t)bm, "cases", "ci_low", "ci_high", false),
             num(b, rnum(k, (size_t)be, "mean"), "cases"),
             ci_words(ci2, sizeof ci2, k, (size_t)be, "cases", "ci_low", "ci_high", false));
        if (first >= 0) {
            char c[NUM_SIZE];
            escf(pg, ", against %s at the end of the first %s (mean)",
                 num(c, rnum(&pg->summary, (size_t)first, "mean"), "cases"),
                 json_in_text(json_in_get(json_in_get(pg->manifest, "scenario"), "report_every")) ?
                     json_in_text(json_in_get(json_in_get(pg->manifest, "scenario"), "report_every")) : "period");
        }
        raw(pg, ".");
        li_end(pg);
    }
}

/* The clearance item, when the run has backlog_never_clears: the share of
 * replications in which the backlog clears, and the median date it does. */
static void run_clearance(struct rpage *pg)
{
    const struct rtab *k = &pg->kpis;
    char a[NUM_SIZE];
    long never = rfind(k, "kpi", "backlog_never_clears", NULL, NULL), day = rfind(k, "kpi", "backlog_clear_day", NULL, NULL);
    if (never >= 0) {
        double p = rnum(k, (size_t)never, "mean");
        const char *below = param_value(scenario0(pg), "pathway.clear_below");
        li_begin(pg);
        if (p >= 1) {
            escf(pg, "The backlog does not clear (stay at or below %s cases) within the horizon in any replication.",
                 below ? below : "the clearance level");
        } else {
            escf(pg, "The backlog clears (stays at or below %s cases) within the horizon in %s of replications",
                 below ? below : "the clearance level", num(a, 1 - p, "share"));
            double median = day >= 0 ? rnum(k, (size_t)day, "p50") : NAN;
            char start[DATE_TEXT_SIZE + 8];
            double years;
            run_span(pg, start, sizeof start, &years);
            struct date d0;
            if (isfinite(median) && date_parse(start, &d0)) {
                char iso[DATE_TEXT_SIZE], words[64];
                date_format(date_from_days(date_to_days(d0) + lround(median)), iso);
                date_words(words, sizeof words, iso);
                escf(pg, "; in half of them by %s (%.0f days from the start)", words, median);
            }
            raw(pg, ".");
        }
        li_end(pg);
    }
}

/* The agency item, when the run has agency_fte_mean and its cost share;
 * then one item per risk (a KPI in the unit probability). */
static void run_agency_and_risks(struct rpage *pg)
{
    const struct rtab *k = &pg->kpis;
    char a[NUM_SIZE], b[NUM_SIZE], ci[TEXT_SIZE];
    long ag = rfind(k, "kpi", "agency_fte_mean", NULL, NULL), sh = rfind(k, "kpi", "agency_share_of_staff_cost", NULL, NULL);
    if (ag >= 0 && sh >= 0) {
        li_begin(pg);
        escf(pg, "Agency workers average %s FTE, %s of the cost of staff.", num(a, rnum(k, (size_t)ag, "mean"), "FTE"),
             num(b, rnum(k, (size_t)sh, "mean"), "share"));
        li_end(pg);
    }
    for (size_t r = 0; r < k->n_rows; r++) {
        if (strcmp(rget(k, r, "unit"), "probability") != 0)
            continue;
        li_begin(pg);
        escf(pg, "Risk: the %s is %s%s.", rget(k, r, "description"), num(a, rnum(k, r, "mean"), "share"),
             ci_words(ci, sizeof ci, k, r, "share", "ci_low", "ci_high", false));
        li_end(pg);
    }
}

static void summary_run(struct rpage *pg)
{
    char span[TEXT_SIZE];
    span_words(pg, span, sizeof span);
    run_costs(pg, span);
    run_backlog(pg);
    run_clearance(pg);
    run_agency_and_risks(pg);
}

/* The KPI's description as compare.csv's rows do not give it: the words
 * for the KPIs the summary names. */
static const char *kpi_words(const char *kpi)
{
    static const struct {
        const char *name, *words;
    } known[] = {
        { "child_days_unallocated", "child-day of unallocated waiting" },
        { "backlog_mean", "unallocated case (time average)" },
        { "backlog_end", "unallocated case at the end" },
        { "child_days_over_threshold", "child-day waited beyond the threshold" },
        { "waiting_over_threshold_end", "case waiting beyond the threshold at the end" },
        { "mean_wait_days", "day of mean wait" },
        { "staff_in_post_mean", "FTE of staff in post" },
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i].name, kpi) == 0)
            return known[i].words;
    return kpi;
}

/* One item per alternative (SUMMARY_OPTIONS_MAX at most): its cash and net
 * present cost and its average backlog against base's, over span. */
static void compare_costs(struct rpage *pg, const char *base, const char *span)
{
    const struct rtab *c = &pg->compare;
    char a[NUM_SIZE], b[NUM_SIZE], ci[TEXT_SIZE], ci2[TEXT_SIZE];
    size_t named = 0;
    for (size_t r = 0; r < c->n_rows; r++) {
        if (strcmp(rget(c, r, "kpi"), "cost_total") != 0)
            continue;
        const char *alt = rget(c, r, "alternative");
        if (named++ >= SUMMARY_OPTIONS_MAX)
            break;
        double extra = rnum(c, r, "difference");
        long npv = rfind(c, "alternative", alt, "kpi", "cost_npv");
        long bm = rfind(c, "alternative", alt, "kpi", "backlog_mean");
        li_begin(pg);
        escf(pg, "%s costs %s %s than %s over %s in cash", alt, num(a, fabs(extra), "£"),
             extra >= 0 ? "more" : "less", base, span);
        if (npv >= 0) {
            double n = rnum(c, (size_t)npv, "difference");
            escf(pg, " (net present cost %s %s%s)", num(b, fabs(n), "£"), n >= 0 ? "more" : "less",
                 ci_words(ci, sizeof ci, c, (size_t)npv, "£", "ci_low", "ci_high", n < 0));
        }
        if (bm >= 0) {
            double d = rnum(c, (size_t)bm, "difference");
            bool sig = strcmp(rget(c, (size_t)bm, "excludes_zero"), "yes") == 0 ||
                       strcmp(rget(c, (size_t)bm, "excludes_zero"), "true") == 0;
            escf(pg, " and %s the average backlog by %s children%s%s", d <= 0 ? "cuts" : "raises",
                 num(a, fabs(d), "cases"), ci_words(ci2, sizeof ci2, c, (size_t)bm, "cases", "ci_low", "ci_high", d < 0),
                 sig ? "" : ", a change the replications cannot tell from none");
        }
        raw(pg, ".");
        li_end(pg);
    }
}

/* The ranking's item, when any option is ranked: the best value (base when
 * it ranks above every alternative) and the dominated options. */
static void compare_ranking(struct rpage *pg, const char *base)
{
    const struct rtab *c = &pg->compare;
    const char *rank_kpi = mtext(pg, "rank_kpi");
    size_t options = 1, best_rank = 0;
    const char *best = NULL;
    bool taken[SUMMARY_OPTIONS_MAX * 8] = { false };
    char dominated[TEXT_SIZE] = "";
    for (size_t r = 0; r < c->n_rows; r++) {
        double rank = rnum(c, r, "rank");
        if (!isfinite(rank) || rank < 1)
            continue;
        options++;
        if ((size_t)rank < sizeof taken)
            taken[(size_t)rank] = true;
        if (best_rank == 0 || (size_t)rank < best_rank) {
            best_rank = (size_t)rank;
            best = rget(c, r, "alternative");
        }
        const char *d = rget(c, r, "dominated");
        if (*d) {
            size_t len = strlen(dominated);
            snprintf(dominated + len, sizeof dominated - len, "%s%s (%s)", len ? ", " : "", rget(c, r, "alternative"), d);
        }
    }
    if (options > 1) {
        size_t base_rank = 0;
        for (size_t i = 1; i <= options && i < sizeof taken; i++)
            if (!taken[i]) {
                base_rank = i;
                break;
            }
        if (base_rank > 0 && base_rank < best_rank)
            best = base;
        li_begin(pg);
        escf(pg, "Ranked by net present cost per %s gained, the best value of the %zu options considered (%s among "
             "them) is %s", kpi_words(*rank_kpi ? rank_kpi : "child_days_unallocated"), options, base,
             best ? best : base);
        if (*dominated)
            escf(pg, "; dominated, off the cost-effectiveness frontier: %s", dominated);
        raw(pg, ".");
        li_end(pg);
    }
}

/* One item per clearance or risk KPI: base's share, then each option's. */
static void compare_shares(struct rpage *pg, const char *base)
{
    const struct rtab *c = &pg->compare;
    char a[NUM_SIZE], b[NUM_SIZE];
    static const char *const kinds[] = { "backlog_never_clears", "probability" };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        for (size_t r = 0; r < c->n_rows; r++) {
            const char *kpi = rget(c, r, "kpi");
            bool match = k == 0 ? strcmp(kpi, kinds[0]) == 0
                                : strcmp(rget(c, r, "unit"), kinds[1]) == 0 && strcmp(kpi, kinds[0]) != 0;
            if (!match || rfind(c, "kpi", kpi, NULL, NULL) != (long)r)
                continue;
            li_begin(pg);
            if (k == 0)
                escf(pg, "The backlog never clears within the horizon in %s of replications under %s",
                     num(a, rnum(c, r, "base_mean"), "share"), base);
            else
                escf(pg, "Risk (%s): %s under %s", kpi, num(a, rnum(c, r, "base_mean"), "share"), base);
            for (size_t q = r; q < c->n_rows; q++)
                if (strcmp(rget(c, q, "kpi"), kpi) == 0)
                    escf(pg, ", %s under %s", num(b, rnum(c, q, "alternative_mean"), "share"),
                         rget(c, q, "alternative"));
            raw(pg, ".");
            li_end(pg);
        }
    }
}

static void summary_compare(struct rpage *pg)
{
    const struct rtab *c = &pg->compare;
    char span[TEXT_SIZE];
    span_words(pg, span, sizeof span);
    const char *base = c->n_rows ? rget(c, 0, "base") : "";
    compare_costs(pg, base, span);
    compare_ranking(pg, base);
    compare_shares(pg, base);
}

static const char *kpi_name_of(const struct rpage *pg)
{
    const char *k = mtext(pg, "kpi");
    return *k ? k : "backlog_mean";
}

static const char *kpi_descr_of(const struct rpage *pg)
{
    const char *d = mtext(pg, "kpi_description");
    return *d ? d : kpi_name_of(pg);
}

static void summary_sweep(struct rpage *pg)
{
    const struct rtab *t = &pg->sweep;
    const char *kpi = kpi_name_of(pg), *unit = mtext(pg, "kpi_unit");
    char col[TEXT_SIZE], a[NUM_SIZE], b[NUM_SIZE], c[NUM_SIZE], d[NUM_SIZE];
    snprintf(col, sizeof col, "%s_mean", kpi);
    const struct json_in *vary = json_in_get(pg->manifest, "vary");
    const struct json_in *v0 = vary && vary->type == JSON_IN_ARRAY && vary->n ? &vary->kid[0] : NULL;
    const char *param = v0 ? json_in_text(json_in_get(v0, "parameter")) : NULL;
    const char *pd = v0 ? json_in_text(json_in_get(v0, "description")) : NULL;
    const char *punit = v0 ? json_in_text(json_in_get(v0, "unit")) : NULL;
    if (!param || rtab_col(t, param) < 0 || rtab_col(t, col) < 0 || t->n_rows == 0)
        return;
    size_t lo = 0, hi = 0;
    for (size_t r = 1; r < t->n_rows; r++) {
        if (rnum(t, r, col) < rnum(t, lo, col))
            lo = r;
        if (rnum(t, r, col) > rnum(t, hi, col))
            hi = r;
    }
    li_begin(pg);
    const char *pu = punit ? punit : "";
    escf(pg, "Across %zu values of %s (%s), the %s (%s) is lowest, %s, at %s%s%s and highest, %s, at %s%s%s",
         t->n_rows, pd && *pd ? pd : param, param, kpi_descr_of(pg), unit, num(a, rnum(t, lo, col), unit),
         num(b, rnum(t, lo, param), pu), *pu ? " " : "", pu, num(c, rnum(t, hi, col), unit),
         num(d, rnum(t, hi, param), pu), *pu ? " " : "", pu);
    double per = mnumber(pg, "replications_per_point");
    if (isfinite(per))
        raw(pg, " (means of %.0f replications per point)", per);
    raw(pg, ".");
    li_end(pg);
}

/* Parameter param in plain words, as the tornado's manifest records them
 * ("descriptions"); NULL when it does not. */
static const char *tornado_words(const struct rpage *pg, const char *param)
{
    const struct json_in *descr = json_in_get(pg->manifest, "descriptions");
    const char *words = NULL;
    for (size_t k = 0; descr && descr->type == JSON_IN_ARRAY && k < descr->n; k++) {
        const char *p = json_in_text(json_in_get(&descr->kid[k], "parameter"));
        if (p && strcmp(p, param) == 0)
            words = json_in_text(json_in_get(&descr->kid[k], "description"));
    }
    return words && *words ? words : NULL;
}

static void summary_tornado(struct rpage *pg)
{
    const struct rtab *t = &pg->tornado;
    char a[NUM_SIZE], ci[TEXT_SIZE];
    li_begin(pg);
    escf(pg, "With each uncertain parameter moved %s down and up in turn, the %s moves most with ",
         isfinite(mnumber(pg, "spread")) ? num(a, mnumber(pg, "spread"), "share") : "", kpi_descr_of(pg));
    for (size_t r = 0; r < t->n_rows && r < SUMMARY_BARS; r++) {
        const char *param = rget(t, r, "parameter"), *words = tornado_words(pg, param);
        escf(pg, "%s%s%s%s%s (swing %s", r == 0 ? "" : r + 1 == SUMMARY_BARS || r + 1 == t->n_rows ? " and " : ", ",
             words ? words : param, words ? " (" : "", words ? param : "", words ? ")" : "",
             num(a, rnum(t, r, "swing"), mtext(pg, "kpi_unit")));
        escf(pg, "%s)", ci_words(ci, sizeof ci, t, r, mtext(pg, "kpi_unit"), "swing_ci_low", "swing_ci_high", false));
    }
    raw(pg, ".");
    li_end(pg);
}

static void summary_target(struct rpage *pg)
{
    char a[NUM_SIZE], b[NUM_SIZE], c[NUM_SIZE], d[NUM_SIZE], e[NUM_SIZE];
    bool found = mnumber(pg, "found") == 1;
    const char *lever = mtext(pg, "lever"), *kpi = mtext(pg, "kpi"), *at = mtext(pg, "at");
    li_begin(pg);
    escf(pg, "Goal: %s%s%s below %s in at least %s of replications, by moving %s.", kpi, *at ? " on " : "", at,
         num(a, mnumber(pg, "below"), ""), num(b, mnumber(pg, "probability"), "share"), lever);
    li_end(pg);
    li_begin(pg);
    if (found)
        escf(pg, "It takes %s = %s (the scenario has %s); %s of replications then meet the goal, and the total cost "
             "over the horizon is %s against %s now.", lever, num(a, mnumber(pg, "value"), ""),
             num(b, mnumber(pg, "current_value"), ""), num(c, mnumber(pg, "share_below"), "share"),
             num(d, mnumber(pg, "cost_total"), "£"), num(e, mnumber(pg, "current_cost_total"), "£"));
    else
        escf(pg, "No value of %s in the range searched meets the goal (%s evaluations).", lever,
             num(a, mnumber(pg, "evaluations"), ""));
    li_end(pg);
}

void rpage_summary(struct rpage *pg)
{
    raw(pg, "<h2 id=\"summary\">Summary</h2>\n<ul class=\"summary\">\n");
    switch (pg->kind) {
    case REPORT_KIND_RUN: summary_run(pg); break;
    case REPORT_KIND_COMPARISON: summary_compare(pg); break;
    case REPORT_KIND_SWEEP: summary_sweep(pg); break;
    case REPORT_KIND_TORNADO: summary_tornado(pg); break;
    case REPORT_KIND_TARGET: summary_target(pg); break;
    case REPORT_KIND_NONE: break;
    }
    raw(pg, "<li>Intervals are 95%% confidence intervals of the mean over the replications; money is in cash "
            "(not discounted) unless it says net present cost.</li>\n</ul>\n");
}

/* ---- tables ---- */

static void table_kpis(struct rpage *pg)
{
    const struct rtab *k = &pg->kpis;
    table_begin(pg, "Results over the horizon: mean of the replications, 95%% confidence interval and the middle "
                    "90%% of replications (5th to 95th percentile)");
    static const char *const heads[] = { "result", "unit", "mean", "95% CI from", "to", "5th percentile",
                                         "95th percentile" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t r = 0; r < k->n_rows; r++) {
        const char *kpi = rget(k, r, "kpi"), *unit = rget(k, r, "unit");
        char match[TEXT_SIZE];
        snprintf(match, sizeof match, "kpi=%s", kpi);
        raw(pg, "<tr><td>");
        esc(pg, *rget(k, r, "description") ? rget(k, r, "description") : kpi);
        raw(pg, " <code>");
        esc(pg, kpi);
        raw(pg, "</code></td>");
        td_text(pg, unit);
        static const char *const cols[] = { "mean", "ci_low", "ci_high", "p05", "p95" };
        for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
            td_num(pg, k, r, match, cols[i], unit);
        raw(pg, "</tr>\n");
    }
    table_end(pg);
}

static void table_years(struct rpage *pg)
{
    const struct rtab *y = &pg->years;
    if (y->n_rows == 0)
        return;
    static const struct {
        const char *metric, *head, *unit;
    } cols[] = {
        { "cost_total", "cost (cash)", "£" },
        { "cost_total_discounted", "cost (discounted)", "£" },
        { "cost_staff", "staff", "£" },
        { "cost_agency", "agency", "£" },
        { "staff_in_post_fte_mean", "staff in post (FTE)", "FTE" },
        { "agency_fte_mean", "agency (FTE)", "FTE" },
        { "backlog_end", "backlog at the year's end", "cases" },
    };
    size_t n = sizeof cols / sizeof *cols;
    table_begin(pg, "Financial years: means of the replications (cost in cash, and discounted to the net present "
                    "cost)");
    const char *heads[16] = { "financial year", "days" };
    for (size_t i = 0; i < n; i++)
        heads[i + 2] = cols[i].head;
    thead(pg, heads, n + 2);
    const char *last = "";
    for (size_t r = 0; r < y->n_rows; r++) {
        const char *year = rget(y, r, "year");
        if (strcmp(year, last) == 0)
            continue;
        last = year;
        raw(pg, "<tr>");
        td_text(pg, year);
        long d = rfind(y, "year", year, "metric", "cost_total");
        char match[TEXT_SIZE];
        snprintf(match, sizeof match, "year=%s|metric=cost_total", year);
        if (d >= 0)
            td_num(pg, y, (size_t)d, match, "days", "days");
        else
            td_text(pg, "");
        for (size_t i = 0; i < n; i++) {
            long row = rfind(y, "year", year, "metric", cols[i].metric);
            snprintf(match, sizeof match, "year=%s|metric=%s", year, cols[i].metric);
            if (row >= 0)
                td_num(pg, y, (size_t)row, match, "mean", cols[i].unit);
            else
                td_text(pg, "");
        }
        raw(pg, "</tr>\n");
    }
    table_end(pg);
}

static void table_ranked(struct rpage *pg)
{
    const struct rtab *c = &pg->compare;
    const char *rank_kpi = mtext(pg, "rank_kpi");
    size_t n = 0;
    for (size_t r = 0; r < c->n_rows; r++)
        n += isfinite(rnum(c, r, "rank"));
    if (n == 0)
        return;
    table_begin(pg, "The options ranked by net present cost per unit of %s gained, the base among them "
                    "(dominated: off the cost-effectiveness frontier)", *rank_kpi ? rank_kpi : "the ranking KPI");
    static const char *const heads[] = { "rank", "option", "extra net present cost", "change in the KPI",
                                         "95% CI from", "to", "£ per unit", "dominated" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t rank = 1; rank <= n + 1; rank++) {
        bool found = false;
        for (size_t r = 0; r < c->n_rows; r++) {
            if (rnum(c, r, "rank") != (double)rank)
                continue;
            found = true;
            char match[TEXT_SIZE];
            snprintf(match, sizeof match, "alternative=%s|kpi=%s", rget(c, r, "alternative"), rget(c, r, "kpi"));
            raw(pg, "<tr>");
            td_num(pg, c, r, match, "rank", "");
            td_text(pg, rget(c, r, "alternative"));
            td_num(pg, c, r, match, "extra_cost_npv", "£");
            td_num(pg, c, r, match, "difference", rget(c, r, "unit"));
            td_num(pg, c, r, match, "ci_low", rget(c, r, "unit"));
            td_num(pg, c, r, match, "ci_high", rget(c, r, "unit"));
            td_num(pg, c, r, match, "cost_per_unit", "£");
            td_text(pg, *rget(c, r, "dominated") ? rget(c, r, "dominated") : "no");
            raw(pg, "</tr>\n");
        }
        if (!found && c->n_rows) {
            raw(pg, "<tr><td class=\"n\">%zu</td>", rank);
            td_text(pg, rget(c, 0, "base"));
            raw(pg, "<td>the base</td><td></td><td></td><td></td><td></td><td></td></tr>\n");
        }
    }
    table_end(pg);
}

static void table_differences(struct rpage *pg)
{
    const struct rtab *c = &pg->compare;
    static const char *const shown[] = { "backlog_mean", "backlog_end", "child_days_unallocated", "mean_wait_days",
                                         "staff_in_post_mean", "agency_fte_mean", "cost_total", "cost_npv" };
    static const char *const heads[] = { "result", "unit", "base", "option", "difference", "95% CI from", "to",
                                         "what the extra cost buys" };
    const char *done = "";
    for (size_t first = 0; first < c->n_rows; first++) {
        const char *alt = rget(c, first, "alternative");
        if (strcmp(alt, done) == 0 || rfind(c, "alternative", alt, NULL, NULL) != (long)first)
            continue;
        done = alt;
        table_begin(pg, "%s against %s: means and the paired difference with its 95%% confidence interval", alt,
                    rget(c, first, "base"));
        thead(pg, heads, sizeof heads / sizeof *heads);
        for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
            long r = rfind(c, "alternative", alt, "kpi", shown[i]);
            if (r < 0)
                continue;
            const char *unit = rget(c, (size_t)r, "unit");
            char match[TEXT_SIZE];
            snprintf(match, sizeof match, "alternative=%s|kpi=%s", alt, shown[i]);
            raw(pg, "<tr><td><code>");
            esc(pg, shown[i]);
            raw(pg, "</code></td>");
            td_text(pg, unit);
            td_num(pg, c, (size_t)r, match, "base_mean", unit);
            td_num(pg, c, (size_t)r, match, "alternative_mean", unit);
            td_num(pg, c, (size_t)r, match, "difference", unit);
            td_num(pg, c, (size_t)r, match, "ci_low", unit);
            td_num(pg, c, (size_t)r, match, "ci_high", unit);
            td_text(pg, rget(c, (size_t)r, "value_for_money"));
            raw(pg, "</tr>\n");
        }
        table_end(pg);
    }
}

static void table_compare_years(struct rpage *pg)
{
    const struct rtab *y = &pg->cyears;
    if (y->n_rows == 0)
        return;
    table_begin(pg, "Each option minus the base per financial year (paired, in cash): net extra cost and the "
                    "change in agency cost, each with its 95%% confidence interval; the discounted net cost; the "
                    "last row of each option sums the years");
    static const char *const heads[] = { "option", "financial year", "net extra cost", "95% CI from", "to",
                                         "change in agency cost", "95% CI from", "to", "discounted" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t r = 0; r < y->n_rows; r++) {
        if (strcmp(rget(y, r, "metric"), "cost_total") != 0)
            continue;
        const char *alt = rget(y, r, "scenario"), *year = rget(y, r, "year");
        char match[TEXT_SIZE];
        raw(pg, "<tr>");
        td_text(pg, alt);
        td_text(pg, year);
        snprintf(match, sizeof match, "scenario=%s|year=%s|metric=cost_total", alt, year);
        td_num(pg, y, r, match, "mean", "£");
        td_num(pg, y, r, match, "ci_low", "£");
        td_num(pg, y, r, match, "ci_high", "£");
        long ag = -1, disc = -1;
        for (size_t k = 0; k < y->n_rows; k++) {
            if (strcmp(rget(y, k, "scenario"), alt) != 0 || strcmp(rget(y, k, "year"), year) != 0)
                continue;
            if (strcmp(rget(y, k, "metric"), "cost_agency") == 0)
                ag = (long)k;
            if (strcmp(rget(y, k, "metric"), "cost_total_discounted") == 0)
                disc = (long)k;
        }
        if (ag >= 0) {
            snprintf(match, sizeof match, "scenario=%s|year=%s|metric=cost_agency", alt, year);
            td_num(pg, y, (size_t)ag, match, "mean", "£");
            td_num(pg, y, (size_t)ag, match, "ci_low", "£");
            td_num(pg, y, (size_t)ag, match, "ci_high", "£");
        } else {
            raw(pg, "<td></td><td></td><td></td>");
        }
        if (disc >= 0) {
            snprintf(match, sizeof match, "scenario=%s|year=%s|metric=cost_total_discounted", alt, year);
            td_num(pg, y, (size_t)disc, match, "mean", "£");
        } else {
            raw(pg, "<td></td>");
        }
        raw(pg, "</tr>\n");
    }
    table_end(pg);
}

static void table_sweep(struct rpage *pg)
{
    const struct rtab *t = &pg->sweep;
    const char *kpi = kpi_name_of(pg), *unit = mtext(pg, "kpi_unit");
    const struct json_in *vary = json_in_get(pg->manifest, "vary");
    const char *levers[2] = { NULL, NULL }, *units[2] = { "", "" };
    size_t nl = 0;
    for (size_t i = 0; vary && vary->type == JSON_IN_ARRAY && i < vary->n && nl < 2; i++) {
        const char *p = json_in_text(json_in_get(&vary->kid[i], "parameter"));
        const char *u = json_in_text(json_in_get(&vary->kid[i], "unit"));
        if (p && rtab_col(t, p) >= 0) {
            units[nl] = u ? u : "";
            levers[nl++] = p;
        }
    }
    table_begin(pg, "The %s (%s) at each point of the sweep: mean and 95%% confidence interval; total cost",
                kpi_descr_of(pg), unit);
    const char *heads[8];
    size_t nh = 0;
    heads[nh++] = "point";
    for (size_t i = 0; i < nl; i++)
        heads[nh++] = levers[i];
    heads[nh++] = "mean";
    heads[nh++] = "95% CI from";
    heads[nh++] = "to";
    if (strcmp(kpi, "cost_total") != 0)
        heads[nh++] = "total cost (mean)";
    thead(pg, heads, nh);
    char c_mean[TEXT_SIZE], c_lo[TEXT_SIZE], c_hi[TEXT_SIZE];
    snprintf(c_mean, sizeof c_mean, "%s_mean", kpi);
    snprintf(c_lo, sizeof c_lo, "%s_ci_low", kpi);
    snprintf(c_hi, sizeof c_hi, "%s_ci_high", kpi);
    for (size_t r = 0; r < t->n_rows; r++) {
        char match[TEXT_SIZE];
        snprintf(match, sizeof match, "point=%s", rget(t, r, "point"));
        raw(pg, "<tr>");
        td_num(pg, t, r, match, "point", "");
        for (size_t i = 0; i < nl; i++)
            td_num(pg, t, r, match, levers[i], units[i]);
        td_num(pg, t, r, match, c_mean, unit);
        td_num(pg, t, r, match, c_lo, unit);
        td_num(pg, t, r, match, c_hi, unit);
        if (strcmp(kpi, "cost_total") != 0)
            td_num(pg, t, r, match, "cost_total_mean", "£");
        raw(pg, "</tr>\n");
    }
    table_end(pg);
}

static void table_tornado(struct rpage *pg)
{
    const struct rtab *t = &pg->tornado;
    const char *unit = mtext(pg, "kpi_unit");
    table_begin(pg, "What moves the %s most: each parameter at its low and high setting, the others at the "
                    "scenario's values", kpi_descr_of(pg));
    static const char *const heads[] = { "rank", "parameter", "unit", "low setting", "high setting", "result at low",
                                         "result at high", "swing", "95% CI from", "to" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t r = 0; r < t->n_rows; r++) {
        char match[TEXT_SIZE];
        const char *punit = rget(t, r, "unit");
        snprintf(match, sizeof match, "rank=%s", rget(t, r, "rank"));
        raw(pg, "<tr>");
        td_num(pg, t, r, match, "rank", "");
        /* in plain words, the parameter's path under them (what --set takes) */
        const char *param = rget(t, r, "parameter"), *words = tornado_words(pg, param);
        if (words) {
            raw(pg, "<td>");
            esc(pg, words);
            raw(pg, "<br/><code>");
            esc(pg, param);
            raw(pg, "</code></td>");
        } else {
            raw(pg, "<td class=\"path\">");
            esc(pg, param);
            raw(pg, "</td>");
        }
        td_text(pg, punit);
        td_num(pg, t, r, match, "low_value", punit);
        td_num(pg, t, r, match, "high_value", punit);
        td_num(pg, t, r, match, "kpi_low", unit);
        td_num(pg, t, r, match, "kpi_high", unit);
        td_num(pg, t, r, match, "swing", unit);
        td_num(pg, t, r, match, "swing_ci_low", unit);
        td_num(pg, t, r, match, "swing_ci_high", unit);
        raw(pg, "</tr>\n");
    }
    table_end(pg);
}

static void table_target(struct rpage *pg)
{
    const struct rtab *t = &pg->target;
    const char *lever_words = mtext(pg, "lever_description");
    table_begin(pg, "Each value of %s tried: the share of replications meeting the goal, with its 95%% interval, "
                    "and the total cost", *lever_words ? lever_words : mtext(pg, "lever"));
    static const char *const heads[] = { "value", "share meeting the goal", "95% CI from", "to", "KPI (mean)",
                                         "total cost", "net present cost" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t r = 0; r < t->n_rows; r++) {
        char match[TEXT_SIZE];
        snprintf(match, sizeof match, "evaluation=%s", rget(t, r, "evaluation"));
        raw(pg, "<tr>");
        td_num(pg, t, r, match, "value", "");
        td_num(pg, t, r, match, "share_below", "share");
        td_num(pg, t, r, match, "share_ci_low", "share");
        td_num(pg, t, r, match, "share_ci_high", "share");
        td_num(pg, t, r, match, "kpi_mean", "");
        td_num(pg, t, r, match, "cost_total", "£");
        td_num(pg, t, r, match, "cost_npv", "£");
        raw(pg, "</tr>\n");
    }
    table_end(pg);
}

void rpage_tables(struct rpage *pg)
{
    raw(pg, "<h2 id=\"tables\">Tables</h2>\n");
    switch (pg->kind) {
    case REPORT_KIND_RUN:
        table_kpis(pg);
        table_years(pg);
        break;
    case REPORT_KIND_COMPARISON:
        table_ranked(pg);
        table_differences(pg);
        table_compare_years(pg);
        break;
    case REPORT_KIND_SWEEP: table_sweep(pg); break;
    case REPORT_KIND_TORNADO: table_tornado(pg); break;
    case REPORT_KIND_TARGET: table_target(pg); break;
    case REPORT_KIND_NONE: break;
    }
}

/* ---- charts ---- */

/* What a chart shows, by its name (plot_*.c). */
static void chart_words(const char *name, char *title, char *desc, size_t size)
{
    static const struct {
        const char *name, *title, *desc;
    } known[] = {
        { "backlog", "Unallocated cases (the backlog)",
          "The median of the replications over time, with bands holding the middle 50% and 90% of them, and "
          "the mean dashed." },
        { "waiting", "Waiting for a worker",
          "Cases waiting longer than the threshold, and the mean wait to allocation, over time." },
        { "workforce", "Workforce",
          "Staff in post at work and off sick, agency workers and uncovered vacancies stacked (means), with the "
          "establishment (funded posts) as a line; agency cover of long sickness sits above it." },
        { "caseload", "Caseloads", "Mean and 90th-percentile caseload of case-holders at work against the cap." },
        { "cost", "Cost", "Cost per period by category (means) and the cumulative cost, in cash (not discounted)." },
        { "compare_backlog", "Unallocated cases by option",
          "Each option's mean backlog over time, each with its own colour, dash and marker." },
        { "compare_backlog_difference", "Change in the backlog against the base",
          "Each option's paired difference in unallocated cases over time: the mean, over the band of the "
          "middle 90% of replications." },
        { "compare_years_", "Money per financial year against the base",
          "Paired differences per financial year in cash: the extra spending, the agency saving and the net "
          "extra cost, the last two with 95% confidence intervals." },
        { "cost_effectiveness", "Cost-effectiveness",
          "Each option's extra cost against the child-days of unallocated waiting it avoids, with 95% "
          "confidence intervals; the base at the origin." },
        { "sweep_", "The result against the parameter swept",
          "The mean at each point with its 95% confidence interval and the middle 90% of replications." },
        { "tornado_", "What moves the result most",
          "One bar per parameter, from its low to its high setting, largest swing first." },
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        size_t n = strlen(known[i].name);
        bool prefix = known[i].name[n - 1] == '_';
        if (prefix ? strncmp(name, known[i].name, n) == 0 : strcmp(name, known[i].name) == 0) {
            snprintf(title, size, "%s", known[i].title);
            snprintf(desc, size, "%s", known[i].desc);
            return;
        }
    }
    snprintf(title, size, "%s", name);
    snprintf(desc, size, "A chart of the results.");
}

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Write gnuplot's SVG inline: from <svg on, its own title and desc
 * replaced by ours (role img), every id and reference to one prefixed
 * with the chart's number (ids are unique in the page), anything that
 * could be fetched (a script, an href or url() to anything but a fragment)
 * left out. */
static void svg_inline(struct rpage *pg, const char *svg, int fig, const char *title, const char *desc)
{
    const char *p = strstr(svg, "<svg");
    if (!p)
        return;
    /* the opening tag, then ours */
    const char *gt = strchr(p, '>');
    if (!gt)
        return;
    raw(pg, "<svg role=\"img\" aria-labelledby=\"f%d-t f%d-d\"", fig, fig);
    afile_write(&pg->a, p + 4, (size_t)(gt - (p + 4)));
    raw(pg, ">\n<title id=\"f%d-t\">", fig);
    esc(pg, title);
    raw(pg, "</title>\n<desc id=\"f%d-d\">", fig);
    esc(pg, desc);
    raw(pg, "</desc>\n");
    p = gt + 1;
    while (*p) {
        if (strncmp(p, "<title>", 7) == 0 || strncmp(p, "<desc>", 6) == 0 || strncmp(p, "<script", 7) == 0) {
            const char *end = strncmp(p, "<title>", 7) == 0 ? "</title>" : strncmp(p, "<desc>", 6) == 0 ? "</desc>"
                                                                                                        : "</script>";
            const char *e = strstr(p, end);
            p = e ? e + strlen(end) : p + strlen(p);
            continue;
        }
        if ((strncmp(p, " id='", 5) == 0 || strncmp(p, " id=\"", 5) == 0) && id_char(p[5])) {
            raw(pg, " id=%cf%d-", p[4], fig);
            p += 5;
            continue;
        }
        if (strncmp(p, "href='", 6) == 0 || strncmp(p, "href=\"", 6) == 0) {
            char q = p[5];
            if (p[6] == '#') {
                raw(pg, "href=%c#f%d-", q, fig);
                p += 7;
            } else {
                /* not a fragment: dropped */
                const char *e = strchr(p + 6, q);
                raw(pg, "href=%c#%c", q, q);
                p = e ? e + 1 : p + strlen(p);
            }
            continue;
        }
        if (strncmp(p, "url(", 4) == 0) {
            if (p[4] == '#') {
                raw(pg, "url(#f%d-", fig);
                p += 5;
            } else {
                const char *e = strchr(p, ')');
                raw(pg, "none");
                p = e ? e + 1 : p + strlen(p);
            }
            continue;
        }
        afile_write(&pg->a, p, 1);
        p++;
    }
    raw(pg, "\n");
}

/* The folder's SVG charts, in the order the manifest lists them. */
static size_t chart_list(const struct rpage *pg, char ***names)
{
    *names = NULL;
    size_t n = 0;
    const struct json_in *charts = json_in_get(pg->manifest, "charts");
    for (size_t i = 0; charts && charts->type == JSON_IN_ARRAY && i < charts->n; i++) {
        const char *c = json_in_text(&charts->kid[i]);
        size_t len = c ? strlen(c) : 0;
        if (len < 5 || strcmp(c + len - 4, ".svg") != 0 || strchr(c, '/') || c[0] == '.')
            continue;
        *names = check_realloc(*names, (n + 1) * sizeof **names);
        (*names)[n++] = check_strdup(c);
    }
    return n;
}

void rpage_charts(struct rpage *pg)
{
    raw(pg, "<h2 id=\"charts\">Charts</h2>\n");
    char **names;
    size_t n = chart_list(pg, &names);
    if (n == 0)
        raw(pg, "<p>The folder has no charts: draw them with <code>caseload plot</code> (gnuplot) and make the "
                "report again.</p>\n");
    for (size_t i = 0; i < n; i++) {
        char path[AFILE_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", pg->dir, names[i]);
        FILE *f = infile_open(path);
        char *svg = NULL;
        if (f) {
            svg = check_malloc(SVG_MAX + 1);
            size_t len = fread(svg, 1, SVG_MAX, f);
            svg[len] = '\0';
            fclose(f);
        }
        char stem[AFILE_PATH_MAX], title[TEXT_SIZE], desc[TEXT_SIZE];
        snprintf(stem, sizeof stem, "%s", names[i]);
        stem[strlen(stem) - 4] = '\0';
        chart_words(stem, title, desc, sizeof title);
        if (strncmp(stem, "compare_years_", 14) == 0) {
            /* the k-th alternative of compare.csv */
            size_t want = (size_t)atol(stem + 14), seen = 0;
            for (size_t r = 0; r < pg->compare.n_rows && want > 0; r++) {
                const char *alt = rget(&pg->compare, r, "alternative");
                if (rfind(&pg->compare, "alternative", alt, NULL, NULL) != (long)r || ++seen != want)
                    continue;
                size_t len = strlen(title);
                snprintf(title + len, sizeof title - len, ": %s", alt);
                break;
            }
        }
        int fig = ++pg->figures;
        raw(pg, "<figure id=\"figure-%d\">\n<figcaption>Figure %d. ", fig, fig);
        esc(pg, title);
        raw(pg, "</figcaption>\n");
        if (svg && strstr(svg, "<svg"))
            svg_inline(pg, svg, fig, title, desc);
        else
            raw(pg, "<p>(%s could not be read.)</p>\n", "the chart");
        raw(pg, "</figure>\n");
        free(svg);
        free(names[i]);
    }
    free(names);
}

/* ---- assumptions ---- */

/* What the model leaves out (docs/model.md, docs/validation.md), in the
 * program so that every report carries it. */
static const char *const left_out[] = {
    "Workers are whole people (1 FTE each, except part-time posts); there are no teams or geography: any "
    "eligible worker may take any case.",
    "Sickness episodes are exponential in length; there is no presenteeism and no recovery of lost work after "
    "sickness.",
    "Leavers leave at once (no notice period) and recruits start at full capacity (no induction), except the "
    "reduced cap of newly qualified grades.",
    "Case complexity is a stage's weight; the quality of practice, and the effect of a change of worker on a "
    "child, are not modelled, only counted (worker changes per closed case).",
    "Pressure acts on sickness and leaving only through the ratio of load to cap (or to the reference "
    "caseload) and supervision; the strength of these links is not measured anywhere and is a scenario "
    "assumption to vary (caseload sweep --tornado).",
    "Referrals follow the scenario's rates, trend, seasonality and shocks: the model forecasts what those "
    "rates imply, not changes in demand the scenario does not state.",
    "Costs come from the scenario's own rates (salaries, on-costs, agency day rates, campaign and training "
    "costs, interventions); the validation against Birmingham's history does not test the cost figure.",
};

/* The group a parameter's table is in: the path up to its grade or stage
 * name, else its first part. */
static void group_of(const char *path, char *buf, size_t size)
{
    static const char *const lists[] = { ".grades.", ".stages.", "interventions." };
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        const char *at = strstr(path, lists[i]);
        if (!at)
            continue;
        const char *name = at + strlen(lists[i]);
        const char *end = strchr(name, '.');
        if (i == 2) {
            snprintf(buf, size, "interventions");
            return;
        }
        if (end) {
            snprintf(buf, size, "%.*s", (int)(end - path), path);
            return;
        }
    }
    const char *dot = strchr(path, '.');
    if (dot)
        snprintf(buf, size, "%.*s", (int)(dot - path), path);
    else
        snprintf(buf, size, "general");
}

static void param_tables(struct rpage *pg, const struct report_scenario *s, const struct report_scenario *base)
{
    char group[TEXT_SIZE] = "\x01";
    bool open = false;
    size_t shown = 0;
    const struct report_param *prev = NULL;
    for (size_t i = 0; i < s->n_params; i++) {
        const struct report_param *p = &s->param[i];
        if (base) {
            const char *bv = param_value(base, p->path);
            if (bv && strcmp(bv, p->value) == 0)
                continue;
        }
        char g[TEXT_SIZE];
        group_of(p->path, g, sizeof g);
        if (strcmp(g, group) != 0) {
            if (open)
                table_end(pg);
            snprintf(group, sizeof group, "%s", g);
            table_begin(pg, "%s: parameters of %s%s", g, s->name, base ? " that differ from the base" : "");
            prev = NULL;
            static const char *const heads[] = { "parameter", "value", "unit", "what it is",
                                                 "source (the scenario file's comment)" };
            thead(pg, heads, sizeof heads / sizeof *heads);
            open = true;
        }
        raw(pg, "<tr><td class=\"path\">");
        esc(pg, p->path);
        raw(pg, "</td><td class=\"n\">");
        esc(pg, p->value);
        raw(pg, "</td>");
        td_text(pg, p->unit);
        td_text(pg, p->descr);
        raw(pg, "<td>");
        /* a comment that serves several settings on one line: once */
        bool same = prev && *p->comment && strcmp(prev->comment, p->comment) == 0 &&
                    strcmp(prev->file, p->file) == 0 && prev->line == p->line;
        esc(pg, same ? "(as above)" : p->comment);
        prev = p;
        if (*p->file) {
            raw(pg, " <code>");
            escf(pg, "%s:%d", p->file, p->line);
            raw(pg, "</code>");
        }
        raw(pg, "</td></tr>\n");
        shown++;
    }
    if (open)
        table_end(pg);
    if (base && shown == 0)
        raw(pg, "<p>Every parameter has the base's value before its interventions.</p>\n");
}

static void iv_table(struct rpage *pg, const struct report_scenario *s)
{
    if (s->n_iv == 0) {
        raw(pg, "<p>No interventions.</p>\n");
        return;
    }
    table_begin(pg, "Interventions of %s", s->name);
    static const char *const heads[] = { "intervention", "from", "until", "changes", "how", "one-off cost",
                                         "cost per year" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t i = 0; i < s->n_iv; i++) {
        const struct report_iv *v = &s->iv[i];
        char a[NUM_SIZE], b[NUM_SIZE];
        raw(pg, "<tr>");
        td_text(pg, v->name);
        td_text(pg, v->from);
        td_text(pg, *v->until ? v->until : "the horizon");
        raw(pg, "<td>");
        esc(pg, v->param_descr);
        raw(pg, " <code>");
        esc(pg, v->param);
        raw(pg, "</code></td>");
        td_text(pg, v->change);
        raw(pg, "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", num(a, v->cost_once, "£"),
            num(b, v->cost_per_year, "£"));
    }
    table_end(pg);
}

void rpage_assumptions(struct rpage *pg)
{
    raw(pg, "<h2 id=\"assumptions\">Assumptions</h2>\n");
    for (size_t k = 0; k < pg->in->n_scenarios; k++) {
        const struct report_scenario *s = &pg->in->scenario[k];
        const struct report_scenario *base = pg->kind == REPORT_KIND_COMPARISON && k > 0 ? &pg->in->scenario[0] : NULL;
        raw(pg, "<h3>");
        escf(pg, "Scenario %s%s", s->name,
             pg->kind == REPORT_KIND_COMPARISON ? (k == 0 ? " (the base)" : " (an option)") : "");
        raw(pg, "</h3>\n");
        if (s->note) {
            raw(pg, "<p><strong>Note:</strong> ");
            esc(pg, s->note);
            raw(pg, "</p>\n");
        }
        if (s->about && *s->about) {
            raw(pg, "<p class=\"about\">");
            esc_text(pg, s->about, true);
            raw(pg, "</p>\n");
        }
        if (s->n_overrides) {
            raw(pg, "<p>Set on the command line: ");
            for (size_t i = 0; i < s->n_overrides; i++) {
                raw(pg, "%s<code>", i ? ", " : "");
                esc(pg, s->overrides[i]);
                raw(pg, "</code>");
            }
            raw(pg, ".</p>\n");
        }
        iv_table(pg, s);
        param_tables(pg, s, base);
    }
    raw(pg, "<h3>What the model leaves out</h3>\n<ul>\n");
    for (size_t i = 0; i < sizeof left_out / sizeof *left_out; i++)
        raw(pg, "<li>%s</li>\n", left_out[i]);
    raw(pg, "</ul>\n");
}

/* ---- method and provenance ---- */

static void li_pair(struct rpage *pg, const char *what, const char *value)
{
    raw(pg, "<li>%s: ", what);
    esc(pg, value);
    raw(pg, "</li>\n");
}

void rpage_method(struct rpage *pg)
{
    raw(pg, "<h2 id=\"method\">Method and provenance</h2>\n<ul>\n");
    char buf[TEXT_SIZE];
    double reps = mnumber(pg, "replications");
    double per = mnumber(pg, "replications_per_point");
    double per_eval = mnumber(pg, "replications_per_evaluation");
    if (isfinite(reps))
        snprintf(buf, sizeof buf, "%.0f", reps);
    else if (isfinite(per))
        snprintf(buf, sizeof buf, "%.0f per point", per);
    else if (isfinite(per_eval))
        snprintf(buf, sizeof buf, "%.0f per value tried", per_eval);
    else
        snprintf(buf, sizeof buf, "not recorded");
    li_pair(pg, "Replications (independent runs of the simulation)", buf);
    double seed = mnumber(pg, "seed");
    snprintf(buf, sizeof buf, isfinite(seed) ? "%.0f" : "not recorded", seed);
    li_pair(pg, "Master seed", buf);
    raw(pg, "<li>Common random numbers: random streams are tied to entities (the arrival of referrals, each "
            "case, each worker's post), so %s</li>\n",
        pg->kind == REPORT_KIND_RUN ? "a run is the same for a given seed whatever the number of threads."
                                    : "every option or point saw the same referrals, case durations and draws, and "
                                      "differences are paired replication by replication.");
    const char *version = mtext(pg, "version");
    snprintf(buf, sizeof buf, "caseload %s (this report: caseload %s)", *version ? version : "(not recorded)",
             pg->in->version);
    li_pair(pg, "Program", buf);
    const char *when = mtext(pg, "finished");
    li_pair(pg, "Date of the run", *when ? when : "not recorded in the results");
    const char *q = mtext(pg, "quantiles");
    if (*q)
        li_pair(pg, "Quantiles", q);
    const struct json_in *cl = json_in_get(pg->manifest, "command_line");
    if (cl && cl->type == JSON_IN_ARRAY) {
        raw(pg, "<li>Command: <code>");
        for (size_t i = 0; i < cl->n; i++) {
            const char *t = json_in_text(&cl->kid[i]);
            raw(pg, "%s", i ? " " : "");
            esc(pg, t ? t : "");
        }
        raw(pg, "</code></li>\n");
    }
    raw(pg, "</ul>\n");
    table_begin(pg, "Scenario files read, with their SHA-256 as the results record it and as the file reads now");
    static const char *const heads[] = { "scenario", "file", "SHA-256", "the file now" };
    thead(pg, heads, sizeof heads / sizeof *heads);
    for (size_t k = 0; k < pg->in->n_scenarios; k++) {
        const struct report_scenario *s = &pg->in->scenario[k];
        for (size_t i = 0; i < s->n_files; i++) {
            const struct report_file *f = &s->file[i];
            raw(pg, "<tr>");
            td_text(pg, s->name);
            raw(pg, "<td class=\"path\">");
            esc(pg, f->path);
            raw(pg, "</td><td class=\"path\">");
            esc(pg, *f->sha256_run ? f->sha256_run : f->sha256_now);
            raw(pg, "</td>");
            td_text(pg, !*f->sha256_now ? "cannot be read"
                        : !*f->sha256_run ? "not recorded by the run: the checksum is of the file now"
                        : strcmp(f->sha256_run, f->sha256_now) == 0 ? "unchanged"
                                                                     : "CHANGED since the run");
            raw(pg, "</tr>\n");
        }
    }
    table_end(pg);
}
