/* fitdraw.c — a fit's parameter uncertainty as draws of a scenario's
 * parameters (fitmap.h: fit_draws, fit_draws_read; docs/fitting.md). */
#include "fit/fitmap.h"

#include "output/csv_in.h"
#include "sim/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far (relative) the scenario's value may be from fit.csv's estimate:
 * both are written with ten significant digits. */
#define FIT_DRAW_MATCH 1e-8

bool fit_draws(const struct fit_draw *draw, size_t n_draw, const struct fit_cov *cov, size_t n_cov,
               const struct scenario *sc, struct pdraw *out, const char *file, struct diag *d)
{
    /* the drawn parameters the scenario has, in the order given */
    long *ix = check_malloc((n_draw + 1) * sizeof *ix);
    size_t *param = check_malloc((n_draw + 1) * sizeof *param);
    enum pdraw_scale *scale = check_malloc((n_draw + 1) * sizeof *scale);
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; i < n_draw; i++) {
        long p = params_find(&sc->reg, draw[i].path);
        ix[i] = -1;
        if (p < 0)
            continue;
        if (!pdraw_in_range(draw[i].scale, sc->reg.p[p].value)) {
            diag_error(d, file, 0, draw[i].path, "the scenario's value %g cannot be drawn on the %s scale",
                       sc->reg.p[p].value, pdraw_scale_name(draw[i].scale));
            ok = false;
            continue;
        }
        ix[i] = (long)n;
        param[n] = (size_t)p;
        scale[n] = draw[i].scale;
        n++;
    }
    double *V = check_calloc(n * n + 1, sizeof *V);
    for (size_t i = 0; i < n_cov; i++) {
        CHECK(cov[i].a < n_draw && cov[i].b < n_draw);
        long a = ix[cov[i].a], b = ix[cov[i].b];
        if (a < 0 || b < 0)
            continue;
        V[(size_t)a * n + (size_t)b] = V[(size_t)b * n + (size_t)a] = cov[i].cov;
    }
    const char *why = NULL;
    if (ok && !pdraw_init(out, n, param, scale, V, &why)) {
        diag_error(d, file, 0, NULL, "%s", why);
        ok = false;
    }
    free(V);
    free(scale);
    free(param);
    free(ix);
    return ok;
}

/* fit_cov.csv beside fit_csv, into path (size bytes); false if too long. */
static bool cov_path(const char *fit_csv, char *path, size_t size)
{
    const char *slash = strrchr(fit_csv, '/');
    int dir = slash ? (int)(slash - fit_csv + 1) : 0;
    int n = snprintf(path, size, "%.*s%s", dir, fit_csv, FIT_COV_CSV);
    return n >= 0 && (size_t)n < size;
}

/* The index of path among draw[0..*n), added (with scale) when new. */
static size_t draw_index(struct fit_draw **draw, size_t *n, size_t *cap, const char *path, enum pdraw_scale scale)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*draw)[i].path, path) == 0)
            return i;
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        *draw = check_realloc(*draw, *cap * sizeof **draw);
    }
    snprintf((*draw)[*n].path, FIT_PATH_MAX, "%s", path);
    (*draw)[*n].scale = scale;
    return (*n)++;
}

/* Checks that sc holds fit.csv's estimate of every drawn parameter. */
static bool estimates_match(const char *fit_csv, const struct fit_draw *draw, size_t n_draw, const struct scenario *sc,
                            struct diag *d)
{
    static const char *const need[] = { "path", "estimate", "se" };
    long col[3];
    char err[2 * FIT_PATH_MAX + 256];
    struct csv_in c;
    if (!csv_in_open(&c, fit_csv, need, col, 3, err, sizeof err)) {
        diag_error(d, NULL, 0, NULL, "%s", err);
        return false;
    }
    bool ok = true, *seen = check_calloc(n_draw + 1, sizeof *seen);
    int rc;
    while ((rc = csv_in_next(&c)) > 0) {
        const char *path = csv_in_field(&c, col[0]);
        double est = csv_in_number(csv_in_field(&c, col[1]));
        for (size_t i = 0; path && i < n_draw; i++) {
            if (strcmp(draw[i].path, path) != 0)
                continue;
            seen[i] = true;
            long p = params_find(&sc->reg, path);
            if (p < 0)
                continue;
            double v = sc->reg.p[p].value;
            if (!(fabs(v - est) <= FIT_DRAW_MATCH * fmax(fabs(v), fabs(est)))) {
                diag_error(d, fit_csv, (int)c.line, path,
                           "the fit estimated %.10g but %s holds %.10g: not the scenario this fit wrote (allowed: "
                           "the fitted scenario written with this fit.csv)", est, sc->file, v);
                ok = false;
            }
        }
    }
    if (rc < 0) {
        diag_error(d, fit_csv, (int)c.line, NULL, "unterminated quoted field");
        ok = false;
    }
    for (size_t i = 0; ok && i < n_draw; i++)
        if (!seen[i]) {
            diag_error(d, fit_csv, 0, draw[i].path, "has no row here, but " FIT_COV_CSV " draws it");
            ok = false;
        }
    free(seen);
    csv_in_free(&c);
    return ok;
}

bool fit_draws_read(const char *fit_csv, const struct scenario *sc, struct pdraw *out, struct diag *d)
{
    memset(out, 0, sizeof *out);
    char path[4096], err[4096 + 256];
    if (!cov_path(fit_csv, path, sizeof path)) {
        diag_error(d, fit_csv, 0, NULL, "the file name is too long");
        return false;
    }
    static const char *const need[] = { "path_a", "scale_a", "path_b", "scale_b", "cov" };
    long col[5];
    struct csv_in c;
    if (!csv_in_open(&c, path, need, col, 5, err, sizeof err)) {
        diag_error(d, NULL, 0, NULL, "%s (caseload fit writes it beside fit.csv)", err);
        return false;
    }
    struct fit_draw *draw = NULL;
    struct fit_cov *cov = NULL;
    size_t n_draw = 0, cap_draw = 0, n_cov = 0, cap_cov = 0;
    bool ok = true;
    int rc;
    while ((rc = csv_in_next(&c)) > 0) {
        const char *pa = csv_in_field(&c, col[0]), *sa = csv_in_field(&c, col[1]);
        const char *pb = csv_in_field(&c, col[2]), *sb = csv_in_field(&c, col[3]);
        double v = csv_in_number(csv_in_field(&c, col[4]));
        enum pdraw_scale ea, eb;
        if (!pa || !pb || !*pa || !*pb || strlen(pa) >= FIT_PATH_MAX || strlen(pb) >= FIT_PATH_MAX) {
            diag_error(d, path, (int)c.line, "path_a", "a path is missing or too long");
            ok = false;
            continue;
        }
        if (!sa || !sb || !pdraw_scale_parse(sa, &ea) || !pdraw_scale_parse(sb, &eb)) {
            diag_error(d, path, (int)c.line, "scale_a", "not a scale (allowed: log, logit, log1p)");
            ok = false;
            continue;
        }
        if (!isfinite(v)) {
            diag_error(d, path, (int)c.line, "cov", "not a number");
            ok = false;
            continue;
        }
        size_t a = draw_index(&draw, &n_draw, &cap_draw, pa, ea), b = draw_index(&draw, &n_draw, &cap_draw, pb, eb);
        if (draw[a].scale != ea || draw[b].scale != eb) {
            diag_error(d, path, (int)c.line, "scale_a", "another scale than an earlier row gives the same path");
            ok = false;
            continue;
        }
        if (n_cov == cap_cov) {
            cap_cov = cap_cov ? 2 * cap_cov : 64;
            cov = check_realloc(cov, cap_cov * sizeof *cov);
        }
        cov[n_cov++] = (struct fit_cov){ a, b, v };
    }
    if (rc < 0) {
        diag_error(d, path, (int)c.line, NULL, "unterminated quoted field");
        ok = false;
    }
    csv_in_free(&c);
    ok = ok && estimates_match(fit_csv, draw, n_draw, sc, d);
    ok = ok && fit_draws(draw, n_draw, cov, n_cov, sc, out, path, d);
    free(draw);
    free(cov);
    return ok;
}
