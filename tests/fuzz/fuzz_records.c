/* fuzz_records.c — libFuzzer harness for the records readers
 * (fit/records.c) and the fit (fit/fitmap.c, fit/fitout.c).
 *
 * Each input is a records folder: its bytes split at form feeds (0x0C)
 * into referrals.csv, episodes.csv, staff.csv, absences.csv, vacancies.csv
 * and establishment.csv, in that order (files past the input's parts are
 * absent). The first byte's low bit asks for --drop-bad. The records are
 * read against tests/records/template.cfg (run from the repository root)
 * and, when they read, fitted at 2024-01-01 and fit.csv written: nothing
 * may read outside its buffers or abort, whatever the rows hold.
 *
 * Built and run by `make fuzz` (docs/robustness.md); its seeds are
 * replayed by tests/test_fit.c. */
#include "fit/fitmap.h"
#include "fit/fitout.h"
#include "fit/records.h"
#include "tests/fuzz/fuzz_common.h"

#define FUZZ_RECORDS_TEMPLATE "tests/records/template.cfg"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "referrals.csv", "episodes.csv", "staff.csv",
                                         "absences.csv", "vacancies.csv", "establishment.csv" };
    if (size > FUZZ_MAX_INPUT)
        return 0;
    const char *dir = fuzz_scratch();
    if (!dir)
        return 0;
    struct diag d;
    diag_init(&d, 20);
    struct scenario *sc = scenario_load(FUZZ_RECORDS_TEMPLATE, NULL, 0, &d);
    diag_free(&d);
    if (!sc)
        return 0;
    size_t from = 0;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        remove(path);
        if (from > size)
            continue;
        size_t to = from;
        while (to < size && data[to] != 0x0C)
            to++;
        fuzz_put(dir, names[k], data + from, to - from);
        from = to + 1;
    }
    bool drop = size > 0 && (data[0] & 1);
    struct records r;
    diag_init(&d, 20);
    if (records_read(&r, dir, sc, drop, &d)) {
        struct fit_result f;
        struct diag notes;
        diag_init(&notes, 100);
        if (fit_records(&r, sc, (struct date){ 2024, 1, 1 }, &f, &notes)) {
            free(fit_csv_text(&f));
            fit_result_free(&f);
        }
        free(fit_drops_text(&r));
        diag_free(&notes);
    }
    records_free(&r);
    diag_free(&d);
    scenario_free(sc);
    return 0;
}
