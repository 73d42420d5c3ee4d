/* fuzz_plot_data.c — libFuzzer harness for what `caseload plot DIR` reads:
 * the readers of result folders (output/plot_data.c over csv_in and
 * json_in) and, from what they read, the script writers.
 *
 * Each input is a folder: sections, each starting with a line
 * "#--- NAME" where NAME is one of the files below (text before the first
 * such line is ignored). The folder is drawn with script_only (no gnuplot
 * runs), which reads it as a run, comparison, sweep or tornado folder and
 * writes plots.gp; plot.c checks every script with gp_script_inert before
 * writing it, so a script that could run a command aborts here. A run
 * folder's text chart is written and checked too.
 *
 * Built and run by `make fuzz` (docs/robustness.md). */
#include "output/plot.h"
#include "output/plot_data.h"
#include "output/plot_script.h"
#include "tests/fuzz/fuzz_common.h"

#include <sys/stat.h>

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static const char *const fuzz_files[] = {
    "summary.csv", "manifest.json", "compare.csv", "sweep.csv", "tornado.csv",
    "scenario-1/summary.csv", "scenario-1/manifest.json", "scenario-2/summary.csv",
};
#define N_FUZZ_FILES (sizeof fuzz_files / sizeof *fuzz_files)
#define SECTION "#--- "

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    const char *dir = fuzz_scratch();
    if (!dir)
        return 0;
    char sub[512];
    for (int k = 1; k <= 2; k++) {
        snprintf(sub, sizeof sub, "%s/scenario-%d", dir, k);
        mkdir(sub, 0700);
    }
    for (size_t i = 0; i < N_FUZZ_FILES; i++)
        fuzz_put(dir, fuzz_files[i], NULL, 0);
    /* the sections */
    const char *text = (const char *)data, *end = text + size;
    const char *p = text;
    size_t mark = strlen(SECTION);
    while (p < end) {
        const char *s = NULL;
        for (const char *q = p; q + mark <= end; q++)
            if ((q == text || q[-1] == '\n') && memcmp(q, SECTION, mark) == 0) {
                s = q;
                break;
            }
        if (!s)
            break;
        const char *name = s + mark;
        const char *nl = memchr(name, '\n', (size_t)(end - name));
        if (!nl)
            break;
        const char *body = nl + 1, *next = body;
        while (next < end && !((next == body || next[-1] == '\n') && (size_t)(end - next) >= mark &&
                               memcmp(next, SECTION, mark) == 0))
            next++;
        for (size_t i = 0; i < N_FUZZ_FILES; i++)
            if (strlen(fuzz_files[i]) == (size_t)(nl - name) && memcmp(name, fuzz_files[i], (size_t)(nl - name)) == 0)
                fuzz_put(dir, fuzz_files[i], (const uint8_t *)body, (size_t)(next - body));
        p = next;
    }
    struct plot_opts o = { "/nonexistent/gnuplot", true };
    char err[1024];
    plot_folder(dir, &o, err, sizeof err);
    if (plot_kind_of(dir) == PLOT_KIND_RUN) {
        struct plot_run_facts f;
        if (plot_run_facts_read(dir, &f, err, sizeof err)) {
            char *script = plot_terminal_script(&f, 80, 18);
            if (script && !gp_script_inert(script, err, sizeof err)) {
                fprintf(stderr, "text chart not inert: %s\n%s", err, script);
                abort();
            }
            free(script);
            plot_run_facts_free(&f);
        }
    }
    return 0;
}
