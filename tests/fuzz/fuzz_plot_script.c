/* fuzz_plot_script.c — libFuzzer harness for the gnuplot script writers
 * (output/plot_script.c, plot_run.c, plot_compare.c, plot_sweep.c).
 *
 * The input becomes the facts a script is written from: its bytes choose
 * the sizes, flags and numbers, and its text, cut at NUL bytes, gives every
 * string that comes from outside the program (scenario and alternative
 * names, lever parameters and units, KPI units, tornado parameters) — any
 * bytes at all. Each of the five scripts (run, text chart, comparison,
 * sweep, tornado) is written and must pass gp_script_inert: no line that
 * could run a command (no raw line break inside a string, no < or | file
 * name, no backquote or @, no system, only constant file names). A script
 * that fails aborts, with its reason and text.
 *
 * Built and run by `make fuzz` (docs/robustness.md). */
#include "output/plot_data.h"
#include "output/plot_script.h"
#include "sim/check.h"
#include "tests/fuzz/fuzz_common.h"

#include <math.h>

int FUZZ_ENTRY(const uint8_t *data, size_t size);

/* The input, consumed from both ends: numbers from the front, strings
 * (NUL-separated) from the rest. */
struct feed {
    const uint8_t *data;
    size_t size, pos;
    const char *text;       /* the strings' bytes, NUL-terminated copy */
    size_t text_size, text_pos;
};

static unsigned feed_byte(struct feed *f)
{
    return f->pos < f->size ? f->data[f->pos++] : 0;
}

static double feed_number(struct feed *f)
{
    static const double odd[] = { 0, 1, -1, 0.5, 12.385, 1e3, 1e4, 1e6, 5e7, -3e6, 1e-9, 1e300 };
    unsigned b = feed_byte(f);
    return b < 128 ? odd[b % (sizeof odd / sizeof *odd)] : (double)(b - 128) * 123.4567;
}

static const char *feed_string(struct feed *f)
{
    if (f->text_pos >= f->text_size)
        return "";
    const char *s = f->text + f->text_pos;
    f->text_pos += strlen(s) + 1;
    return s;
}

static void series(struct feed *f, struct plot_series *s)
{
    unsigned b = feed_byte(f);
    s->mean = b & 1;
    s->bands = b & 2;
    s->max_mean = fabs(feed_number(f));
    /* a metric whose every mean is zero leaves a stacked chart without a
     * layer, which gp_plot_done refuses (a separate defect, fixed apart):
     * not sought here */
    if (s->mean && s->max_mean == 0)
        s->max_mean = 1;
    s->max = fmax(s->max_mean, fabs(feed_number(f)));
}

static void run_facts(struct feed *f, struct plot_run_facts *r)
{
    static const char *const periods[] = { "week", "month", "quarter", "period" };
    memset(r, 0, sizeof *r);
    r->scenario = check_strdup(feed_string(f));
    r->period = check_strdup(periods[feed_byte(f) % 4]);
    r->reps = feed_byte(f);
    r->date_column = 1 + (int)(feed_byte(f) % 12);
    r->days = (long)(feed_byte(f) * 17);
    r->periods = 1 + feed_byte(f) % 64;
    struct date first = { 2024, 1 + (int)(feed_byte(f) % 12), 28 };
    date_format(first, r->first);
    date_format(date_from_days(date_to_days(first) + r->days), r->last);
    for (int m = 0; m < PLOT_M_COUNT; m++)
        series(f, &r->s[m]);
}

static void check_script(char *script, const char *what)
{
    char why[256];
    if (script && !gp_script_inert(script, why, sizeof why)) {
        fprintf(stderr, "%s script not inert: %s\n%s", what, why, script);
        abort();
    }
    free(script);
}

/* A valid KPI name (readers refuse others). */
static const char *kpi_name(struct feed *f)
{
    static const char *const names[] = { "backlog_mean", "cost_total", "mean_wait_days", "x", "K9_z" };
    return names[feed_byte(f) % 5];
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    /* the first quarter (at most 512 bytes) drives the numbers, the rest the strings */
    size_t head = size / 4 < 512 ? size / 4 : 512;
    char *text = malloc(size - head + 1);
    if (!text)
        return 0;
    memcpy(text, data + head, size - head);
    text[size - head] = '\0';
    struct feed f = { data, head, 0, text, size - head, 0 };
    struct plot_charts charts;

    /* a run, and its text chart */
    struct plot_run_facts r;
    run_facts(&f, &r);
    check_script(plot_run_script(&r, feed_byte(&f), &charts), "run");
    check_script(plot_terminal_script(&r, 20 + (int)feed_byte(&f), 5 + (int)(feed_byte(&f) % 40)), "text chart");

    /* a comparison */
    struct plot_compare_facts c;
    memset(&c, 0, sizeof c);
    c.n_scenarios = 1 + feed_byte(&f) % 6;
    c.scenario = check_calloc(c.n_scenarios, sizeof *c.scenario);
    for (size_t i = 0; i < c.n_scenarios; i++) {
        c.scenario[i].name = check_strdup(feed_string(&f));
        c.scenario[i].folder = check_strdup("scenario-1");
        run_facts(&f, &c.scenario[i].run);
    }
    c.n_alternatives = feed_byte(&f) % 7;
    c.alt = check_calloc(c.n_alternatives ? c.n_alternatives : 1, sizeof *c.alt);
    for (size_t i = 0; i < c.n_alternatives; i++) {
        struct plot_alternative *a = &c.alt[i];
        a->name = check_strdup(feed_string(&f));
        a->scenario = feed_byte(&f) % c.n_scenarios;
        a->days = feed_number(&f);
        a->days_low = a->days - fabs(feed_number(&f));
        a->days_high = a->days + fabs(feed_number(&f));
        a->cost = feed_number(&f);
        a->cost_low = feed_byte(&f) & 1 ? NAN : a->cost - 1;
        a->cost_high = a->cost + 1;
    }
    /* its financial years, labelled with any text, and the backlog's
     * differences */
    c.years = feed_byte(&f) % 8;
    c.first_year = 2000 + (int)feed_byte(&f);
    c.year_label = check_calloc(c.years ? c.years : 1, sizeof *c.year_label);
    for (size_t i = 0; i < c.years; i++)
        c.year_label[i] = check_strdup(feed_string(&f));
    c.years_max = fabs(feed_number(&f));
    c.backlog_diff = feed_byte(&f) & 1;
    c.backlog_diff_band = feed_byte(&f) & 1;
    c.backlog_diff_min = -fabs(feed_number(&f));
    c.backlog_diff_max = fabs(feed_number(&f));
    check_script(plot_compare_script(&c, &charts), "comparison");
    plot_compare_facts_free(&c);
    plot_run_facts_free(&r);

    /* a sweep over one or two levers */
    struct plot_sweep_facts s;
    memset(&s, 0, sizeof s);
    s.scenario = check_strdup(feed_string(&f));
    s.reps = feed_byte(&f);
    s.points = 1 + feed_byte(&f);
    s.partial = feed_byte(&f) & 1;
    s.n_levers = 1 + feed_byte(&f) % 2;
    for (size_t i = 0; i < s.n_levers; i++) {
        struct plot_lever *l = &s.lever[i];
        l->parameter = check_strdup(feed_string(&f));
        l->unit = check_strdup(feed_string(&f));
        l->descr = check_strdup(feed_string(&f));
        l->column = 2 + (int)i;
        l->values = 1 + feed_byte(&f) % 15;
        l->value = check_calloc(l->values, sizeof *l->value);
        double v = feed_number(&f), step = 0.5 + fabs(feed_number(&f));
        for (size_t k = 0; k < l->values; k++)
            l->value[k] = v + (double)k * step;
        l->min = l->value[0];
        l->max = l->value[l->values - 1];
        l->gap = l->values > 1 ? step : 0;
        l->has_base = feed_byte(&f) & 1;
        l->base = l->value[feed_byte(&f) % l->values] + (feed_byte(&f) & 1 ? step / 2 : 0);
    }
    s.kpi.name = check_strdup(kpi_name(&f));
    s.kpi.unit = check_strdup(feed_string(&f));
    s.kpi.descr = check_strdup(feed_string(&f));
    unsigned b = feed_byte(&f);
    s.kpi.mean = true;
    s.kpi.ci = b & 1;
    s.kpi.range = b & 2;
    s.kpi.min = feed_number(&f);
    s.kpi.max = s.kpi.min + fabs(feed_number(&f));
    s.kpi.floor = s.kpi.min;
    if (b & 4) {
        s.cost.name = check_strdup("cost_total");
        s.cost.unit = check_strdup("£");
        s.cost.mean = true;
        s.cost.max = fabs(feed_number(&f));
    }
    check_script(plot_sweep_script(&s, &charts), "sweep");
    plot_sweep_facts_free(&s);

    /* a tornado */
    struct plot_tornado_facts t;
    memset(&t, 0, sizeof t);
    t.scenario = check_strdup(feed_string(&f));
    t.reps = feed_byte(&f);
    t.kpi = check_strdup(kpi_name(&f));
    t.unit = check_strdup(feed_string(&f));
    t.spread = feed_byte(&f) & 1 ? NAN : 0.2;
    t.bars = 1 + feed_byte(&f) % 20;
    t.parameter = check_calloc(t.bars, sizeof *t.parameter);
    t.range = check_calloc(t.bars, sizeof *t.range);
    t.descr = check_calloc(t.bars, sizeof *t.descr);
    t.kpi_descr = check_strdup(feed_string(&f));
    for (size_t i = 0; i < t.bars; i++) {
        t.parameter[i] = check_strdup(feed_string(&f));
        t.range[i] = check_strdup(feed_string(&f));
        t.descr[i] = check_strdup(feed_string(&f));
    }
    t.min = feed_number(&f);
    t.max = t.min + fabs(feed_number(&f));
    t.max_swing = fabs(feed_number(&f));
    check_script(plot_tornado_script(&t, &charts), "tornado");
    plot_tornado_facts_free(&t);
    free(text);
    return 0;
}
