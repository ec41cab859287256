/* store.h — the call-graph store, on one of two backends: a SQLite file
 * (the embedded default; store/sqlite.c, the only code that includes
 * <sqlite3.h>) or a PostgreSQL database that several `profviz serve`
 * processes share (store/pg.c, the only code that includes <libpq-fe.h>).
 * backend.h says how one API reaches both.
 *
 * A store keeps every profile's original bytes, its functions and its
 * caller->callee edges, and the indexes that make callers-of and
 * callees-of lookups fast (schema in store/schema.sql and pg.sql,
 * compiled in).  Both backends behave the same through this API; where
 * one cannot (a reserve file, a read-only mount) the function says so.
 * A pv_store is one connection with its own
 * cached prepared statements: use it from one thread at a time (it may be
 * handed from one thread to another), never from two at once;
 * pv_store_interrupt is the one call another thread may make.
 * Ownership: whoever calls pv_store_open calls pv_store_close; strings
 * returned inside result structs are owned by the struct and freed by its
 * _release function; pv_store_close(NULL) is a no-op.
 * SPDX-License-Identifier: MIT
 */
#ifndef PV_STORE_H
#define PV_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"
#include "profile.h"

typedef struct pv_store pv_store;

/* Deleting a profile rewrites the pages that held its rows; SQLite puts
 * them in the WAL first.  A 50,000-function profile is ~15 MiB of pages. */
#define PV_STORE_RESERVE_BYTES ((long long)32 << 20)

enum {
    PV_STORE_READONLY = 1 << 0,  /* open an existing store for reading only */
    PV_STORE_RESERVE = 1 << 1,   /* keep room for deletes on a full disk (below) */
};

/* Whether `location` names a PostgreSQL database (a libpq URI:
 * "postgresql://..." or "postgres://..."), not a SQLite file. */
int pv_store_is_pg(const char *location);

/* Opens the store at `location`: a PostgreSQL database for a libpq URI
 * (pv_store_is_pg; the schema is created or migrated as for SQLite, with
 * the same version rule; READONLY makes every transaction read-only;
 * RESERVE means nothing there), else a SQLite file, "sqlite:PATH" or PATH,
 * as follows.
 *
 * Opens (creating if needed, unless READONLY) the SQLite store at `path`, in WAL
 * mode.  A store written by another schema version is refused with
 * PV_E_STALE and a message saying so.  Without READONLY, a store whose
 * file cannot be written is refused (PV_E_IO, saying so) rather than
 * failing at its first write.  READONLY reads a store on a read-only
 * mount or in a folder it cannot write too (as immutable: SQLite then
 * needs no -shm file).  With RESERVE, the store keeps a file of
 * PV_STORE_RESERVE_BYTES beside it (PATH-reserve, made as space allows):
 * a delete that finds the disk full gives that room to SQLite, so space
 * can always be freed by deleting.  A write that finds the disk full
 * fails with PV_E_FULL.  Returns PV_OK, PV_E_IO, PV_E_STALE or PV_E_DB. */
int pv_store_open(const char *location, int flags, pv_store **out, pv_err *err);
void pv_store_close(pv_store *s);

/* `location` as it may be shown to a user or written to a log: a
 * PostgreSQL URI with its password (user:PASSWORD@ or password=...)
 * replaced by "***", anything else as it is.  Writes at most cap bytes
 * (truncating) and returns buf. */
const char *pv_store_redact(const char *location, char *buf, size_t cap);

/* "sqlite" or "postgresql": which backend `s` is (static storage). */
const char *pv_store_backend(const pv_store *s);

/* What a loader knows about the file beside its parsed content. */
typedef struct pv_source {
    const char *name;             /* display name, e.g. the file's basename */
    const char *origin;           /* where it came from: a path or "upload" */
    const unsigned char *bytes;   /* the original file, stored verbatim */
    size_t size;                  /* bytes */
    char sha256[65];              /* lowercase hex of SHA-256(bytes) */
    double parse_ms;              /* time spent parsing, for the record */
    int64_t loaded_at;            /* unix time to record; 0: now (`migrate` keeps the original's) */
} pv_source;

/* The bytes of a file are stored in chunks of this size (the last one
 * shorter): SQLite refuses a blob over 1,000,000,000 bytes and loads a
 * blob whole to read it, so a file of gigabytes is many rows, read one at
 * a time (formats.sql). */
#define PV_STORE_CHUNK ((size_t)64 << 20)

/* The key that stores a profile once (formats.sql): `sha256` itself for
 * the default variant (NULL or ""), else the lowercase hex SHA-256 of
 * "<sha256> <variant>".  Writes 64 hex digits and a NUL into out. */
void pv_store_identity(const char *sha256, const char *variant, char out[65]);

/* Looks a profile up by its identity (pv_store_identity; for a file's
 * default variant, the SHA-256 of its bytes): PV_OK and *id, or
 * PV_E_NOTFOUND. */
int pv_store_find_sha(pv_store *s, const char *sha256, int64_t *id, pv_err *err);

/* Stores a parsed profile and its source in one transaction: all of it or
 * nothing.  If a profile with the same identity (the same bytes and
 * variant) exists, stores nothing and returns its id with *existed = 1.  Returns PV_OK or PV_E_DB.  It is
 * pv_store_begin, _reserve, _fill and _commit below in one call. */
int pv_store_add(pv_store *s, const pv_profile *p, const pv_source *src,
                 int64_t *id, int *existed, pv_err *err);

/* Storing in steps, so that a profile can be served before it is stored
 * (server/ingest.c):
 *   pv_store_begin    opens a write transaction; it holds SQLite's write
 *                     lock, so no other connection or process writes
 *                     until it ends (they wait up to the busy timeout);
 *   pv_store_reserve  gives a profile its summary row under id `want`
 *                     (one of pv_store_take_ids', 0 for the next free id,
 *                     or, for `migrate`, an id no profile has had here:
 *                     later ids are then above it), or, when the same
 *                     bytes are stored already,
 *                     returns that id with *existed = 1 (then do not fill
 *                     it);
 *   pv_store_fill     writes the rest: the bytes, functions and edges, and
 *                     store_ms (how long the fill took);
 *   pv_store_commit   makes every profile of the transaction visible at
 *                     once; pv_store_rollback forgets them all.
 * Until the commit no other connection sees any of it, and a crash leaves
 * nothing of it: a store never holds half a profile.  The pointers of `p`
 * and `src` must stay valid until the fill returns.  All return PV_OK or
 * PV_E_DB; after any failure call pv_store_rollback. */
int pv_store_begin(pv_store *s, pv_err *err);
int pv_store_reserve(pv_store *s, const pv_profile *p, const pv_source *src, int64_t want,
                     int64_t *id, int *existed, pv_err *err);
int pv_store_fill(pv_store *s, int64_t id, const pv_profile *p, const pv_source *src,
                  pv_err *err);
int pv_store_commit(pv_store *s, pv_err *err);
void pv_store_rollback(pv_store *s);

/* Takes n profile ids, *first .. *first + n - 1, in a transaction of its
 * own that commits at once (call it outside pv_store_begin's): no
 * profile will get them but the caller's, even if the caller's
 * transaction is rolled back or its process dies.  Ids are never reused
 * (schema.sql), so a link printed before the commit can never show
 * another profile.  PV_OK or PV_E_DB. */
int pv_store_take_ids(pv_store *s, size_t n, int64_t *first, pv_err *err);

/* Stops the transaction's fill or commit, from any thread: the statement
 * running now (if SQLite can still stop it) or the next step fails with
 * PV_E_DB ("interrupted"), and the owner then rolls back.  A commit that
 * had already finished stays.  The next pv_store_begin forgets it. */
void pv_store_interrupt(pv_store *s);

/* Deletes a profile and everything derived from it.  PV_E_NOTFOUND when
 * there is no such id. */
int pv_store_delete(pv_store *s, int64_t id, pv_err *err);

/* One stored profile's summary.  Strings are owned by the struct. */
typedef struct pv_profile_info {
    int64_t id;
    char *name, *origin, *format, *writer, *dialect;
    char *sha256;                 /* of the file's bytes (whatever the variant) */
    char *warnings;               /* newline-separated, "" when none */
    char *unit, *calls_unit;      /* what times and calls measure (pv_profile's) */
    char *variant;                /* "" or "event=NAME", "profile=N" */
    char *choices;                /* every variant the file offers, newline-separated; "" */
    int64_t size;                 /* bytes of the original file */
    int64_t loaded_at;            /* unix time, seconds */
    double parse_ms, store_ms;    /* how long loading took */
    int marshal_version;
    int64_t total_calls, prim_calls;
    double total_tt;              /* in `unit`; NaN when a tt was NaN */
    int64_t n_funcs, n_edges;     /* functions with an entry; caller->callee edges */
} pv_profile_info;

/* The page cache each connection may fill (store.c's cache_size), bytes:
 * memory a server's budget counts for every connection it opens. */
#define PV_STORE_PAGE_CACHE ((size_t)8 << 20)

/* A counter that changes when a profile may have gone since it was last
 * read: on SQLite, PRAGMA data_version of this connection (it moves
 * whenever another connection, thread or process, has committed); on
 * PostgreSQL, a row every delete bumps in its own transaction (profiles
 * are immutable and ids never reused, so only a delete can make a cached
 * profile wrong).  A reader compares it before trusting what it cached,
 * which keeps several front ends on one database consistent.  PV_OK or
 * PV_E_DB. */
int pv_store_data_version(pv_store *s, int64_t *out, pv_err *err);

/* Fills *out for profile `id`: PV_OK, PV_E_NOTFOUND or PV_E_DB. */
int pv_store_info(pv_store *s, int64_t id, pv_profile_info *out, pv_err *err);
void pv_profile_info_release(pv_profile_info *info);

/* Every stored profile, newest first: *out is a malloc'd array of *n
 * entries; free it with pv_profile_info_free_array. */
int pv_store_list(pv_store *s, pv_profile_info **out, size_t *n, pv_err *err);
void pv_profile_info_free_array(pv_profile_info *arr, size_t n);

/* Reads profile `id` back into *out, with every string and array allocated
 * in `arena` — the same shape the loader produced, in the same order, so
 * what was stored can be compared with what was read.  PV_E_TOO_BIG when
 * the arena's limit is hit. */
int pv_store_read(pv_store *s, int64_t id, pv_arena *arena, pv_profile *out, pv_err *err);

/* The original bytes of profile `id`, malloc'd: the caller frees *bytes. */
int pv_store_raw(pv_store *s, int64_t id, unsigned char **bytes, size_t *len, pv_err *err);

/* The original bytes of profile `id` handed to `sink` a chunk at a time
 * (each at most PV_STORE_CHUNK bytes, borrowed for the call), in order, in
 * one read transaction: what a server sends for a big file without
 * holding all of it.  `sink` returns 0 to go on, non-zero to stop (then
 * PV_E_IO).  PV_OK, PV_E_NOTFOUND, PV_E_DB (a chunk missing: damaged),
 * PV_E_IO. */
typedef int pv_store_sink(void *ctx, const unsigned char *bytes, size_t len);
int pv_store_raw_each(pv_store *s, int64_t id, pv_store_sink *sink, void *ctx, pv_err *err);

/* ---- labels, listing and retention (labels.c) ------------------------ */

/* Limits on labels (docs/api.md): a key is 1..PV_LABEL_KEY_MAX bytes of
 * [A-Za-z0-9_.-]; a value 1..PV_LABEL_VALUE_MAX bytes of UTF-8 without
 * control characters; a profile has at most PV_LABELS_MAX labels.  They
 * keep a label readable in a chip on the page and in a URL. */
#define PV_LABEL_KEY_MAX 64
#define PV_LABEL_VALUE_MAX 256
#define PV_LABELS_MAX 32
/* Label filters in one list query, and bytes of its search text. */
#define PV_LIST_LABELS_MAX 8
#define PV_LIST_Q_MAX 1024

/* A label, borrowed from the caller.  As an edit, value NULL removes the
 * key. */
typedef struct pv_label_arg {
    const char *key;
    const char *value;
} pv_label_arg;

/* A profile's labels, sorted by key.  Owns its strings; release with
 * pv_labels_release. */
typedef struct pv_label {
    char *key, *value;
} pv_label;
typedef struct pv_labels {
    pv_label *items;
    size_t n;
} pv_labels;
void pv_labels_release(pv_labels *l);

/* Whether `key` and `value` (NULL: only the key) are within the limits
 * above: PV_OK, or PV_E_USAGE with a message for the user. */
int pv_label_check(const char *key, const char *value, pv_err *err);

/* Profile `id`'s labels: PV_OK, PV_E_NOTFOUND or PV_E_DB. */
int pv_store_labels(pv_store *s, int64_t id, pv_labels *out, pv_err *err);

/* Applies `n` edits to profile `id`'s labels in one transaction: a value
 * sets the key (replacing its value), NULL removes it.  All or nothing:
 * PV_E_USAGE for a label outside the limits or one too many,
 * PV_E_NOTFOUND, PV_E_DB. */
int pv_store_label_edit(pv_store *s, int64_t id, const pv_label_arg *edits, size_t n,
                        pv_err *err);

/* What to list: profiles whose name or any label value holds `q` (ASCII
 * case ignored, taken literally; NULL: any) and that carry every label of
 * `labels`, newest first, `limit` of them after skipping `offset`. */
typedef struct pv_list_query {
    const char *q;
    const pv_label_arg *labels;  /* n_labels filters, each key=value exactly */
    size_t n_labels;             /* at most PV_LIST_LABELS_MAX */
    int64_t offset, limit;       /* rows */
} pv_list_query;

/* One page of a listing.  Owns everything; pv_profile_page_release. */
typedef struct pv_profile_page {
    pv_profile_info *infos;  /* n summaries, newest first */
    pv_labels *labels;       /* n: labels[i] are infos[i]'s */
    size_t n;
    int64_t total;           /* profiles that match, on every page */
} pv_profile_page;

/* Runs `q` in one read transaction (page and total agree): PV_OK,
 * PV_E_USAGE (too many filters, a search text too long), PV_E_DB.  The
 * filtering and paging are SQL over indexes: a page of a store of 10,000
 * profiles takes milliseconds (bench/README.md). */
int pv_store_query(pv_store *s, const pv_list_query *q, pv_profile_page *out, pv_err *err);
void pv_profile_page_release(pv_profile_page *page);

/* The oldest profile with an id above `after` that is labelled (or not,
 * `labelled` 0) and was stored before unix time `before`: PV_OK and *id,
 * or PV_E_NOTFOUND when there is none.  Retention walks the store with it,
 * oldest first, skipping profiles in use. */
int pv_store_oldest(pv_store *s, int labelled, int64_t before, int64_t after, int64_t *id,
                    pv_err *err);

/* Bytes the store's data takes: on SQLite, its pages that hold data (free
 * pages left by deletes are reused, not counted); on PostgreSQL, what its
 * profiles hold (each one's file and rows as sent to the server, and the
 * labels: a table there never shrinks for a delete, its free space is
 * reused after VACUUM, and indexes are not counted).  PV_OK or PV_E_DB. */
int pv_store_used_bytes(pv_store *s, int64_t *bytes, pv_err *err);

#endif
