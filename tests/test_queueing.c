/* test_queueing.c — the model against queueing theory.
 *
 * A scenario reduced to one stage is an M/M/c queue: referrals arrive as a
 * Poisson process (rate lambda = referrals_per_year / 365.25 a day, none
 * screened out), every case needs one worker for an exponential time (mean
 * 1/mu, the stage's duration; weight 1 and cap 1 with admin_share =
 * admin_share_ref, so a worker holds one case at a time), c workers who never
 * fall sick or leave, no agency, no re-referral, first come first served.
 * With a = lambda / mu and rho = a / c < 1, Erlang's C formula gives
 *
 *   P(wait) = C(c, a) = [a^c / c! * c / (c - a)]
 *                       / [sum_{k=0}^{c-1} a^k / k! + a^c / c! * c / (c - a)]
 *   Lq = C(c, a) * a / (c - a)          mean number waiting (time average)
 *   Wq = Lq / lambda = C(c, a) / (c mu - lambda)    mean wait in queue
 *
 * and the mean number in service is a, so the mean caseload per worker is rho.
 * The model's KPIs backlog_mean (time average of unallocated cases after the
 * warm-up), mean_wait_days (mean wait of the cases allocated after it) and
 * caseload_mean (mean load per worker at the period ends) must match these.
 *
 * Tolerances: each KPI is averaged over n independent replications; the mean
 * must lie within 4 standard errors (sd across replications / sqrt(n)) of
 * the theory: a false alarm has probability ~6e-5 per check (~1e-4 with
 * Student t at these n). Each test also asserts that its standard error is
 * small (4 SE under a stated share of the theoretical value), so the check
 * cannot pass vacuously; the comments state the bias each could detect.
 *
 * Little's law ties the two measurements on every sample path: the child-days
 * waited in the window equal the waits of the cases allocated in it, up to
 * the cases already waiting at the start and still waiting at the end (equal
 * in expectation in steady state). So D = backlog_mean - lambda_hat *
 * mean_wait, with lambda_hat = referrals in the window / its length, has mean
 * 0; |mean D| must be under 4 standard errors of D. Its standard error is
 * tiny (only those edge terms vary), so this check is far sharper than the
 * comparison with theory: any wait counted from the wrong time, or any queue
 * time not counted, shows. */
#include "models/scenario.h"
#include "output/stats.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#define SE_MULT 4.0
#define HORIZON_YEARS 100.0     /* the longest the registry allows */
#define DAYS_PER_YEAR 365.25
/* The start-up transient: an M/M/c queue started empty relaxes on the time
 * scale 1 / (mu (sqrt(c) - sqrt(a))^2): about 18 mean service times for
 * the M/M/5 queue below (17 days) and 26 for the M/M/1 queue (23 days). A
 * 200-day warm-up is at least 8.7 relaxation times, leaving at most e^-8.7
 * (2e-4) of the initial deficit, and that only at the start of a 100-year
 * window: far below the standard errors of 0.4%. */
#define WARMUP_DAYS 200.0

/* A one-stage scenario that is an M/M/c queue. */
static char *write_mmc(const char *dir, int c, double per_year, double mean_days)
{
    char text[4096];
    snprintf(text, sizeof text,
             "name = \"mmc\";\n"
             "start = \"2024-04-01\";\n"
             "horizon_years = %.17g;\n"
             "warmup_days = %.17g;\n"
             "report_every = \"quarter\";\n"
             "demand: { referrals_per_year = %.17g; screen_out = 0.0; trend_per_year = 0.0; };\n"
             "pathway: {\n"
             "  entry = \"work\";\n"
             "  wait_threshold_days = 60.0;\n"
             "  stages = (\n"
             "    { name = \"work\"; weight = 1.0; priority = 1; initial = 0;\n"
             "      duration = { dist = \"exponential\"; mean = %.17g; };\n"
             "      grades = [ \"sw\" ];\n"
             "      next = ( { to = \"close\"; p = 1.0; } ); }\n"
             "  );\n"
             "};\n"
             "workforce: {\n"
             "  admin_share = 0.62; admin_share_ref = 0.62;\n"
             "  grades = ( { name = \"sw\"; establishment = %d.0; in_post = %d.0; cap = 1.0;\n"
             "               salary = 41250.0; oncost = 0.3; turnover_per_year = 0.0; } );\n"
             "  sickness = { episodes_per_fte_year = 0.0; short_mean_days = 3.0; long_share = 0.0;\n"
             "               long_mean_days = 45.0; reallocate_after_days = 28.0; };\n"
             "  pressure = { sickness_gain = 0.0; turnover_gain = 0.0; };\n"
             "  recruitment = { success = 0.5; retry_days = 60.0; cost_per_campaign = 5000.0;\n"
             "                  time_to_hire = { dist = \"fixed\"; value = 90.0; }; };\n"
             "};\n",
             HORIZON_YEARS, WARMUP_DAYS, per_year, mean_days, c, c);
    return tu_write(dir, "mmc.cfg", text);
}

/* Erlang C: probability of waiting with c servers and offered load a < c. */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 0.0; /* term = a^k / k! */
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double tail = term * c / (c - a);
    return tail / (sum + tail);
}

struct mmc_case {
    int c;
    double per_year, mean_days;
    size_t reps;
    uint64_t seed;
    double max_rel_tol;   /* 4 SE of backlog_mean must be under this share of Lq */
};

struct measured {
    struct summary lq, wq, load, little;
};

static void run_mmc(const struct mmc_case *q, struct measured *out)
{
    char *dir = tu_tmpdir();
    char *path = write_mmc(dir, q->c, q->per_year, q->mean_days);
    struct scenario *sc = tu_load(path, NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, q->seed, q->reps);

    double span = scenario_horizon_days(sc, NULL) - WARMUP_DAYS;
    size_t k_lq = tu_kpi(&r, "backlog_mean"), k_wq = tu_kpi(&r, "mean_wait_days");
    size_t k_load = tu_kpi(&r, "caseload_mean"), k_ref = tu_kpi(&r, "referrals_total");
    double *lq = calloc(q->reps, sizeof *lq), *wq = calloc(q->reps, sizeof *wq);
    double *load = calloc(q->reps, sizeof *load), *little = calloc(q->reps, sizeof *little);
    assert_true(lq && wq && load && little);
    for (size_t i = 0; i < q->reps; i++) {
        const double *k = r.rep[i].kpi;
        lq[i] = k[k_lq];
        wq[i] = k[k_wq];
        load[i] = k[k_load];
        little[i] = k[k_lq] - k[k_ref] / span * k[k_wq];
    }
    stats_summary_of(lq, q->reps, &out->lq);
    stats_summary_of(wq, q->reps, &out->wq);
    stats_summary_of(load, q->reps, &out->load);
    stats_summary_of(little, q->reps, &out->little);
    free(lq);
    free(wq);
    free(load);
    free(little);
    tu_reps_free(&r);
    scenario_free(sc);
    free(path);
    tu_rmtree(dir);
    free(dir);
}

static double se(const struct summary *s) { return s->sd / sqrt((double)s->n); }

static void check_mmc(const struct mmc_case *q)
{
    double lambda = q->per_year / DAYS_PER_YEAR, a = lambda * q->mean_days;
    double rho = a / q->c;
    assert_true(rho < 1);
    double pw = erlang_c(q->c, a);
    double lq = pw * a / (q->c - a), wq = lq / lambda;

    struct measured m;
    run_mmc(q, &m);
    print_message("M/M/%d rho=%.4f: Lq %.5f (theory %.5f, se %.5f), Wq %.5f (theory %.5f, se %.5f), "
                  "load %.5f (theory %.5f, se %.5f), Little D %.3g (se %.3g)\n",
                  q->c, rho, m.lq.mean, lq, se(&m.lq), m.wq.mean, wq, se(&m.wq), m.load.mean, rho,
                  se(&m.load), m.little.mean, se(&m.little));

    /* The test is meaningful: it would see a bias of max_rel_tol. */
    assert_true(SE_MULT * se(&m.lq) < q->max_rel_tol * lq);
    assert_true(SE_MULT * se(&m.wq) < q->max_rel_tol * wq);

    TU_ASSERT_WITHIN(m.lq.mean, lq, SE_MULT * se(&m.lq));
    TU_ASSERT_WITHIN(m.wq.mean, wq, SE_MULT * se(&m.wq));
    TU_ASSERT_WITHIN(m.load.mean, rho, SE_MULT * se(&m.load));
    TU_ASSERT_WITHIN(m.little.mean, 0.0, SE_MULT * se(&m.little));
}

/* c = 5 at rho = 0.8001 (a = 4.0005): Lq = 2.2187, Wq = 0.5280 days. About
 * 153,000 cases a replication, each with a standard deviation of about 3.7%
 * of Lq; 100 replications give a standard error of about 0.37% of Lq (and
 * of Wq), so a bias of 1.5% fails (one worker fewer or more changes Lq by a
 * factor of about 4 or 0.4). The mean caseload has a standard error of
 * about 0.13% of rho. */
static void test_mm5(void **state)
{
    (void)state;
    struct mmc_case q = { .c = 5, .per_year = 1534.7, .mean_days = 0.9521, .reps = 100,
                          .seed = 20250611, .max_rel_tol = 0.03 };
    check_mmc(&q);
}

/* c = 1 at rho = 0.6486: Lq = 1.1973, Wq = 1.6083 days. About 27,000 cases
 * a replication, each with a standard deviation of about 4.8% of Lq; 150
 * replications give a standard error of about 0.4% of Lq, so a bias of 1.6%
 * fails. */
static void test_mm1(void **state)
{
    (void)state;
    struct mmc_case q = { .c = 1, .per_year = 271.9, .mean_days = 0.8713, .reps = 150,
                          .seed = 77031, .max_rel_tol = 0.04 };
    check_mmc(&q);
}

/* Erlang C against values computed by hand. c = 1: C = rho. c = 2, a = 1:
 * a^2/2! * 2/(2-1) = 1 over 1 + 1 + 1 = 1/3. */
static void test_erlang_c(void **state)
{
    (void)state;
    TU_ASSERT_WITHIN(erlang_c(1, 0.6486), 0.6486, 1e-15);
    TU_ASSERT_WITHIN(erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_c),
        cmocka_unit_test(test_mm5),
        cmocka_unit_test(test_mm1),
    };
    return cmocka_run_group_tests_name("queueing", tests, NULL, NULL);
}
