-- recorded.sql — schema version 4: the call trees `profviz record` writes
-- after a pstats dump (docs/recorded-tree.md).  An additive step applied
-- after labels.sql, as labels.sql was after schema.sql: a new store gets
-- all three, a version-3 store gets only this, in one transaction, and
-- keeps every profile (they are all plain pstats: no rows here).  Only
-- CREATE ... IF NOT EXISTS.  Like function and edge, these bulk tables
-- carry no foreign keys (schema.sql says why): store.c writes them in the
-- profile's transaction after checking their indexes, and deletes them
-- with it.
-- SPDX-License-Identifier: MIT

-- A recorded profile's tree as a whole: a row here is what makes a
-- profile "recorded" (its tree is served from recorded_node).
CREATE TABLE IF NOT EXISTS recorded_tree (
    profile_id     INTEGER PRIMARY KEY,  -- profile.id
    threads        INTEGER NOT NULL,     -- threads the tree merges under the top
    max_paths      INTEGER NOT NULL,     -- the recorder's cap on distinct paths
    overflow_calls INTEGER NOT NULL,     -- calls folded into overflow nodes (0: the cap was never reached)
    timer          TEXT    NOT NULL,     -- what the times were measured with
    recorder       TEXT    NOT NULL      -- the recorder's version
) STRICT;

-- One node of a recorded tree: the calls whose stack, from the top, is
-- exactly this node's path.
CREATE TABLE IF NOT EXISTS recorded_node (
    profile_id INTEGER NOT NULL,  -- profile.id
    node       INTEGER NOT NULL CHECK (node >= 0),  -- pre-order index: a parent first, each subtree contiguous
    parent     INTEGER CHECK (parent < node),       -- node of the parent; NULL at the top level
    func       INTEGER,           -- function.id (an entry); NULL for an overflow node (paths past the recorder's cap)
    calls      INTEGER NOT NULL CHECK (calls >= 1),  -- calls with exactly this path
    tt         REAL    NOT NULL,  -- seconds spent in those calls themselves
    ct         REAL    NOT NULL,  -- seconds including what they called
    PRIMARY KEY (profile_id, node)
) STRICT, WITHOUT ROWID;

PRAGMA user_version = 4;
