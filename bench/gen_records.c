/* gen_records.c — benchmark input: a large synthetic records folder for
 * caseload fit (docs/fitting.md formats), shaped like scenarios/baseline.cfg
 * (its stages, transitions and grades), over ten years to 2024-04-01.
 *
 *   build/bench/gen_records DIR [EPISODES] [SPELLS] [SEED]
 *
 * writes DIR/referrals.csv, episodes.csv, staff.csv, absences.csv,
 * vacancies.csv and establishment.csv with about EPISODES episodes
 * (default 1,000,000) and SPELLS staff spells (default 10,000). Its numbers
 * are made up: it measures speed and memory, not a council.
 *
 * Last line, for bench/run.sh:
 *   gen_records episodes=E spells=S referrals=R absences=A */
#include "sim/date.h"
#include "sim/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_EPISODES 1000000L
#define DEFAULT_SPELLS 10000L
#define DEFAULT_SEED 20261207ULL
#define YEARS 10
#define SCREEN_OUT 0.08
#define SICK_PER_YEAR 1.95
#define LONG_SHARE 0.08
#define LEAVE_PER_YEAR 0.15

struct stage {
    const char *name;
    double mean, sd;
    int n_next;
    const char *to[4];
    double p[4];
};

/* baseline.cfg's pathway */
static const struct stage stages[] = {
    { "assessment", 33, 15, 4, { "cin", "cp", "lac", "close" }, { 0.33, 0.12, 0.04, 0.51 } },
    { "cin", 270, 150, 3, { "cp", "proceedings", "close" }, { 0.05, 0.02, 0.93 } },
    { "cp", 300, 150, 3, { "proceedings", "cin", "close" }, { 0.15, 0.45, 0.40 } },
    { "proceedings", 252, 70, 2, { "lac", "close" }, { 0.70, 0.30 } },
    { "lac", 900, 700, 1, { "close" }, { 1.0 } },
};
static const char *const grades[] = { "nqsw", "sw", "senior", "manager" };

static int stage_of(const char *name)
{
    for (int s = 0; s < 5; s++)
        if (strcmp(stages[s].name, name) == 0)
            return s;
    return -1;
}

static double lognormal(struct rng *r, double mean, double sd)
{
    double s2 = log1p(sd * sd / (mean * mean));
    return exp(log(mean) - s2 / 2 + sqrt(s2) * rng_normal(r));
}

static FILE *open_in(const char *dir, const char *name, const char *header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(header, f);
    return f;
}

static void day_text(long day, char buf[DATE_TEXT_SIZE])
{
    date_format(date_from_days(day), buf);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_records DIR [EPISODES] [SPELLS] [SEED]\n");
        return 2;
    }
    const char *dir = argv[1];
    long n_ep = argc > 2 ? atol(argv[2]) : DEFAULT_EPISODES;
    long n_sp = argc > 3 ? atol(argv[3]) : DEFAULT_SPELLS;
    unsigned long long seed = argc > 4 ? strtoull(argv[4], NULL, 10) : DEFAULT_SEED;
    struct rng r;
    rng_seed(&r, seed);
    struct date end_date = { 2024, 4, 1 }, start_date = { 2024 - YEARS, 4, 1 };
    long D = date_to_days(end_date), D0 = date_to_days(start_date), span = D - D0;
    char a[DATE_TEXT_SIZE], b[DATE_TEXT_SIZE], c[DATE_TEXT_SIZE];

    FILE *ref = open_in(dir, "referrals.csv", "child_id,referral_date,outcome\n");
    FILE *ep = open_in(dir, "episodes.csv", "case_id,stage,start_date,end_date,next,allocated_date,worker_id\n");
    /* episodes per accepted referral average about 1.6: spread the
     * referrals over the years so that n_ep episodes come out */
    double rate = (double)n_ep / 1.6 / (1 - SCREEN_OUT) / (double)span;
    long written = 0, n_ref = 0;
    double t = (double)D0;
    while (written < n_ep) {
        t += rng_exponential(&r, 1 / rate);
        if (t >= (double)D)
            t = (double)D0 + rng_uniform(&r) * (double)span;   /* wrap: more cases in the same years */
        long day = (long)t;
        n_ref++;
        day_text(day, a);
        bool screened = rng_uniform(&r) < SCREEN_OUT;
        fprintf(ref, "C%ld,%s,%s\n", n_ref, a, screened ? "screened_out" : "accepted");
        if (screened)
            continue;
        int s = 0;
        long st = day;
        for (;;) {
            const struct stage *sg = &stages[s];
            long en = st + (long)lround(lognormal(&r, sg->mean, sg->sd));
            long alloc = st + (long)(rng_uniform(&r) * 10);
            double u = rng_uniform(&r);
            int k = 0;
            while (k + 1 < sg->n_next && u >= sg->p[k]) {
                u -= sg->p[k];
                k++;
            }
            day_text(st, a);
            written++;
            if (en >= D) {
                if (alloc <= D)
                    day_text(alloc, c);
                fprintf(ep, "C%ld,%s,%s,,,%s,W%ld\n", n_ref, sg->name, a, alloc <= D ? c : "", n_ref % 997);
                break;
            }
            day_text(en, b);
            day_text(alloc < en ? alloc : en, c);
            fprintf(ep, "C%ld,%s,%s,%s,%s,%s,W%ld\n", n_ref, sg->name, a, b, sg->to[k], c, n_ref % 997);
            if (strcmp(sg->to[k], "close") == 0)
                break;
            s = stage_of(sg->to[k]);
            st = en;
        }
    }
    fclose(ref);
    fclose(ep);

    FILE *sf = open_in(dir, "staff.csv", "person_id,grade,fte,start_date,end_date,agency\n");
    FILE *ab = open_in(dir, "absences.csv", "person_id,start_date,end_date\n");
    FILE *va = open_in(dir, "vacancies.csv", "grade,vacant_from,filled_on\n");
    FILE *es = open_in(dir, "establishment.csv", "grade,date,fte\n");
    long spells = 0, person = 0, n_abs = 0;
    while (spells < n_sp) {
        person++;
        int g = (int)(rng_uniform(&r) * 4);
        double fte = rng_uniform(&r) < 0.2 ? 0.5 : 1.0;
        long st = D0 + (long)(rng_uniform(&r) * (double)span);
        double cursor = (double)st;   /* the end of the person's last absence */
        /* one to three spells: a progression from nqsw, then leaving */
        for (;;) {
            long en = st + (long)rng_exponential(&r, 365.25 / LEAVE_PER_YEAR);
            bool progress = g == 0 && en > st + 365 && st + 365 < D;
            if (progress)
                en = st + 365;
            day_text(st, a);
            if (en >= D)
                fprintf(sf, "P%ld,%s,%g,%s,,no\n", person, grades[g], fte, a);
            else {
                day_text(en, b);
                fprintf(sf, "P%ld,%s,%g,%s,%s,no\n", person, grades[g], fte, a, b);
            }
            spells++;
            long stop = en < D ? en : D;
            double x = fmax(cursor, (double)st);
            for (;;) {
                x += rng_exponential(&r, 365.25 / SICK_PER_YEAR / fte);
                if (x >= (double)stop)
                    break;
                long len = 1 + (long)rng_exponential(&r, rng_uniform(&r) < LONG_SHARE ? 45 : 3);
                day_text((long)x, a);
                if ((long)x + len - 1 >= D)
                    fprintf(ab, "P%ld,%s,\n", person, a);
                else {
                    day_text((long)x + len - 1, b);
                    fprintf(ab, "P%ld,%s,%s\n", person, a, b);
                }
                n_abs++;
                x += (double)len;
            }
            cursor = x;
            if (!progress) {
                if (en < D) {
                    long fill = en + (long)lognormal(&r, 150, 60);
                    day_text(en, a);
                    if (fill < D)
                        day_text(fill, b);
                    fprintf(va, "%s,%s,%s\n", grades[g], a, fill < D ? b : "");
                }
                break;
            }
            g = 1;
            st = en;
        }
    }
    for (int g = 0; g < 4; g++) {
        day_text(D0, a);
        fprintf(es, "%s,%s,%ld\n", grades[g], a, person * 3 / 10);
    }
    fclose(sf);
    fclose(ab);
    fclose(va);
    fclose(es);
    printf("gen_records episodes=%ld spells=%ld referrals=%ld absences=%ld\n", written, spells, n_ref, n_abs);
    return 0;
}
