/* db.c — locate and open the CLI's store; see db.h.
 * SPDX-License-Identifier: MIT
 */
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "term.h"
int pv_cli_cache_dir(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && *xdg == '/')
        n = snprintf(buf, cap, "%s/profviz", xdg);
    else if (home && *home)
        n = snprintf(buf, cap, "%s/.cache/profviz", home);
    else
        return PV_E_USAGE;
    return n > 0 && (size_t)n < cap ? PV_OK : PV_E_TOO_BIG;
}

int pv_cli_default_db(char *buf, size_t cap)
{
    int rc = pv_cli_cache_dir(buf, cap);
    if (rc != PV_OK)
        return rc;
    size_t len = strlen(buf);
    int n = snprintf(buf + len, cap - len, "/profiles.db");
    return n > 0 && (size_t)n < cap - len ? PV_OK : PV_E_TOO_BIG;
}

int pv_cli_make_parent_dirs(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return PV_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return PV_E_IO;
        *p = '/';
    }
    return mkdir(dir, 0700) != 0 && errno != EEXIST ? PV_E_IO : PV_OK;
}

/* The default store is a cache: when an older (or newer) profviz wrote
 * it, it is moved aside, not deleted, and a new one starts.  A store named
 * with --db is the user's (a team's) and is only ever refused. */
static void set_aside_stale_cache(const char *path)
{
    pv_store *s = NULL;
    pv_err err;
    int rc = pv_store_open(path, 0, &s, &err);
    pv_store_close(s);
    if (rc != PV_E_STALE)
        return;
    char aside[4200], side[4200];
    snprintf(aside, sizeof aside, "%s.old-schema", path);
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char from[4200];
        snprintf(from, sizeof from, "%s%s", path, suffixes[i]);
        snprintf(side, sizeof side, "%s%s", aside, suffixes[i]);
        if (rename(from, side) != 0 && errno != ENOENT) {
            pv_term_println(stderr, "profviz: cannot move %s aside: %s", from, strerror(errno));
            return;
        }
    }
    pv_term_println(stderr, "profviz: the cache %s came from another profviz version; it is kept "
                            "as %s and a new one starts", path, aside);
}

const char *pv_cli_db_path(const char *path, int create, char *buf, size_t cap)
{
    if (!path && getenv("PROFVIZ_DB"))
        path = getenv("PROFVIZ_DB");
    if (pv_store_is_pg(path))
        return path;
    if (path && strncmp(path, "sqlite:", 7) == 0)
        path += 7;
    /* SQLite takes both as a temporary store, gone at exit with all
     * that was added to it. */
    if (path && (!*path || strcmp(path, ":memory:") == 0)) {
        fprintf(stderr, "profviz: --db (or $PROFVIZ_DB) wants the path of a store file or a "
                        "postgresql:// URI, not '%s'\n", path);
        return NULL;
    }
    if (!path) {
        if (pv_cli_default_db(buf, cap) != 0) {
            fprintf(stderr, "profviz: no cache folder ($XDG_CACHE_HOME and $HOME unset); "
                            "pass --db PATH\n");
            return NULL;
        }
        path = buf;
    }
    if (create && pv_cli_make_parent_dirs(path) != 0) {
        pv_term_println(stderr, "profviz: cannot create the folder of %s: %s", path,
                        strerror(errno));
        return NULL;
    }
    if (create && path == buf)
        set_aside_stale_cache(path);
    return path;
}

pv_store *pv_cli_open_store(const char *path, int flags)
{
    char def[4096];
    path = pv_cli_db_path(path, !(flags & PV_STORE_READONLY), def, sizeof def);
    if (!path)
        return NULL;
    if ((flags & PV_CLI_READ_IF_UNWRITABLE) && !pv_store_is_pg(path) && access(path, F_OK) == 0 &&
        access(path, W_OK) != 0)
        flags |= PV_STORE_READONLY;
    pv_store *s = NULL;
    pv_err err;
    if (pv_store_open(path, flags & ~PV_CLI_READ_IF_UNWRITABLE, &s, &err) != PV_OK) {
        pv_term_println(stderr, "profviz: %s", err.msg);
        return NULL;
    }
    return s;
}
