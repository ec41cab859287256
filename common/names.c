/* names.c — box names and packages as the page makes them (names.h).
 * SPDX-License-Identifier: MIT
 */
#include "names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* s[0 .. len) into out. */
static void put(char *out, size_t cap, const char *s, size_t len)
{
    if (cap == 0)
        return;
    if (len > cap - 1)
        len = cap - 1;
    memmove(out, s, len);
    out[len] = '\0';
}

static int has_prefix(const char *s, size_t len, const char *pre)
{
    size_t n = strlen(pre);
    return len >= n && memcmp(s, pre, n) == 0;
}

/* [\w.]+ over all of s[0 .. len). */
static int is_dotted(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
            return 0;
    return 1;
}

static const char *last_of(const char *s, size_t len, char c)
{
    for (size_t i = len; i-- > 0;)
        if (s[i] == c)
            return s + i;
    return NULL;
}

/* The last '/' or '\\' of s[0 .. len), or NULL. */
static const char *last_sep(const char *s, size_t len)
{
    for (size_t i = len; i-- > 0;)
        if (s[i] == '/' || s[i] == '\\')
            return s + i;
    return NULL;
}

/* A dotted name's parent: "_io.BufferedReader" -> "_io", "list" -> builtins. */
static void module_of(const char *s, size_t len, char *out, size_t cap)
{
    const char *dot = last_of(s, len, '.');
    if (dot && dot > s)
        put(out, cap, s, (size_t)(dot - s));
    else
        put(out, cap, "builtins", 8);
}

/* names.js's builtinParts: the module (package) and the short label of a
 * built-in's name; either output may be NULL. */
static void builtin_parts(const char *name, char *module, size_t mcap, char *label, size_t lcap)
{
    size_t len = strlen(name);
    const char *in = name;
    size_t n = len;
    if (len >= 2 && name[0] == '<' && name[len - 1] == '>') {
        in = name + 1;
        n = len - 2;
    }
    /* "method 'M' of 'T' objects" */
    if (has_prefix(in, n, "method '")) {
        const char *m = in + 8, *end = in + n;
        const char *q = memchr(m, '\'', (size_t)(end - m));
        const char *of = " of '", *tail = "' objects";
        if (q && (size_t)(end - q) > 5 + 9 && memcmp(q + 1, of, 5) == 0 &&
            memcmp(end - 9, tail, 9) == 0 && !memchr(q + 6, '\'', (size_t)(end - 9 - (q + 6)))) {
            const char *t = q + 6;
            size_t tlen = (size_t)(end - 9 - t);
            if (module)
                module_of(t, tlen, module, mcap);
            if (label) {
                const char *dot = last_of(t, tlen, '.');
                const char *short_t = dot ? dot + 1 : t;
                snprintf(label, lcap, "%.*s.%.*s", (int)(tlen - (size_t)(short_t - t)), short_t,
                         (int)(q - m), m);
            }
            return;
        }
    }
    /* "built-in method X of Y object at 0x..." */
    if (has_prefix(in, n, "built-in method ")) {
        const char *x = in + 16, *end = in + n;
        const char *sp = memchr(x, ' ', (size_t)(end - x));
        if (sp && sp > x && has_prefix(sp, (size_t)(end - sp), " of ")) {
            const char *y = sp + 4;
            const char *sp2 = memchr(y, ' ', (size_t)(end - y));
            const char *at = " object at 0x";
            if (sp2 && sp2 > y && has_prefix(sp2, (size_t)(end - sp2), at)) {
                const char *hex = sp2 + strlen(at);
                int ok = hex < end;
                for (const char *h = hex; h < end; h++)
                    ok &= isxdigit((unsigned char)*h) != 0;
                if (ok) {
                    if (module)
                        put(module, mcap, "builtins", 8);
                    if (label)
                        snprintf(label, lcap, "%.*s.%.*s", (int)(sp2 - y), y, (int)(sp - x), x);
                    return;
                }
            }
        }
    }
    /* "built-in method X", "built-in function X", or "X" alone (Python 2's <len>) */
    const char *d = NULL;
    size_t dlen = 0;
    if (has_prefix(in, n, "built-in method ") && is_dotted(in + 16, n - 16))
        d = in + 16, dlen = n - 16;
    else if (has_prefix(in, n, "built-in function ") && is_dotted(in + 18, n - 18))
        d = in + 18, dlen = n - 18;
    else if (is_dotted(in, n))
        d = in, dlen = n;
    if (d) {
        if (module)
            module_of(d, dlen, module, mcap);
        if (label) {
            /* Every built-in without a module is in builtins: "exec", not "builtins.exec". */
            if (has_prefix(d, dlen, "builtins."))
                d += 9, dlen -= 9;
            else if (has_prefix(d, dlen, "__builtin__."))
                d += 12, dlen -= 12;
            put(label, lcap, d, dlen);
        }
        return;
    }
    if (module)
        put(module, mcap, "builtins", 8);
    if (label)
        put(label, lcap, name, len);
}

/* A folded frame's place (names.js's frameName, packages.js's
 * framePackage): austin's "file:function:line" or py-spy's "function
 * (file:line)".  Returns 1 with the file and function ranges set. */
static int frame_place(const char *name, const char **file, size_t *flen, const char **fn,
                       size_t *fnlen)
{
    size_t len = strlen(name);
    /* austin: /^(.+):([^:]+):\d+$/ */
    const char *c2 = last_of(name, len, ':');
    if (c2 && c2[1]) {
        int digits = 1;
        for (const char *p = c2 + 1; *p; p++)
            digits &= isdigit((unsigned char)*p) != 0;
        const char *c1 = digits ? last_of(name, (size_t)(c2 - name), ':') : NULL;
        if (c1 && c1 > name && c2 - c1 > 1) {
            *file = name, *flen = (size_t)(c1 - name);
            *fn = c1 + 1, *fnlen = (size_t)(c2 - c1 - 1);
            return 1;
        }
    }
    /* py-spy: /^(.*?) \((.+):\d+\)$/ */
    const char *open = strstr(name, " (");
    if (open && len >= 2 && name[len - 1] == ')') {
        const char *close = name + len - 1;
        const char *colon = last_of(open + 2, (size_t)(close - (open + 2)), ':');
        int digits = colon && colon + 1 < close;
        for (const char *p = colon ? colon + 1 : close; p < close; p++)
            digits &= isdigit((unsigned char)*p) != 0;
        if (digits && colon > open + 2) {
            *file = open + 2, *flen = (size_t)(colon - (open + 2));
            *fn = name, *fnlen = (size_t)(open - name);
            return 1;
        }
    }
    return 0;
}

void pv_short_name(const char *file, const char *name, char *out, size_t cap)
{
    if (strcmp(file, "~") == 0) {
        builtin_parts(name, NULL, 0, out, cap);
        return;
    }
    if (!*file) {
        const char *f, *fn;
        size_t flen, fnlen;
        if (!frame_place(name, &f, &flen, &fn, &fnlen)) {
            put(out, cap, name, strlen(name));
            return;
        }
        char fbuf[1024], nbuf[1024];
        put(fbuf, sizeof fbuf, f, flen);
        put(nbuf, sizeof nbuf, fn, fnlen);
        pv_short_name(fbuf, nbuf, out, cap);
        return;
    }
    if (strcmp(name, "<module>") == 0) {
        /* A module body is named by its module: "compileall <module>",
         * and a package's __init__ by its package. */
        size_t len = strlen(file);
        const char *cut = last_sep(file, len);
        const char *base = cut ? cut + 1 : file;
        size_t blen = len - (size_t)(base - file);
        if (blen >= 4 && memcmp(base + blen - 4, ".pyw", 4) == 0)
            blen -= 4;
        else if (blen >= 3 && memcmp(base + blen - 3, ".py", 3) == 0)
            blen -= 3;
        if (blen == 8 && memcmp(base, "__init__", 8) == 0 && cut) {
            size_t dlen = (size_t)(cut - file);
            const char *dcut = last_sep(file, dlen);
            const char *dir = dcut ? dcut + 1 : file;
            size_t n = dlen - (size_t)(dir - file);
            if (n > 0) {
                snprintf(out, cap, "%.*s <module>", (int)n, dir);
                return;
            }
        }
        snprintf(out, cap, "%.*s <module>", (int)blen, base);
        return;
    }
    put(out, cap, name, strlen(name));
}

void pv_package_of(const char *file, const char *name, char *out, size_t cap)
{
    size_t len = strlen(file);
    if (strcmp(file, "~") == 0) {
        builtin_parts(name, out, cap, NULL, 0);
        return;
    }
    if (len == 0) {
        size_t nlen = strlen(name);
        const char *f, *fn;
        size_t flen, fnlen;
        if (nlen >= 4 && strcmp(name + nlen - 4, "_[k]") == 0) {
            put(out, cap, "[kernel]", 8);
        } else if (frame_place(name, &f, &flen, &fn, &fnlen)) {
            char fbuf[1024];
            put(fbuf, sizeof fbuf, f, flen);
            pv_package_of(fbuf, "", out, cap);
        } else if (strchr(name, '/')) {
            pv_package_of(name, "", out, cap);
        } else {
            put(out, cap, "", 0);
        }
        return;
    }
    if (has_prefix(file, len, "<frozen ") && file[len - 1] == '>' && is_dotted(file + 8, len - 9)) {
        const char *m = file + 8;
        const char *dot = last_of(m, len - 9, '.');
        if (dot && dot > m)
            put(out, cap, m, (size_t)(dot - m));
        else
            put(out, cap, "<frozen>", 8);
        return;
    }
    const char *cut = last_sep(file, len);
    if (cut && cut > file)
        put(out, cap, file, (size_t)(cut - file));
    else if (cut == file)
        put(out, cap, file, 1);
    else
        put(out, cap, file, len);
}
