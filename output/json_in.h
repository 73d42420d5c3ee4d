/* json_in.h — a small JSON reader, for reading manifests back.
 *
 * Parses a whole text into a tree of nodes (RFC 8259: objects, arrays,
 * strings with every escape including surrogate pairs, numbers, true,
 * false, null), strictly: unescaped control characters, unknown escapes
 * and numbers outside JSON's grammar are refused, and so is \u0000, which
 * a C string cannot hold (a lone surrogate becomes U+FFFD). Nesting deeper than JSON_IN_MAX_DEPTH is refused. Members
 * keep their order; lookups are linear, which suits documents of a few
 * dozen members. */
#ifndef OUTPUT_JSON_IN_H
#define OUTPUT_JSON_IN_H

#include <stdbool.h>
#include <stddef.h>

/* Deepest nesting accepted (manifests are three levels deep). */
#define JSON_IN_MAX_DEPTH 32

enum json_in_type { JSON_IN_NULL, JSON_IN_BOOL, JSON_IN_NUMBER, JSON_IN_STRING, JSON_IN_ARRAY, JSON_IN_OBJECT };

struct json_in {
    enum json_in_type type;
    char *key;              /* member name inside an object, else NULL */
    char *text;             /* JSON_IN_STRING: the decoded UTF-8 */
    double number;          /* JSON_IN_NUMBER; JSON_IN_BOOL: 1 or 0 */
    struct json_in *kid;    /* JSON_IN_ARRAY, JSON_IN_OBJECT: the members */
    size_t n;
};

/* Parse text (NUL-terminated), which must hold one value and nothing but
 * white space after it. False when it is not JSON; root is then empty
 * (safe to free). */
bool json_in_parse(const char *text, struct json_in *root);

/* The member key of object j, or NULL (also when j is NULL or no object). */
const struct json_in *json_in_get(const struct json_in *j, const char *key);

/* j's text when it is a string, else NULL (also for NULL). */
const char *json_in_text(const struct json_in *j);

/* Free everything below root (not root itself). */
void json_in_free(struct json_in *root);

#endif
