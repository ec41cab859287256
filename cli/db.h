/* db.h — where the CLI's store lives and how it is opened.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_CLI_DB_H
#define PV_CLI_DB_H

#include "store.h"

/* profviz's cache folder: $XDG_CACHE_HOME/profviz, else
 * ~/.cache/profviz (not created).  Writes it into buf and returns PV_OK;
 * PV_E_USAGE when neither variable is set, PV_E_TOO_BIG when buf is too
 * small. */
int pv_cli_cache_dir(char *buf, size_t cap);

/* mkdir -p of the folder holding `path` (mode 0700); PV_OK, or PV_E_IO
 * with errno set. */
int pv_cli_make_parent_dirs(const char *path);

/* The default store: $XDG_CACHE_HOME/profviz/profiles.db, else
 * ~/.cache/profviz/profiles.db.  Writes it into buf; PV_OK, or
 * pv_cli_cache_dir's codes. */
int pv_cli_default_db(char *buf, size_t cap);

/* --db in every command's --help: what a store location may be. */
#define PV_CLI_DB_HELP                                                              \
    "  --db STORE          the store: a SQLite file (PATH or sqlite:PATH), or a\n"    \
    "                      PostgreSQL database (postgresql://USER@HOST/DBNAME);\n"    \
    "                      default: $PROFVIZ_DB, else\n"                               \
    "                      $XDG_CACHE_HOME/profviz/profiles.db\n"

/* The store to use: `path` (--db), else $PROFVIZ_DB, else the default
 * store (written into buf).  A SQLite file's folder is created when
 * `create` is set ("sqlite:" is taken off); a PostgreSQL URI is returned
 * as it is.  On failure (also for "" and ":memory:", which SQLite would
 * make a store lost at exit) prints "profviz: ..." and returns NULL. */
const char *pv_cli_db_path(const char *path, int create, char *buf, size_t cap);

/* For pv_cli_open_store: a command that only reads opens a store that
 * exists but cannot be written (a read-only mount, another user's) read-only. */
enum { PV_CLI_READ_IF_UNWRITABLE = 1 << 8 };

/* Opens `path` (or the default store when NULL), creating its folder when
 * needed; `flags` are pv_store_open's and PV_CLI_READ_IF_UNWRITABLE.  On
 * failure prints "profviz: ..." and returns NULL. */
pv_store *pv_cli_open_store(const char *path, int flags);

#endif
