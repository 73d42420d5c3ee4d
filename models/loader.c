/* loader.c — typed reads of scenario settings (see loader.h). */
#include "models/loader.h"

#include "sim/check.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- origins and files ---------------------------------------------------- */

const char *loader_file(struct loader *L, const char *file)
{
    if (!file)
        return NULL;
    for (size_t i = 0; i < L->sc->n_files; i++)
        if (strcmp(L->sc->files[i], file) == 0)
            return L->sc->files[i];
    return NULL;
}

struct origin loader_origin(struct loader *L, const struct conf_node *n)
{
    struct origin o = { NULL, 0 };
    if (n) {
        o.file = loader_file(L, n->file);
        o.line = n->line;
    }
    return o;
}

/* ---- typed reads ---------------------------------------------------------- */

void loader_child_path(const struct conf_node *g, const char *key, char *buf, size_t size)
{
    char parent[512];
    conf_path(g, parent, sizeof parent);
    snprintf(buf, size, "%s%s%s", parent, parent[0] ? "." : "", key);
}

/* What parameter i allows, in words: "a number > 0 and <= 100, in years". */
static void allowed_text(const struct loader *L, size_t i, char *buf, size_t size)
{
    const struct param *p = &L->sc->reg.p[i];
    char range[160];
    params_range_text(&L->sc->reg, i, range, sizeof range);
    bool plain = p->kind == PARAM_BOOL || !p->unit[0] || strcmp(p->unit, "share") == 0;
    snprintf(buf, size, "%s%s%s", range, plain ? "" : ", in ", plain ? "" : p->unit);
}

size_t loader_num(struct loader *L, struct conf_node *g, const char *prefix, const char *key, bool required,
                  double dflt, struct loader_num_spec spec, const char *descr)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", key);
    size_t at = strlen(path) < sizeof path - 24 ? strlen(path) : sizeof path - 24;
    for (size_t k = L->sc->reg.n; params_find(&L->sc->reg, path) >= 0; k++) {
        /* Only possible with duplicate (or truncated) names, already
         * reported: keep paths unique. */
        snprintf(path + at, sizeof path - at, "#%zu", k);
    }
    struct conf_node *n = conf_get(g, key);
    const char *file = g ? loader_file(L, g->file) : NULL;
    int line = g ? g->line : 0;
    if (n) {
        file = loader_file(L, n->file);
        line = n->line;
    }
    size_t i = params_add(&L->sc->reg, path, spec.unit, spec.kind, spec.lo, spec.hi, spec.flags, dflt, file,
                          line, "%s", descr);
    if (spec.has_usual)
        params_set_usual(&L->sc->reg, i, spec.usual_lo, spec.usual_hi);
    char allowed[256];
    allowed_text(L, i, allowed, sizeof allowed);
    size_t before = L->d->count;
    if (n) {
        if (spec.kind == PARAM_BOOL) {
            if (n->type == CONF_BOOL)
                L->sc->reg.p[i].value = n->b;
            else
                conf_error(L->d, n, "is %s, not true or false (allowed: true or false)", conf_type_text(n->type));
        } else if (conf_is_number(n)) {
            double v = conf_number(n);
            if (spec.kind == PARAM_INT && v != floor(v))
                conf_error(L->d, n, "%.10g is not a whole number (allowed: %s)", v, allowed);
            else
                L->sc->reg.p[i].value = v;
        } else {
            conf_error(L->d, n, "is %s, not a number (allowed: %s)", conf_type_text(n->type), allowed);
        }
    } else if (required && g) {
        diag_error(L->d, file, line, path, "missing required setting (allowed: %s; %s)", allowed, descr);
    }
    if (L->d->count != before)
        L->sc->reg.p[i].flags |= PARAM_UNREAD; /* reported: no second message about it */
    return i;
}

struct loader_num_spec loader_real(const char *u, double lo, double hi, unsigned flags)
{
    struct loader_num_spec s = { u, PARAM_REAL, lo, hi, flags, false, lo, hi };
    return s;
}

struct loader_num_spec loader_whole(const char *u, double lo, double hi)
{
    struct loader_num_spec s = { u, PARAM_INT, lo, hi, 0, false, lo, hi };
    return s;
}

struct loader_num_spec loader_usual(struct loader_num_spec spec, double lo, double hi)
{
    CHECK(lo >= spec.lo && hi <= spec.hi && lo <= hi);
    spec.has_usual = true;
    spec.usual_lo = lo;
    spec.usual_hi = hi;
    return spec;
}

const struct loader_num_spec loader_boolean = {"true/false", PARAM_BOOL, 0, 1, 0, false, 0, 1};
const struct loader_num_spec loader_share = {"share", PARAM_REAL, 0, 1, 0, false, 0, 1};

const char *loader_text_as(struct loader *L, struct conf_node *g, const char *key, bool required, const char *allowed)
{
    struct conf_node *n = conf_get(g, key);
    if (!n) {
        if (required && g) {
            char path[600];
            loader_child_path(g, key, path, sizeof path);
            diag_error(L->d, g->file, g->line, path, "missing required setting (allowed: %s)", allowed);
        }
        return NULL;
    }
    if (n->type != CONF_STRING) {
        conf_error(L->d, n, "is %s, not a string (allowed: %s)", conf_type_text(n->type), allowed);
        return NULL;
    }
    return n->s;
}

const char *loader_text(struct loader *L, struct conf_node *g, const char *key, bool required)
{
    return loader_text_as(L, g, key, required, "a string in double quotes");
}

struct conf_node *loader_group(struct loader *L, struct conf_node *g, const char *key, bool required)
{
    struct conf_node *n = conf_get(g, key);
    if (!n) {
        if (required && g) {
            char path[600];
            loader_child_path(g, key, path, sizeof path);
            diag_error(L->d, g->file, g->line, path, "missing required group (allowed: %s = { ... })", key);
        }
        return NULL;
    }
    if (n->type != CONF_GROUP) {
        conf_error(L->d, n, "is %s, not a group (allowed: %s = { ... })", conf_type_text(n->type), key);
        return NULL;
    }
    return n;
}

struct conf_node *loader_list(struct loader *L, struct conf_node *g, const char *key, bool required)
{
    struct conf_node *n = conf_get(g, key);
    if (!n) {
        if (required && g) {
            char path[600];
            loader_child_path(g, key, path, sizeof path);
            diag_error(L->d, g->file, g->line, path, "missing required list (allowed: %s = ( { ... }, ... ))",
                       key);
        }
        return NULL;
    }
    if (n->type != CONF_LIST) {
        conf_error(L->d, n, "is %s, not a list (allowed: %s = ( { ... }, ... ))", conf_type_text(n->type), key);
        return NULL;
    }
    for (size_t i = 0; i < n->n_kid; i++)
        if (n->kid[i]->type != CONF_GROUP) {
            conf_error(L->d, conf_item(n, i), "element %zu is %s, not a group (allowed: %s = ( { ... }, ... ))",
                       i + 1, conf_type_text(n->kid[i]->type), key);
            return NULL;
        }
    return n;
}

bool loader_date(struct loader *L, struct conf_node *g, const char *key, bool required, struct date *out)
{
    const char *t = loader_text_as(L, g, key, required, "a date in double quotes, \"YYYY-MM-DD\"");
    if (!t)
        return false;
    if (!date_parse(t, out)) {
        conf_error(L->d, conf_get(g, key),
                   "\"%s\" is not a date (allowed: YYYY-MM-DD, a real calendar day from 1900 on)", t);
        return false;
    }
    return true;
}

bool loader_name_ok(struct loader *L, struct conf_node *at, const char *what, const char *name)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= SCENARIO_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '-';
    if (!ok)
        conf_error(L->d, at, "\"%.80s%s\" cannot name a %s (allowed: 1 to %d letters, digits, _ and -; it becomes "
                   "part of parameter paths and column names)", name, n > 80 ? "..." : "", what, SCENARIO_NAME_MAX);
    return ok;
}

/* '=' is refused because --set PATH=VALUE would split there. */
bool loader_label_ok(struct loader *L, struct conf_node *at, const char *what, const char *name)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= SCENARIO_LABEL_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)name[i] >= 0x20 && name[i] != 0x7f && name[i] != '=';
    if (!ok)
        conf_error(L->d, at, "\"%.80s%s\" cannot name %s (allowed: 1 to %d printable characters, no '=')", name,
                   n > 80 ? "..." : "", what, SCENARIO_LABEL_MAX);
    return ok;
}

void loader_not_array(struct loader *L, const struct conf_node *n, const char *allowed)
{
    if (n->type == CONF_ARRAY || n->type == CONF_LIST)
        conf_error(L->d, n, "is an empty %s (allowed: %s)", n->type == CONF_ARRAY ? "array" : "list", allowed);
    else
        conf_error(L->d, n, "is %s, not an array (allowed: %s)", conf_type_text(n->type), allowed);
}

/* ---- distributions ---------------------------------------------------------- */

/* The family a distribution group's settings suggest, for reading on after
 * its dist was reported unknown. */
static enum dist_kind dist_guess(const struct conf_node *g)
{
    if (conf_peek(g, "values"))
        return DIST_EMPIRICAL;
    if (conf_peek(g, "min") || conf_peek(g, "max"))
        return DIST_UNIFORM;
    if (conf_peek(g, "sd"))
        return DIST_LOGNORMAL;
    if (conf_peek(g, "mean"))
        return DIST_EXPONENTIAL;
    return DIST_FIXED;
}

/* Every setting any family of distribution reads. */
static const char *const dist_keys[] = { "value", "mean", "sd", "min", "max", "values" };

void loader_dist(struct loader *L, struct conf_node *g, const char *prefix, const char *what, struct dist_spec *ds)
{
    size_t errors_before = L->d->count;
    ds->kind = DIST_FIXED;
    ds->p1 = ds->p2 = SIZE_MAX;
    const struct conf_node *dn = conf_peek(g, "dist");
    const char *kind = loader_text(L, g, "dist", g != NULL);
    if (!(kind && dist_kind_parse(kind, &ds->kind))) {
        if (kind)
            conf_error(L->d, dn, "unknown distribution \"%.80s\" (allowed: %s)", kind, dist_kind_list());
        ds->kind = dist_guess(g);   /* one message, not one per setting */
    }
    char descr[256];
    /* Usual: up to ten years. A stage or a hire that takes longer on
     * average is a typo (DfE: a looked-after stay averages about 2.5 years,
     * proceedings about 36 weeks; assumption: hiring takes months). */
    struct loader_num_spec days = loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, 0), 0, LOADER_USUAL_MAX_DAYS);
    struct loader_num_spec positive_days =
        loader_usual(loader_real("days", 0, LOADER_MAX_DAYS, PARAM_LO_OPEN), 0, LOADER_USUAL_MAX_DAYS);
    switch (ds->kind) {
    case DIST_FIXED:
        snprintf(descr, sizeof descr, "%s (fixed)", what);
        ds->p1 = loader_num(L, g, prefix, "value", true, 0, days, descr);
        break;
    case DIST_EXPONENTIAL:
        snprintf(descr, sizeof descr, "mean %s (exponential)", what);
        ds->p1 =
            loader_num(L, g, prefix, "mean", true, 1, positive_days, descr);
        break;
    case DIST_UNIFORM:
        snprintf(descr, sizeof descr, "shortest %s (uniform)", what);
        ds->p1 = loader_num(L, g, prefix, "min", true, 0, days, descr);
        snprintf(descr, sizeof descr, "longest %s (uniform)", what);
        ds->p2 = loader_num(L, g, prefix, "max", true, 0, days, descr);
        break;
    case DIST_EMPIRICAL: {
        struct conf_node *v = conf_get(g, "values");
        if (!v) {
            char path[600];
            loader_child_path(g, "values", path, sizeof path);
            diag_error(L->d, g->file, g->line, path,
                       "missing required setting (allowed: values = [ 12.0, 30.5, ... ], days from 0 to 36525)");
        } else if (v->type != CONF_ARRAY || v->n_kid == 0) {
            loader_not_array(L, v, "a non-empty array of days from 0 to 36525, [ 12.0, 30.5, ... ]");
        } else {
            ds->values = check_calloc(v->n_kid, sizeof *ds->values);
            ds->n_values = v->n_kid;
            for (size_t i = 0; i < v->n_kid; i++) {
                struct conf_node *x = conf_item(v, i);
                if (!conf_is_number(x))
                    conf_error(L->d, v, "element %zu is %s, not a number (allowed: days from 0 to 36525)", i + 1,
                               conf_type_text(x->type));
                else if (!((ds->values[i] = conf_number(x)) >= 0 && ds->values[i] <= LOADER_MAX_DAYS))
                    conf_error(L->d, v, "element %zu is %.10g (allowed: days from 0 to %.0f)", i + 1, ds->values[i],
                               LOADER_MAX_DAYS);
            }
        }
        break;
    }
    default: /* lognormal, gamma, weibull */
        snprintf(descr, sizeof descr, "mean %s (%s)", what, dist_kind_name(ds->kind));
        ds->p1 =
            loader_num(L, g, prefix, "mean", true, 1, positive_days, descr);
        snprintf(descr, sizeof descr, "standard deviation of %s (%s)", what, dist_kind_name(ds->kind));
        ds->p2 =
            loader_num(L, g, prefix, "sd", true, 1, positive_days, descr);
    }
    /* A variant that changes dist inherits its base's settings of the old
     * family: those, set by a file that dist's own file was laid over, are
     * dropped; one the variant states itself is still reported. */
    for (size_t k = 0; dn && k < sizeof dist_keys / sizeof *dist_keys; k++) {
        const struct conf_node *x = conf_peek(g, dist_keys[k]);
        if (x && !x->used && x->layer < dn->layer)
            (void)conf_get(g, dist_keys[k]);
    }
    ds->reported = L->d->count != errors_before;
}

int loader_lookup(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

static void names_text(char **names, size_t n, char *buf, size_t size, const char *extra)
{
    size_t w = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && w < size; i++)
        if (names[i])
            w += (size_t)snprintf(buf + w, size - w, "%s%s", w ? ", " : "", names[i]);
    if (extra && w < size)
        snprintf(buf + w, size - w, "%s%s", w ? ", " : "", extra);
}

void loader_unknown_name(struct loader *L, struct conf_node *at, const char *what, const char *name, char **names,
                         size_t n, const char *extra)
{
    if (what[0] == 's' ? L->no_stages : L->no_grades)
        return;
    char known[600];
    names_text(names, n, known, sizeof known, extra);
    const char *near = diag_nearest(name, (const char *const *)names, n);
    if (near)
        conf_error(L->d, at, "unknown %s \"%.80s\" (did you mean %s? allowed: %s)", what, name, near, known);
    else
        conf_error(L->d, at, "unknown %s \"%.80s\" (allowed: %s)", what, name, known);
}
