#include "conf.h"

#include "check.h"
#include "infile.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- nodes ---------------------------------------------------------------- */

static struct conf_node *node_new(const char *name, enum conf_type type, const char *file, int line)
{
    struct conf_node *n = check_calloc(1, sizeof *n);
    n->name = name ? check_strdup(name) : NULL;
    n->type = type;
    n->file = file;
    n->line = line;
    return n;
}

static void node_free(struct conf_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kid; i++)
        node_free(n->kid[i]);
    for (size_t i = 0; i < n->n_asked; i++)
        free(n->asked[i]);
    free(n->asked);
    free(n->kid);
    free(n->name);
    free(n->s);
    free(n);
}

static void node_append(struct conf_node *parent, struct conf_node *kid)
{
    if (parent->n_kid == parent->cap_kid) {
        parent->cap_kid = parent->cap_kid ? 2 * parent->cap_kid : 8;
        parent->kid = check_realloc(parent->kid, parent->cap_kid * sizeof *parent->kid);
    }
    kid->parent = parent;
    parent->kid[parent->n_kid++] = kid;
}

const char *conf_type_text(enum conf_type t)
{
    switch (t) {
    case CONF_GROUP: return "a group";
    case CONF_LIST: return "a list";
    case CONF_ARRAY: return "an array";
    case CONF_INT: return "a whole number";
    case CONF_FLOAT: return "a number";
    case CONF_STRING: return "a string";
    case CONF_BOOL: return "true or false";
    }
    return "?";
}

bool conf_is_number(const struct conf_node *n)
{
    return n && (n->type == CONF_INT || n->type == CONF_FLOAT);
}

double conf_number(const struct conf_node *n)
{
    CHECK(conf_is_number(n));
    return n->type == CONF_INT ? (double)n->i : n->f;
}

const char *conf_key(const struct conf_node *n)
{
    if (!n || n->type != CONF_GROUP || n->n_kid == 0 || n->kid[0]->type != CONF_STRING)
        return NULL;
    return n->kid[0]->s;
}

/* ---- documents and file names ------------------------------------------- */

static size_t doc_index(struct conf_doc *doc, const char *path)
{
    for (size_t i = 0; i < doc->n_files; i++)
        if (strcmp(doc->files[i], path) == 0)
            return i;
    doc->files = check_realloc(doc->files, (doc->n_files + 1) * sizeof *doc->files);
    doc->sha256 = check_realloc(doc->sha256, (doc->n_files + 1) * sizeof *doc->sha256);
    doc->files[doc->n_files] = check_strdup(path);
    doc->sha256[doc->n_files][0] = '\0';
    return doc->n_files++;
}

static const char *doc_file(struct conf_doc *doc, const char *path)
{
    size_t at = doc_index(doc, path); /* may move the array */
    return doc->files[at];
}

void conf_free(struct conf_doc *doc)
{
    if (!doc)
        return;
    node_free(doc->root);
    for (size_t i = 0; i < doc->n_files; i++)
        free(doc->files[i]);
    free(doc->files);
    free(doc->sha256);
    free(doc);
}

/* ---- conversion from libconfig -------------------------------------------- */

static struct conf_node *convert(struct conf_doc *doc, const config_setting_t *s,
                                 const char *file)
{
    const char *src = config_setting_source_file(s);
    const char *where = src ? doc_file(doc, src) : file;
    int line = (int)config_setting_source_line(s);
    const char *name = config_setting_name(s);
    enum conf_type t;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP: t = CONF_GROUP; break;
    case CONFIG_TYPE_LIST: t = CONF_LIST; break;
    case CONFIG_TYPE_ARRAY: t = CONF_ARRAY; break;
    case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: t = CONF_INT; break;
    case CONFIG_TYPE_FLOAT: t = CONF_FLOAT; break;
    case CONFIG_TYPE_STRING: t = CONF_STRING; break;
    default: t = CONF_BOOL; break;
    }
    struct conf_node *n = node_new(name, t, where, line);
    switch (t) {
    case CONF_INT: n->i = config_setting_get_int64(s); break;
    case CONF_FLOAT: n->f = config_setting_get_float(s); break;
    case CONF_STRING: n->s = check_strdup(config_setting_get_string(s)); break;
    case CONF_BOOL: n->b = config_setting_get_bool(s) != 0; break;
    default: {
        int count = config_setting_length(s);
        for (int i = 0; i < count; i++) {
            struct conf_node *k = convert(doc, config_setting_get_elem(s, (unsigned)i), where);
            /* Elements of arrays and lists inherit the line of their container
             * when libconfig records none. */
            if (k->line == 0)
                k->line = line;
            node_append(n, k);
        }
    }
    }
    return n;
}

/* ---- merging a file over its bases ---------------------------------------- */

static struct conf_node *find_kid(struct conf_node *g, const char *name)
{
    for (size_t i = 0; i < g->n_kid; i++)
        if (g->kid[i]->name && strcmp(g->kid[i]->name, name) == 0)
            return g->kid[i];
    return NULL;
}

static bool keyed_list(const struct conf_node *l)
{
    if (l->type != CONF_LIST)
        return false;
    for (size_t i = 0; i < l->n_kid; i++)
        if (!conf_key(l->kid[i]))
            return false;
    return true;
}

static void merge_into(struct conf_node *base, struct conf_node *over);

/* Replace base's child old by new (taking ownership of new). */
static void replace_kid(struct conf_node *parent, struct conf_node *old, struct conf_node *nw)
{
    for (size_t i = 0; i < parent->n_kid; i++)
        if (parent->kid[i] == old) {
            node_free(old);
            parent->kid[i] = nw;
            nw->parent = parent;
            return;
        }
    CHECK(!"child not found");
}

/* Merge over's children into base (both groups, or both keyed lists);
 * over's children are moved out of over. */
static void merge_into(struct conf_node *base, struct conf_node *over)
{
    for (size_t i = 0; i < over->n_kid; i++) {
        struct conf_node *o = over->kid[i];
        over->kid[i] = NULL;
        struct conf_node *b = NULL;
        if (base->type == CONF_GROUP) {
            b = find_kid(base, o->name);
        } else {
            const char *key = conf_key(o);
            /* (a merge above may have left an element without its key) */
            for (size_t j = 0; j < base->n_kid && !b; j++)
                if (conf_key(base->kid[j]) && strcmp(conf_key(base->kid[j]), key) == 0)
                    b = base->kid[j];
        }
        if (!b) {
            node_append(base, o);
        } else if ((b->type == CONF_GROUP && o->type == CONF_GROUP)
                   || (keyed_list(b) && keyed_list(o) && b->n_kid > 0 && o->n_kid > 0)) {
            /* Messages about the merged whole (probabilities that do not sum
             * to 1, ...) point at the file that changed it last. */
            b->file = o->file;
            b->line = o->line;
            b->layer = o->layer;
            merge_into(b, o);
            node_free(o);
        } else {
            replace_kid(base, b, o);
        }
    }
    over->n_kid = 0;
}

/* ---- reading files and their @include lines ------------------------------ */

/* The state of reading a scenario file and its @includes (not the scenario
 * loader of models/loader.h, which reads the settings afterwards). */
struct conf_reader {
    struct conf_doc *doc;
    struct diag *d;
    unsigned layers;                         /* file layers read so far */
    char *stack[CONF_MAX_INCLUDE_DEPTH + 1]; /* real paths of the files being read */
    size_t depth;
};

/* A whole regular file of at most CONF_MAX_FILE_SIZE bytes with no NUL
 * byte, its length in *len; NULL with *err set otherwise (a folder, a device
 * such as /dev/zero or a pipe would never end or is no configuration). */
static char *read_all(const char *path, size_t *len, int *err)
{
    FILE *f = infile_open(path); /* a FIFO is refused, not waited on */
    if (!f) {
        *err = errno;
        return NULL;
    }
    struct stat st;
    int bad = fstat(fileno(f), &st) != 0 ? errno : st.st_size > CONF_MAX_FILE_SIZE ? EFBIG : 0;
    if (bad) {
        *err = bad;
        fclose(f);
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = check_malloc(cap);
    int failed = 0;
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > CONF_MAX_FILE_SIZE) {
                failed = EFBIG;
                break;
            }
            buf = check_realloc(buf, cap *= 2);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!failed && ferror(f))
        failed = errno ? errno : EIO;
    *err = failed;
    fclose(f);
    if (failed) {
        free(buf);
        return NULL;
    }
    if (memchr(buf, '\0', n)) {
        free(buf);
        *err = EILSEQ;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return check_strdup(".");
    size_t len = (size_t)(slash - path);
    char *d = check_malloc(len + 2);
    memcpy(d, path, len ? len : 1);
    d[len ? len : 1] = '\0';
    return d;
}

static char *join_path(const char *dir, const char *rel)
{
    if (rel[0] == '/' || strcmp(dir, ".") == 0)
        return check_strdup(rel);
    size_t len = strlen(dir) + strlen(rel) + 2;
    char *p = check_malloc(len);
    snprintf(p, len, "%s/%s", dir, rel);
    return p;
}

static struct conf_node *load_file(struct conf_reader *L, const char *path, const char *shown,
                                   const char *from_file, int from_line);

/* Whether [p, end) holds the end of a block comment. */
static bool closes_comment(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '*' && p[1] == '/')
            return true;
    return false;
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '*' || c == '-' || c == '.';
}

/* libconfig 1.5 reads an integer literal that does not fit in 32 bits (one
 * without an L suffix) as a wrapped value, silently: 4294967296 becomes 0.
 * Return a copy of text in which every such literal outside strings and
 * comments is written as a number instead (4294967296.0; a long hexadecimal
 * one in decimal), so it reads as its true value and the range checks see
 * it. Lines are kept. */
static char *widen_integers(const char *text)
{
    size_t len = strlen(text), cap = len + 64, w = 0;
    char *out = check_malloc(cap);
    const char *p = text;
    while (*p) {
        if (w + 64 >= cap)
            out = check_realloc(out, cap *= 2);
        const char *start = p;
        if (*p == '"') {                                   /* string */
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
        } else if (*p == '#' || (p[0] == '/' && p[1] == '/')) { /* comment to the end of the line */
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {           /* block comment */
            const char *e = strstr(p + 2, "*/");
            p = e ? e + 2 : p + strlen(p);
        } else if (isdigit((unsigned char)*p) && (p == text || !name_char(p[-1])
                                                  || ((p[-1] == '-' || p[-1] == '+')
                                                      && (p - 1 == text || !name_char(p[-2]))))) {
            bool negative = p > text && p[-1] == '-';
            bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2]);
            unsigned long long v = 0;
            bool over = false;
            const char *d = hex ? p + 2 : p;
            for (; hex ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d); d++) {
                unsigned digit = isdigit((unsigned char)*d) ? (unsigned)(*d - '0')
                                                            : (unsigned)(tolower((unsigned char)*d) - 'a' + 10);
                unsigned base = hex ? 16u : 10u;
                if (v > (ULLONG_MAX - digit) / base)
                    over = true;
                else
                    v = v * base + digit;
            }
            bool is_float = !hex && (*d == '.' || *d == 'e' || *d == 'E');
            bool is_long = *d == 'L';
            unsigned long long limit = is_long ? (negative ? 9223372036854775808ULL : 9223372036854775807ULL)
                                               : (negative ? 2147483648ULL : 2147483647ULL);
            if (!is_float && (over || v > limit)) {
                /* rewrite it as a number with a fraction */
                size_t need = (size_t)(d - p) + 32;
                if (w + need >= cap)
                    out = check_realloc(out, cap = 2 * cap + need);
                if (hex)
                    w += (size_t)snprintf(out + w, cap - w, "%llu.0", v);
                else {
                    memcpy(out + w, p, (size_t)(d - p));
                    w += (size_t)(d - p);
                    memcpy(out + w, ".0", 2);
                    w += 2;
                }
                p = is_long ? d + 1 : d;
                continue;
            }
            p = d;
        } else {
            p++;
        }
        size_t n = (size_t)(p - start);
        if (w + n + 1 >= cap)
            out = check_realloc(out, cap = 2 * cap + n);
        memcpy(out + w, start, n);
        w += n;
    }
    out[w] = '\0';
    return out;
}

static void set_layer(struct conf_node *n, unsigned layer)
{
    n->layer = layer;
    for (size_t i = 0; i < n->n_kid; i++)
        set_layer(n->kid[i], layer);
}

/* Parse text (a file's contents, named name, in dir): take out its leading
 * @include lines, load those bases, parse the rest and merge it over them. */
static struct conf_node *load_text(struct conf_reader *L, char *text, const char *name, const char *dir)
{
    const char *file = doc_file(L->doc, name);
    struct conf_node *merged = NULL;
    bool failed = false, seen_setting = false, in_block = false;
    int line = 1;
    for (char *p = text; *p; line++) {
        char *eol = strchr(p, '\n');
        char *end = eol ? eol : p + strlen(p);
        char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (in_block) {
            if (closes_comment(q, end))
                in_block = false;
            else if (strncmp(q, "@include", 8) == 0)
                memset(p, ' ', (size_t)(end - p)); /* libconfig must never include by itself */
        } else if (q == end || *q == '#' || (q[0] == '/' && q[1] == '/')) {
            /* blank or comment line */
        } else if (q[0] == '/' && q[1] == '*') {
            if (!closes_comment(q + 2, end))
                in_block = true;
        } else if (strncmp(q, "@include", 8) == 0) {
            char *open = memchr(q, '"', (size_t)(end - q));
            char *close = open ? memchr(open + 1, '"', (size_t)(end - open - 1)) : NULL;
            if (seen_setting) {
                diag_error(L->d, file, line, NULL,
                           "@include must come before the settings (allowed: @include lines at the top of "
                           "the file, before any setting: it lays this file over a base)");
                failed = true;
            } else if (!close) {
                diag_error(L->d, file, line, NULL,
                           "@include needs a file name in double quotes (allowed: @include \"FILE.cfg\")");
                failed = true;
            } else {
                /* the rest of the line is blanked below: anything there but
                 * a comment would be lost without a word */
                char *rest = close + 1;
                while (rest < end && (*rest == ' ' || *rest == '\t' || *rest == '\r'))
                    rest++;
                if (rest < end && *rest != '#' && !(rest[0] == '/' && rest + 1 < end && rest[1] == '/')) {
                    char *tail = end;
                    while (tail > rest && (tail[-1] == ' ' || tail[-1] == '\t' || tail[-1] == '\r'))
                        tail--;
                    diag_error(L->d, file, line, NULL,
                               "@include \"%.*s\": text after the file name is not read: \"%.*s%s\" (allowed: "
                               "one @include \"FILE.cfg\" per line, then only a comment)",
                               (int)(close - open - 1), open + 1, (int)(tail - rest > 60 ? 60 : tail - rest), rest,
                               tail - rest > 60 ? "..." : "");
                    failed = true;
                }
                *close = '\0';
                char *inc = join_path(dir, open + 1);
                struct conf_node *base = load_file(L, inc, inc, file, line);
                free(inc);
                if (!base) {
                    failed = true;
                } else if (!merged) {
                    merged = base;
                } else {
                    merge_into(merged, base);
                    node_free(base);
                }
            }
            memset(p, ' ', (size_t)(end - p)); /* keep line numbers */
        } else {
            seen_setting = true;
        }
        p = eol ? eol + 1 : end;
    }
    if (failed) {
        node_free(merged);
        return NULL;
    }

    char *wide = widen_integers(text);
    config_t cf;
    config_init(&cf);
    config_set_include_dir(&cf, dir);
    int parsed = config_read_string(&cf, wide);
    free(wide);
    if (!parsed) {
        const char *ef = config_error_file(&cf);
        const char *et = config_error_text(&cf);
        if (et && strcmp(et, "memory exhausted") == 0) /* the parser's stack: nesting */
            diag_error(L->d, ef ? ef : file, config_error_line(&cf), NULL,
                       "syntax error: groups and lists nested too deeply (allowed: a few hundred levels)");
        else
            diag_error(L->d, ef ? ef : file, config_error_line(&cf), NULL,
                       "syntax error%s%s (allowed: NAME = VALUE; with groups { ... }, lists ( ... ), "
                       "arrays [ ... ], strings in double quotes, # comments)",
                       et && strcmp(et, "syntax error") != 0 ? ": " : "",
                       et && strcmp(et, "syntax error") != 0 ? et : "");
        config_destroy(&cf);
        node_free(merged);
        return NULL;
    }
    struct conf_node *own = convert(L->doc, config_root_setting(&cf), file);
    own->line = 1;
    set_layer(own, ++L->layers);   /* after its bases: the merge order */
    config_destroy(&cf);
    if (!merged)
        return own;
    merge_into(merged, own);
    merged->file = own->file; /* the top of the document is this file */
    merged->line = own->line;
    node_free(own);
    return merged;
}

/* Why read_all failed, in words. */
static const char *read_error(int err)
{
    switch (err) {
    case EINVAL: return "not a regular file: a scenario is a text file";
    case EFBIG: return "larger than " CONF_MAX_FILE_SIZE_TEXT ", the most a scenario file may be";
    case EILSEQ: return "it holds a NUL byte: a scenario is a text file";
    default: return strerror(err);
    }
}

static struct conf_node *load_file(struct conf_reader *L, const char *path, const char *shown,
                                   const char *from_file, int from_line)
{
    int err = 0;
    size_t len = 0;
    char *text = read_all(path, &len, &err);
    if (!text) {
        if (from_file)
            diag_error(L->d, from_file, from_line, NULL, "@include \"%s\": cannot read it (%s)", shown,
                       read_error(err));
        else
            diag_error(L->d, shown, 0, NULL, "cannot read the file (%s)", read_error(err));
        return NULL;
    }
    char *real = realpath(path, NULL);
    if (!real)
        real = check_strdup(path);
    for (size_t i = 0; i < L->depth; i++)
        if (strcmp(L->stack[i], real) == 0) {
            diag_error(L->d, from_file, from_line, NULL,
                       "@include \"%s\" includes itself%s (allowed: a base that does not include this file)",
                       shown, i + 1 < L->depth ? " through the files it includes" : "");
            free(real);
            free(text);
            return NULL;
        }
    if (L->depth >= CONF_MAX_INCLUDE_DEPTH) {
        diag_error(L->d, from_file, from_line, NULL,
                   "@include nested deeper than %d files (allowed: at most %d files, each including the next)",
                   CONF_MAX_INCLUDE_DEPTH, CONF_MAX_INCLUDE_DEPTH);
        free(real);
        free(text);
        return NULL;
    }
    L->stack[L->depth++] = real;
    /* The hash of the bytes parsed, taken now: an edit while the run goes
     * must not change what the manifest says was run. */
    struct sha256 h;
    sha256_start(&h);
    sha256_add(&h, text, len);
    size_t at = doc_index(L->doc, shown); /* may move the array */
    sha256_final_hex(&h, L->doc->sha256[at]);
    char *dir = dir_of(path);
    struct conf_node *n = load_text(L, text, shown, dir);
    free(dir);
    free(text);
    free(real);
    L->depth--;
    return n;
}

struct conf_doc *conf_load(const char *path, struct diag *d)
{
    struct conf_reader L = { .doc = check_calloc(1, sizeof(struct conf_doc)), .d = d };
    L.doc->root = load_file(&L, path, path, NULL, 0);
    if (!L.doc->root) {
        conf_free(L.doc);
        return NULL;
    }
    return L.doc;
}

struct conf_doc *conf_load_text(const char *text, const char *name, const char *dir, struct diag *d)
{
    struct conf_reader L = { .doc = check_calloc(1, sizeof(struct conf_doc)), .d = d };
    char *copy = check_strdup(text);
    char *real = realpath(name, NULL);
    L.stack[L.depth++] = real ? real : check_strdup(name);
    L.doc->root = load_text(&L, copy, name, dir);
    free(L.stack[0]);
    free(copy);
    if (!L.doc->root) {
        conf_free(L.doc);
        return NULL;
    }
    return L.doc;
}

/* ---- reading ------------------------------------------------------------- */

static void remember(struct conf_node *g, const char *name)
{
    for (size_t i = 0; i < g->n_asked; i++)
        if (strcmp(g->asked[i], name) == 0)
            return;
    g->asked = check_realloc(g->asked, (g->n_asked + 1) * sizeof *g->asked);
    g->asked[g->n_asked++] = check_strdup(name);
}

struct conf_node *conf_get(struct conf_node *group, const char *name)
{
    if (!group || group->type != CONF_GROUP)
        return NULL;
    group->used = true;
    remember(group, name);
    struct conf_node *k = find_kid(group, name);
    if (k)
        k->used = true;
    return k;
}

const struct conf_node *conf_peek(const struct conf_node *group, const char *name)
{
    if (!group || group->type != CONF_GROUP)
        return NULL;
    for (size_t i = 0; i < group->n_kid; i++)
        if (group->kid[i]->name && strcmp(group->kid[i]->name, name) == 0)
            return group->kid[i];
    return NULL;
}

struct conf_node *conf_item(struct conf_node *list, size_t i)
{
    CHECK(list && i < list->n_kid);
    list->used = true;
    list->kid[i]->used = true;
    return list->kid[i];
}

static size_t path_into(const struct conf_node *n, char *buf, size_t size)
{
    if (!n || !n->parent)
        return 0;
    size_t w = path_into(n->parent, buf, size);
    char label[160];
    const char *key = conf_key(n);
    if (n->name) {
        snprintf(label, sizeof label, "%s", n->name);
    } else if (key) {
        snprintf(label, sizeof label, "%s", key);
    } else {
        size_t pos = 0;
        for (size_t i = 0; i < n->parent->n_kid; i++)
            if (n->parent->kid[i] == n)
                pos = i + 1;
        snprintf(label, sizeof label, "%zu", pos);
    }
    int got = snprintf(buf + (w < size ? w : size), w < size ? size - w : 0, "%s%s", w ? "." : "", label);
    return w + (got > 0 ? (size_t)got : 0);
}

void conf_path(const struct conf_node *n, char *buf, size_t size)
{
    if (size == 0)
        return;
    buf[0] = '\0';
    path_into(n, buf, size);
    buf[size - 1] = '\0';
}

void conf_error(struct diag *d, const struct conf_node *n, const char *fmt, ...)
{
    char path[512];
    conf_path(n, path, sizeof path);
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    diag_error(d, n->file, n->line, path[0] ? path : NULL, "%s", text);
}

static void report_unused(const struct conf_node *n, struct diag *d)
{
    for (size_t i = 0; i < n->n_kid; i++) {
        const struct conf_node *k = n->kid[i];
        if (!k->used && k->name) {
            const char *near = diag_nearest(k->name, (const char *const *)n->asked, n->n_asked);
            if (near) {
                conf_error(d, k, "unknown setting (did you mean %s?)", near);
            } else {
                char known[400] = "";
                size_t w = 0;
                for (size_t j = 0; j < n->n_asked && w < sizeof known; j++)
                    w += (size_t)snprintf(known + w, sizeof known - w, "%s%s", j ? ", " : "", n->asked[j]);
                conf_error(d, k, "unknown setting (known here: %s)", n->n_asked ? known : "none");
            }
        } else if (k->used && (k->type == CONF_GROUP || k->type == CONF_LIST)) {
            report_unused(k, d);
        }
    }
}

void conf_report_unused(const struct conf_doc *doc, struct diag *d)
{
    report_unused(doc->root, d);
}
