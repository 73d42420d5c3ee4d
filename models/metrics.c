#include "models/metrics.h"

#include "models/costs.h"
#include "models/market.h"
#include "models/pathway.h"
#include "models/posts.h"
#include "models/workers.h"
#include "sim/check.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Every metric declares the values it can take (sim/result.h): the
 * reported interval bounds stay inside them. */
struct def {
    const char *name, *unit;
    enum metric_kind kind;
    enum value_range range;
};

static const struct def fixed[M_FIXED_COUNT] = {
    [M_REFERRALS] = { "referrals", "referrals", METRIC_FLOW, RANGE_NONNEG },
    [M_SCREENED_OUT] = { "screened_out", "referrals", METRIC_FLOW, RANGE_NONNEG },
    [M_OPEN_CASES] = { "open_cases", "cases", METRIC_STOCK, RANGE_NONNEG },
    [M_ALLOCATED] = { "allocated", "cases", METRIC_STOCK, RANGE_NONNEG },
    [M_UNALLOCATED] = { "unallocated", "cases", METRIC_STOCK, RANGE_NONNEG },
    [M_WAITING_OVER] = { "waiting_over_threshold", "cases", METRIC_STOCK, RANGE_NONNEG },
    [M_MEAN_WAIT] = { "mean_wait_days", "days", METRIC_FLOW, RANGE_NONNEG },
    [M_REALLOCATIONS] = { "reallocations", "cases", METRIC_FLOW, RANGE_NONNEG },
    [M_CLOSED] = { "closed", "cases", METRIC_FLOW, RANGE_NONNEG },
    [M_IN_POST] = { "staff_in_post_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_SICK] = { "staff_sick_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_VACANCIES] = { "vacancies_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_AGENCY] = { "agency_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_UNSUPERVISED] = { "unsupervised_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_CASELOAD_MEAN] = { "caseload_mean", "caseload points", METRIC_STOCK, RANGE_NONNEG },
    [M_CASELOAD_P90] = { "caseload_p90", "caseload points", METRIC_STOCK, RANGE_NONNEG },
    [M_STARTERS] = { "starters", "FTE", METRIC_FLOW, RANGE_NONNEG },
    [M_LEAVERS] = { "leavers", "FTE", METRIC_FLOW, RANGE_NONNEG },
    [M_SICKNESS_RATE] = { "sickness_rate", "share", METRIC_FLOW, RANGE_UNIT },
    [M_COST_STAFF] = { "cost_staff", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_COST_AGENCY] = { "cost_agency", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_COST_RECRUITMENT] = { "cost_recruitment", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_COST_TRAINING] = { "cost_training", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_COST_INTERVENTIONS] = { "cost_interventions", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_COST_TOTAL] = { "cost_total", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_COST_CUMULATIVE] = { "cost_cumulative", "£", METRIC_STOCK, RANGE_NONNEG },
    [M_ESTABLISHMENT] = { "establishment_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_ALLOCATIONS] = { "allocations", "cases", METRIC_FLOW, RANGE_NONNEG },
    [M_AGENCY_STARTS] = { "agency_starts", "FTE", METRIC_FLOW, RANGE_NONNEG },
    [M_CASELOAD_CAP] = { "caseload_cap", "caseload points", METRIC_STOCK, RANGE_NONNEG },
    [M_VACANT_UNCOVERED] = { "vacancies_uncovered_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
    [M_COST_SICKNESS] = { "cost_sickness", "£", METRIC_FLOW, RANGE_NONNEG },
    [M_SUPERNUMERARY] = { "supernumerary_fte", "FTE", METRIC_STOCK, RANGE_NONNEG },
};

struct kdef {
    const char *name, *unit, *descr;
    int better;
    enum value_range range;
};

static const struct kdef kpis[K_COUNT] = {
    [K_BACKLOG_MEAN] = { "backlog_mean", "cases", "unallocated cases, time average over the horizon", -1, RANGE_NONNEG },
    [K_BACKLOG_END] = { "backlog_end", "cases", "unallocated cases at the end of the horizon", -1, RANGE_NONNEG },
    [K_CHILD_DAYS_UNALLOCATED] = { "child_days_unallocated", "child-days", "total days children waited unallocated", -1, RANGE_NONNEG },
    [K_CHILD_DAYS_OVER] = { "child_days_over_threshold", "child-days", "days waited beyond the wait threshold", -1, RANGE_NONNEG },
    [K_WAITING_OVER_END] = { "waiting_over_threshold_end", "cases", "cases waiting beyond the threshold at the end", -1, RANGE_NONNEG },
    [K_MEAN_WAIT] = { "mean_wait_days", "days", "mean wait to allocation of every allocation", -1, RANGE_NONNEG },
    [K_CASELOAD_MEAN] = { "caseload_mean", "caseload points", "mean caseload of case-holders at work, over period ends", -1, RANGE_NONNEG },
    [K_STAFF_IN_POST_MEAN] = { "staff_in_post_mean", "FTE", "permanent staff in post, time average", 1, RANGE_NONNEG },
    [K_VACANCY_RATE] = { "vacancy_rate_mean", "share", "vacant share of establishment, mean over period ends", -1, RANGE_UNIT },
    [K_SICKNESS_RATE] = { "sickness_rate_mean", "share", "share of contracted FTE-days lost to sickness", -1, RANGE_UNIT },
    [K_AGENCY_FTE_MEAN] = { "agency_fte_mean", "FTE", "agency workers engaged, time average", -1, RANGE_NONNEG },
    [K_AGENCY_SHARE_COST] = { "agency_share_of_staff_cost", "share", "agency cost / (staff + agency cost)", -1, RANGE_UNIT },
    [K_TURNOVER_RATE] = { "turnover_rate", "per year", "permanent leavers per FTE-year in post", -1, RANGE_NONNEG },
    [K_REALLOCATIONS] = { "reallocations_total", "cases",
                          "cases returned to the queue: by leavers, long sickness, agency cover ending, progression",
                          -1, RANGE_NONNEG },
    [K_CHANGES_PER_CLOSED] = { "worker_changes_per_closed_case", "changes", "mean worker changes of the cases that closed", -1, RANGE_NONNEG },
    [K_REFERRALS] = { "referrals_total", "referrals", "referrals received", 0, RANGE_NONNEG },
    [K_CLOSED] = { "closed_total", "cases", "cases closed", 0, RANGE_NONNEG },
    [K_COST_TOTAL] = { "cost_total", "£", "total cost over the horizon", 0, RANGE_NONNEG },
    [K_COST_NPV] = { "cost_npv", "£", "net present value of the cost at the discount rate", 0, RANGE_NONNEG },
    [K_COST_STAFF] = { "cost_staff_total", "£", "salaries and on-costs", 0, RANGE_NONNEG },
    [K_COST_AGENCY] = { "cost_agency_total", "£", "agency charges", 0, RANGE_NONNEG },
    [K_COST_RECRUITMENT] = { "cost_recruitment_total", "£", "recruitment campaigns", 0, RANGE_NONNEG },
    [K_COST_TRAINING] = { "cost_training_total", "£", "training of newly qualified starters", 0, RANGE_NONNEG },
    [K_COST_INTERVENTIONS] = { "cost_interventions_total", "£", "interventions' one-off and yearly costs", 0, RANGE_NONNEG },
    [K_COST_SICKNESS] = { "cost_sickness_total", "£", "pay of staff off sick (part of staff cost)", 0, RANGE_NONNEG },
    [K_BACKLOG_CLEAR_DAY] = { "backlog_clear_day", "days from start",
                              "first period end from which unallocated stays <= pathway.clear_below for "
                              "pathway.clear_periods period ends, in days after the start date (NA: not within "
                              "the horizon)",
                              -1, RANGE_NONNEG },
    [K_BACKLOG_NEVER_CLEARS] = { "backlog_never_clears", "share",
                                 "share of replications whose backlog never cleared within the horizon", -1,
                                 RANGE_UNIT },
};

/* How each KPI is summarised across replications (sim/result.h): a mean
 * unless said here. */
static const enum kpi_stat kpi_stat_of[K_COUNT] = {
    [K_BACKLOG_CLEAR_DAY] = KPI_STAT_TIME_TO,
    [K_BACKLOG_NEVER_CLEARS] = KPI_STAT_SHARE,
};

/* The KPIs whose unit is a count a committee can put a price on — cases,
 * days, child-days, FTE — so that "£ per unit gained" means something: only
 * these get a cost per unit in compare, and only these can rank options
 * (compare --rank). A rate, share, score, ratio or cost is not priceable
 * (£203m "per unit of vacancy rate" prices a 100-point change nobody
 * buys); a KPI not listed here is not. */
static const bool priceable[K_COUNT] = {
    [K_BACKLOG_MEAN] = true,
    [K_BACKLOG_END] = true,
    [K_CHILD_DAYS_UNALLOCATED] = true,
    [K_CHILD_DAYS_OVER] = true,
    [K_WAITING_OVER_END] = true,
    [K_MEAN_WAIT] = true,
    [K_STAFF_IN_POST_MEAN] = true,
    [K_AGENCY_FTE_MEAN] = true,
    [K_REALLOCATIONS] = true,
};

static const struct def year_fixed[Y_FIXED_COUNT] = {
    [Y_COST_STAFF] = { "cost_staff", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_AGENCY] = { "cost_agency", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_RECRUITMENT] = { "cost_recruitment", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_TRAINING] = { "cost_training", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_INTERVENTIONS] = { "cost_interventions", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_SICKNESS] = { "cost_sickness", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_TOTAL] = { "cost_total", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_DISCOUNT_FACTOR] = { "discount_factor", "factor", METRIC_FLOW, RANGE_NONNEG },
    [Y_COST_DISCOUNTED] = { "cost_total_discounted", "£", METRIC_FLOW, RANGE_NONNEG },
    [Y_IN_POST] = { "staff_in_post_fte_mean", "FTE", METRIC_FLOW, RANGE_NONNEG },
    [Y_AGENCY] = { "agency_fte_mean", "FTE", METRIC_FLOW, RANGE_NONNEG },
    [Y_VACANCIES] = { "vacancies_fte_mean", "FTE", METRIC_FLOW, RANGE_NONNEG },
    [Y_REFERRALS] = { "referrals", "referrals", METRIC_FLOW, RANGE_NONNEG },
    [Y_BACKLOG_END] = { "backlog_end", "cases", METRIC_STOCK, RANGE_NONNEG },
};

static void set_metric(struct metric_def *d, const char *name, const char *unit, enum metric_kind kind,
                       enum value_range range)
{
    d->name = check_strdup(name);
    d->unit = check_strdup(unit);
    d->kind = kind;
    d->range = range;
}

/* Per-stage and per-grade columns follow the fixed ones; the labour
 * market's (market.h), when it is on, come last. */
size_t metrics_count(const struct scenario *sc)
{
    return M_FIXED_COUNT + 2 * sc->n_stages + sc->n_grades + (market_on(sc) ? MM_COUNT : 0);
}

void metrics_name(const struct scenario *sc, size_t i, char *buf, size_t size)
{
    CHECK(i < metrics_count(sc));
    if (i < M_FIXED_COUNT)
        snprintf(buf, size, "%s", fixed[i].name);
    else if ((i -= M_FIXED_COUNT) < sc->n_stages)
        snprintf(buf, size, "open_%s", sc->stage[i].name);
    else if ((i -= sc->n_stages) < sc->n_stages)
        snprintf(buf, size, "unallocated_%s", sc->stage[i].name);
    else if ((i -= sc->n_stages) < sc->n_grades)
        snprintf(buf, size, "in_post_%s", sc->grade[i].name);
    else {
        const char *name, *unit;
        bool flow;
        market_metric_def(i - sc->n_grades, &name, &unit, &flow);
        snprintf(buf, size, "%s", name);
    }
}

long metrics_find(const struct scenario *sc, const char *name)
{
    char buf[300];
    for (size_t i = 0; i < metrics_count(sc); i++) {
        metrics_name(sc, i, buf, sizeof buf);
        if (strcmp(buf, name) == 0)
            return (long)i;
    }
    return -1;
}

size_t metrics_clear_period(const double *unallocated, size_t n, double below, size_t need)
{
    if (need == 0) {
        /* the start of the run that lasts to the end of the horizon */
        size_t p = n;
        while (p > 0 && unallocated[p - 1] <= below)
            p--;
        return p;
    }
    size_t run = 0;
    for (size_t p = 0; p < n; p++) {
        run = unallocated[p] <= below ? run + 1 : 0;
        if (run == need)
            return p + 1 - need;
    }
    return n;
}

/* The end of period p (0-based) reported from day `from`, in days from day
 * 0: calendar steps, the last clipped to the horizon. */
static double metrics_period_end_day(const struct scenario *sc, double from, double horizon, size_t p)
{
    double day = scenario_period_boundary(sc, from, (int)p + 1);
    return day > horizon ? horizon : day;
}

/* Period boundaries in days from day 0: the reporting start, then calendar
 * steps, the last clipped to the horizon. */
static size_t period_ends(const struct scenario *sc, double **ends, char (**dates)[DATE_TEXT_SIZE])
{
    double horizon = scenario_horizon_days(sc, NULL);
    double from = scenario_report_start(sc, NULL);
    size_t cap = 64, n = 0;
    *ends = check_malloc(cap * sizeof **ends);
    *dates = check_malloc(cap * sizeof **dates);
    for (int k = 1;; k++) {
        double day = metrics_period_end_day(sc, from, horizon, (size_t)k - 1);
        if (n == cap) {
            cap *= 2;
            *ends = check_realloc(*ends, cap * sizeof **ends);
            *dates = check_realloc(*dates, cap * sizeof **dates);
        }
        (*ends)[n] = day;
        /* the label is the period's last day */
        date_format(date_from_days(date_to_days(sc->start) + (long)day - 1), (*dates)[n]);
        n++;
        if (day >= horizon)
            break;
    }
    return n;
}

int metrics_fy_of_day(const struct scenario *sc, double day)
{
    struct date d = date_from_days(date_to_days(sc->start) + (long)floor(day));
    int first = (int)sc->reg.p[sc->p_year_start_month].value;
    return d.month >= first ? d.year : d.year - 1;
}

/* Day (from the scenario's start) on which the financial year starting in
 * calendar year fy starts. */
static double fy_start_day(const struct scenario *sc, int fy)
{
    struct date d = { fy, (int)sc->reg.p[sc->p_year_start_month].value, 1 };
    return (double)date_diff(sc->start, d);
}

/* An intervention's name as a column suffix: lower case, anything but a
 * letter or digit made '_'; "_2", "_3", ... added when an earlier one took
 * it. */
static void iv_slug(const struct scenario *sc, size_t i, char *buf, size_t size)
{
    char base[256];
    size_t n = 0;
    for (const char *c = sc->iv[i].name; *c && n + 1 < sizeof base; c++) {
        unsigned char ch = (unsigned char)*c;
        base[n++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a')
                    : ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) ? (char)ch : '_';
    }
    base[n] = '\0';
    snprintf(buf, size, "%s", base);
    for (int k = 2;; k++) {
        bool taken = false;
        char other[300];
        for (size_t j = 0; j < i && !taken; j++) {
            iv_slug(sc, j, other, sizeof other);
            taken = strcmp(other, buf) == 0;
        }
        if (!taken)
            return;
        snprintf(buf, size, "%s_%d", base, k);
    }
}

/* The financial years that meet the reporting span: labels, ends (the last
 * clipped to the horizon) and days inside the span. */
static struct result_layout *years_layout(const struct scenario *sc)
{
    struct result_layout *y = check_calloc(1, sizeof *y);
    double horizon = scenario_horizon_days(sc, NULL), from = scenario_report_start(sc, NULL);
    int fy = metrics_fy_of_day(sc, from);
    bool calendar = (int)sc->reg.p[sc->p_year_start_month].value == 1;
    size_t cap = 8;
    y->date = check_malloc(cap * sizeof *y->date);
    y->period_end = check_malloc(cap * sizeof *y->period_end);
    y->days = check_malloc(cap * sizeof *y->days);
    for (double begin = from;; fy++) {
        double end = fy_start_day(sc, fy + 1);
        if (end > horizon)
            end = horizon;
        if (y->n_periods == cap) {
            cap *= 2;
            y->date = check_realloc(y->date, cap * sizeof *y->date);
            y->period_end = check_realloc(y->period_end, cap * sizeof *y->period_end);
            y->days = check_realloc(y->days, cap * sizeof *y->days);
        }
        if (calendar)
            snprintf(y->date[y->n_periods], DATE_TEXT_SIZE, "%d", fy);
        else
            snprintf(y->date[y->n_periods], DATE_TEXT_SIZE, "%d-%02d", fy, (fy + 1) % 100);
        y->period_end[y->n_periods] = end;
        y->days[y->n_periods] = end - begin;
        y->n_periods++;
        if (end >= horizon)
            break;
        begin = end;
    }
    y->n_metrics = Y_FIXED_COUNT + 2 * sc->n_iv;
    y->metric = check_calloc(y->n_metrics, sizeof *y->metric);
    for (size_t i = 0; i < Y_FIXED_COUNT; i++)
        set_metric(&y->metric[i], year_fixed[i].name, year_fixed[i].unit, year_fixed[i].kind, year_fixed[i].range);
    char slug[300], name[320];
    for (size_t i = 0; i < sc->n_iv; i++) {
        iv_slug(sc, i, slug, sizeof slug);
        snprintf(name, sizeof name, "cost_once_%s", slug);
        set_metric(&y->metric[Y_FIXED_COUNT + 2 * i], name, "£", METRIC_FLOW, RANGE_NONNEG);
        snprintf(name, sizeof name, "cost_recurring_%s", slug);
        set_metric(&y->metric[Y_FIXED_COUNT + 2 * i + 1], name, "£", METRIC_FLOW, RANGE_NONNEG);
    }
    y->kpi = check_calloc(1, sizeof *y->kpi);
    return y;
}

void metrics_layout(const struct scenario *sc, struct result_layout *l)
{
    memset(l, 0, sizeof *l);
    l->n_metrics = metrics_count(sc);
    l->metric = check_calloc(l->n_metrics, sizeof *l->metric);
    char name[300];
    for (size_t i = 0; i < l->n_metrics; i++) {
        metrics_name(sc, i, name, sizeof name);
        if (i < M_FIXED_COUNT)
            set_metric(&l->metric[i], name, fixed[i].unit, fixed[i].kind, fixed[i].range);
        else if (i < M_FIXED_COUNT + 2 * sc->n_stages)
            set_metric(&l->metric[i], name, "cases", METRIC_STOCK, RANGE_NONNEG);
        else if (i < M_FIXED_COUNT + 2 * sc->n_stages + sc->n_grades)
            set_metric(&l->metric[i], name, "FTE", METRIC_STOCK, RANGE_NONNEG);
        else {
            const char *mname, *unit;
            bool flow;
            market_metric_def(i - (M_FIXED_COUNT + 2 * sc->n_stages + sc->n_grades), &mname, &unit, &flow);
            set_metric(&l->metric[i], name, unit, flow ? METRIC_FLOW : METRIC_STOCK, RANGE_NONNEG);
        }
    }
    l->n_periods = period_ends(sc, &l->period_end, &l->date);
    l->n_kpis = K_COUNT + 2 * sc->n_risks + (market_on(sc) ? MK_COUNT : 0);
    l->kpi = check_calloc(l->n_kpis, sizeof *l->kpi);
    for (size_t k = 0; k < K_COUNT; k++) {
        l->kpi[k].name = check_strdup(kpis[k].name);
        l->kpi[k].unit = check_strdup(kpis[k].unit);
        l->kpi[k].descr = check_strdup(kpis[k].descr);
        l->kpi[k].better = kpis[k].better;
        l->kpi[k].range = kpis[k].range;
        l->kpi[k].stat = kpi_stat_of[k];
        l->kpi[k].priceable = priceable[k] && kpis[k].better != 0;
    }
    for (size_t r = 0; r < sc->n_risks; r++) {
        const struct risk_spec *rs = &sc->risk[r];
        char value[64], descr[512];
        scenario_risk_value_text(rs->above, value, sizeof value);
        for (int end = 0; end < 2; end++) {
            struct kpi_def *kd = &l->kpi[K_COUNT + 2 * r + (size_t)end];
            snprintf(name, sizeof name, "risk_%s_%s", end ? "end" : "any", rs->slug);
            snprintf(descr, sizeof descr, "probability that %s exceeds %s %s", rs->metric, value,
                     end ? "at the last period end" : "at any period end");
            kd->name = check_strdup(name);
            kd->unit = check_strdup("probability");
            kd->descr = check_strdup(descr);
            kd->better = -1;
            kd->range = RANGE_UNIT;
            kd->stat = KPI_STAT_SHARE;
        }
    }
    for (size_t j = 0; market_on(sc) && j < MK_COUNT; j++) {
        struct kpi_def *kd = &l->kpi[K_COUNT + 2 * sc->n_risks + j];
        const char *kname, *unit, *descr;
        market_kpi_def(j, &kname, &unit, &descr, &kd->better);
        kd->name = check_strdup(kname);
        kd->unit = check_strdup(unit);
        kd->descr = check_strdup(descr);
        kd->range = RANGE_NONNEG;
        kd->stat = KPI_STAT_MEAN;
        kd->priceable = false;
    }
    l->years = years_layout(sc);
}

/* Zero the tallies of a financial year, which starts now. */
static void metrics_year_start(struct model *m)
{
    for (int k = 0; k < COST_CATS; k++)
        m->cost.year[k] = 0;
    m->cost.year_pv = m->cost.sick_year = 0;
    for (size_t i = 0; i < m->sc->n_iv; i++)
        m->iv_money[i].once = m->iv_money[i].recurring = 0;
    m->in_year = (struct integrals){ .since = m->sim.now };
    m->year_vacant = 0;
    m->year_periods = 0;
    m->year_referrals = m->flow_total.referrals + m->flow.referrals;
}

bool metrics_kpi_discounted(const char *name)
{
    return strcmp(name, kpis[K_COST_NPV].name) == 0;
}

void metrics_reset(struct model *m)
{
    memset(&m->flow, 0, sizeof m->flow);
    memset(&m->flow_total, 0, sizeof m->flow_total);
    memset(&m->in_period, 0, sizeof m->in_period);
    memset(&m->in_total, 0, sizeof m->in_total);
    m->in_period.since = m->in_total.since = m->sim.now;
    m->kpi_wait_over = 0;
    m->kpi_changes_closed = m->kpi_cases_closed = 0;
    for (int k = 0; k < COST_CATS; k++)
        m->cost.period[k] = m->cost.total[k] = 0;
    m->cost.sick_period = m->cost.sick_total = 0;
    m->cost.since = m->sim.now;
    metrics_year_start(m);
    m->year = 0;
    for (int k = 0; k < COST_CATS; k++)
        m->years_cost[k] = 0;
    m->years_sick = m->years_total = m->years_discounted = 0;
    memset(m->snapshots, 0, KPI_SNAPSHOTS * sizeof *m->snapshots);
    market_reset_tallies(m);
}

/* Rearrange x[0..n) so that x[k] holds what a sort would put there, nothing
 * after it is smaller and nothing before it larger (Hoare's selection, as
 * Wirth writes it): O(n) on average, against O(n log n) for a full sort. */
static void select_kth(double *x, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (lo < hi) {
        double pivot = x[kk];
        ptrdiff_t i = lo, j = hi;
        do {
            while (x[i] < pivot)
                i++;
            while (pivot < x[j])
                j--;
            if (i <= j) {
                double t = x[i];
                x[i++] = x[j];
                x[j--] = t;
            }
        } while (i <= j);
        if (j < kk)
            lo = i;
        if (kk < i)
            hi = j;
    }
}

/* Mean and 90th percentile (linear interpolation) of case-holders' loads,
 * and their mean effective cap. */
void metrics_caseload(const struct model *m, double *mean, double *cap)
{
    size_t n = 0;
    double sum = 0, caps = 0;
    for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
        const struct worker *w = &m->w[wi];
        if (w->status == W_AT_WORK && m->sc->grade[w->grade].holds_cases) {
            n++;
            sum += w->load;
            caps += w->cap;
        }
    }
    *mean = n ? sum / (double)n : 0;
    *cap = n ? caps / (double)n : 0;
}

static void caseloads(struct model *m, double *mean, double *p90, double *cap)
{
    size_t n = 0;
    double sum = 0, caps = 0;
    if (m->n_scratch < m->n_worker_slots) {
        m->n_scratch = m->n_worker_slots;
        m->scratch = check_realloc(m->scratch, m->n_scratch * sizeof *m->scratch);
    }
    for (size_t wi = 0; wi < m->n_worker_slots; wi++) {
        const struct worker *w = &m->w[wi];
        if (w->status == W_AT_WORK && m->sc->grade[w->grade].holds_cases) {
            m->scratch[n++] = w->load;
            sum += w->load;
            caps += w->cap;
        }
    }
    if (n == 0) {
        *mean = *p90 = *cap = 0;
        return;
    }
    *cap = caps / (double)n;
    *mean = sum / (double)n;
    double pos = 0.9 * (double)(n - 1);
    size_t lo = (size_t)pos;
    double frac = pos - (double)lo;
    /* The order statistics lo and lo + 1, as a sort would give them: select
     * the first, then the second is the least of what lies above it. */
    double *x = m->scratch;
    select_kth(x, n, lo);
    double next = x[lo];
    if (lo + 1 < n) {
        next = x[lo + 1];
        for (size_t i = lo + 2; i < n; i++)
            if (x[i] < next)
                next = x[i];
    }
    *p90 = lo + 1 < n ? x[lo] * (1 - frac) + next * frac : x[lo];
}

void metrics_period_end(struct model *m, size_t p)
{
    const struct scenario *sc = m->sc;
    costs_advance(m);
    metrics_advance(m);
    double *row = m->out->values + p * metrics_count(sc);
    const struct flows *f = &m->flow;
    double in_post = m->fte_in_post_all, sick = m->fte_sick_all;
    double vacant = posts_vacancies(m), establishment = posts_establishment(m);
    double cl_mean, cl_p90, cl_cap;
    caseloads(m, &cl_mean, &cl_p90, &cl_cap);

    row[M_REFERRALS] = f->referrals;
    row[M_SCREENED_OUT] = f->screened_out;
    row[M_OPEN_CASES] = (double)m->open_cases;
    row[M_ALLOCATED] = (double)(m->open_cases - m->n_queued);
    row[M_UNALLOCATED] = (double)m->n_queued;
    row[M_WAITING_OVER] = (double)pathway_waiting_over(m, m->pv[sc->p_wait_threshold]);
    row[M_MEAN_WAIT] = f->allocations > 0 ? f->wait_sum / f->allocations : NAN;
    row[M_REALLOCATIONS] = f->reallocations;
    row[M_CLOSED] = f->closed;
    row[M_IN_POST] = in_post;
    row[M_SICK] = sick;
    row[M_VACANCIES] = vacant;
    row[M_AGENCY] = m->agency_fte;
    row[M_UNSUPERVISED] = workers_unsupervised(m, NULL);
    row[M_CASELOAD_MEAN] = cl_mean;
    row[M_CASELOAD_P90] = cl_p90;
    row[M_STARTERS] = f->starters;
    row[M_LEAVERS] = f->leavers;
    row[M_SICKNESS_RATE] = m->in_period.in_post > 0 ? m->in_period.sick / m->in_period.in_post : 0;
    double total = 0;
    for (int k = 0; k < COST_CATS; k++) {
        row[M_COST_STAFF + k] = m->cost.period[k];
        total += m->cost.period[k];
    }
    row[M_COST_TOTAL] = total;
    double cumulative = 0;
    for (int k = 0; k < COST_CATS; k++)
        cumulative += m->cost.total[k];
    row[M_COST_CUMULATIVE] = cumulative;
    row[M_ESTABLISHMENT] = establishment;
    row[M_ALLOCATIONS] = f->allocations;
    row[M_AGENCY_STARTS] = f->agency_starts;
    row[M_CASELOAD_CAP] = cl_cap;
    row[M_VACANT_UNCOVERED] = posts_vacancies_uncovered(m);
    row[M_SUPERNUMERARY] = posts_supernumerary(m);
    row[M_COST_SICKNESS] = m->cost.sick_period;
    m->cost.sick_period = 0;
    for (size_t s = 0; s < sc->n_stages; s++) {
        row[M_FIXED_COUNT + s] = (double)m->open_in_stage[s];
        row[M_FIXED_COUNT + sc->n_stages + s] = (double)m->queued_in_stage[s];
    }
    for (size_t g = 0; g < sc->n_grades; g++)
        row[M_FIXED_COUNT + 2 * sc->n_stages + g] = sc->grade[g].agency ? m->agency_fte : m->g[g].fte_in_post;
    if (m->market)
        market_period_end(m, row + M_FIXED_COUNT + 2 * sc->n_stages + sc->n_grades,
                          sc->agency_grade >= 0 ? m->pv[sc->grade[sc->agency_grade].p_day_rate] * costs_day_rate_factor(m)
                                                : 0);

    m->year_vacant += vacant;
    m->year_periods++;
    /* period-end stocks averaged for KPIs */
    m->snapshots[SNAP_CASELOAD_MEAN] += cl_mean;
    m->snapshots[SNAP_VACANCY_RATE] += establishment > 0 ? vacant / establishment : 0;

    /* the next period starts from zero */
    m->flow_total.referrals += f->referrals;
    m->flow_total.screened_out += f->screened_out;
    m->flow_total.closed += f->closed;
    m->flow_total.reallocations += f->reallocations;
    m->flow_total.starters += f->starters;
    m->flow_total.leavers += f->leavers;
    m->flow_total.allocations += f->allocations;
    m->flow_total.wait_sum += f->wait_sum;
    m->flow_total.agency_starts += f->agency_starts;
    memset(&m->flow, 0, sizeof m->flow);
    for (int k = 0; k < COST_CATS; k++)
        m->cost.period[k] = 0;
    m->in_period = (struct integrals){ .since = m->sim.now };
    m->period = p + 1;
}

/* The backlog's clearance and the risks, from the rows of series.csv
 * already written for this replication (periods of them). */
static void planner_kpis(struct model *m, size_t periods)
{
    const struct scenario *sc = m->sc;
    size_t nm = metrics_count(sc);
    const double *v = m->out->values;
    double *k = m->out->kpi;
    if (m->n_scratch < periods + 1) {
        m->n_scratch = periods + 1;
        m->scratch = check_realloc(m->scratch, m->n_scratch * sizeof *m->scratch);
    }
    for (size_t p = 0; p < periods; p++)
        m->scratch[p] = v[p * nm + M_UNALLOCATED];
    size_t need = (size_t)m->pv[sc->p_clear_periods];
    size_t p = metrics_clear_period(m->scratch, periods, m->pv[sc->p_clear_below], need);
    /* the date series.csv gives that period end: the day before its boundary */
    k[K_BACKLOG_CLEAR_DAY] = p < periods ? metrics_period_end_day(sc, m->warmup, m->horizon, p) - 1 : INFINITY;
    k[K_BACKLOG_NEVER_CLEARS] = p < periods ? 0 : 1;
    for (size_t r = 0; r < sc->n_risks; r++) {
        const struct risk_spec *rs = &sc->risk[r];
        bool any = false;
        for (size_t q = 0; q < periods; q++)
            any = any || v[q * nm + rs->column] > rs->above;
        k[K_COUNT + 2 * r] = any;
        k[K_COUNT + 2 * r + 1] = periods > 0 && v[(periods - 1) * nm + rs->column] > rs->above;
    }
}

/* The row of the financial year now ending (m->year), then the next. */
static void year_close(struct model *m)
{
    const struct scenario *sc = m->sc;
    size_t y = m->year;
    CHECK(y < m->years->n_periods);
    double *row = m->out->years + y * m->years->n_metrics;
    const struct costs *c = &m->cost;
    double total = 0;
    for (int k = 0; k < COST_CATS; k++) {
        row[Y_COST_STAFF + k] = c->year[k];
        total += c->year[k];
        m->years_cost[k] += c->year[k];
    }
    row[Y_COST_SICKNESS] = c->sick_year;
    row[Y_COST_TOTAL] = total;
    double discounted;
    if (sc->discounting == DISCOUNT_ANNUAL) {
        int base = (int)m->pv[sc->p_discount_base_year];
        if (base == 0)
            base = metrics_fy_of_day(sc, m->warmup > 0 ? m->warmup : 0);
        int t = metrics_fy_of_day(sc, m->warmup > 0 ? m->warmup : 0) + (int)y - base;
        row[Y_DISCOUNT_FACTOR] = pow(1.0 + m->pv[sc->p_discount], -(double)t);
        discounted = row[Y_DISCOUNT_FACTOR] * total;
    } else {
        discounted = c->year_pv;
        row[Y_DISCOUNT_FACTOR] = total > 0 ? discounted / total : NAN;
    }
    row[Y_COST_DISCOUNTED] = discounted;
    double days = m->sim.now - (y > 0 ? m->years->period_end[y - 1] : (m->warmup > 0 ? m->warmup : 0));
    row[Y_IN_POST] = days > 0 ? m->in_year.in_post / days : NAN;
    row[Y_AGENCY] = days > 0 ? m->in_year.agency / days : NAN;
    row[Y_VACANCIES] = m->year_periods ? m->year_vacant / (double)m->year_periods : NAN;
    row[Y_REFERRALS] = m->flow_total.referrals + m->flow.referrals - m->year_referrals;
    row[Y_BACKLOG_END] = (double)m->n_queued;
    for (size_t i = 0; i < sc->n_iv; i++) {
        row[Y_FIXED_COUNT + 2 * i] = m->iv_money[i].once;
        row[Y_FIXED_COUNT + 2 * i + 1] = m->iv_money[i].recurring;
    }
    m->years_sick += c->sick_year;
    m->years_total += total;
    m->years_discounted += discounted;
    m->year = y + 1;
    metrics_year_start(m);
}

void metrics_year_end(struct model *m, size_t y)
{
    costs_advance(m);
    metrics_advance(m);
    CHECK(y == m->year && m->sim.now == m->years->period_end[y]);
    year_close(m);
}

void metrics_finish(struct model *m)
{
    const struct scenario *sc = m->sc;
    double *k = m->out->kpi;
    double span = m->horizon - m->warmup;
    const struct flows *f = &m->flow_total;
    const struct integrals *in = &m->in_total;
    size_t periods = m->period;
    pathway_close_wait_tally(m);
    costs_advance(m);
    metrics_advance(m);
    year_close(m);
    CHECK(m->year == m->years->n_periods);

    k[K_BACKLOG_MEAN] = in->unallocated / span;
    k[K_BACKLOG_END] = (double)m->n_queued;
    k[K_CHILD_DAYS_UNALLOCATED] = in->unallocated;
    k[K_CHILD_DAYS_OVER] = m->kpi_wait_over;
    k[K_WAITING_OVER_END] = (double)pathway_waiting_over(m, m->pv[sc->p_wait_threshold]);
    k[K_MEAN_WAIT] = f->allocations > 0 ? f->wait_sum / f->allocations : NAN;
    k[K_CASELOAD_MEAN] = periods ? m->snapshots[SNAP_CASELOAD_MEAN] / (double)periods : 0;
    k[K_STAFF_IN_POST_MEAN] = in->in_post / span;
    k[K_VACANCY_RATE] = periods ? m->snapshots[SNAP_VACANCY_RATE] / (double)periods : 0;
    k[K_SICKNESS_RATE] = in->in_post > 0 ? in->sick / in->in_post : 0;
    k[K_AGENCY_FTE_MEAN] = in->agency / span;
    double staff = m->years_cost[COST_STAFF], agency = m->years_cost[COST_AGENCY];
    k[K_AGENCY_SHARE_COST] = staff + agency > 0 ? agency / (staff + agency) : 0;
    k[K_TURNOVER_RATE] = in->in_post > 0 ? f->leavers / (in->in_post / SCENARIO_DAYS_PER_YEAR) : 0;
    k[K_REALLOCATIONS] = f->reallocations;
    k[K_CHANGES_PER_CLOSED] = m->kpi_cases_closed > 0 ? m->kpi_changes_closed / m->kpi_cases_closed : 0;
    k[K_REFERRALS] = f->referrals;
    k[K_CLOSED] = f->closed;
    /* The totals are the sums of the financial years' (years.csv), in
     * year order, so that those add up to them exactly. */
    for (int c = 0; c < COST_CATS; c++)
        k[K_COST_STAFF + c] = m->years_cost[c];
    k[K_COST_TOTAL] = m->years_total;
    k[K_COST_NPV] = m->years_discounted;
    k[K_COST_SICKNESS] = m->years_sick;
    planner_kpis(m, periods);
    if (m->market)
        market_kpis(m, k + K_COUNT + 2 * sc->n_risks);
}
