/* test_params.c — the parameter registry (sim/params.h) and the draws of
 * uncertain parameters (sim/pdraw.h). */
#include "tests/testutil.h"

#include "sim/date.h"
#include "sim/params.h"
#include "sim/pdraw.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const FILE_NAME = "scenarios/baseline.cfg";

/* Indices of the parameters registered by fill(). */
enum {
    P_HORIZON,     /* real (0, 50] */
    P_REFERRALS,   /* real >= 0 */
    P_SCREEN,      /* real [0, 1] */
    P_CAP,         /* real > 0 */
    P_PRIORITY,    /* int >= 1 */
    P_MONTH,       /* int [1, 12] */
    P_VACANCIES,   /* bool */
    P_FREE,        /* real, unbounded */
    P_BELOW,       /* real < 100 */
    P_SHARE,       /* real [0, 1) */
    P_COUNT
};

static void fill(struct params *r)
{
    params_init(r);
    assert_int_equal(params_add(r, "horizon_years", "years", PARAM_REAL, 0, 50,
                                PARAM_LO_OPEN | PARAM_STATIC, 5.0, FILE_NAME, 4,
                                "simulated horizon"), P_HORIZON);
    assert_int_equal(params_add(r, "demand.referrals_per_year", "per year", PARAM_REAL, 0,
                                HUGE_VAL, 0, 4000.0, FILE_NAME, 9, "referrals in a year"),
                     P_REFERRALS);
    assert_int_equal(params_add(r, "demand.screen_out", "share", PARAM_REAL, 0, 1, 0, 0.3,
                                FILE_NAME, 10, "share needing no worker"), P_SCREEN);
    assert_int_equal(params_add(r, "workforce.grades.sw.cap", "caseload points", PARAM_REAL, 0,
                                HUGE_VAL, PARAM_LO_OPEN, 18.0, FILE_NAME, 31,
                                "caseload cap of grade %s (%d%%)", "sw", 100), P_CAP);
    assert_int_equal(params_add(r, "pathway.stages.assessment.priority", "", PARAM_INT, 1,
                                HUGE_VAL, 0, 2, FILE_NAME, 17, "allocation priority"),
                     P_PRIORITY);
    assert_int_equal(params_add(r, "workforce.recruitment.nqsw_cohort.month", "month",
                                PARAM_INT, 1, 12, PARAM_STATIC, 9, FILE_NAME, 52,
                                "month the cohort starts"), P_MONTH);
    assert_int_equal(params_add(r, "workforce.agency_cover.vacancies", "", PARAM_BOOL,
                                -HUGE_VAL, HUGE_VAL, 0, 1, NULL, 0, "agency covers vacancies"),
                     P_VACANCIES);
    assert_int_equal(params_add(r, "costs.adjustment", "£", PARAM_REAL, -HUGE_VAL, HUGE_VAL,
                                0, -1250.5, FILE_NAME, 60, "a signed amount"), P_FREE);
    assert_int_equal(params_add(r, "demand.shock_percent", "%", PARAM_REAL, -HUGE_VAL, 100,
                                PARAM_HI_OPEN, 15.0, FILE_NAME, 12, "shock"), P_BELOW);
    assert_int_equal(params_add(r, "workforce.admin_share", "share", PARAM_REAL, 0, 1,
                                PARAM_HI_OPEN, 0.65, FILE_NAME, 28, "admin share"), P_SHARE);
    assert_int_equal(r->n, P_COUNT);
}

static void test_add_find(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    assert_int_equal(params_find(&r, "demand.screen_out"), P_SCREEN);
    assert_int_equal(params_find(&r, "workforce.grades.sw.cap"), P_CAP);
    assert_int_equal(params_find(&r, "horizon_years"), P_HORIZON);
    assert_int_equal(params_find(&r, "workforce.grades.sw"), -1);      /* a prefix */
    assert_int_equal(params_find(&r, "demand.screen_out.x"), -1);      /* an extension */
    assert_int_equal(params_find(&r, ""), -1);

    const struct param *p = &r.p[P_CAP];
    assert_string_equal(p->path, "workforce.grades.sw.cap");
    assert_string_equal(p->descr, "caseload cap of grade sw (100%)");
    assert_string_equal(p->unit, "caseload points");
    assert_int_equal(p->kind, PARAM_REAL);
    assert_int_equal(p->flags, PARAM_LO_OPEN);
    assert_true(p->value == 18.0 && p->lo == 0 && p->hi == HUGE_VAL);
    assert_ptr_equal(p->file, FILE_NAME);
    assert_int_equal(p->line, 31);
    assert_null(r.p[P_VACANCIES].file);
    /* A bool's bounds are 0 and 1 whatever was passed. */
    assert_true(r.p[P_VACANCIES].lo == 0 && r.p[P_VACANCIES].hi == 1);
    params_free(&r);
    assert_int_equal(r.n, 0);
    params_free(&r);   /* twice is harmless */
    params_free(NULL);
}

static void test_many(void **state)
{
    (void)state;
    struct params r;
    params_init(&r);
    char path[64];
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "workforce.grades.g%03d.cap", i);
        assert_int_equal(params_add(&r, path, "", PARAM_REAL, 0, HUGE_VAL, 0, 1.5 * i, NULL, 0,
                                    "grade %d", i), (size_t)i);
    }
    for (int i = 299; i >= 0; i--) {
        snprintf(path, sizeof path, "workforce.grades.g%03d.cap", i);
        long k = params_find(&r, path);
        assert_int_equal(k, i);
        assert_true(r.p[k].value == 1.5 * i);
    }
    params_free(&r);
}

struct dup_arg {
    struct params *r;
};

static void add_duplicate(void *arg)
{
    struct params *r = ((struct dup_arg *)arg)->r;
    params_add(r, "demand.screen_out", "share", PARAM_REAL, 0, 1, 0, 0.5, NULL, 0, "again");
}

static void bad_index(void *arg)
{
    struct params *r = ((struct dup_arg *)arg)->r;
    params_allowed(r, r->n, 1.0);
}

static void test_misuse_aborts(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    struct dup_arg a = { &r };
    assert_true(tu_dies(add_duplicate, &a, "params_find"));
    assert_true(tu_dies(bad_index, &a, "internal error"));
    params_free(&r);
}

static void test_nearest(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    TU_ASSERT_STR(params_nearest(&r, "demand.referals_per_year"),
                        "demand.referrals_per_year");
    TU_ASSERT_STR(params_nearest(&r, "workforce.grades.sw.cpa"), "workforce.grades.sw.cap");
    TU_ASSERT_STR(params_nearest(&r, "horizon_yeras"), "horizon_years");
    TU_ASSERT_STR(params_nearest(&r, "demand.screenout"), "demand.screen_out");
    /* An exact path is its own nearest. */
    TU_ASSERT_STR(params_nearest(&r, "demand.screen_out"), "demand.screen_out");
    /* Nothing plausible. */
    assert_null(params_nearest(&r, "interventions"));
    assert_null(params_nearest(&r, "zz"));
    params_free(&r);

    struct params empty;
    params_init(&empty);
    assert_null(params_nearest(&empty, "demand.screen_out"));
    params_free(&empty);
}

static void test_allowed(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    struct {
        size_t i;
        double v;
        bool ok;
    } cases[] = {
        /* (0, 50] */
        { P_HORIZON, 0.0, false }, { P_HORIZON, 1e-9, true }, { P_HORIZON, 50.0, true },
        { P_HORIZON, 50.000001, false },
        /* >= 0 */
        { P_REFERRALS, 0.0, true }, { P_REFERRALS, -0.001, false }, { P_REFERRALS, 1e12, true },
        { P_REFERRALS, HUGE_VAL, false }, { P_REFERRALS, NAN, false },
        /* [0, 1] */
        { P_SCREEN, 0.0, true }, { P_SCREEN, 1.0, true }, { P_SCREEN, 0.385, true },
        { P_SCREEN, 1.0000001, false }, { P_SCREEN, -1e-12, false },
        /* > 0 */
        { P_CAP, 0.0, false }, { P_CAP, 0.001, true }, { P_CAP, -18.0, false },
        /* whole number >= 1 */
        { P_PRIORITY, 1.0, true }, { P_PRIORITY, 7.0, true }, { P_PRIORITY, 1.5, false },
        { P_PRIORITY, 0.0, false }, { P_PRIORITY, -2.0, false },
        /* whole number from 1 to 12 */
        { P_MONTH, 12.0, true }, { P_MONTH, 13.0, false }, { P_MONTH, 0.0, false },
        { P_MONTH, 6.25, false },
        /* bool */
        { P_VACANCIES, 0.0, true }, { P_VACANCIES, 1.0, true }, { P_VACANCIES, 0.5, false },
        { P_VACANCIES, 2.0, false }, { P_VACANCIES, -1.0, false },
        /* unbounded real: any finite number */
        { P_FREE, -1e300, true }, { P_FREE, 2.385, true }, { P_FREE, -HUGE_VAL, false },
        { P_FREE, NAN, false },
        /* < 100 */
        { P_BELOW, 99.999, true }, { P_BELOW, 100.0, false }, { P_BELOW, -40.0, true },
        /* [0, 1) */
        { P_SHARE, 0.0, true }, { P_SHARE, 0.999, true }, { P_SHARE, 1.0, false },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        if (params_allowed(&r, cases[k].i, cases[k].v) != cases[k].ok)
            fail_msg("params_allowed(%s, %g) should be %s", r.p[cases[k].i].path, cases[k].v,
                     cases[k].ok ? "true" : "false");
    params_free(&r);
}

static void test_range_text(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    const char *want[P_COUNT] = {
        [P_HORIZON] = "a number > 0 and <= 50",
        [P_REFERRALS] = "a number >= 0",
        [P_SCREEN] = "a number from 0 to 1",
        [P_CAP] = "a number > 0",
        [P_PRIORITY] = "a whole number >= 1",
        [P_MONTH] = "a whole number from 1 to 12",
        [P_VACANCIES] = "true or false",
        [P_FREE] = "a number",
        [P_BELOW] = "a number < 100",
        [P_SHARE] = "a number >= 0 and < 1",
    };
    char buf[128];
    for (size_t i = 0; i < P_COUNT; i++) {
        params_range_text(&r, i, buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    /* A short buffer gets a terminated prefix. */
    char tiny[9];
    params_range_text(&r, P_SCREEN, tiny, sizeof tiny);
    assert_string_equal(tiny, "a number");
    params_free(&r);
}

/* The usual range is the allowed one until set; inside it nothing is
 * unusual, outside it (but allowed) a value is; bounds are inclusive. */
static void test_usual(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    assert_true(params_usual(&r, P_REFERRALS, 1e9));
    assert_true(r.p[P_HORIZON].usual_lo == 0 && r.p[P_HORIZON].usual_hi == 50);
    params_set_usual(&r, P_REFERRALS, 10, 50000);
    assert_true(params_usual(&r, P_REFERRALS, 10));
    assert_true(params_usual(&r, P_REFERRALS, 4000.5));
    assert_true(params_usual(&r, P_REFERRALS, 50000));
    assert_false(params_usual(&r, P_REFERRALS, 9.99));
    assert_false(params_usual(&r, P_REFERRALS, 50000.01));
    assert_true(params_allowed(&r, P_REFERRALS, 50000.01));
    char buf[128];
    params_usual_text(&r, P_REFERRALS, buf, sizeof buf);
    assert_string_equal(buf, "10\u201350000 per year");
    params_set_usual(&r, P_SCREEN, 0, 0.6);
    params_usual_text(&r, P_SCREEN, buf, sizeof buf);
    assert_string_equal(buf, "0\u20130.6");   /* a share needs no unit */
    params_free(&r);
}

static void test_parse_value(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    double v = -7;
    assert_true(params_parse_value(&r, P_REFERRALS, "4123.75", &v));
    assert_true(v == 4123.75);
    assert_true(params_parse_value(&r, P_REFERRALS, "2.5e3", &v));
    assert_true(v == 2500.0);
    /* Bounds are not this function's business. */
    assert_true(params_parse_value(&r, P_REFERRALS, "-3.25", &v));
    assert_true(v == -3.25);
    const struct { const char *text; double v; } real[] = {
        { ".5", 0.5 }, { "5.", 5.0 }, { "+7", 7.0 }, { "-0.25e-2", -0.0025 }, { "1E3", 1000.0 }, { "007", 7.0 },
        { "1e-310", 1e-310 },   /* a subnormal: kept, as %.10g may write one */
    };
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
        if (!params_parse_real(real[i].text, &v))
            fail_msg("\"%s\" refused", real[i].text);
        TU_ASSERT_WITHIN(v, real[i].v, 0.0);
    }
    assert_true(params_parse_value(&r, P_PRIORITY, "3", &v));
    assert_true(v == 3.0);
    assert_true(params_parse_value(&r, P_PRIORITY, "-4", &v));
    assert_true(v == -4.0);

    const char *not_real[] = { "abc", "", "12x", "1.5.2", "nan", "NaN", "inf", "-inf",
                               "infinity", "1e999", "12 ", "--1", " 5", "0x10", "0X1p3", ".", "-",
                               "1e", "1e+", "+.e1", "5\n" };
    for (size_t i = 0; i < sizeof not_real / sizeof not_real[0]; i++)
        if (params_parse_value(&r, P_REFERRALS, not_real[i], &v))
            fail_msg("\"%s\" accepted as a number", not_real[i]);
    const char *not_int[] = { "1.5", "abc", "12x", "2.0001", "nan", "inf" };
    for (size_t i = 0; i < sizeof not_int / sizeof not_int[0]; i++)
        if (params_parse_value(&r, P_PRIORITY, not_int[i], &v))
            fail_msg("\"%s\" accepted as a whole number", not_int[i]);

    assert_true(params_parse_value(&r, P_VACANCIES, "true", &v));
    assert_true(v == 1.0);
    assert_true(params_parse_value(&r, P_VACANCIES, "false", &v));
    assert_true(v == 0.0);
    const char *not_bool[] = { "yes", "TRUE", "2", "", "0.5", "truex" };
    for (size_t i = 0; i < sizeof not_bool / sizeof not_bool[0]; i++)
        if (params_parse_value(&r, P_VACANCIES, not_bool[i], &v))
            fail_msg("\"%s\" accepted as true or false", not_bool[i]);
    params_free(&r);
}

static void test_format_value(void **state)
{
    (void)state;
    struct params r;
    fill(&r);
    char buf[32];
    params_format_value(&r, P_REFERRALS, 4123.75, buf, sizeof buf);
    assert_string_equal(buf, "4123.75");
    params_format_value(&r, P_SCREEN, 0.1, buf, sizeof buf);
    assert_string_equal(buf, "0.1");
    params_format_value(&r, P_PRIORITY, 3, buf, sizeof buf);
    assert_string_equal(buf, "3");
    params_format_value(&r, P_VACANCIES, 1, buf, sizeof buf);
    assert_string_equal(buf, "true");
    params_format_value(&r, P_VACANCIES, 0, buf, sizeof buf);
    assert_string_equal(buf, "false");
    /* What is formatted parses back to the same value. */
    const double vals[] = { 4123.75, 1.0 / 3.0 * 1e-3, 2.385e7 };
    for (size_t i = 0; i < 3; i++) {
        double back;
        params_format_value(&r, P_FREE, vals[i], buf, sizeof buf);
        assert_true(params_parse_value(&r, P_FREE, buf, &back));
        TU_ASSERT_WITHIN(back, vals[i], 1e-9 * fabs(vals[i]));
    }
    params_free(&r);
}

/* A date parameter holds days from the registry's epoch and is read and
 * written as YYYY-MM-DD: what is formatted parses back; anything but a
 * real calendar date is refused; a copy keeps the epoch. */
static void test_dates(void **state)
{
    (void)state;
    struct params r;
    params_init(&r);
    struct date start = { 2024, 4, 1 };
    r.epoch = date_to_days(start);
    size_t i = params_add(&r, "interventions.drive.from", "date", PARAM_DATE, -HUGE_VAL, HUGE_VAL, PARAM_STATIC, 183,
                          FILE_NAME, 34, "date it starts");
    char buf[32];
    params_format_value(&r, i, r.p[i].value, buf, sizeof buf);
    assert_string_equal(buf, "2024-10-01");
    double v = -1;
    assert_true(params_parse_value(&r, i, "2025-04-01", &v));
    assert_true(v == 365);
    assert_true(params_parse_value(&r, i, "2024-02-29", &v));   /* before the epoch: a value, < 0 */
    assert_true(v == -32);
    const char *not_date[] = { "183", "2025-4-1", "2025-02-29", "2025-04-01 ", "01/04/2025", "", "2025-13-01" };
    for (size_t k = 0; k < sizeof not_date / sizeof *not_date; k++)
        if (params_parse_value(&r, i, not_date[k], &v))
            fail_msg("\"%s\" accepted as a date", not_date[k]);
    assert_false(params_allowed(&r, i, 10.5));   /* whole days only */
    assert_true(params_allowed(&r, i, -3));
    params_range_text(&r, i, buf, sizeof buf);
    assert_string_equal(buf, "a date YYYY-MM-DD");
    struct params c;
    params_copy(&c, &r);
    params_format_value(&c, i, 365, buf, sizeof buf);
    assert_string_equal(buf, "2025-04-01");
    params_free(&c);
    params_free(&r);
}

static void test_copy_is_deep(void **state)
{
    (void)state;
    struct params src, dst;
    fill(&src);
    params_copy(&dst, &src);
    assert_int_equal(dst.n, src.n);
    assert_true(dst.p != src.p);
    for (size_t i = 0; i < src.n; i++) {
        assert_true(dst.p[i].path != src.p[i].path);
        assert_true(dst.p[i].descr != src.p[i].descr);
        assert_string_equal(dst.p[i].path, src.p[i].path);
        assert_string_equal(dst.p[i].descr, src.p[i].descr);
        assert_true(dst.p[i].value == src.p[i].value);
        assert_ptr_equal(dst.p[i].file, src.p[i].file);   /* shared, not owned */
        assert_int_equal(dst.p[i].line, src.p[i].line);
    }
    /* Changing the source changes nothing in the copy. */
    src.p[P_CAP].value = 24.5;
    src.p[P_CAP].path[0] = 'X';
    assert_true(dst.p[P_CAP].value == 18.0);
    assert_string_equal(dst.p[P_CAP].path, "workforce.grades.sw.cap");
    params_free(&src);
    /* The copy outlives the source and can still grow. */
    assert_int_equal(params_find(&dst, "demand.screen_out"), P_SCREEN);
    assert_int_equal(params_add(&dst, "demand.trend_per_year", "share", PARAM_REAL, -1, 1, 0,
                                0.02, NULL, 0, "trend"), P_COUNT);
    assert_int_equal(params_find(&dst, "demand.trend_per_year"), P_COUNT);
    params_free(&dst);

    /* An empty registry copies to an empty one that can grow. */
    struct params e, e2;
    params_init(&e);
    params_copy(&e2, &e);
    assert_int_equal(e2.n, 0);
    params_add(&e2, "a.b", "", PARAM_REAL, 0, 1, 0, 0.5, NULL, 0, "x");
    assert_int_equal(params_find(&e2, "a.b"), 0);
    params_free(&e);
    params_free(&e2);
}

/* ---- parameter draws (sim/pdraw.h) ---------------------------------------- */

enum { N_DRAW = 20000 };
/* Standard errors a sample moment may stray: with 8 moments checked, a
 * correct draw fails one with probability about 5e-6 (normal tails). */
#define DRAW_SE 5.0

/* Draws of a log-scale, a logit-scale and a log1p-scale parameter with a
 * correlated covariance: on those scales their sample means and covariances
 * match the centre and the covariance, within DRAW_SE of their standard
 * errors (of a covariance s_ij: sqrt((s_ii s_jj + s_ij^2) / N)), each draw
 * from its own stream as a replication's; the same stream gives the same
 * values. */
static void test_draws_have_the_covariance(void **state)
{
    (void)state;
    const size_t param[3] = { 2, 0, 1 };
    const enum pdraw_scale scale[3] = { PDRAW_LOG, PDRAW_LOGIT, PDRAW_LOG1P };
    const double cov[9] = { 0.04, 0.012, -0.006, 0.012, 0.09, 0.0, -0.006, 0.0, 0.01 };
    const double centre[3] = { 0.3, 0.05, 12.0 };   /* v[0], v[1], v[2] */
    struct pdraw d;
    const char *why;
    assert_true(pdraw_init(&d, 3, param, scale, cov, &why));
    assert_int_equal(d.k, 3);
    static double x[N_DRAW][3];
    double mean[3] = { 0, 0, 0 };
    for (size_t r = 0; r < N_DRAW; r++) {
        double v[3] = { centre[0], centre[1], centre[2] };
        struct rng s;
        rng_seed(&s, rng_key(99, r + 1, 7, 0));
        pdraw_apply(&d, v, &s);
        x[r][0] = log(v[2]) - log(12.0);
        x[r][1] = log(v[0] / (1 - v[0])) - log(0.3 / 0.7);
        x[r][2] = log1p(v[1]) - log1p(0.05);
        for (int i = 0; i < 3; i++)
            mean[i] += x[r][i] / N_DRAW;
        if (r == 7) {   /* the same stream: the same values */
            double w[3] = { centre[0], centre[1], centre[2] };
            rng_seed(&s, rng_key(99, r + 1, 7, 0));
            pdraw_apply(&d, w, &s);
            assert_true(w[0] == v[0] && w[1] == v[1] && w[2] == v[2]);
        }
    }
    for (int i = 0; i < 3; i++) {
        if (!(fabs(mean[i]) <= DRAW_SE * sqrt(cov[i * 3 + i] / N_DRAW)))
            fail_msg("mean %d: %g", i, mean[i]);
        for (int j = i; j < 3; j++) {
            double c = 0;
            for (size_t r = 0; r < N_DRAW; r++)
                c += (x[r][i] - mean[i]) * (x[r][j] - mean[j]) / (N_DRAW - 1);
            double se = sqrt((cov[i * 3 + i] * cov[j * 3 + j] + cov[i * 3 + j] * cov[i * 3 + j]) / N_DRAW);
            if (!(fabs(c - cov[i * 3 + j]) <= DRAW_SE * se))
                fail_msg("cov %d %d: %g, not %g (se %g)", i, j, c, cov[i * 3 + j], se);
        }
    }
    pdraw_free(&d);
}

/* A singular covariance (three shares' multinomial covariance on the log
 * scale, which leaves sum p_k log(v_k / p_k) at 0): drawn along its
 * support only, rank 2; a covariance that is not one is refused. */
static void test_draws_singular_and_refused(void **state)
{
    (void)state;
    const double p[3] = { 0.5, 0.3, 0.2 }, n = 200;
    double cov[9];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            cov[i * 3 + j] = i == j ? (1 - p[i]) / (n * p[i]) : -1 / n;
    const size_t param[3] = { 0, 1, 2 };
    const enum pdraw_scale scale[3] = { PDRAW_LOG, PDRAW_LOG, PDRAW_LOG };
    struct pdraw d;
    const char *why;
    assert_true(pdraw_init(&d, 3, param, scale, cov, &why));
    assert_int_equal(d.k, 2);
    for (uint64_t r = 1; r <= 100; r++) {
        double v[3] = { p[0], p[1], p[2] };
        struct rng s;
        rng_seed(&s, rng_key(5, r, 7, 0));
        pdraw_apply(&d, v, &s);
        double sum = 0;
        for (int i = 0; i < 3; i++)
            sum += p[i] * log(v[i] / p[i]);
        assert_true(fabs(sum) < 1e-12);
        assert_true(v[0] != p[0]);
    }
    pdraw_free(&d);
    const double negative[4] = { 1, 2, 2, 1 }, asym[4] = { 1, 0.5, 0.2, 1 };
    assert_false(pdraw_init(&d, 2, param, scale, negative, &why));
    tu_assert_contains(why, "not positive semi-definite");
    assert_false(pdraw_init(&d, 2, param, scale, asym, &why));
    tu_assert_contains(why, "not symmetric");
    enum pdraw_scale back;
    assert_true(pdraw_scale_parse("log1p", &back) && back == PDRAW_LOG1P);
    assert_false(pdraw_scale_parse("sqrt", &back));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_misuse_aborts),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_allowed),
        cmocka_unit_test(test_range_text),
        cmocka_unit_test(test_usual),
        cmocka_unit_test(test_parse_value),
        cmocka_unit_test(test_format_value),
        cmocka_unit_test(test_copy_is_deep),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_draws_have_the_covariance),
        cmocka_unit_test(test_draws_singular_and_refused),
    };
    return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
