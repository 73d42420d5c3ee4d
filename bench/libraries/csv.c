/* bench/libraries/csv.c — our CSV reader and writer (output/csv_in.c,
 * output/csv.c) against libcsv's (Debian libcsv-dev, 3.0.3), for the
 * library decision in docs/model.md.
 *
 *   cc -O2 -I. bench/libraries/csv.c output/csv_in.c sim/check.c sim/infile.c sim/params.c sim/date.c sim/diag.c -lcsv -lgsl -lm -o /tmp/bench_csv && /tmp/bench_csv FILE.csv
 *
 * (1) How libcsv writes a field our writer leaves bare (csv_write quotes
 * every field). (2) Both readers over FILE.csv (e.g. a summary.csv, or
 * many copies of one: awk 'NR == 1 || FNR > 1' ...): the fields and bytes
 * each sees must agree, then the time of each (best of 5). */
#define _POSIX_C_SOURCE 200809L
#include "output/csv_in.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

struct tally {
    unsigned long fields, records, bytes;
};

static void on_field(void *s, size_t n, void *data)
{
    struct tally *t = data;
    (void)s;
    t->fields++;
    t->bytes += n;
}

static void on_record(int c, void *data)
{
    (void)c;
    ((struct tally *)data)->records++;
}

static double with_ours(const char *path, struct tally *t)
{
    double t0 = now();
    struct csv_in c;
    char err[512];
    memset(t, 0, sizeof *t);
    if (!csv_in_open(&c, path, NULL, NULL, 0, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    /* the header, which csv_in_open read */
    do {
        t->records++;
        for (long i = 0; csv_in_field(&c, i); i++) {
            t->fields++;
            t->bytes += strlen(csv_in_field(&c, i));
        }
    } while (csv_in_next(&c) == 1);
    csv_in_free(&c);
    return now() - t0;
}

static double with_libcsv(const char *path, struct tally *t)
{
    double t0 = now();
    struct csv_parser p;
    char buf[65536];
    memset(t, 0, sizeof *t);
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    FILE *f = fopen(path, "rb");
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_record, t) != n) {
            fprintf(stderr, "libcsv: %s\n", csv_strerror(csv_error(&p)));
            exit(1);
        }
    csv_fini(&p, on_field, on_record, t);
    csv_free(&p);
    fclose(f);
    return now() - t0;
}

int main(int argc, char **argv)
{
    char out[64];
    size_t w = csv_write(out, sizeof out - 1, "scenario", strlen("scenario"));
    out[w] = '\0';
    printf("the field scenario: ours writes scenario, libcsv's csv_write %s\n", out);
    if (argc < 2)
        return 0;
    struct tally a, b;
    double best_a = 1e9, best_b = 1e9;
    for (int k = 0; k < 5; k++) {
        double ta = with_ours(argv[1], &a), tb = with_libcsv(argv[1], &b);
        best_a = ta < best_a ? ta : best_a;
        best_b = tb < best_b ? tb : best_b;
    }
    printf("%s: ours %lu records, %lu fields, %lu bytes; libcsv %lu records, %lu fields, %lu bytes\n", argv[1],
           a.records, a.fields, a.bytes, b.records, b.fields, b.bytes);
    if (a.records != b.records || a.fields != b.fields || a.bytes != b.bytes)
        printf("the readers DISAGREE\n");
    printf("read: ours %.1f ms, libcsv %.1f ms\n", 1e3 * best_a, 1e3 * best_b);
    return 0;
}
