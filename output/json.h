/* json.h — a small streaming JSON writer for manifests.
 *
 * Writes into an afile with two-space indentation; keys and strings are
 * escaped (quotes, backslashes, control characters; UTF-8 passes through,
 * and a byte that is not valid UTF-8 is written as the four characters
 * \xHH, so the output is always valid JSON). */
#ifndef OUTPUT_JSON_H
#define OUTPUT_JSON_H

#include "output/afile.h"

#include <stdbool.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

struct json {
    struct afile *a;
    int depth;
    bool first[JSON_MAX_DEPTH];  /* no member written yet at this depth */
    bool array[JSON_MAX_DEPTH];  /* the container at this depth is an array */
};

void json_begin(struct json *j, struct afile *a);     /* opens the top object */
void json_end(struct json *j);                         /* closes it, adds a newline */
void json_object(struct json *j, const char *key);     /* key NULL inside arrays */
void json_array(struct json *j, const char *key);
void json_close(struct json *j);                       /* ends the innermost object/array */
void json_string(struct json *j, const char *key, const char *value);  /* NULL value -> null */
void json_number(struct json *j, const char *key, double value);       /* NaN -> null */
void json_uint(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);

#endif
