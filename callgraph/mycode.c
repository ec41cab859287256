/* mycode.c — which functions are library code (mycode.h).
 * SPDX-License-Identifier: MIT
 */
#include "mycode.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "xalloc.h"

/* Modules only the standard library has, whose directory is then the
 * interpreter's own: every `python -m` run goes through runpy, and os,
 * codecs and the path modules are imported at start-up. */
static const char *const stdlib_markers[] = {
    "runpy.py", "os.py", "posixpath.py", "ntpath.py", "genericpath.py",
    "_collections_abc.py", "codecs.py", "_sitebuiltins.py",
};

/* Standard library directories found in one profile: a few at most (a
 * venv's and its base interpreter's). */
#define MAX_DIRS 8

typedef struct stdlib_dirs {
    char *dir[MAX_DIRS];
    size_t len[MAX_DIRS];
    size_t n;
} stdlib_dirs;

static bool is_sep(char c)
{
    return c == '/' || c == '\\';
}

/* Where the last path component of f starts. */
static const char *base_name(const char *f)
{
    const char *b = f;
    for (const char *p = f; *p; p++)
        if (is_sep(*p))
            b = p + 1;
    return b;
}

static void add_dir(stdlib_dirs *d, const char *f, size_t len)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->len[i] == len && memcmp(d->dir[i], f, len) == 0)
            return;
    if (d->n < MAX_DIRS) {
        d->dir[d->n] = pv_xstrndup(f, len);
        d->len[d->n++] = len;
    }
}

static void find_dirs(const pv_graph *g, stdlib_dirs *d)
{
    for (size_t f = 0; f < g->n_funcs; f++) {
        const char *file = g->funcs[f].file;
        const char *b = base_name(file);
        if (b == file)
            continue;
        for (size_t i = 0; i < sizeof stdlib_markers / sizeof *stdlib_markers; i++)
            if (strcmp(b, stdlib_markers[i]) == 0)
                add_dir(d, file, (size_t)(b - 1 - file));
    }
}

/* A ".../lib/pythonX.Y/" or "...\Lib\" component: where every CPython
 * keeps its library, found or not by a marker. */
static bool in_python_lib(const char *p)
{
    for (const char *s = p; (s = strstr(s, "lib")) != NULL; s++) {
        if (s > p && !is_sep(s[-1]))
            continue;
        const char *q = s + 3;
        if (is_sep(*q) && strncmp(q + 1, "python", 6) == 0 && isdigit((unsigned char)q[7])) {
            q += 7;
            while (isdigit((unsigned char)*q) || *q == '.')
                q++;
            if (is_sep(*q))
                return true;
        }
    }
    return strstr(p, "\\Lib\\") != NULL;
}

static bool has_component(const char *p, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = p; (s = strstr(s, name)) != NULL; s++)
        if (s > p && is_sep(s[-1]) && is_sep(s[n]))
            return true;
    return false;
}

static bool is_lib_path(const stdlib_dirs *d, const char *p)
{
    if (has_component(p, "site-packages") || has_component(p, "dist-packages"))
        return true;
    for (size_t i = 0; i < d->n; i++)
        if (strncmp(p, d->dir[i], d->len[i]) == 0 && is_sep(p[d->len[i]]))
            return true;
    return in_python_lib(p);
}

static bool is_lib(const stdlib_dirs *d, const pv_gfunc *fn)
{
    const char *file = fn->file;
    if (strcmp(file, "~") == 0 || strcmp(file, "<string>") == 0 ||
        strncmp(file, "<frozen ", 8) == 0)
        return true;
    if (*file)
        return is_lib_path(d, file);
    if (strncmp(fn->name, "<frozen ", 8) == 0)
        return true;
    /* A frame with no file: its place's directory, as a path. */
    char pkg[4096];
    pv_package_of(file, fn->name, pkg, sizeof pkg - 1);
    if (!*pkg)
        return false;
    strcat(pkg, "/");
    return is_lib_path(d, pkg);
}

void pv_mycode_libs(const pv_graph *g, uint8_t *lib)
{
    stdlib_dirs d = {0};
    find_dirs(g, &d);
    for (size_t f = 0; f < g->n_funcs; f++)
        lib[f] = is_lib(&d, &g->funcs[f]);
    for (size_t i = 0; i < d.n; i++)
        free(d.dir[i]);
}
