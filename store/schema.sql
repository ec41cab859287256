-- schema.sql — the profviz store: the only DDL, compiled into the binary.
--
-- This is version 2, the base.  A team store's uploads are its only copy
-- of the files, so later versions are additive steps in files of their
-- own (labels.sql, version 3) that store.c runs after this one, on a new
-- store or on an older one it opens for writing; a store of a version no
-- step leads from is refused ("delete it").  store.c applies this file to
-- an empty database in one transaction, after choosing 32 KiB pages
-- (page_size has to be set before WAL mode, which store.c enables first).
--
-- The bulk tables (function, edge, tree_node) carry no foreign keys: a
-- key costs a lookup per inserted row and makes a multi-row INSERT keep a
-- statement journal, which together made storing a 50,000-function
-- profile about twice as slow.  store.c is their only writer: it checks
-- edge ends before inserting, and pv_store_delete removes a profile's rows
-- from every table in one transaction.  profile_blob, one row per profile,
-- keeps its ON DELETE CASCADE key (connections run with foreign_keys = ON).
--
-- Times are seconds, as doubles, exactly as in the file:
--   * NaN: SQLite stores a NaN as NULL, so every time column is nullable
--     and NULL means "NaN in the file";
--   * -0.0: a REAL column stores a whole number as an integer, which turns
--     -0.0 into 0 (and pstats prints -0.000 and 0.000 differently), so time
--     columns are declared ANY.  store.c binds only doubles and NULL to
--     them, so they hold nothing but REAL values (typeof() = 'real');
--   * +-inf are stored as they are.
-- Counts are plain integers (int64).
-- Tables keyed by (profile_id, ...) are WITHOUT ROWID: a profile's rows
-- are clustered together in file order (edges by callee, which pstats
-- lists in file order), so a profile is inserted by appending and read
-- back by one range scan.
-- SPDX-License-Identifier: MIT

-- One loaded profile file.  Listing reads only this table.
CREATE TABLE profile (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a stale link never shows another profile
    name            TEXT    NOT NULL,  -- display name, e.g. the file's basename
    origin          TEXT    NOT NULL,  -- where it came from: a path or "upload"
    format          TEXT    NOT NULL,  -- input format: "pstats"
    writer          TEXT    NOT NULL,  -- best guess at the producer: "cProfile", "profile", "yappi", ...
    dialect         TEXT    NOT NULL,  -- marshal sharing scheme: "py2" or "py3"
    marshal_version INTEGER NOT NULL,  -- lowest marshal version consistent with the file
    size            INTEGER NOT NULL,  -- bytes of the original file
    sha256          TEXT    NOT NULL UNIQUE,  -- lowercase hex SHA-256 of the file: the same bytes are stored once
    loaded_at       INTEGER NOT NULL,  -- when it was stored, unix time in seconds
    parse_ms        REAL    NOT NULL,  -- time spent parsing, milliseconds
    store_ms        REAL    NOT NULL,  -- time of the storing transaction up to its COMMIT, milliseconds
    total_calls     INTEGER NOT NULL,  -- sum of function nc, calls (clamped to int64)
    prim_calls      INTEGER NOT NULL,  -- sum of function cc, calls (clamped to int64)
    total_tt        ANY,               -- sum of function tt, seconds; NULL = NaN
    n_funcs         INTEGER NOT NULL,  -- functions with an entry of their own (ids 0 .. n_funcs-1)
    n_caller_only   INTEGER NOT NULL,  -- functions named only as callers (ids n_funcs .. n_funcs+n_caller_only-1)
    n_edges         INTEGER NOT NULL,  -- caller->callee edges (seq 0 .. n_edges-1)
    warnings        TEXT    NOT NULL   -- loader warnings, one line each, newline-separated; "" when none
) STRICT;

-- The original file, verbatim, kept apart from profile so that listing
-- never reads a blob.
CREATE TABLE profile_blob (
    profile_id INTEGER PRIMARY KEY REFERENCES profile(id) ON DELETE CASCADE,  -- the profile
    bytes      BLOB    NOT NULL   -- the file's bytes, length = profile.size
) STRICT;

-- One function of a profile: a (file, line, name) key of the pstats dict,
-- or a function named only as a caller.
CREATE TABLE function (
    profile_id INTEGER NOT NULL,  -- profile.id
    id         INTEGER NOT NULL CHECK (id >= 0),  -- index in file order, local to the profile; caller-only functions last
    file       TEXT    NOT NULL,  -- filename as in the key ("~" for C builtins), WTF-8
    line       INTEGER NOT NULL,  -- first line number, 0 for builtins
    name       TEXT    NOT NULL,  -- function name (a code object's display form), WTF-8
    cc         INTEGER NOT NULL,  -- primitive (non-recursive) calls
    nc         INTEGER NOT NULL,  -- all calls; nc > cc means recursion
    tt         ANY,               -- own time, seconds; NULL = NaN
    ct         ANY,               -- cumulative time, seconds, outermost calls only; NULL = NaN
    code_name  TEXT,              -- co_name when the key held a code object (python -m profile), else NULL
    code_file  TEXT,              -- co_filename of that code object, else NULL
    code_line  INTEGER,           -- co_firstlineno of that code object; NULL exactly when code_name is NULL
    flags      INTEGER NOT NULL,  -- PV_FUNC_* bits (1 = caller only: no entry of its own)
    PRIMARY KEY (profile_id, id)
) STRICT, WITHOUT ROWID;

-- One caller->callee edge: an item of a function's callers dict.
-- Clustered by callee, so the callers of a function are one range of the
-- table in file order; pstats lists edges grouped by callee in file order,
-- so inserting in seq order appends.
CREATE TABLE edge (
    profile_id INTEGER NOT NULL,  -- profile.id
    callee     INTEGER NOT NULL,  -- function.id of the callee
    seq        INTEGER NOT NULL CHECK (seq >= 0),  -- position in file order: 0 .. n_edges-1, each once (store.c numbers them)
    caller     INTEGER NOT NULL,  -- function.id of the caller
    nc         INTEGER NOT NULL,  -- calls from caller to callee (the bare count for count edges)
    cc         INTEGER NOT NULL,  -- primitive calls among them (= nc for count edges)
    tt         ANY,               -- callee's own time during these calls, seconds (0 for count edges); NULL = NaN
    ct         ANY,               -- callee's cumulative time during these calls, seconds (0 for count edges); NULL = NaN
    is_count   INTEGER NOT NULL CHECK (is_count IN (0, 1)),  -- 1: the file held a bare call count (profile, hotshot)
    PRIMARY KEY (profile_id, callee, seq)
) STRICT, WITHOUT ROWID;

-- Callees of a function.  An index of a WITHOUT ROWID table ends with the
-- primary key, so the scan comes out by callee, then file order.
CREATE INDEX edge_by_caller ON edge(profile_id, caller);

-- An exact call tree, for formats that record whole stacks (folded stacks,
-- speedscope, callgrind).  Always empty for pstats, which keeps only
-- caller->callee pairs; a pstats tree is derived from function and edge.
CREATE TABLE tree_node (
    profile_id INTEGER NOT NULL,  -- profile.id
    id         INTEGER NOT NULL CHECK (id >= 0),  -- preorder index: parents first, each subtree a contiguous id range
    parent     INTEGER CHECK (parent < id),  -- tree_node.id of the parent; NULL for a root
    function   INTEGER NOT NULL,  -- function.id this node is a call of
    self       ANY,               -- time in this node excluding children, seconds (samples x interval); NULL = NaN
    total      ANY,               -- time in this node including children, seconds; NULL = NaN
    calls      INTEGER,           -- calls (or samples) that reached this node; NULL when the format does not count them
    PRIMARY KEY (profile_id, id)
) STRICT, WITHOUT ROWID;

-- Children of a node, and every node of a function (for "merge by function").
CREATE INDEX tree_node_by_parent ON tree_node(profile_id, parent);
CREATE INDEX tree_node_by_function ON tree_node(profile_id, function);

-- Planner statistics, written by hand as https://sqlite.org/lang_analyze.html
-- allows.  Without them SQLite guesses that `profile_id = ?` alone picks
-- out ~10 rows, and answers "callees of f" (profile_id = ? AND caller = ?)
-- by scanning the profile's whole edge range in primary-key order instead
-- of using edge_by_caller.  The figures describe a store of ten large
-- profiles: rows in all, rows per profile, rows per profile and next key
-- column, ...  (a WITHOUT ROWID table's primary key goes by the table's
-- name).  A later real ANALYZE may replace them.
ANALYZE sqlite_schema;  -- creates sqlite_stat1
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('function',  'function',              '500000 50000 1'),
    ('edge',      'edge',                  '1400000 140000 3 1'),
    ('edge',      'edge_by_caller',        '1400000 140000 3 1'),
    ('tree_node', 'tree_node',             '10000000 1000000 1'),
    ('tree_node', 'tree_node_by_parent',   '10000000 1000000 3'),
    ('tree_node', 'tree_node_by_function', '10000000 1000000 20');
ANALYZE sqlite_schema;  -- loads them

PRAGMA user_version = 2;
