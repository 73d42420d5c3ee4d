/* fuzz_json_in.c — libFuzzer harness for the JSON reader (output/json_in.c).
 *
 * Each input is a manifest's text. When it parses, the whole tree is
 * walked: every member looked up again by its key, every text read, and
 * strings checked to hold no NUL before their end (the reader refuses
 * \u0000). A tree that does not parse must come back empty.
 *
 * Built and run by `make fuzz` (docs/robustness.md). */
#include "output/json_in.h"
#include "tests/fuzz/fuzz_common.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static size_t walk(const struct json_in *j, int depth)
{
    if (depth > JSON_IN_MAX_DEPTH + 1)
        abort();                    /* deeper than the reader allows */
    size_t n = 1;
    if (j->type == JSON_IN_STRING && !json_in_text(j))
        abort();
    for (size_t i = 0; i < j->n; i++) {
        if (j->type == JSON_IN_OBJECT && (!j->kid[i].key || !json_in_get(j, j->kid[i].key)))
            abort();
        n += walk(&j->kid[i], depth + 1);
    }
    return n;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct json_in root;
    if (json_in_parse(text, &root)) {
        volatile size_t nodes = walk(&root, 0);
        (void)nodes;
        (void)json_in_text(json_in_get(json_in_get(&root, "scenario"), "report_every"));
    } else if (root.n != 0 || root.kid || root.text) {
        abort();                    /* a failed parse leaves the root empty */
    }
    json_in_free(&root);
    free(text);
    return 0;
}
