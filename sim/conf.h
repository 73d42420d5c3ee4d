/* conf.h — configuration files as a tree that remembers file and line.
 *
 * Files are libconfig syntax. A file may start with `@include "base.cfg"`
 * lines (paths relative to the including file): the bases are loaded first
 * and the file's own settings are laid over them —
 *   - a group merges with the base's group of the same name, setting by setting;
 *   - a list whose elements are all groups keyed by a first string setting
 *     (`{ name = "sw"; ... }`) merges element by element on that key: an
 *     element with a new key is appended, one with a known key is merged in;
 *   - anything else replaces the base's value.
 * So a variant file restates only what it changes. Every node keeps the file
 * and line it came from, for messages of the form FILE:LINE: PATH: text.
 *
 * Readers look settings up with conf_get, which marks them used; afterwards
 * conf_report_unused names every setting nobody asked for, with the nearest
 * known name. */
#ifndef SIM_CONF_H
#define SIM_CONF_H

#include "diag.h"
#include "sha256.h"

#include <stdbool.h>
#include <stddef.h>

enum conf_type { CONF_GROUP, CONF_LIST, CONF_ARRAY, CONF_INT, CONF_FLOAT, CONF_STRING, CONF_BOOL };

struct conf_node {
    char *name;                 /* setting name; NULL for list and array elements */
    enum conf_type type;
    const char *file;           /* owned by the document */
    int line;
    unsigned layer;             /* the file layer that set it: higher layers were
                                 * laid over lower ones (a file over the files it
                                 * includes, a later @include over an earlier) */
    long long i;                /* CONF_INT */
    double f;                   /* CONF_FLOAT */
    char *s;                    /* CONF_STRING */
    bool b;                     /* CONF_BOOL */
    struct conf_node **kid;     /* GROUP, LIST, ARRAY */
    size_t n_kid, cap_kid;
    struct conf_node *parent;
    bool used;
    char **asked;               /* names looked up here, for suggestions */
    size_t n_asked;
};

struct conf_doc {
    struct conf_node *root;
    char **files;               /* every file read, for messages and the manifest */
    char (*sha256)[SHA256_HEX_SIZE]; /* SHA-256 of the bytes parsed from files[i]
                                      * ("" for text given in memory) */
    size_t n_files;
};

/* Include nesting deeper than this is reported as an error. */
#define CONF_MAX_INCLUDE_DEPTH 16

/* A file larger than this is refused (it is no hand-written scenario, and a
 * device such as /dev/zero would never end). */
#define CONF_MAX_FILE_SIZE (16L * 1024 * 1024)
#define CONF_MAX_FILE_SIZE_TEXT "16 MiB"

/* Load a file (and its includes). Problems — unreadable files, syntax errors,
 * misplaced, missing or circular includes — go to d with file and line, and
 * the result is NULL. Free with conf_free. */
struct conf_doc *conf_load(const char *path, struct diag *d);

/* The same from text in memory; name is used in messages and dir resolves
 * includes. */
struct conf_doc *conf_load_text(const char *text, const char *name, const char *dir,
                                struct diag *d);

void conf_free(struct conf_doc *doc);

/* Child of a group by name, marked used; NULL when absent (the name is still
 * recorded as a valid one for suggestions). */
struct conf_node *conf_get(struct conf_node *group, const char *name);

/* Child of a group by name without marking it used (nor recording the name);
 * NULL when absent or group is no group. */
const struct conf_node *conf_peek(const struct conf_node *group, const char *name);

/* The i-th element of a list or array, marked used. */
struct conf_node *conf_item(struct conf_node *list, size_t i);

/* "workforce.grades.sw.cap": element groups are labelled by their key (first
 * string setting), other elements by 1-based position. */
void conf_path(const struct conf_node *n, char *buf, size_t size);

/* Report n to d as FILE:LINE: PATH: text. */
void conf_error(struct diag *d, const struct conf_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "a group", "a number", ... for messages. */
const char *conf_type_text(enum conf_type t);

/* Whether n is a number (integer or float), and its value. */
bool conf_is_number(const struct conf_node *n);
double conf_number(const struct conf_node *n);

/* The key of an element group (its first setting, if a string), or NULL. */
const char *conf_key(const struct conf_node *n);

/* Report each setting that no reader asked for, under nodes that were read. */
void conf_report_unused(const struct conf_doc *doc, struct diag *d);

#endif
