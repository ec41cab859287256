-- formats.sql — schema version 5: profiles of every input format (folded
-- stacks, speedscope, .cpuprofile, callgrind), not only pstats.  An
-- additive step applied after recorded.sql: a new store gets all four, a
-- version-4 store gets only this, in one transaction, and keeps every
-- profile.  store.c runs it only on a store below version 5 (an ALTER
-- TABLE cannot say IF NOT EXISTS); a row stored before it reads as what
-- it is, a pstats profile: seconds, calls, the only variant, no choices.
--
-- Identity.  A file that holds several profiles or event types (a
-- callgrind file with Ir and Dr, a speedscope file of three threads) can
-- be stored once per variant.  profile.sha256 (UNIQUE) stays the key that
-- stores the same thing once: for the reader's default variant ("") it
-- is the file's SHA-256, as it always was; for another variant it is the
-- SHA-256 of the text "<the file's SHA-256 in hex> <variant>", so the same
-- bytes with the same variant are stored once and another variant is
-- another profile.  file_sha256 then holds the file's own hash (NULL when
-- it equals sha256), which is what the API calls the profile's sha256.
--
-- Big files.  profile_blob holds a file's first PV_STORE_CHUNK bytes (all
-- of a smaller file, and all of every file stored before this step);
-- profile_chunk holds the rest, in order.  SQLite refuses blobs over
-- 1,000,000,000 bytes, and reading a blob loads it whole, so a file of
-- gigabytes is kept as a row of chunks that a reader streams one at a
-- time.  The concatenation is the file, byte for byte.
-- SPDX-License-Identifier: MIT

ALTER TABLE profile ADD COLUMN unit TEXT NOT NULL DEFAULT 'seconds';   -- what tt/ct measure: "seconds", "samples", "microseconds", "bytes", "none", a callgrind event ("Ir")
ALTER TABLE profile ADD COLUMN calls_unit TEXT NOT NULL DEFAULT 'calls';  -- what nc/cc and node calls count: "calls" or "samples"
ALTER TABLE profile ADD COLUMN variant TEXT NOT NULL DEFAULT '';       -- the part of the file this profile is: "" (the reader's default), "event=NAME", "profile=N"
ALTER TABLE profile ADD COLUMN choices TEXT NOT NULL DEFAULT '';       -- every variant the file offers, newline-separated; "" when there is nothing to choose
ALTER TABLE profile ADD COLUMN empty_weight ANY NOT NULL DEFAULT 0.0;    -- stack formats: weight of the samples with no frame (in no function), in unit; REAL
ALTER TABLE profile ADD COLUMN file_sha256 TEXT;                       -- lowercase hex SHA-256 of the file when sha256 is a variant's key (above); NULL: sha256 is the file's

-- The bytes of a file past its first PV_STORE_CHUNK (in profile_blob).
-- A rowid table: rows of megabytes would make a WITHOUT ROWID b-tree
-- copy them on every page split.
CREATE TABLE IF NOT EXISTS profile_chunk (
    profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- the profile; its chunks go with it
    seq        INTEGER NOT NULL CHECK (seq >= 1),  -- 1, 2, ...: the file's (seq+1)th PV_STORE_CHUNK bytes
    bytes      BLOB    NOT NULL,                   -- PV_STORE_CHUNK bytes, fewer in the last chunk
    PRIMARY KEY (profile_id, seq)
) STRICT;

PRAGMA user_version = 5;
