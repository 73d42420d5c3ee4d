/* json_in.c — a small strict JSON reader (see json_in.h). */
#include "output/json_in.h"

#include "sim/check.h"

#include <stdlib.h>
#include <string.h>

void json_in_free(struct json_in *j)
{
    for (size_t i = 0; i < j->n; i++)
        json_in_free(&j->kid[i]);
    free(j->kid);
    free(j->key);
    free(j->text);
}

static void jspace(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

static void utf8_put(char **o, unsigned long cp)
{
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) {
        *u++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *u++ = (unsigned char)(0xC0 | (cp >> 6));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *u++ = (unsigned char)(0xE0 | (cp >> 12));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *u++ = (unsigned char)(0xF0 | (cp >> 18));
        *u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *o = (char *)u;
}

static bool hex4(const char *p, unsigned long *out)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return false;
        v = v * 16 + (unsigned long)d;
    }
    *out = v;
    return true;
}

/* A string starting at the quote; the decoded text is malloc'd (at most as
 * long as the source, since every escape is at least as long as its UTF-8). */
static bool jstring(const char **p, char **out)
{
    const char *s = *p + 1;
    const char *end = s;
    while (*end && *end != '"')
        end += (*end == '\\' && end[1]) ? 2 : 1;
    if (*end != '"')
        return false;
    char *o = check_malloc((size_t)(end - s) + 1), *w = o;
    while (s < end) {
        if ((unsigned char)*s < 0x20) {   /* control characters must be escaped */
            free(o);
            return false;
        }
        if (*s != '\\') {
            *w++ = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'n': *w++ = '\n'; s++; break;
        case 't': *w++ = '\t'; s++; break;
        case 'r': *w++ = '\r'; s++; break;
        case 'b': *w++ = '\b'; s++; break;
        case 'f': *w++ = '\f'; s++; break;
        case 'u': {
            unsigned long cp, lo;
            if (end - s < 5 || !hex4(s + 1, &cp)) {
                free(o);
                return false;
            }
            s += 5;
            if (cp >= 0xD800 && cp < 0xDC00 && end - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
                hex4(s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            } else if (cp >= 0xD800 && cp < 0xE000) {
                cp = 0xFFFD;
            } else if (cp == 0) {   /* a NUL cannot live in a C string */
                free(o);
                return false;
            }
            utf8_put(&w, cp);
            break;
        }
        case '"': case '\\': case '/': *w++ = *s++; break;
        default:
            free(o);
            return false;
        }
    }
    *w = '\0';
    *out = o;
    *p = end + 1;
    return true;
}

static const char *digits(const char *q)
{
    while (*q >= '0' && *q <= '9')
        q++;
    return q;
}

static bool jvalue(const char **p, struct json_in *j, int depth);

static bool jcontainer(const char **p, struct json_in *j, int depth, bool object)
{
    char close = object ? '}' : ']';
    j->type = object ? JSON_IN_OBJECT : JSON_IN_ARRAY;
    (*p)++;
    jspace(p);
    if (**p == close) {
        (*p)++;
        return true;
    }
    size_t cap = 0;
    for (;;) {
        if (j->n == cap) {
            cap = cap ? 2 * cap : 4;
            j->kid = check_realloc(j->kid, cap * sizeof *j->kid);
        }
        struct json_in *k = &j->kid[j->n];
        memset(k, 0, sizeof *k);
        j->n++;
        jspace(p);
        if (object) {
            if (**p != '"' || !jstring(p, &k->key))
                return false;
            jspace(p);
            if (**p != ':')
                return false;
            (*p)++;
        }
        if (!jvalue(p, k, depth + 1))
            return false;
        jspace(p);
        if (**p == ',') {
            (*p)++;
            continue;
        }
        if (**p != close)
            return false;
        (*p)++;
        return true;
    }
}

static bool jvalue(const char **p, struct json_in *j, int depth)
{
    if (depth > JSON_IN_MAX_DEPTH)
        return false;
    jspace(p);
    switch (**p) {
    case '{': return jcontainer(p, j, depth, true);
    case '[': return jcontainer(p, j, depth, false);
    case '"':
        j->type = JSON_IN_STRING;
        return jstring(p, &j->text);
    default:
        break;
    }
    static const struct { const char *word; enum json_in_type type; } words[] = {
        { "true", JSON_IN_BOOL }, { "false", JSON_IN_BOOL }, { "null", JSON_IN_NULL },
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i].word);
        if (strncmp(*p, words[i].word, n) == 0) {
            j->type = words[i].type;
            j->number = i == 0;
            *p += n;
            return true;
        }
    }
    /* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    const char *q = *p;
    if (*q == '-')
        q++;
    if (*q == '0')
        q++;
    else if (*q >= '1' && *q <= '9')
        q = digits(q);
    else
        return false;
    if (*q == '.') {
        if (!(q[1] >= '0' && q[1] <= '9'))
            return false;
        q = digits(q + 1);
    }
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!(*q >= '0' && *q <= '9'))
            return false;
        q = digits(q);
    }
    char *end;
    j->number = strtod(*p, &end);
    if (end != q)
        return false;
    j->type = JSON_IN_NUMBER;
    *p = end;
    return true;
}

const struct json_in *json_in_get(const struct json_in *j, const char *key)
{
    if (!j || j->type != JSON_IN_OBJECT)
        return NULL;
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->kid[i].key, key) == 0)
            return &j->kid[i];
    return NULL;
}

const char *json_in_text(const struct json_in *j)
{
    return j && j->type == JSON_IN_STRING ? j->text : NULL;
}

bool json_in_parse(const char *text, struct json_in *root)
{
    memset(root, 0, sizeof *root);
    const char *p = text;
    bool ok = jvalue(&p, root, 0);
    jspace(&p);
    if (ok && *p == '\0')
        return true;
    json_in_free(root);
    memset(root, 0, sizeof *root);
    return false;
}
