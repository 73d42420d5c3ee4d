/* report.c — the page of a results folder: reading what it holds, and
 * the sections in order. The HTML building blocks are in report_html.c. */
#include "output/report.h"

#include "output/afile.h"
#include "output/compare.h"
#include "output/plot.h"
#include "output/report_html.h"
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
/* Lines of comment above a setting taken as its comment, at most. */
#define COMMENT_LINES_MAX 6
#define LINE_MAX_BYTES 4096

/* ---- small helpers ---- */

static bool path_join(char *buf, size_t size, const char *dir, const char *name)
{
    int n = snprintf(buf, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

static bool file_exists(const char *dir, const char *name)
{
    char path[AFILE_PATH_MAX];
    struct stat st;
    return path_join(path, sizeof path, dir, name) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Read dir/name whole (at most max bytes) into a malloc'd string; NULL
 * (errno set) when it cannot be read. */
static char *slurp(const char *dir, const char *name, size_t max, size_t *len)
{
    char path[AFILE_PATH_MAX];
    if (!path_join(path, sizeof path, dir, name)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    FILE *f = infile_open(path);
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *text = check_malloc(cap + 1);
    size_t got;
    while ((got = fread(text + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= max)
                break;
            cap *= 2;
            text = check_realloc(text, cap + 1);
        }
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(text);
        errno = EIO;
        return NULL;
    }
    text[n] = '\0';
    if (len)
        *len = n;
    return text;
}

/* dir/manifest.json into root: 0 read, 1 none, -1 unreadable (err). */
static int manifest_read(const char *dir, struct json_in *root, char *err, size_t size)
{
    memset(root, 0, sizeof *root);
    if (!file_exists(dir, "manifest.json"))
        return 1;
    char *text = slurp(dir, "manifest.json", MANIFEST_MAX, NULL);
    if (!text || !json_in_parse(text, root) || root->type != JSON_IN_OBJECT) {
        snprintf(err, size, "%s/manifest.json: %s", dir, text ? "not a JSON object" : infile_error(errno));
        free(text);
        json_in_free(root);
        memset(root, 0, sizeof *root);
        return -1;
    }
    free(text);
    return 0;
}

static const char *jtext(const struct json_in *j, const char *key)
{
    return json_in_text(json_in_get(j, key));
}


/* ---- the scenario files of a folder ---- */

static void source_files(struct report_source *s, const struct json_in *scenario)
{
    const struct json_in *files = json_in_get(scenario, "files");
    for (size_t i = 0; files && files->type == JSON_IN_ARRAY && i < files->n; i++) {
        const char *p = jtext(&files->kid[i], "path"), *h = jtext(&files->kid[i], "sha256");
        if (!p)
            continue;
        s->file = check_realloc(s->file, (s->n_files + 1) * sizeof *s->file);
        s->file[s->n_files].path = check_strdup(p);
        s->file[s->n_files].sha256_run = check_strdup(h ? h : "");
        s->file[s->n_files].sha256_now = check_strdup("");
        s->n_files++;
    }
    const struct json_in *ov = json_in_get(scenario, "overrides");
    for (size_t i = 0; ov && ov->type == JSON_IN_ARRAY && i < ov->n; i++) {
        const char *t = json_in_text(&ov->kid[i]);
        if (!t)
            continue;
        s->overrides = check_realloc(s->overrides, (s->n_overrides + 1) * sizeof *s->overrides);
        s->overrides[s->n_overrides++] = check_strdup(t);
    }
    if (!*s->path && s->n_files > 0) {
        free(s->path);
        s->path = check_strdup(s->file[0].path);
    }
}

static struct report_source *source_add(struct report_source **list, size_t *n, const char *name, const char *path)
{
    *list = check_realloc(*list, (*n + 1) * sizeof **list);
    struct report_source *s = &(*list)[(*n)++];
    memset(s, 0, sizeof *s);
    s->name = check_strdup(name ? name : "");
    s->path = check_strdup(path ? path : "");
    return s;
}

bool report_sources(const char *dir, struct report_source **out, size_t *n, char *err, size_t size)
{
    *out = NULL;
    *n = 0;
    enum report_kind kind = report_kind_of(dir);
    if (kind == REPORT_KIND_NONE) {
        snprintf(err, size, "%s: no results here (expected summary.csv, compare.csv, sweep.csv, tornado.csv or "
                 "target.csv, as caseload run, compare, sweep and target write)", dir);
        return false;
    }
    struct json_in root;
    if (manifest_read(dir, &root, err, size) != 0) {
        if (!*err)
            snprintf(err, size, "%s/manifest.json: missing (the results' record of how they were made)", dir);
        return false;
    }
    if (kind == REPORT_KIND_RUN) {
        const struct json_in *sc = json_in_get(&root, "scenario");
        struct report_source *s = source_add(out, n, jtext(sc, "name"), NULL);
        source_files(s, sc);
    } else if (kind == REPORT_KIND_COMPARISON) {
        const struct json_in *list = json_in_get(&root, "scenarios");
        for (size_t i = 0; list && list->type == JSON_IN_ARRAY && i < list->n; i++) {
            struct report_source *s = source_add(out, n, jtext(&list->kid[i], "name"), jtext(&list->kid[i], "file"));
            char folder[COMPARE_FOLDER_SIZE], sub[AFILE_PATH_MAX];
            compare_folder(folder, i);
            struct json_in m;
            char e[256];
            if (path_join(sub, sizeof sub, dir, folder) && manifest_read(sub, &m, e, sizeof e) == 0) {
                source_files(s, json_in_get(&m, "scenario"));
                json_in_free(&m);
            }
        }
    } else {
        struct report_source *s = source_add(out, n, jtext(&root, "scenario"), jtext(&root, "file"));
        source_files(s, &root);
        if (s->n_files == 0 && *s->path) {
            s->file = check_calloc(1, sizeof *s->file);
            s->file[0].path = check_strdup(s->path);
            s->file[0].sha256_run = check_strdup("");
            s->file[0].sha256_now = check_strdup("");
            s->n_files = 1;
        }
    }
    json_in_free(&root);
    return true;
}

void report_sources_free(struct report_source *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].name);
        free(s[i].path);
        for (size_t k = 0; k < s[i].n_files; k++) {
            free(s[i].file[k].path);
            free(s[i].file[k].sha256_run);
            free(s[i].file[k].sha256_now);
        }
        free(s[i].file);
        for (size_t k = 0; k < s[i].n_overrides; k++)
            free(s[i].overrides[k]);
        free(s[i].overrides);
    }
    free(s);
}

void report_scenario_free(struct report_scenario *s)
{
    free(s->name);
    free(s->note);
    free(s->about);
    for (size_t k = 0; k < s->n_overrides; k++)
        free(s->overrides[k]);
    free(s->overrides);
    for (size_t k = 0; k < s->n_files; k++) {
        free(s->file[k].path);
        free(s->file[k].sha256_run);
        free(s->file[k].sha256_now);
    }
    free(s->file);
    for (size_t k = 0; k < s->n_params; k++) {
        struct report_param *p = &s->param[k];
        free(p->path);
        free(p->value);
        free(p->unit);
        free(p->descr);
        free(p->comment);
        free(p->file);
    }
    free(s->param);
    for (size_t k = 0; k < s->n_iv; k++) {
        struct report_iv *v = &s->iv[k];
        free(v->name);
        free(v->from);
        free(v->until);
        free(v->param);
        free(v->param_descr);
        free(v->change);
    }
    free(s->iv);
    memset(s, 0, sizeof *s);
}

/* ---- comments of scenario files ---- */

/* Where the comment of line starts ('#' or "//" outside a string), or NULL. */
static const char *comment_start(const char *line)
{
    bool quoted = false;
    for (const char *c = line; *c; c++) {
        if (*c == '"' && (c == line || c[-1] != '\\'))
            quoted = !quoted;
        else if (!quoted && (*c == '#' || (c[0] == '/' && c[1] == '/')))
            return c;
    }
    return NULL;
}

/* Text of a comment without its marker and surrounding spaces. */
static void comment_text(const char *from, char *buf, size_t size)
{
    from += *from == '#' ? 1 : 2;
    while (*from == ' ' || *from == '\t' || *from == '#')
        from++;
    snprintf(buf, size, "%s", from);
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        buf[--n] = '\0';
}

static bool only_comment(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    return *line == '#' || (line[0] == '/' && line[1] == '/');
}

char *report_source_comment(const char *path, int line)
{
    FILE *f = path && *path ? infile_open(path) : NULL;
    if (!f)
        return check_strdup("");
    char (*ring)[LINE_MAX_BYTES] = check_calloc(COMMENT_LINES_MAX, LINE_MAX_BYTES);
    size_t above = 0;    /* comment lines right above the current line */
    char text[LINE_MAX_BYTES];
    char *out = NULL;
    int n = 0;
    bool head = line == 0;
    size_t head_len = 0;
    char *head_text = check_strdup("");
    while (fgets(text, sizeof text, f)) {
        n++;
        if (head) {
            if (!only_comment(text)) {
                if (head_len > 0 || strspn(text, " \t\r\n") != strlen(text))
                    break;
                continue;
            }
            char c[LINE_MAX_BYTES];
            comment_text(comment_start(text), c, sizeof c);
            head_text = check_realloc(head_text, head_len + strlen(c) + 2);
            head_len += (size_t)sprintf(head_text + head_len, "%s%s", head_len ? "\n" : "", c);
            continue;
        }
        if (n == line) {
            const char *c = comment_start(text);
            char buf[LINE_MAX_BYTES] = "";
            if (c && !only_comment(text)) {
                comment_text(c, buf, sizeof buf);
                out = check_strdup(buf);
            } else {
                size_t len = 0;
                out = check_strdup("");
                for (size_t k = above > COMMENT_LINES_MAX ? above - COMMENT_LINES_MAX : 0; k < above; k++) {
                    comment_text(comment_start(ring[k % COMMENT_LINES_MAX]), buf, sizeof buf);
                    out = check_realloc(out, len + strlen(buf) + 2);
                    len += (size_t)sprintf(out + len, "%s%s", len ? " " : "", buf);
                }
            }
            break;
        }
        if (only_comment(text)) {
            snprintf(ring[above % COMMENT_LINES_MAX], LINE_MAX_BYTES, "%s", text);
            above++;
        } else {
            above = 0;
        }
    }
    fclose(f);
    free(ring);
    if (head) {
        free(out);
        return head_text;
    }
    free(head_text);
    return out ? out : check_strdup("");
}

/* ---- kinds ---- */

enum report_kind report_kind_of(const char *dir)
{
    switch (plot_kind_of(dir)) {
    case PLOT_KIND_RUN:
        return REPORT_KIND_RUN;
    case PLOT_KIND_COMPARISON:
        return REPORT_KIND_COMPARISON;
    case PLOT_KIND_SWEEP:
        return REPORT_KIND_SWEEP;
    case PLOT_KIND_TORNADO:
        return REPORT_KIND_TORNADO;
    case PLOT_KIND_BACKTEST:   /* no report page of its own: backtest.csv and its charts */
    case PLOT_KIND_NONE:
        break;
    }
    return file_exists(dir, "target.csv") ? REPORT_KIND_TARGET : REPORT_KIND_NONE;
}

/* ---- the page ---- */

enum report_status report_write(const struct report_input *in, char *err, size_t size)
{
    enum report_kind kind = report_kind_of(in->dir);
    if (kind == REPORT_KIND_NONE) {
        snprintf(err, size, "%s: no results here (expected summary.csv, compare.csv, sweep.csv, tornado.csv or "
                 "target.csv, as caseload run, compare, sweep and target write)", in->dir);
        return REPORT_NOT_RESULTS;
    }
    struct json_in root;
    if (manifest_read(in->dir, &root, err, size) < 0)
        return REPORT_FAILED;
    struct rpage pg;
    memset(&pg, 0, sizeof pg);
    pg.dir = in->dir;
    pg.kind = kind;
    pg.manifest = &root;
    pg.in = in;
    char path[AFILE_PATH_MAX];
    if (in->out)
        snprintf(path, sizeof path, "%s", in->out);
    else if (!path_join(path, sizeof path, in->dir, REPORT_HTML)) {
        snprintf(err, size, "%s/%s: path too long", in->dir, REPORT_HTML);
        json_in_free(&root);
        return REPORT_FAILED;
    }
    if (!afile_open(&pg.a, path)) {
        snprintf(err, size, "%s: cannot write (%s)", path, strerror(errno));
        json_in_free(&root);
        return REPORT_FAILED;
    }
    bool ok = rpage_load(&pg, err, size);
    if (ok) {
        rpage_begin(&pg);
        rpage_summary(&pg);
        rpage_tables(&pg);
        rpage_charts(&pg);
        rpage_assumptions(&pg);
        rpage_method(&pg);
        rpage_end(&pg);
    }
    rpage_free(&pg);
    json_in_free(&root);
    if (!ok) {
        afile_abort(&pg.a);
        return REPORT_FAILED;
    }
    if (!afile_commit(&pg.a)) {
        snprintf(err, size, "%s: cannot write (%s)", path, strerror(errno));
        return REPORT_FAILED;
    }
    return REPORT_OK;
}
