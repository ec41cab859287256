-- schema.sql — the profviz store: the only DDL, compiled into the binary.
--
-- A store is a cache derived from profile files: when this schema changes,
-- user_version goes up and an old store is refused ("delete it"), never
-- migrated.  store.c applies this file to an empty database in one
-- transaction.  Every child table hangs off profile with ON DELETE CASCADE
-- (connections run with PRAGMA foreign_keys = ON), so deleting a profile
-- row deletes everything derived from it.
--
-- NaN: SQLite stores a NaN REAL as NULL, so every time column is a
-- nullable REAL in which NULL means "NaN in the file"; +-inf are stored as
-- they are.  Times are seconds, counts are plain integers (int64).
-- Tables keyed by (profile_id, id) are WITHOUT ROWID: rows are clustered by
-- profile and file order, so a profile is inserted by appending and read
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
    store_ms        REAL    NOT NULL,  -- time of the storing transaction, milliseconds
    total_calls     INTEGER NOT NULL,  -- sum of function nc, calls (clamped to int64)
    prim_calls      INTEGER NOT NULL,  -- sum of function cc, calls (clamped to int64)
    total_tt        REAL,              -- sum of function tt, seconds; NULL = NaN
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
    profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- the profile
    id         INTEGER NOT NULL CHECK (id >= 0),  -- index in file order, local to the profile; caller-only functions last
    file       TEXT    NOT NULL,  -- filename as in the key ("~" for C builtins), WTF-8
    line       INTEGER NOT NULL,  -- first line number, 0 for builtins
    name       TEXT    NOT NULL,  -- function name (a code object's display form), WTF-8
    cc         INTEGER NOT NULL,  -- primitive (non-recursive) calls
    nc         INTEGER NOT NULL,  -- all calls; nc > cc means recursion
    tt         REAL,              -- own time, seconds; NULL = NaN
    ct         REAL,              -- cumulative time, seconds, outermost calls only; NULL = NaN
    code_name  TEXT,              -- co_name when the key held a code object (python -m profile), else NULL
    code_file  TEXT,              -- co_filename of that code object, else NULL
    code_line  INTEGER,           -- co_firstlineno of that code object; NULL exactly when code_name is NULL
    flags      INTEGER NOT NULL,  -- PV_FUNC_* bits (1 = caller only: no entry of its own)
    PRIMARY KEY (profile_id, id)
) STRICT, WITHOUT ROWID;

-- One caller->callee edge: an item of a function's callers dict.
CREATE TABLE edge (
    profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- the profile
    seq        INTEGER NOT NULL CHECK (seq >= 0),  -- position in file order: grouped by callee, callers in file order
    caller     INTEGER NOT NULL,  -- function.id of the caller
    callee     INTEGER NOT NULL,  -- function.id of the callee
    nc         INTEGER NOT NULL,  -- calls from caller to callee (the bare count for count edges)
    cc         INTEGER NOT NULL,  -- primitive calls among them (= nc for count edges)
    tt         REAL,              -- callee's own time during these calls, seconds (0 for count edges); NULL = NaN
    ct         REAL,              -- callee's cumulative time during these calls, seconds (0 for count edges); NULL = NaN
    is_count   INTEGER NOT NULL CHECK (is_count IN (0, 1)),  -- 1: the file held a bare call count (profile, hotshot)
    PRIMARY KEY (profile_id, seq),
    FOREIGN KEY (profile_id, caller) REFERENCES function(profile_id, id) ON DELETE CASCADE,
    FOREIGN KEY (profile_id, callee) REFERENCES function(profile_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Callers of a function (by callee) and callees of a function (by caller).
-- An index of a WITHOUT ROWID table ends with the primary key, so both
-- scans come out in seq (file) order.  They also serve the foreign keys.
CREATE INDEX edge_by_callee ON edge(profile_id, callee);
CREATE INDEX edge_by_caller ON edge(profile_id, caller);

-- An exact call tree, for formats that record whole stacks (folded stacks,
-- speedscope, callgrind).  Always empty for pstats, which keeps only
-- caller->callee pairs; a pstats tree is derived from function and edge.
CREATE TABLE tree_node (
    profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- the profile
    id         INTEGER NOT NULL CHECK (id >= 0),  -- preorder index: a node's subtree is the range id .. id+size-1
    parent     INTEGER CHECK (parent < id),  -- tree_node.id of the parent; NULL for a root
    function   INTEGER NOT NULL,  -- function.id this node is a call of
    self       REAL,              -- time in this node excluding children, seconds (samples x interval); NULL = NaN
    total      REAL,              -- time in this node including children, seconds; NULL = NaN
    calls      INTEGER,           -- calls (or samples) that reached this node; NULL when the format does not count them
    PRIMARY KEY (profile_id, id),
    FOREIGN KEY (profile_id, parent) REFERENCES tree_node(profile_id, id) ON DELETE CASCADE,
    FOREIGN KEY (profile_id, function) REFERENCES function(profile_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Children of a node, and every node of a function (for "merge by function").
CREATE INDEX tree_node_by_parent ON tree_node(profile_id, parent);
CREATE INDEX tree_node_by_function ON tree_node(profile_id, function);

PRAGMA user_version = 1;
