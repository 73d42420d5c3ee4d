#include "output/plot_data.h"

#include "output/afile.h"
#include "output/compare.h"
#include "output/csv_in.h"
#include "output/json_in.h"
#include "output/manifest.h"
#include "output/runfolder.h"
#include "output/sweepfolder.h"
#include "output/tornadofolder.h"
#include "sim/check.h"
#include "sim/infile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


/* Largest manifest read (ours are a few kilobytes). */
#define MANIFEST_MAX (16u << 20)

/* The KPIs on the cost-effectiveness plane. */
#define KPI_DAYS "child_days_unallocated"
#define KPI_COST "cost_total"

static const char *const metric_names[PLOT_M_COUNT] = {
    [PLOT_M_UNALLOCATED] = "unallocated",
    [PLOT_M_WAITING_OVER] = "waiting_over_threshold",
    [PLOT_M_MEAN_WAIT] = "mean_wait_days",
    [PLOT_M_IN_POST] = "staff_in_post_fte",
    [PLOT_M_SICK] = "staff_sick_fte",
    [PLOT_M_AGENCY] = "agency_fte",
    [PLOT_M_VACANCIES] = "vacancies_uncovered_fte",
    [PLOT_M_CASELOAD_MEAN] = "caseload_mean",
    [PLOT_M_CASELOAD_P90] = "caseload_p90",
    [PLOT_M_CASELOAD_CAP] = "caseload_cap",
    [PLOT_M_COST_STAFF] = "cost_staff",
    [PLOT_M_COST_AGENCY] = "cost_agency",
    [PLOT_M_COST_RECRUITMENT] = "cost_recruitment",
    [PLOT_M_COST_TRAINING] = "cost_training",
    [PLOT_M_COST_INTERVENTIONS] = "cost_interventions",
    [PLOT_M_COST_TOTAL] = "cost_total",
    [PLOT_M_COST_CUMULATIVE] = "cost_cumulative",
    [PLOT_M_ESTABLISHMENT] = "establishment_fte",
};

const char *plot_metric_name(enum plot_metric m)
{
    CHECK(m < PLOT_M_COUNT);
    return metric_names[m];
}

static bool path_join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

bool plot_file_exists(const char *dir, const char *name)
{
    char path[AFILE_PATH_MAX];
    struct stat st;
    return path_join(path, sizeof path, dir, name) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Read dir/manifest.json into root. 0 when read, 1 when there is none, -1
 * (message in err) when it cannot be read or parsed. */
static int manifest_read(const char *dir, struct json_in *root, char *err, size_t size)
{
    memset(root, 0, sizeof *root);
    char path[AFILE_PATH_MAX];
    if (!path_join(path, sizeof path, dir, MANIFEST_FILE)) {
        snprintf(err, size, "%s/%s: path too long", dir, MANIFEST_FILE);
        return -1;
    }
    FILE *f = infile_open(path);
    if (!f) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, size, "%s: cannot read (%s)", path, infile_error(errno));
        return -1;
    }
    struct stat st;
    size_t cap = fstat(fileno(f), &st) == 0 && st.st_size > 0 && (size_t)st.st_size < MANIFEST_MAX
                     ? (size_t)st.st_size : MANIFEST_MAX;
    char *text = check_malloc(cap + 1);
    size_t n = fread(text, 1, cap, f);
    bool bad_read = ferror(f) || getc(f) != EOF;
    fclose(f);
    text[n] = '\0';
    bool ok = !bad_read && json_in_parse(text, root);
    free(text);
    if (!ok || root->type != JSON_IN_OBJECT) {
        json_in_free(root);
        memset(root, 0, sizeof *root);
        snprintf(err, size, "%s: %s", path, bad_read ? "cannot read it whole" : "not a JSON object");
        return -1;
    }
    return 0;
}

/* Open dir/name as CSV with the columns need[0..n) (see csv_in_open); its
 * path goes to path for later messages. */
static bool open_csv(struct csv_in *c, const char *dir, const char *name, const char *const *need, long *col,
                     size_t n, char *path, size_t path_size, char *err, size_t size)
{
    if (!path_join(path, path_size, dir, name)) {
        memset(c, 0, sizeof *c);
        snprintf(err, size, "%s/%s: path too long", dir, name);
        return false;
    }
    return csv_in_open(c, path, need, col, n, err, size);
}

/* ---- run folders ---- */

/* Columns of summary.csv the facts are read from. */
enum { SC_SCENARIO, SC_DATE, SC_METRIC, SC_MEAN, SC_P05, SC_P25, SC_P50, SC_P75, SC_P95, SC_N, SC_COUNT };
#define PLOT_QUANTILES (SC_P95 - SC_P05 + 1)
static const char *const summary_columns[SC_COUNT] = {
    "scenario", "date", "metric", "mean", "p05", "p25", "p50", "p75", "p95", "n",
};

static void series_add(struct plot_series *s, double mean, const double q[PLOT_QUANTILES])
{
    if (isfinite(mean)) {
        s->mean = true;
        s->max_mean = fmax(s->max_mean, fabs(mean));
        s->max = fmax(s->max, fabs(mean));
    }
    bool all = true;
    for (int i = 0; i < PLOT_QUANTILES; i++) {
        if (isfinite(q[i]))
            s->max = fmax(s->max, fabs(q[i]));
        else
            all = false;
    }
    s->bands = s->bands || all;
}

static const char *period_word(const char *report_every)
{
    static const char *const known[] = { "week", "month", "quarter" };
    for (size_t i = 0; report_every && i < sizeof known / sizeof *known; i++)
        if (strcmp(report_every, known[i]) == 0)
            return known[i];
    return "period";
}

bool plot_run_facts_read(const char *dir, struct plot_run_facts *f, char *err, size_t size)
{
    memset(f, 0, sizeof *f);
    struct csv_in c;
    long col[SC_COUNT];
    char path[AFILE_PATH_MAX];
    if (!open_csv(&c, dir, RUNFOLDER_SUMMARY_CSV, summary_columns, col, SC_COUNT, path, sizeof path, err, size))
        return false;
    f->date_column = (int)col[SC_DATE] + 1;
    struct date first = { 0, 0, 0 }, last = { 0, 0, 0 };
    bool any = false;
    char *first_metric = NULL;
    int r;
    while ((r = csv_in_next(&c)) > 0) {
        const char *date = csv_in_field(&c, col[SC_DATE]);
        const char *metric = csv_in_field(&c, col[SC_METRIC]);
        struct date d;
        if (!date || !metric || !date_parse(date, &d)) {
            snprintf(err, size, "%s:%ld: expected a date (YYYY-MM-DD) and a metric", path, c.line);
            free(first_metric);
            csv_in_free(&c);
            plot_run_facts_free(f);
            return false;
        }
        if (!any) {
            const char *sc = csv_in_field(&c, col[SC_SCENARIO]);
            f->scenario = check_strdup(sc ? sc : "");
            first_metric = check_strdup(metric);
            first = last = d;
            any = true;
        }
        if (strcmp(metric, first_metric) == 0)
            f->periods++;
        if (date_diff(d, first) > 0)
            first = d;
        if (date_diff(last, d) > 0)
            last = d;
        double n = csv_in_number(csv_in_field(&c, col[SC_N]));
        if (!isnan(n) && !(n >= 0 && n <= PLOT_MAX_REPS && n == floor(n))) {
            /* a count no run writes: refused before it is converted */
            snprintf(err, size, "%s:%ld: n: %.10g is not a number of replications (allowed: a whole number from 0 "
                     "to %.0f)", path, c.line, n, PLOT_MAX_REPS);
            free(first_metric);
            csv_in_free(&c);
            plot_run_facts_free(f);
            return false;
        }
        if (n > (double)f->reps)
            f->reps = (size_t)n;
        for (int m = 0; m < PLOT_M_COUNT; m++) {
            if (strcmp(metric, metric_names[m]) != 0)
                continue;
            double q[PLOT_QUANTILES];
            for (int i = 0; i < PLOT_QUANTILES; i++)
                q[i] = csv_in_number(csv_in_field(&c, col[SC_P05 + i]));
            series_add(&f->s[m], csv_in_number(csv_in_field(&c, col[SC_MEAN])), q);
            break;
        }
    }
    csv_in_free(&c);
    free(first_metric);
    if (r < 0 || !any) {
        snprintf(err, size, "%s: %s", path, r < 0 ? "unterminated quoted field" : "no rows");
        plot_run_facts_free(f);
        return false;
    }
    date_format(first, f->first);
    date_format(last, f->last);
    f->days = date_diff(first, last);

    struct json_in root;
    int m = manifest_read(dir, &root, err, size);
    if (m < 0) {
        plot_run_facts_free(f);
        return false;
    }
    f->period = check_strdup(period_word(json_in_text(json_in_get(json_in_get(&root, "scenario"), "report_every"))));
    json_in_free(&root);
    return true;
}

void plot_run_facts_free(struct plot_run_facts *f)
{
    free(f->scenario);
    free(f->period);
    memset(f, 0, sizeof *f);
}

/* ---- comparison folders ---- */

/* Add a scenario in the next folder (scenario-N); unless listed, not when
 * a scenario of that name is there already. */
static void add_scenario(struct plot_compare_facts *f, const char *name, bool listed)
{
    for (size_t i = 0; !listed && i < f->n_scenarios; i++)
        if (strcmp(f->scenario[i].name, name) == 0)
            return;
    char folder[COMPARE_FOLDER_SIZE];
    compare_folder(folder, f->n_scenarios);
    f->scenario = check_realloc(f->scenario, (f->n_scenarios + 1) * sizeof *f->scenario);
    struct plot_scenario *s = &f->scenario[f->n_scenarios];
    memset(s, 0, sizeof *s);
    s->name = check_strdup(name);
    s->folder = check_strdup(folder);
    f->n_scenarios++;
}

static struct plot_alternative *alternative(struct plot_compare_facts *f, const char *name)
{
    for (size_t i = 0; i < f->n_alternatives; i++)
        if (strcmp(f->alt[i].name, name) == 0)
            return &f->alt[i];
    f->alt = check_realloc(f->alt, (f->n_alternatives + 1) * sizeof *f->alt);
    struct plot_alternative *a = &f->alt[f->n_alternatives++];
    a->name = check_strdup(name);
    a->scenario = 0;
    a->days = a->days_low = a->days_high = NAN;
    a->cost = a->cost_low = a->cost_high = NAN;
    return a;
}

enum { CC_BASE, CC_ALT, CC_KPI, CC_DIFF, CC_LOW, CC_HIGH, CC_COUNT };
static const char *const compare_columns[CC_COUNT] = {
    "base", "alternative", "kpi", "difference", "ci_low", "ci_high",
};

static bool read_compare_csv(const char *dir, struct plot_compare_facts *f, char **base, char *err,
                             size_t size)
{
    struct csv_in c;
    long col[CC_COUNT];
    char path[AFILE_PATH_MAX];
    if (!open_csv(&c, dir, COMPARE_CSV, compare_columns, col, CC_COUNT, path, sizeof path, err, size))
        return false;
    int r;
    while ((r = csv_in_next(&c)) > 0) {
        const char *b = csv_in_field(&c, col[CC_BASE]), *alt = csv_in_field(&c, col[CC_ALT]);
        const char *kpi = csv_in_field(&c, col[CC_KPI]);
        if (!b || !alt || !kpi) {
            snprintf(err, size, "%s:%ld: too few fields", path, c.line);
            csv_in_free(&c);
            return false;
        }
        if (!*base)
            *base = check_strdup(b);
        bool days = strcmp(kpi, KPI_DAYS) == 0, cost = strcmp(kpi, KPI_COST) == 0;
        if (!days && !cost)
            continue;
        struct plot_alternative *a = alternative(f, alt);
        double d = csv_in_number(csv_in_field(&c, col[CC_DIFF]));
        double lo = csv_in_number(csv_in_field(&c, col[CC_LOW])), hi = csv_in_number(csv_in_field(&c, col[CC_HIGH]));
        if (days) {
            /* avoided = minus the difference, so the interval turns round */
            a->days = -d;
            a->days_low = -hi;
            a->days_high = -lo;
        } else {
            a->cost = d;
            a->cost_low = lo;
            a->cost_high = hi;
        }
    }
    csv_in_free(&c);
    if (r < 0) {
        snprintf(err, size, "%s: unterminated quoted field", path);
        return false;
    }
    return true;
}

/* compare_years.csv: the financial years of cost_total and cost_agency.
 * Optional (a comparison from before it existed has none). */
enum { CY_SCENARIO, CY_YEAR, CY_METRIC, CY_MEAN, CY_LOW, CY_HIGH, CY_COUNT };
static const char *const years_columns[CY_COUNT] = { "scenario", "year", "metric", "mean", "ci_low", "ci_high" };
#define YEARS_TOTAL "total"

static bool read_compare_years(const char *dir, struct plot_compare_facts *f, char *err, size_t size)
{
    if (!plot_file_exists(dir, PLOT_COMPARE_YEARS_CSV))
        return true;
    struct csv_in c;
    long col[CY_COUNT];
    char path[AFILE_PATH_MAX];
    if (!open_csv(&c, dir, PLOT_COMPARE_YEARS_CSV, years_columns, col, CY_COUNT, path, sizeof path, err, size))
        return false;
    char *first = NULL;      /* the first alternative: its years are counted */
    /* the mean and interval of the last cost_total row, to add to the
     * agency row of the same year (the extra cost before the saving) */
    double total[3] = { NAN, NAN, NAN };
    int r;
    while ((r = csv_in_next(&c)) > 0) {
        const char *sc = csv_in_field(&c, col[CY_SCENARIO]), *year = csv_in_field(&c, col[CY_YEAR]);
        const char *metric = csv_in_field(&c, col[CY_METRIC]);
        if (!sc || !year || !metric) {
            snprintf(err, size, "%s:%ld: too few fields", path, c.line);
            free(first);
            csv_in_free(&c);
            return false;
        }
        bool t = strcmp(metric, "cost_total") == 0, a = strcmp(metric, "cost_agency") == 0;
        if (strcmp(year, YEARS_TOTAL) == 0 || (!t && !a))
            continue;
        double v[3];
        for (int i = 0; i < 3; i++)
            v[i] = csv_in_number(csv_in_field(&c, col[CY_MEAN + i]));
        if (!first)
            first = check_strdup(sc);
        if (t && strcmp(sc, first) == 0) {
            int y = atoi(year);
            if (f->years == 0 || y < f->first_year)
                f->first_year = y;
            f->year_label = check_realloc(f->year_label, (f->years + 1) * sizeof *f->year_label);
            f->year_label[f->years++] = check_strdup(year);
        }
        for (int i = 0; i < 3; i++) {
            if (isfinite(v[i]))
                f->years_max = fmax(f->years_max, fabs(v[i]));
            if (t)
                total[i] = v[i];
        }
        /* the extra cost before the saving: net + saving = total - agency */
        if (a && isfinite(total[0]) && isfinite(v[0]))
            f->years_max = fmax(f->years_max, fabs(total[0] - v[0]));
    }
    free(first);
    csv_in_free(&c);
    if (r < 0) {
        snprintf(err, size, "%s: unterminated quoted field", path);
        return false;
    }
    return true;
}

/* differences.csv: the paired difference of the backlog per period.
 * Optional, as compare_years.csv. */
enum { CD_METRIC, CD_MEAN, CD_P05, CD_P95, CD_COUNT };
static const char *const diff_columns[CD_COUNT] = { "metric", "mean", "p05", "p95" };

static bool read_differences(const char *dir, struct plot_compare_facts *f, char *err, size_t size)
{
    if (!plot_file_exists(dir, PLOT_DIFFERENCES_CSV))
        return true;
    struct csv_in c;
    long col[CD_COUNT];
    char path[AFILE_PATH_MAX];
    if (!open_csv(&c, dir, PLOT_DIFFERENCES_CSV, diff_columns, col, CD_COUNT, path, sizeof path, err, size))
        return false;
    int r;
    const char *backlog = metric_names[PLOT_M_UNALLOCATED];
    while ((r = csv_in_next(&c)) > 0) {
        const char *metric = csv_in_field(&c, col[CD_METRIC]);
        if (!metric || strcmp(metric, backlog) != 0)
            continue;
        double mean = csv_in_number(csv_in_field(&c, col[CD_MEAN]));
        double lo = csv_in_number(csv_in_field(&c, col[CD_P05])), hi = csv_in_number(csv_in_field(&c, col[CD_P95]));
        if (isfinite(mean)) {
            f->backlog_diff = true;
            f->backlog_diff_min = fmin(f->backlog_diff_min, mean);
            f->backlog_diff_max = fmax(f->backlog_diff_max, mean);
        }
        if (isfinite(lo) && isfinite(hi)) {
            f->backlog_diff_band = true;
            f->backlog_diff_min = fmin(f->backlog_diff_min, fmin(lo, hi));
            f->backlog_diff_max = fmax(f->backlog_diff_max, fmax(lo, hi));
        }
    }
    csv_in_free(&c);
    if (r < 0) {
        snprintf(err, size, "%s: unterminated quoted field", path);
        return false;
    }
    return true;
}

bool plot_compare_facts_read(const char *dir, struct plot_compare_facts *f, char *err, size_t size)
{
    memset(f, 0, sizeof *f);
    char *base = NULL;
    if (!read_compare_csv(dir, f, &base, err, size)) {
        free(base);
        plot_compare_facts_free(f);
        return false;
    }
    struct json_in root;
    int m = manifest_read(dir, &root, err, size);
    if (m < 0) {
        free(base);
        plot_compare_facts_free(f);
        return false;
    }
    const struct json_in *list = json_in_get(&root, "scenarios");
    char path[AFILE_PATH_MAX];
    path_join(path, sizeof path, dir, MANIFEST_FILE);
    bool ok = true;
    if (list && list->type == JSON_IN_ARRAY) {
        for (size_t i = 0; ok && i < list->n; i++) {
            const char *name = json_in_text(json_in_get(&list->kid[i], "name"));
            const char *folder = json_in_text(json_in_get(&list->kid[i], "folder"));
            char want[COMPARE_FOLDER_SIZE];
            compare_folder(want, i);
            if (!name || (folder && strcmp(folder, want) != 0)) {
                snprintf(err, size, "%s: scenarios[%zu]: %s%s%s", path, i,
                         !name ? "no name" : "the folder must be ", name ? want : "",
                         name ? " (a comparison written by an earlier caseload: run compare again)" : "");
                ok = false;
            } else {
                add_scenario(f, name, true);
            }
        }
    } else {
        /* no list: base and alternatives in compare.csv's order */
        if (base)
            add_scenario(f, base, false);
        for (size_t i = 0; i < f->n_alternatives; i++)
            add_scenario(f, f->alt[i].name, false);
    }
    json_in_free(&root);
    free(base);
    if (ok && f->n_scenarios == 0) {
        snprintf(err, size, "%s/%s: no scenarios", dir, COMPARE_CSV);
        ok = false;
    }
    for (size_t i = 0; ok && i < f->n_alternatives; i++) {
        f->alt[i].scenario = i + 1 < f->n_scenarios ? i + 1 : f->n_scenarios - 1;
        for (size_t k = 0; k < f->n_scenarios; k++)
            if (strcmp(f->scenario[k].name, f->alt[i].name) == 0)
                f->alt[i].scenario = k;
    }
    for (size_t i = 0; ok && i < f->n_scenarios; i++) {
        char sub[AFILE_PATH_MAX];
        if (!path_join(sub, sizeof sub, dir, f->scenario[i].folder)) {
            snprintf(err, size, "%s/%s: path too long", dir, f->scenario[i].folder);
            ok = false;
        } else {
            ok = plot_run_facts_read(sub, &f->scenario[i].run, err, size);
        }
    }
    ok = ok && read_compare_years(dir, f, err, size) && read_differences(dir, f, err, size);
    if (!ok)
        plot_compare_facts_free(f);
    return ok;
}

void plot_compare_facts_free(struct plot_compare_facts *f)
{
    for (size_t i = 0; i < f->n_scenarios; i++) {
        free(f->scenario[i].name);
        free(f->scenario[i].folder);
        plot_run_facts_free(&f->scenario[i].run);
    }
    free(f->scenario);
    for (size_t i = 0; i < f->n_alternatives; i++)
        free(f->alt[i].name);
    free(f->alt);
    for (size_t i = 0; i < f->years; i++)
        free(f->year_label[i]);
    free(f->year_label);
    memset(f, 0, sizeof *f);
}

/* ---- sweeps and tornado charts ---- */

/* The unit of cost_total, when the manifest does not give the KPI's, and
 * its description (sim/result.h's, for the sweep's second chart). */
#define KPI_COST_UNIT "£"
#define KPI_COST_DESCR "total cost over the horizon"


void plot_manifest_kind(const char *dir, char *buf, size_t size)
{
    struct json_in root;
    char err[AFILE_PATH_MAX];
    buf[0] = '\0';
    if (manifest_read(dir, &root, err, sizeof err) != 0)
        return;
    const char *kind = json_in_text(json_in_get(&root, "kind"));
    if (kind)
        snprintf(buf, size, "%s", kind);
    json_in_free(&root);
}

/* A KPI name fit for a chart's file name and the script: letters, digits
 * and underscores. */
static bool kpi_name_ok(const char *name)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* The manifest's text member key, else fallback; malloc'd. */
static char *manifest_text(const struct json_in *root, const char *key, const char *fallback)
{
    const char *t = json_in_text(json_in_get(root, key));
    return check_strdup(t ? t : fallback);
}

/* Whether the manifest's member key is true. */
static bool manifest_true(const struct json_in *root, const char *key)
{
    const struct json_in *b = json_in_get(root, key);
    return b && b->type == JSON_IN_BOOL && b->number != 0;
}

/* "5 years from Apr 2024" from the manifest's start and horizon_years. */
static char *manifest_horizon(const struct json_in *root)
{
    static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    const char *start = json_in_text(json_in_get(root, "start"));
    const struct json_in *h = json_in_get(root, "horizon_years");
    struct date d;
    if (!start || !date_parse(start, &d) || d.month < 1 || d.month > 12 || !h || h->type != JSON_IN_NUMBER ||
        !(h->number > 0 && h->number < 1e4))
        return check_strdup("");
    char buf[64];
    snprintf(buf, sizeof buf, "%.3g year%s from %s %d", h->number, h->number == 1 ? "" : "s", months[d.month - 1],
             d.year);
    return check_strdup(buf);
}

static size_t manifest_reps(const struct json_in *root)
{
    const struct json_in *n = json_in_get(root, "replications_per_point");
    /* anything but a whole number a run could have is unknown */
    return n && n->type == JSON_IN_NUMBER && n->number >= 1 && n->number <= PLOT_MAX_REPS
                   && n->number == floor(n->number)
               ? (size_t)n->number
               : 0;
}

/* Whether header field i starts the five columns of a KPI; its name
 * (without "_mean") into stem. */
static bool kpi_columns_at(const struct csv_in *c, size_t i, char *stem, size_t size)
{
    const char *f = csv_in_field(c, (long)i);
    size_t n = f ? strlen(f) : 0, suffix = strlen(sweepfolder_suffix[SWEEPFOLDER_MEAN]) + 1;
    if (n <= suffix || n - suffix >= size || f[n - suffix] != '_' ||
        strcmp(f + n - suffix + 1, sweepfolder_suffix[SWEEPFOLDER_MEAN]) != 0)
        return false;
    memcpy(stem, f, n - suffix);
    stem[n - suffix] = '\0';
    for (size_t s = 1; s < SWEEPFOLDER_STATS; s++) {
        const char *g = csv_in_field(c, (long)(i + s));
        char want[PLOT_KPI_NAME_SIZE + 16];
        snprintf(want, sizeof want, "%s_%s", stem, sweepfolder_suffix[s]);
        if (!g || strcmp(g, want) != 0)
            return false;
    }
    return true;
}

/* The columns of one KPI in sweep.csv's header (col[SWEEPFOLDER_STATS]); false
 * with a message when one is missing. */
static bool kpi_columns(const struct csv_in *c, const char *name, long *col, const char *path, char *err, size_t size)
{
    for (size_t s = 0; s < SWEEPFOLDER_STATS; s++) {
        char want[PLOT_KPI_NAME_SIZE + 16];
        snprintf(want, sizeof want, "%s_%s", name, sweepfolder_suffix[s]);
        col[s] = csv_in_column(c, want);
        if (col[s] < 0) {
            snprintf(err, size, "%s:1: no column \"%s\" in the header", path, want);
            return false;
        }
    }
    return true;
}

static void sweep_kpi_add(struct plot_sweep_kpi *k, const struct csv_in *c, const long *col, bool *any)
{
    double v[SWEEPFOLDER_STATS];
    for (size_t s = 0; s < SWEEPFOLDER_STATS; s++) {
        v[s] = csv_in_number(csv_in_field(c, col[s]));
        if (isfinite(v[s])) {
            k->min = *any ? fmin(k->min, v[s]) : v[s];
            k->max = *any ? fmax(k->max, v[s]) : v[s];
            *any = true;
        }
    }
    static const int seen[] = { SWEEPFOLDER_MEAN, SWEEPFOLDER_P05, SWEEPFOLDER_P95 };
    for (size_t s = 0; s < sizeof seen / sizeof *seen; s++)
        if (isfinite(v[seen[s]]))
            k->floor = fmin(k->floor, v[seen[s]]);
    k->mean = k->mean || isfinite(v[SWEEPFOLDER_MEAN]);
    /* a band of no width (one replication) is not one */
    k->ci = k->ci || v[SWEEPFOLDER_CI_HIGH] > v[SWEEPFOLDER_CI_LOW];
    k->range = k->range || v[SWEEPFOLDER_P95] > v[SWEEPFOLDER_P05];
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Distinct values, extremes and the widest step of a lever's n values
 * (sorted here). */
static void lever_values(struct plot_lever *l, double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    l->value = check_malloc(n * sizeof *l->value);
    l->value[0] = l->min = v[0];
    l->max = v[n - 1];
    l->values = 1;
    l->gap = 0;
    for (size_t i = 1; i < n; i++) {
        if (v[i] == v[i - 1])
            continue;
        l->gap = fmax(l->gap, v[i] - v[i - 1]);
        l->value[l->values++] = v[i];
    }
}

/* What the manifest says of the levers: unit and the scenario's own value. */
static void levers_from_manifest(struct plot_sweep_facts *f, const struct json_in *root)
{
    const struct json_in *vary = json_in_get(root, "vary");
    for (size_t i = 0; i < f->n_levers; i++) {
        struct plot_lever *l = &f->lever[i];
        l->unit = check_strdup("");
        l->descr = check_strdup("");
        for (size_t k = 0; vary && vary->type == JSON_IN_ARRAY && k < vary->n; k++) {
            const char *p = json_in_text(json_in_get(&vary->kid[k], "parameter"));
            if (!p || strcmp(p, l->parameter) != 0)
                continue;
            const char *unit = json_in_text(json_in_get(&vary->kid[k], "unit"));
            if (unit) {
                free(l->unit);
                l->unit = check_strdup(unit);
            }
            const char *descr = json_in_text(json_in_get(&vary->kid[k], "description"));
            if (descr) {
                free(l->descr);
                l->descr = check_strdup(descr);
            }
            const struct json_in *base = json_in_get(&vary->kid[k], "base");
            if (base && base->type == JSON_IN_NUMBER && isfinite(base->number)) {
                l->has_base = true;
                l->base = base->number;
            }
            /* a sweep stopped early may hold one value of a lever */
            const struct json_in *from = json_in_get(&vary->kid[k], "from"), *to = json_in_get(&vary->kid[k], "to");
            const struct json_in *steps = json_in_get(&vary->kid[k], "steps");
            if (l->values == 1 && from && to && steps && from->type == JSON_IN_NUMBER && to->type == JSON_IN_NUMBER &&
                steps->type == JSON_IN_NUMBER && steps->number >= 2)
                l->gap = fabs(to->number - from->number) / (steps->number - 1);
        }
    }
}

static bool sweep_rows(struct csv_in *c, struct plot_sweep_facts *f, const long *kcol, const long *ccol,
                       const char *path, char *err, size_t size)
{
    double *v[PLOT_MAX_LEVERS] = { NULL, NULL };
    size_t cap = 0;
    bool any_k = false, any_c = false;
    f->kpi.floor = f->cost.floor = HUGE_VAL;
    int r;
    while ((r = csv_in_next(c)) > 0) {
        if (f->points == cap) {
            cap = cap ? 2 * cap : 64;
            for (size_t i = 0; i < f->n_levers; i++)
                v[i] = check_realloc(v[i], cap * sizeof *v[i]);
        }
        for (size_t i = 0; i < f->n_levers; i++) {
            double x = csv_in_number(csv_in_field(c, f->lever[i].column - 1));
            if (!isfinite(x)) {
                snprintf(err, size, "%s:%ld: expected a number for %s", path, c->line, f->lever[i].parameter);
                for (size_t k = 0; k < f->n_levers; k++)
                    free(v[k]);
                return false;
            }
            v[i][f->points] = x;
        }
        sweep_kpi_add(&f->kpi, c, kcol, &any_k);
        if (f->cost.name)
            sweep_kpi_add(&f->cost, c, ccol, &any_c);
        f->points++;
    }
    if (r < 0 || f->points == 0)
        snprintf(err, size, "%s: %s", path, r < 0 ? "unterminated quoted field" : "no rows");
    for (size_t i = 0; i < f->n_levers; i++) {
        if (r >= 0 && f->points > 0)
            lever_values(&f->lever[i], v[i], f->points);
        free(v[i]);
    }
    return r >= 0 && f->points > 0;
}

bool plot_sweep_facts_read(const char *dir, struct plot_sweep_facts *f, char *err, size_t size)
{
    memset(f, 0, sizeof *f);
    struct json_in root;
    if (manifest_read(dir, &root, err, size) < 0)
        return false;
    static const char *const need[] = { "point" };
    long point_col;
    struct csv_in c;
    char path[AFILE_PATH_MAX];
    if (!open_csv(&c, dir, SWEEPFOLDER_CSV, need, &point_col, 1, path, sizeof path, err, size)) {
        json_in_free(&root);
        return false;
    }
    /* point, the levers, then five columns per KPI */
    char stem[PLOT_KPI_NAME_SIZE];
    size_t first_kpi = (size_t)point_col + 1;
    while (first_kpi < c.n && !kpi_columns_at(&c, first_kpi, stem, sizeof stem))
        first_kpi++;
    bool ok = true;
    size_t levers = first_kpi - (size_t)point_col - 1;
    if (first_kpi == c.n || levers < 1 || levers > PLOT_MAX_LEVERS) {
        snprintf(err, size, "%s:1: expected point, one or two parameters, then each KPI's columns "
                            "(NAME_mean, NAME_ci_low, NAME_ci_high, NAME_p05, NAME_p95)", path);
        ok = false;
    }
    for (size_t i = 0; ok && i < levers; i++) {
        struct plot_lever *l = &f->lever[f->n_levers++];
        l->column = (int)((size_t)point_col + 2 + i);
        l->parameter = check_strdup(csv_in_field(&c, l->column - 1));
    }
    const char *kpi = json_in_text(json_in_get(&root, "kpi"));
    if (ok && !kpi)
        kpi = stem;
    if (ok && (!kpi_name_ok(kpi) || strlen(kpi) >= PLOT_KPI_NAME_SIZE)) {
        snprintf(err, size, "%s/%s: \"kpi\": not a KPI name", dir, MANIFEST_FILE);
        ok = false;
    }
    long kcol[SWEEPFOLDER_STATS], ccol[SWEEPFOLDER_STATS];
    if (ok && kpi_columns(&c, kpi, kcol, path, err, size)) {
        f->kpi.name = check_strdup(kpi);
        const char *unit = json_in_text(json_in_get(&root, "kpi_unit"));
        f->kpi.unit = check_strdup(unit ? unit : strcmp(kpi, KPI_COST) == 0 ? KPI_COST_UNIT : "");
        f->kpi.descr = manifest_text(&root, "kpi_description", strcmp(kpi, KPI_COST) == 0 ? KPI_COST_DESCR : "");
        f->kpi.discounted = manifest_true(&root, "kpi_discounted");
        char cerr[8];
        if (strcmp(kpi, KPI_COST) != 0 && kpi_columns(&c, KPI_COST, ccol, path, cerr, sizeof cerr)) {
            f->cost.name = check_strdup(KPI_COST);
            f->cost.unit = check_strdup(KPI_COST_UNIT);
            f->cost.descr = check_strdup(KPI_COST_DESCR);
        }
        ok = sweep_rows(&c, f, kcol, ccol, path, err, size);
    } else {
        ok = false;
    }
    csv_in_free(&c);
    if (ok) {
        f->scenario = manifest_text(&root, "scenario", "");
        f->horizon = manifest_horizon(&root);
        f->reps = manifest_reps(&root);
        const struct json_in *partial = json_in_get(&root, "partial");
        f->partial = partial && partial->type == JSON_IN_BOOL && partial->number != 0;
        levers_from_manifest(f, &root);
    }
    json_in_free(&root);
    if (!ok)
        plot_sweep_facts_free(f);
    return ok;
}

void plot_sweep_facts_free(struct plot_sweep_facts *f)
{
    free(f->scenario);
    free(f->horizon);
    for (size_t i = 0; i < PLOT_MAX_LEVERS; i++) {
        free(f->lever[i].parameter);
        free(f->lever[i].unit);
        free(f->lever[i].descr);
        free(f->lever[i].value);
    }
    free(f->kpi.name);
    free(f->kpi.unit);
    free(f->kpi.descr);
    free(f->cost.name);
    free(f->cost.unit);
    free(f->cost.descr);
    memset(f, 0, sizeof *f);
}

/* Columns of tornado.csv the chart reads (tornadofolder.h names them). */
enum { TC_RANK, TC_PARAMETER, TC_UNIT, TC_LOW_VALUE, TC_HIGH_VALUE, TC_KPI, TC_KPI_BASE, TC_KPI_LOW,
       TC_KPI_HIGH, TC_SWING, TC_COUNT };
static const enum tornadofolder_column tornado_read[TC_COUNT] = {
    TORNADO_RANK, TORNADO_PARAMETER, TORNADO_UNIT, TORNADO_LOW_VALUE, TORNADO_HIGH_VALUE, TORNADO_KPI,
    TORNADO_KPI_BASE, TORNADO_KPI_LOW, TORNADO_KPI_HIGH, TORNADO_SWING,
};

/* "LOW to HIGH UNIT", as the script's sprintf("%g to %g") writes it. */
static char *range_text(double low, double high, const char *unit)
{
    char buf[PLOT_KPI_NAME_SIZE * 4];
    snprintf(buf, sizeof buf, "%g to %g%s%s", low, high, *unit ? " " : "", unit);
    return check_strdup(buf);
}

static bool tornado_rows(struct csv_in *c, const long *col, struct plot_tornado_facts *f, const char *path, char *err,
                         size_t size)
{
    size_t cap = 0;
    bool any = false;
    int r;
    while ((r = csv_in_next(c)) > 0) {
        const char *param = csv_in_field(c, col[TC_PARAMETER]), *kpi = csv_in_field(c, col[TC_KPI]);
        const char *unit = csv_in_field(c, col[TC_UNIT]);
        double rank = csv_in_number(csv_in_field(c, col[TC_RANK]));
        if (!param || !kpi || !unit || !(rank >= 1)) {
            snprintf(err, size, "%s:%ld: expected a rank, a parameter and a KPI", path, c->line);
            return false;
        }
        if (!f->kpi)
            f->kpi = check_strdup(kpi);
        if (f->bars == cap) {
            cap = cap ? 2 * cap : 16;
            f->parameter = check_realloc(f->parameter, cap * sizeof *f->parameter);
            f->range = check_realloc(f->range, cap * sizeof *f->range);
        }
        f->parameter[f->bars] = check_strdup(param);
        f->range[f->bars] = range_text(csv_in_number(csv_in_field(c, col[TC_LOW_VALUE])),
                                       csv_in_number(csv_in_field(c, col[TC_HIGH_VALUE])), unit);
        f->bars++;
        double swing = csv_in_number(csv_in_field(c, col[TC_SWING]));
        if (isfinite(swing))
            f->max_swing = fmax(f->max_swing, fabs(swing));
        static const int kpi_cols[] = { TC_KPI_BASE, TC_KPI_LOW, TC_KPI_HIGH };
        for (size_t k = 0; k < sizeof kpi_cols / sizeof *kpi_cols; k++) {
            double v = csv_in_number(csv_in_field(c, col[kpi_cols[k]]));
            if (!isfinite(v))
                continue;
            f->min = any ? fmin(f->min, v) : v;
            f->max = any ? fmax(f->max, v) : v;
            any = true;
        }
    }
    if (r < 0 || f->bars == 0) {
        snprintf(err, size, "%s: %s", path, r < 0 ? "unterminated quoted field" : "no rows");
        return false;
    }
    if (!kpi_name_ok(f->kpi) || strlen(f->kpi) >= PLOT_KPI_NAME_SIZE) {
        snprintf(err, size, "%s:2: kpi: not a KPI name", path);
        return false;
    }
    if (!any) {
        snprintf(err, size, "%s: no value of the KPI", path);
        return false;
    }
    return true;
}

bool plot_tornado_facts_read(const char *dir, struct plot_tornado_facts *f, char *err, size_t size)
{
    memset(f, 0, sizeof *f);
    struct json_in root;
    if (manifest_read(dir, &root, err, size) < 0)
        return false;
    struct csv_in c;
    long col[TC_COUNT];
    char path[AFILE_PATH_MAX];
    const char *need[TC_COUNT];
    for (size_t i = 0; i < TC_COUNT; i++)
        need[i] = tornadofolder_columns[tornado_read[i]];
    bool ok = open_csv(&c, dir, TORNADOFOLDER_CSV, need, col, TC_COUNT, path, sizeof path, err, size);
    if (ok) {
        ok = tornado_rows(&c, col, f, path, err, size);
        csv_in_free(&c);
    }
    if (ok) {
        f->scenario = manifest_text(&root, "scenario", "");
        f->horizon = manifest_horizon(&root);
        f->reps = manifest_reps(&root);
        const char *unit = json_in_text(json_in_get(&root, "kpi_unit"));
        f->unit = check_strdup(unit ? unit : strcmp(f->kpi, KPI_COST) == 0 ? KPI_COST_UNIT : "");
        const struct json_in *spread = json_in_get(&root, "spread");
        f->spread = spread && spread->type == JSON_IN_NUMBER && spread->number > 0 ? spread->number : NAN;
        f->kpi_descr = manifest_text(&root, "kpi_description", strcmp(f->kpi, KPI_COST) == 0 ? KPI_COST_DESCR : "");
        f->discounted = manifest_true(&root, "kpi_discounted");
        /* "descriptions": [{"parameter", "description"}, ...] */
        const struct json_in *list = json_in_get(&root, "descriptions");
        f->descr = check_calloc(f->bars, sizeof *f->descr);
        for (size_t i = 0; i < f->bars; i++) {
            const char *d = "";
            for (size_t k = 0; list && list->type == JSON_IN_ARRAY && k < list->n; k++) {
                const char *p = json_in_text(json_in_get(&list->kid[k], "parameter"));
                const char *t = json_in_text(json_in_get(&list->kid[k], "description"));
                if (p && t && strcmp(p, f->parameter[i]) == 0)
                    d = t;
            }
            f->descr[i] = check_strdup(d);
        }
    }
    json_in_free(&root);
    if (!ok)
        plot_tornado_facts_free(f);
    return ok;
}

void plot_tornado_facts_free(struct plot_tornado_facts *f)
{
    for (size_t i = 0; i < f->bars; i++) {
        free(f->parameter[i]);
        free(f->range[i]);
        if (f->descr)
            free(f->descr[i]);
    }
    free(f->parameter);
    free(f->range);
    free(f->descr);
    free(f->kpi_descr);
    free(f->horizon);
    free(f->scenario);
    free(f->kpi);
    free(f->unit);
    memset(f, 0, sizeof *f);
}
