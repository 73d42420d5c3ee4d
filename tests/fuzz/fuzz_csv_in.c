/* fuzz_csv_in.c — libFuzzer harness for the CSV reader (output/csv_in.c).
 *
 * Each input is a CSV file. It is opened asking for two columns that the
 * header may or may not name, then every record is read, every field
 * looked up (one past the last too) and read as a number, and each field
 * looked up as a column name. The reader must never read outside its
 * buffers, whatever the quoting, line ends or NUL bytes.
 *
 * Built and run by `make fuzz` (docs/robustness.md). */
#include "output/csv_in.h"
#include "tests/fuzz/fuzz_common.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    const char *dir = fuzz_scratch();
    if (!dir)
        return 0;
    fuzz_put(dir, "in.csv", data, size);
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/in.csv", dir);
    static const char *const need[] = { "scenario", "metric" };
    long col[2];
    struct csv_in c;
    bool need_none = size > 0 && (data[0] & 1);
    if (!csv_in_open(&c, path, need, col, need_none ? 0 : 2, err, sizeof err))
        return 0;
    volatile double sink = 0;
    int r;
    while ((r = csv_in_next(&c)) > 0) {
        for (long i = 0; i <= (long)c.n; i++) {
            const char *field = csv_in_field(&c, i);
            sink += csv_in_number(field);
            if (field)
                sink += (double)csv_in_column(&c, field);
        }
        sink += (double)c.line;
    }
    (void)sink;
    csv_in_free(&c);
    return 0;
}
