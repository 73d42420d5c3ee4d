/* fuzz_scenario.c — libFuzzer harness for the scenario loader.
 *
 * Each input is the text of a scenario file. It is loaded as the command
 * line would load it (conf, scenario_load, validation), with @include lines
 * resolved against $FUZZ_INCLUDE_DIR (default scenarios/; `make fuzz` points
 * it at a copy of the shipped scenarios laid out so that both
 * "base.cfg" and "../base.cfg" resolve). Every message is printed (to
 * /dev/null) so the formatting runs too. A scenario that loads is then put
 * through --set overrides (its own values, and odd ones: NaN, huge, negative)
 * and validated again, and, when the pre-run estimate says it is small, one
 * replication is run.
 *
 * Built and run by `make fuzz` (FUZZ_SECONDS); crashes found are kept as
 * tests/fuzz/crash-*.cfg and replayed by tests/test_robustness.c. */
#include "models/estimate.h"
#include "models/metrics.h"
#include "models/replication.h"
#include "models/scenario.h"
#include "sim/diag.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inputs larger than this are skipped: they only slow the search down. */
#define FUZZ_MAX_INPUT (256 * 1024)
/* One replication is run, over at most this horizon, when it is expected
 * to take fewer events than this. */
#define FUZZ_HORIZON_YEARS 0.5
#define FUZZ_MAX_EVENTS 20000.0

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink_file(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

static void overrides(struct scenario *sc, const uint8_t *data, size_t size)
{
    static const char *const odd[] = { "nan", "inf", "-1", "1e308", "0", "true", "2.5", "" };
    struct diag d;
    diag_init(&d, 4);
    /* Override one parameter (chosen by the input) with an odd value, and
     * every parameter with the value it already has. */
    if (sc->reg.n > 0) {
        size_t i = (size > 0 ? data[0] : 0) % sc->reg.n;
        const char *v = odd[(size > 1 ? data[1] : 0) % (sizeof odd / sizeof *odd)];
        char buf[1024];
        snprintf(buf, sizeof buf, "%s=%s", sc->reg.p[i].path, v);
        scenario_set(sc, buf, "--set", &d);
    }
    scenario_set(sc, "no.such.parameter=1", "--set", &d);
    scenario_set(sc, "=1", "--set", &d);
    diag_print(&d, sink_file(), "caseload");
    diag_free(&d);
}

/* One replication, over at most FUZZ_HORIZON_YEARS (the model's code paths
 * show up early; a long horizon only costs time). */
static void run_one(struct scenario *sc)
{
    struct param *h = &sc->reg.p[sc->p_horizon_years];
    double saved = h->value;
    h->value = fmin(h->value, FUZZ_HORIZON_YEARS);
    if (sc->reg.p[sc->p_warmup_days].value >= scenario_horizon_days(sc, NULL)) {
        h->value = saved;
        return;
    }
    struct estimate e;
    estimate_scenario(sc, &e);
    if (!(e.events_per_rep < FUZZ_MAX_EVENTS) || !(e.bytes_per_model < 64e6)) {
        h->value = saved;
        return;
    }
    struct result_layout l;
    metrics_layout(sc, &l);
    struct rep_result res;
    rep_result_alloc(&res, &l);
    struct model *m = model_create(sc);
    if (m) {
        volatile sig_atomic_t stop = 0;
        model_run(m, 1, 0, &l, &res, &stop);
        model_destroy(m);
    }
    rep_result_free(&res);
    result_layout_free(&l);
    h->value = saved;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT || memchr(data, '\0', size))
        return 0; /* the file loader refuses NUL bytes before parsing */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *dir = getenv("FUZZ_INCLUDE_DIR");
    if (!dir)
        dir = "scenarios";
    char name[4096];
    snprintf(name, sizeof name, "%s/fuzz-input.cfg", dir);

    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load_text(text, name, dir, NULL, 0, &d);
    diag_print(&d, sink_file(), "caseload");
    diag_free(&d);
    if (sc) {
        run_one(sc);
        overrides(sc, data, size);
        diag_init(&d, 20);
        scenario_validate(sc, &d);
        diag_print(&d, sink_file(), "caseload");
        diag_free(&d);
    }
    scenario_free(sc);
    free(text);
    return 0;
}
