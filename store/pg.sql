-- pg.sql — the profviz store on PostgreSQL: the PostgreSQL backend's
-- only DDL, compiled into the binary (pg.c runs it on an empty schema).
--
-- Version 1.  The same rule as the SQLite store (schema.sql): a team
-- store's uploads are its only copy, so a later version is an additive
-- step in a file of its own that pg.c runs after this one, and a store
-- written by a newer profviz is refused.  pg.c runs the files in one
-- transaction under an advisory lock, so front ends starting at once on
-- an empty database create the tables once.  Tables are unqualified:
-- they go in the first schema of the connection's search_path, so one
-- database can hold several stores.
--
-- Exactness.  Everything read back is what was stored:
--   * times are float8, which keeps NaN, -0.0 and +-inf; pg.c sends and
--     reads them in binary, every bit;
--   * every string that comes from a profile file or its name (names,
--     files, warnings, units, variants, the recorder's words) is bytea:
--     profile strings are WTF-8 and may hold lone surrogates, which a
--     UTF8 database refuses as text.  Labels are checked UTF-8 and are
--     text; the SHA-256 hex strings are ASCII text.
--
-- The bulk tables (function, edge, recorded_node) carry no foreign keys:
-- pg.c loads them with COPY, where a key would cost a trigger per row; it
-- checks edge ends and node indexes before sending them and deletes a
-- profile's rows from every table in one transaction.
-- SPDX-License-Identifier: MIT

-- The store's own state, one row.
CREATE TABLE pv_meta (
    one          boolean PRIMARY KEY DEFAULT true CHECK (one),  -- there is one row
    version      integer NOT NULL,  -- schema version: what the last step applied set
    data_version bigint  NOT NULL   -- moved by every delete, in the delete's transaction (store.h)
);
INSERT INTO pv_meta (version, data_version) VALUES (0, 0);

-- The next profile id never given out.  A row of its own rather than a
-- sequence: pv_store_take_ids needs n contiguous ids at once.  Only
-- grows, and a taken id is committed at once, so ids are never reused.
CREATE TABLE pv_ids (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),  -- there is one row
    next_id bigint  NOT NULL CHECK (next_id >= 1)          -- the lowest id no profile has had
);
INSERT INTO pv_ids (next_id) VALUES (1);

-- One stored profile: schema.sql's profile table, with formats.sql's
-- columns.  Listing reads only this table.
CREATE TABLE profile (
    id              bigint  PRIMARY KEY,  -- from pv_ids: never reused, the highest is the newest
    name            bytea   NOT NULL,     -- display name, e.g. the file's basename
    name_fold       bytea   NOT NULL,     -- name with ASCII A-Z lower-cased: the listing's search
    origin          bytea   NOT NULL,     -- where it came from: a path or "upload"
    format          bytea   NOT NULL,     -- the reader: "pstats", "folded", ...
    writer          bytea   NOT NULL,     -- best guess at the producer
    dialect         bytea   NOT NULL,     -- marshal sharing scheme: "py2" or "py3"
    marshal_version integer NOT NULL,     -- lowest marshal version consistent with the file
    size            bigint  NOT NULL,     -- bytes of the original file
    sha256          text    NOT NULL UNIQUE,  -- identity (formats.sql): the same bytes and variant are stored once
    file_sha256     text,                 -- the file's SHA-256 when sha256 is a variant's key; NULL: sha256 is the file's
    loaded_at       bigint  NOT NULL,     -- when it was stored, unix time in seconds
    parse_ms        float8  NOT NULL,     -- time spent parsing, milliseconds
    store_ms        float8  NOT NULL,     -- time of the fill, milliseconds
    total_calls     bigint  NOT NULL,     -- sum of function nc
    prim_calls      bigint  NOT NULL,     -- sum of function cc
    total_tt        float8  NOT NULL,     -- sum of function tt, in unit
    n_funcs         bigint  NOT NULL,     -- functions with an entry (ids 0 .. n_funcs-1)
    n_caller_only   bigint  NOT NULL,     -- functions named only as callers (ids after them)
    n_edges         bigint  NOT NULL,     -- caller->callee edges (seq 0 .. n_edges-1)
    warnings        bytea   NOT NULL,     -- loader warnings, newline-separated; empty when none
    unit            bytea   NOT NULL,     -- what tt/ct measure
    calls_unit      bytea   NOT NULL,     -- what nc/cc count
    variant         bytea   NOT NULL,     -- "" or "event=NAME", "profile=N"
    choices         bytea   NOT NULL,     -- every variant the file offers, newline-separated
    empty_weight    float8  NOT NULL,     -- stack formats: weight of the samples in no function
    stored_bytes    bigint  NOT NULL      -- its file's bytes and its rows' as sent (COPY): what pv_store_used_bytes adds up
);

-- The file's bytes, in order: chunk seq holds bytes seq*PV_STORE_CHUNK
-- onwards, PV_STORE_CHUNK of them but in the last chunk.  An empty file
-- is one empty chunk.
CREATE TABLE profile_chunk (
    profile_id bigint  NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- its chunks go with it
    seq        integer NOT NULL CHECK (seq >= 0),  -- 0, 1, ...
    bytes      bytea   NOT NULL,                   -- at most PV_STORE_CHUNK bytes
    PRIMARY KEY (profile_id, seq)
);
-- Kept as they are, like SQLite's blobs: compressing an 8 MB file took
-- most of the time storing a 50,000-function profile took.
ALTER TABLE profile_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- One function of a profile (schema.sql's function table).
CREATE TABLE function (
    profile_id bigint  NOT NULL,  -- profile.id
    id         integer NOT NULL CHECK (id >= 0),  -- index in file order; caller-only functions last
    file       bytea   NOT NULL,  -- filename as in the key, WTF-8
    line       bigint  NOT NULL,  -- first line number, 0 for builtins
    name       bytea   NOT NULL,  -- function name, WTF-8
    cc         bigint  NOT NULL,  -- primitive calls
    nc         bigint  NOT NULL,  -- all calls
    tt         float8  NOT NULL,  -- own time, in the profile's unit
    ct         float8  NOT NULL,  -- cumulative time, in the profile's unit
    code_name  bytea,             -- co_name of a code object key, else NULL
    code_file  bytea,             -- its co_filename, else NULL
    code_line  bigint,            -- its co_firstlineno; NULL exactly when code_name is NULL
    flags      integer NOT NULL,  -- PV_FUNC_* bits
    PRIMARY KEY (profile_id, id)
);

-- One caller->callee edge (schema.sql's edge table).  The primary key
-- serves callers-of (by callee) and reading a profile's edges.  Unlike
-- schema.sql, no index by caller: no query reads edges by caller (the
-- call graph is built in memory from a whole read), and keeping one,
-- whose entries go in at random places, took half the time of storing a
-- 50,000-function profile.
CREATE TABLE edge (
    profile_id bigint  NOT NULL,  -- profile.id
    callee     integer NOT NULL,  -- function.id of the callee
    seq        integer NOT NULL CHECK (seq >= 0),  -- position in file order
    caller     integer NOT NULL,  -- function.id of the caller
    nc         bigint  NOT NULL,  -- calls from caller to callee
    cc         bigint  NOT NULL,  -- primitive calls among them
    tt         float8  NOT NULL,  -- callee's own time during these calls
    ct         float8  NOT NULL,  -- callee's cumulative time during these calls
    is_count   boolean NOT NULL,  -- the file held a bare call count
    PRIMARY KEY (profile_id, callee, seq)
);

-- A labelled profile (labels.sql): checked UTF-8, so text.
CREATE TABLE label (
    profile_id bigint NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- its labels go with it
    key        text   NOT NULL,  -- 1..64 bytes of [A-Za-z0-9_.-]
    value      text   NOT NULL,  -- 1..256 bytes of UTF-8, no control characters
    PRIMARY KEY (profile_id, key)
);
CREATE INDEX label_by_value ON label (key, value, profile_id);

-- A recorded or stack profile's exact tree (recorded.sql).
CREATE TABLE recorded_tree (
    profile_id     bigint PRIMARY KEY,  -- profile.id
    threads        bigint NOT NULL,     -- threads the tree merges under the top
    max_paths      bigint NOT NULL,     -- the recorder's cap on distinct paths
    overflow_calls bigint NOT NULL,     -- calls folded into overflow nodes
    timer          bytea  NOT NULL,     -- what the times were measured with
    recorder       bytea  NOT NULL      -- the recorder's version
);

CREATE TABLE recorded_node (
    profile_id bigint  NOT NULL,  -- profile.id
    node       integer NOT NULL CHECK (node >= 0),  -- pre-order index
    parent     integer CHECK (parent < node),       -- the parent's node; NULL at the top level
    func       integer,           -- function.id; NULL for an overflow node
    calls      bigint  NOT NULL CHECK (calls >= 1),  -- calls with exactly this path
    tt         float8  NOT NULL,  -- own time
    ct         float8  NOT NULL,  -- time including callees
    PRIMARY KEY (profile_id, node)
);

UPDATE pv_meta SET version = 1;
