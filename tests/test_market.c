/* test_market.c — the labour market (models/market.h).
 *
 * The laws, each a test:
 *   - a market that cannot bind (unlimited pool and agency supply, matching
 *     elasticity 0, A set so a campaign hires with the off model's
 *     probability) gives the market-off model's results: every KPI's paired
 *     mean difference within Z standard errors of the differences (they are
 *     in fact equal: the same draws decide the same campaigns);
 *   - with a small pool, hires are bounded by what flows into it: with no
 *     exits, no other council and fast matching, the council hires
 *     everyone who arrives, so in steady state hires H = lambda + s L and
 *     L = tau N = H give H = lambda / (1 - s) and N = lambda / ((1 - s) tau)
 *     (docs/model.md); the simulated long-run rates within Z standard
 *     errors;
 *   - pay: a supplement s multiplies each campaign's hazard by (1 + s)^e_h
 *     (the success rate of campaigns, binomial, against 1 - exp(-A T P))
 *     and divides leaving by (1 + s)^e_l (the turnover rate, Poisson);
 *   - agency: the day rate is the grade's x (demand / supply)^e when demand
 *     exceeds supply, at every period end; cover not found is counted;
 *   - newly qualified: the cohort is the share of local output the council
 *     wins (market-cohort.cfg: four of six places every September);
 *   - the section is read into parameters (none when it is absent) and its
 *     errors are reported at their file and line; enabled = false is the
 *     model without it, KPI for KPI.
 * Conservation of people is walked after every event by the invariant
 * walker (tests/test_invariants.c runs these fixtures with it on).
 * Z = 4: a false alarm about once in 16,000 seeds. */
#include "models/scenario.h"
#include "tests/testutil.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define SEED 4242
#define REPS 40
#define Z 4.0
#define DAYS_PER_YEAR 365.25
#define FIXTURE "tests/scenarios/market.cfg"

static double par(const struct scenario *sc, const char *path)
{
    long i = params_find(&sc->reg, path);
    assert_true(i >= 0);
    return sc->reg.p[i].value;
}

static double kpi(const struct tu_reps *r, size_t rep, const char *name)
{
    return r->rep[rep].kpi[tu_kpi(r, name)];
}

static void test_unbound_market_matches_the_model_without(void **state)
{
    (void)state;
    struct scenario *off = tu_load("tests/scenarios/market-off.cfg", NULL, 0);
    struct scenario *on = tu_load(FIXTURE, NULL, 0);
    struct tu_reps a, b;
    tu_reps_run(&a, off, SEED, REPS);
    tu_reps_run(&b, on, SEED, REPS);
    static const char *const names[] = { "staff_in_post_mean", "vacancy_rate_mean", "agency_fte_mean",
                                         "turnover_rate", "caseload_mean", "cost_total",
                                         "cost_recruitment_total", "reallocations_total" };
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        double sum = 0, sum2 = 0, scale = 0;
        for (size_t i = 0; i < REPS; i++) {
            double d = kpi(&b, i, names[k]) - kpi(&a, i, names[k]);
            sum += d;
            sum2 += d * d;
            scale += fabs(kpi(&a, i, names[k])) / REPS;
        }
        double mean = sum / REPS, sd = sqrt(fmax(0.0, (sum2 - REPS * mean * mean) / (REPS - 1)));
        /* rounding of the KPIs' sums, as the floor of the tolerance */
        double tol = Z * sd / sqrt(REPS) + 1e-9 * scale;
        if (!(fabs(mean) <= tol))
            fail_msg("%s: market on - off = %.6g on average, more than %.3g", names[k], mean, tol);
    }
    /* and the market ran: everyone hired came from the pool */
    assert_true(kpi(&b, 0, "hires_from_pool_total") > 0);
    tu_reps_free(&a);
    tu_reps_free(&b);
    scenario_free(off);
    scenario_free(on);
}

static void test_small_pool_bounds_hires_by_its_inflow(void **state)
{
    (void)state;
    /* lambda = 2.4 a year, s = 0.5, tau = 0.3: N* = 16, H = 4.8 a year;
     * the council starts at N* (its establishment, 30, never binds) */
    char *sets[] = { "horizon_years=10", "workforce.grades.sw.in_post=16", "labour_market.pool.start=0",
                     "labour_market.pool.inflow_per_year=2.4", "labour_market.matching.elasticity=0.5",
                     "labour_market.matching.efficiency=50" };
    struct scenario *sc = tu_load(FIXTURE, sets, sizeof sets / sizeof *sets);
    double lambda = par(sc, "labour_market.pool.inflow_per_year");
    double s = par(sc, "labour_market.pool.leaver_share");
    double tau = par(sc, "workforce.grades.sw.turnover_per_year");
    double years = par(sc, "horizon_years");
    double h_star = lambda / (1 - s), n_star = lambda / ((1 - s) * tau);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS);
    double hs = 0, hs2 = 0, ns = 0, ns2 = 0;
    for (size_t i = 0; i < REPS; i++) {
        double h = kpi(&r, i, "hires_from_pool_total") / years, n = kpi(&r, i, "staff_in_post_mean");
        hs += h;
        hs2 += h * h;
        ns += n;
        ns2 += n * n;
    }
    double hm = hs / REPS, nm = ns / REPS;
    double hse = sqrt((hs2 - REPS * hm * hm) / (REPS - 1) / REPS);
    double nse = sqrt((ns2 - REPS * nm * nm) / (REPS - 1) / REPS);
    if (!(fabs(hm - h_star) <= Z * hse))
        fail_msg("hires %.4f a year, steady state lambda / (1 - s) = %.4f: more than %.4f apart", hm, h_star,
                 Z * hse);
    if (!(fabs(nm - n_star) <= Z * nse))
        fail_msg("staff in post %.4f, steady state lambda / ((1 - s) tau) = %.4f: more than %.4f apart", nm,
                 n_star, Z * nse);
    tu_reps_free(&r);
    scenario_free(sc);
}

/* Over every replication of sc: campaigns that ended, and those that
 * hired. With retry_days = 0 every vacant post is in a campaign at every
 * instant, so the campaigns still running at the horizon are the
 * vacancies then. */
static void campaigns(const struct tu_reps *r, const struct scenario *sc, double *ended, double *hired)
{
    double cost = par(sc, "workforce.recruitment.cost_per_campaign");
    size_t v = tu_metric(r, "vacancies_fte"), last = r->layout.n_periods - 1;
    *ended = *hired = 0;
    for (size_t i = 0; i < r->n; i++) {
        *ended += kpi(r, i, "cost_recruitment_total") / cost - tu_value(r, i, last, v);
        *hired += kpi(r, i, "hires_from_pool_total");
    }
}

static void test_pay_raises_hires_and_cuts_leaving_as_stated(void **state)
{
    (void)state;
    char *base[] = { "workforce.recruitment.retry_days=0", "labour_market.pay.supplement=0" };
    char *paid[] = { "workforce.recruitment.retry_days=0", "labour_market.pay.supplement=0.2" };
    struct scenario *s0 = tu_load(FIXTURE, base, 2), *s1 = tu_load(FIXTURE, paid, 2);
    double sup = par(s1, "labour_market.pay.supplement");
    double eh = par(s1, "labour_market.pay.hire_elasticity"), el = par(s1, "labour_market.pay.leave_elasticity");
    double hazard = par(s0, "labour_market.matching.efficiency") * par(s0, "workforce.recruitment.time_to_hire.value")
                    / DAYS_PER_YEAR;   /* the integrated hazard of a campaign without pay */
    struct tu_reps r0, r1;
    tu_reps_run(&r0, s0, SEED, 2 * REPS);
    tu_reps_run(&r1, s1, SEED, 2 * REPS);

    /* hiring: each campaign a Bernoulli trial */
    double n0, h0, n1, h1;
    campaigns(&r0, s0, &n0, &h0);
    campaigns(&r1, s1, &n1, &h1);
    double p0 = h0 / n0, p1 = h1 / n1;
    double want0 = 1 - exp(-hazard), want1 = 1 - exp(-hazard * pow(1 + sup, eh));
    if (!(fabs(p0 - want0) <= Z * sqrt(want0 * (1 - want0) / n0)))
        fail_msg("campaigns hire %.4f of the time, want 1 - exp(-A T) = %.4f", p0, want0);
    if (!(fabs(p1 - want1) <= Z * sqrt(want1 * (1 - want1) / n1)))
        fail_msg("with a %.0f%% supplement campaigns hire %.4f, want 1 - exp(-A T (1 + s)^e) = %.4f", 100 * sup, p1,
                 want1);
    /* the hazard ratio, -ln(1 - p1) / -ln(1 - p0), against (1 + s)^e_h; its
     * standard error by the delta method: var(-ln(1 - p)) = p / ((1 - p) n) */
    double ratio = log(1 - p1) / log(1 - p0);
    double rse = ratio * sqrt(p1 / ((1 - p1) * n1) / pow(log(1 - p1), 2) + p0 / ((1 - p0) * n0) / pow(log(1 - p0), 2));
    if (!(fabs(ratio - pow(1 + sup, eh)) <= Z * rse))
        fail_msg("hazard ratio %.4f, want (1 + s)^e_h = %.4f within %.4f", ratio, pow(1 + sup, eh), Z * rse);

    /* leaving: leavers are Poisson over the FTE-years in post */
    double years = par(s0, "horizon_years"), l0 = 0, e0 = 0, l1 = 0, e1 = 0;
    for (size_t i = 0; i < r0.n; i++) {
        double x0 = kpi(&r0, i, "staff_in_post_mean") * years, x1 = kpi(&r1, i, "staff_in_post_mean") * years;
        e0 += x0;
        l0 += kpi(&r0, i, "turnover_rate") * x0;
        e1 += x1;
        l1 += kpi(&r1, i, "turnover_rate") * x1;
    }
    double tau = par(s0, "workforce.grades.sw.turnover_per_year");
    double lratio = (l1 / e1) / (l0 / e0), lse = lratio * sqrt(1 / l0 + 1 / l1);
    if (!(fabs(l0 / e0 - tau) <= Z * sqrt(l0) / e0))
        fail_msg("turnover %.4f without a supplement, want %.4f", l0 / e0, tau);
    if (!(fabs(lratio - pow(1 + sup, -el)) <= Z * lse))
        fail_msg("leaving ratio %.4f, want (1 + s)^-e_l = %.4f within %.4f", lratio, pow(1 + sup, -el), Z * lse);
    /* and the supplement is paid: the same staff cost more */
    assert_true(kpi(&r1, 0, "cost_staff_total") / kpi(&r1, 0, "staff_in_post_mean")
                > kpi(&r0, 0, "cost_staff_total") / kpi(&r0, 0, "staff_in_post_mean") * (1 + sup / 2));
    tu_reps_free(&r0);
    tu_reps_free(&r1);
    scenario_free(s0);
    scenario_free(s1);
}

static void test_scarce_agency_raises_the_day_rate_and_leaves_cover_unfound(void **state)
{
    (void)state;
    char *sets[] = { "labour_market.agency.supply_fte=2.5", "labour_market.agency.region_demand_fte=1.5",
                     "labour_market.agency.day_rate_elasticity=0.7" };
    struct scenario *sc = tu_load(FIXTURE, sets, 3);
    double supply = par(sc, "labour_market.agency.supply_fte"), other = par(sc, "labour_market.agency.region_demand_fte");
    double e = par(sc, "labour_market.agency.day_rate_elasticity"), rate = par(sc, "workforce.grades.agency.day_rate");
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, REPS / 4);
    size_t fte = tu_metric(&r, "agency_fte"), dr = tu_metric(&r, "agency_day_rate");
    size_t above = 0;
    double unfound = 0;
    for (size_t i = 0; i < r.n; i++) {
        for (size_t p = 0; p < r.layout.n_periods; p++) {
            double demand = other + tu_value(&r, i, p, fte);
            double want = demand > supply ? rate * pow(demand / supply, e) : rate;
            assert_true(fabs(tu_value(&r, i, p, dr) - want) <= 1e-9 * want);
            above += demand > supply;
        }
        unfound += kpi(&r, i, "cover_not_found_total");
    }
    /* the market is tight in some periods, and requests went unmet */
    assert_true(above > 0);
    assert_true(unfound > 0);
    tu_reps_free(&r);
    scenario_free(sc);
}

static void test_cohort_is_the_share_of_local_output_won(void **state)
{
    (void)state;
    struct scenario *sc = tu_load("tests/scenarios/market-cohort.cfg", NULL, 0);
    struct tu_reps r;
    tu_reps_run(&r, sc, SEED, 2);
    size_t st = tu_metric(&r, "starters"), nq = tu_metric(&r, "in_post_nqsw");
    double output = par(sc, "labour_market.newly_qualified.output_per_year");
    size_t cohorts = 0;
    for (size_t i = 0; i < r.n; i++)
        for (size_t p = 0; p < r.layout.n_periods; p++)
            if (tu_value(&r, i, p, st) > 0) {
                /* six places, six vacancies: four arrive, all four */
                assert_true(tu_value(&r, i, p, st) == output);
                assert_true(tu_value(&r, i, p, nq) == output);
                cohorts++;
            }
    assert_true(cohorts == 2 * 3);   /* September 2024, 2025, 2026 */
    tu_reps_free(&r);
    scenario_free(sc);
}

/* The section read back: its settings are parameters (absent: none is);
 * a grade list naming an unknown or the agency grade, and a missing group,
 * are errors at their file and line. */
static void expect_error(const char *section, const char *needle)
{
    char text[4096];
    snprintf(text, sizeof text, "@include \"market-off.cfg\"\nlabour_market: {\n%s\n};\n", section);
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load_text(text, "market-case.cfg", "tests/scenarios", NULL, 0, &d);
    assert_null(sc);
    bool found = false;
    for (size_t i = 0; i < d.n; i++)
        found = found || (strstr(d.msg[i], needle) && strstr(d.msg[i], "market-case.cfg:"));
    if (!found)
        fail_msg("no error naming \"%s\" (first: %s)", needle, d.n ? d.msg[0] : "none");
    diag_free(&d);
}

static void test_section_is_read_and_checked(void **state)
{
    (void)state;
    struct scenario *off = tu_load("tests/scenarios/market-off.cfg", NULL, 0);
    assert_false(off->market.on);
    assert_true(params_find(&off->reg, "labour_market.pool.start") < 0);
    scenario_free(off);
    struct scenario *on = tu_load(FIXTURE, NULL, 0);
    assert_true(on->market.on);
    assert_true(on->market.grade[scenario_grade(on, "sw")]);
    assert_false(on->market.grade[scenario_grade(on, "agency")]);
    assert_true(par(on, "labour_market.matching.intensity") == 1.0);   /* the default */
    scenario_free(on);
    /* enabled = false: the model without the market, every KPI the same */
    char *disable[] = { "labour_market.enabled=false" };
    struct scenario *a = tu_load("tests/scenarios/market-off.cfg", NULL, 0), *b = tu_load(FIXTURE, disable, 1);
    struct tu_reps ra, rb;
    tu_reps_run(&ra, a, SEED, 3);
    tu_reps_run(&rb, b, SEED, 3);
    assert_int_equal(ra.layout.n_kpis, rb.layout.n_kpis);
    assert_int_equal(ra.layout.n_metrics, rb.layout.n_metrics);
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < ra.layout.n_kpis; k++)
            assert_memory_equal(&ra.rep[i].kpi[k], &rb.rep[i].kpi[k], sizeof(double));
    tu_reps_free(&ra);
    tu_reps_free(&rb);
    scenario_free(a);
    scenario_free(b);
    static const char groups[] =
        "pool = { start = 5; inflow_per_year = 1.0; exit_per_year = 0.1; leaver_share = 0.5; };\n"
        "matching = { efficiency = 1.0; elasticity = 0.5; region_vacancies_fte = 10.0; };\n"
        "pay = { hire_elasticity = 2.0; leave_elasticity = 1.5; };\n"
        "newly_qualified = { output_per_year = 4; };\n";
    static const char agency[] = "agency = { supply_fte = 9.0; region_demand_fte = 3.0; day_rate_elasticity = 1.0; };";
    char text[2048];
    snprintf(text, sizeof text, "%s%s\ngrades = [ \"sw\", \"swx\" ];", groups, agency);
    expect_error(text, "unknown grade");
    snprintf(text, sizeof text, "%s%s\ngrades = [ \"agency\" ];", groups, agency);
    expect_error(text, "agency grade");
    expect_error(groups, "labour_market.agency");
    snprintf(text, sizeof text, "%s%s\n", groups, agency);
    char *bad = strstr(text, "elasticity = 0.5");
    memcpy(bad, "elasticity = 1.5", 16);
    expect_error(text, "labour_market.matching.elasticity");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unbound_market_matches_the_model_without),
        cmocka_unit_test(test_small_pool_bounds_hires_by_its_inflow),
        cmocka_unit_test(test_pay_raises_hires_and_cuts_leaving_as_stated),
        cmocka_unit_test(test_scarce_agency_raises_the_day_rate_and_leaves_cover_unfound),
        cmocka_unit_test(test_cohort_is_the_share_of_local_output_won),
        cmocka_unit_test(test_section_is_read_and_checked),
    };
    return cmocka_run_group_tests_name("market", tests, NULL, NULL);
}
