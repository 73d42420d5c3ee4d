/* bench/libraries/json.c — our JSON writer and reader (output/json.c,
 * output/json_in.c) against jansson's (Debian libjansson-dev), for the
 * library decision in docs/model.md.
 *
 *   cc -O2 -I. bench/libraries/json.c output/json_in.c sim/check.c -ljansson -o /tmp/bench_json && /tmp/bench_json DIR/manifest.json ...
 *
 * For each manifest written by caseload (pass some: run, compare, sweep,
 * tornado, target): (1) would jansson write the same bytes? It reads the
 * file and writes it back as compactly-indented as ours (JSON_INDENT(2),
 * key order kept, reals to 17 digits) and the lines that differ are
 * counted and the first shown; (2) the time to parse it, ours against
 * jansson's (best of 5 runs of 20000 parses); (3) how jansson writes
 * values our writers give it: a whole number held as a double (a lever's
 * base, 6), a NaN (an answer not found, which ours writes as null) and a
 * scenario name that is not valid UTF-8 (ours escapes the byte). */
#define _POSIX_C_SOURCE 200809L
#include "output/json_in.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PARSES 20000

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return s;
}

/* Lines of a and b that differ; the first into *first_a / *first_b. */
static int diff_lines(const char *a, const char *b, char *first_a, char *first_b, size_t size)
{
    int n = 0;
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || memcmp(a, b, la) != 0) {
            if (n++ == 0) {
                snprintf(first_a, size, "%.*s", (int)la, a);
                snprintf(first_b, size, "%.*s", (int)lb, b);
            }
        }
        a += la + (a[la] == '\n');
        b += lb + (b[lb] == '\n');
    }
    return n;
}

static void show(const char *what, json_t *v)
{
    json_t *o = json_object();
    char *out = v && json_object_set_new(o, "x", v) == 0 ? json_dumps(o, JSON_REAL_PRECISION(17)) : NULL;
    printf("  %-34s jansson: %s\n", what, out ? out : "(refused: NULL)");
    free(out);
    json_decref(o);
}

int main(int argc, char **argv)
{
    printf("values (ours: {\"x\": 6}, {\"x\": null}, {\"x\": \"a\\\\xffb\"}):\n");
    show("json_real(6.0)", json_real(6.0));
    show("json_real(NAN)", json_real(NAN));
    show("json_string(\"a\\xffb\")", json_string("a\xff" "b"));
    for (int i = 1; i < argc; i++) {
        char *text = slurp(argv[i]);
        if (!text)
            continue;
        json_error_t e;
        json_t *root = json_loads(text, 0, &e);
        if (!root) {
            printf("%s: jansson cannot read it: %s\n", argv[i], e.text);
            continue;
        }
        char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        size_t n = strlen(out);
        char *with_nl = malloc(n + 2);
        memcpy(with_nl, out, n);
        strcpy(with_nl + n, "\n");
        char fa[200] = "", fb[200] = "";
        int d = diff_lines(text, with_nl, fa, fb, sizeof fa);
        printf("%s: %d of its lines differ as jansson writes them%s%s%s%s%s\n", argv[i], d, d ? "; first: ours `" : "",
               d ? fa : "", d ? "`, jansson's `" : "", d ? fb : "", d ? "`" : "");
        double best_ours = 1e9, best_jansson = 1e9;
        for (int k = 0; k < 5; k++) {
            double t0 = now();
            for (int r = 0; r < PARSES; r++) {
                struct json_in j;
                if (!json_in_parse(text, &j))
                    return 1;
                json_in_free(&j);
            }
            double t1 = now();
            for (int r = 0; r < PARSES; r++)
                json_decref(json_loads(text, 0, NULL));
            double t2 = now();
            best_ours = t1 - t0 < best_ours ? t1 - t0 : best_ours;
            best_jansson = t2 - t1 < best_jansson ? t2 - t1 : best_jansson;
        }
        printf("  parse %zu bytes: ours %.1f us, jansson %.1f us\n", strlen(text), 1e6 * best_ours / PARSES,
               1e6 * best_jansson / PARSES);
        free(out);
        free(with_nl);
        json_decref(root);
        free(text);
    }
    return 0;
}
