/* fitout.c — the texts of `caseload fit` (see fitout.h). */
#include "fit/fitout.h"

#include "output/csv.h"
#include "sim/check.h"
#include "sim/conf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Indentation per level of the written scenario. */
#define INDENT 2

struct writer {
    FILE *out;
    const struct fit_result *f;
    bool start_state;
    bool *used;                 /* [f->n_set] */
    const char *name, *descr;   /* replaced name and description */
};

static bool setting_on(const struct writer *w, size_t i)
{
    return !w->used[i] && (w->start_state || !w->f->set[i].start_state);
}

static long find_setting(const struct writer *w, const char *path)
{
    for (size_t i = 0; i < w->f->n_set; i++)
        if (setting_on(w, i) && strcmp(w->f->set[i].path, path) == 0)
            return (long)i;
    return -1;
}

/* Text from outside (a comment) on one line: control characters become
 * spaces. */
static void put_line_text(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, out);
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* A float that reads back as the same double, always with a point. */
static void put_float(FILE *out, double v)
{
    char buf[64];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        strcat(buf, ".0");
    fputs(buf, out);
}

static void put_indent(FILE *out, int n)
{
    fprintf(out, "%*s", n, "");
}

static void write_value(struct writer *w, const struct conf_node *n, int ind);

/* The settings of group g's path (prefix) that the template lacks, under
 * it: one level at a time, new groups made as needed. */
static void write_additions(struct writer *w, const char *prefix, int ind)
{
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < w->f->n_set; i++) {
        if (!setting_on(w, i))
            continue;
        const char *p = w->f->set[i].path;
        if (plen && (strncmp(p, prefix, plen) != 0 || p[plen] != '.'))
            continue;
        const char *rest = plen ? p + plen + 1 : p;
        const char *dot = strchr(rest, '.');
        if (!dot) {
            w->used[i] = true;
            put_indent(w->out, ind);
            fputs("# ", w->out);
            put_line_text(w->out, w->f->set[i].comment);
            fputc('\n', w->out);
            put_indent(w->out, ind);
            fprintf(w->out, "%s = %s;\n", rest, w->f->set[i].value);
            continue;
        }
        char sub[FIT_PATH_MAX];
        snprintf(sub, sizeof sub, "%.*s", (int)(dot - p), p);
        put_indent(w->out, ind);
        fprintf(w->out, "%.*s = {\n", (int)(dot - rest), rest);
        write_additions(w, sub, ind + INDENT);
        put_indent(w->out, ind);
        fputs("};\n", w->out);
    }
}

/* The kids of a group (or an element group of a list), then additions. */
static void write_group_body(struct writer *w, const struct conf_node *g, int ind)
{
    for (size_t k = 0; k < g->n_kid; k++) {
        const struct conf_node *n = g->kid[k];
        char path[1024];
        conf_path(n, path, sizeof path);
        long s = find_setting(w, path);
        if (g->parent == NULL && strcmp(n->name, "name") == 0 && n->type == CONF_STRING) {
            put_indent(w->out, ind);
            fputs("name = ", w->out);
            put_string(w->out, w->name);
            fputs(";\n", w->out);
            continue;
        }
        if (g->parent == NULL && strcmp(n->name, "description") == 0 && n->type == CONF_STRING) {
            put_indent(w->out, ind);
            fputs("description = ", w->out);
            put_string(w->out, w->descr);
            fputs(";\n", w->out);
            continue;
        }
        if (s >= 0) {
            w->used[s] = true;
            put_indent(w->out, ind);
            fputs("# ", w->out);
            put_line_text(w->out, w->f->set[s].comment);
            fputc('\n', w->out);
            put_indent(w->out, ind);
            fprintf(w->out, "%s = %s;\n", n->name, w->f->set[s].value);
            continue;
        }
        put_indent(w->out, ind);
        fprintf(w->out, "%s = ", n->name);
        write_value(w, n, ind);
        fputs(";\n", w->out);
    }
    char path[1024] = "";
    if (g->parent)
        conf_path(g, path, sizeof path);
    write_additions(w, path, ind);
}

static void write_value(struct writer *w, const struct conf_node *n, int ind)
{
    switch (n->type) {
    case CONF_INT: fprintf(w->out, "%lld", n->i); break;
    case CONF_FLOAT: put_float(w->out, n->f); break;
    case CONF_STRING: put_string(w->out, n->s); break;
    case CONF_BOOL: fputs(n->b ? "true" : "false", w->out); break;
    case CONF_ARRAY:
        fputs("[", w->out);
        for (size_t k = 0; k < n->n_kid; k++) {
            fputs(k ? ", " : " ", w->out);
            write_value(w, n->kid[k], ind);
        }
        fputs(n->n_kid ? " ]" : "]", w->out);
        break;
    case CONF_GROUP:
        fputs("{\n", w->out);
        write_group_body(w, n, ind + INDENT);
        put_indent(w->out, ind);
        fputs("}", w->out);
        break;
    case CONF_LIST:
        fputs("(", w->out);
        for (size_t k = 0; k < n->n_kid; k++) {
            fputs(k ? ",\n" : "\n", w->out);
            put_indent(w->out, ind + INDENT);
            write_value(w, n->kid[k], ind + INDENT);
        }
        if (n->n_kid) {
            fputc('\n', w->out);
            put_indent(w->out, ind);
        }
        fputs(")", w->out);
        break;
    }
}

char *fit_scenario_text(const char *template_path, const struct scenario *sc, const struct fit_result *f,
                        bool start_state, const char *about, struct diag *d)
{
    struct conf_doc *doc = conf_load(template_path, d);
    if (!doc)
        return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(out);
    char day[DATE_TEXT_SIZE];
    date_format(f->at, day);
    char name[SCENARIO_LABEL_MAX + 1];
    snprintf(name, sizeof name, "%.*s-fitted-%s", SCENARIO_LABEL_MAX - 18, sc->name, day);
    char *descr = NULL;
    size_t dsize = 0;
    FILE *ds = open_memstream(&descr, &dsize);
    CHECK(ds);
    fprintf(ds, "%s; fitted to records at %s", sc->description ? sc->description : sc->name, day);
    fclose(ds);
    struct writer w = { out, f, start_state, check_calloc(f->n_set + 1, sizeof(bool)), name, descr };
    fputs("# ", out);
    put_line_text(out, about);
    fputs("\n# Written by caseload fit: every setting of the template, those the records\n"
          "# identify replaced by their estimates (a `# fitted:` line above each);\n"
          "# fit.csv beside it lists every parameter, fitted or from the template.\n\n",
          out);
    write_group_body(&w, doc->root, 0);
    fclose(out);
    free(w.used);
    free(descr);
    conf_free(doc);
    return text;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return check_strdup(".");
    if (slash == path)
        return check_strdup("/");
    char *d = check_strdup(path);
    d[slash - path] = '\0';
    return d;
}

/* Whether text loads as the scenario at path would. */
static bool loads(const char *text, const char *path, struct diag *d)
{
    char *dir = dir_of(path);
    struct scenario *sc = scenario_load_text(text, path, dir, NULL, 0, d);
    free(dir);
    bool ok = sc != NULL;
    scenario_free(sc);
    return ok;
}

char *fit_scenario_loadable(const char *template_path, const struct scenario *sc, const struct fit_result *f,
                            const char *about, const char *path, bool *with_start_state, struct diag *d)
{
    *with_start_state = true;
    char *text = fit_scenario_text(template_path, sc, f, true, about, d);
    if (!text)
        return NULL;
    struct diag first;
    diag_init(&first, d->limit);
    if (loads(text, path, &first)) {
        diag_free(&first);
        return text;
    }
    /* a model that does not read the observed starting state: the open
     * cases as initial counts only */
    free(text);
    *with_start_state = false;
    struct diag second;
    diag_init(&second, d->limit);
    text = fit_scenario_text(template_path, sc, f, false, about, &second);
    if (text && loads(text, path, &second)) {
        diag_free(&first);
        diag_free(&second);
        return text;
    }
    free(text);
    for (size_t i = 0; i < second.n; i++)
        diag_error(d, NULL, 0, NULL, "%s", second.msg[i]);
    diag_free(&first);
    diag_free(&second);
    return NULL;
}

/* A cell: the number, or empty for NaN. */
static void put_cell(FILE *out, double v)
{
    if (isnan(v))
        return;
    fprintf(out, "%.10g", v);
}

char *fit_csv_text(const struct fit_result *f)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(out);
    fputs("path,estimate,se,ci_low,ci_high,n,method\n", out);
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct fit_row *r = &f->row[i];
        fprintf(out, "%s,", r->path);
        put_cell(out, r->estimate);
        fputc(',', out);
        put_cell(out, r->se);
        fputc(',', out);
        put_cell(out, r->lo);
        fputc(',', out);
        put_cell(out, r->hi);
        fputc(',', out);
        if (r->n > 0 || r->fitted)
            put_cell(out, r->n);
        fputs(",\"", out);
        for (const char *c = r->method; *c; c++)
            fputs(*c == '"' ? "\"\"" : (char[2]){ *c, 0 }, out);
        fputs("\"\n", out);
    }
    fclose(out);
    return text;
}

char *fit_cov_text(const struct fit_result *f)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(out);
    fputs("path_a,scale_a,path_b,scale_b,cov\n", out);
    for (size_t i = 0; i < f->n_cov; i++) {
        const struct fit_draw *a = &f->draw[f->cov[i].a], *b = &f->draw[f->cov[i].b];
        fprintf(out, "%s,%s,%s,%s,%.17g\n", a->path, pdraw_scale_name(a->scale), b->path, pdraw_scale_name(b->scale),
                f->cov[i].cov);
    }
    fclose(out);
    return text;
}

char *fit_drops_text(const struct records *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(out);
    fputs("file,reason,rows\n", out);
    for (int fl = 0; fl < RECORDS_FILE_COUNT; fl++)
        for (int k = 0; k < REASON_COUNT; k++)
            if (r->drops[fl][k])
                fprintf(out, "%s,%s,%zu\n", records_file_name((enum records_file)fl),
                        records_reason_name((enum records_reason)k), r->drops[fl][k]);
    fclose(out);
    return text;
}
