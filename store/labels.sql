-- labels.sql — schema version 3: labels on profiles.  An additive step
-- applied after schema.sql: a new store gets both, a version-2 store
-- (which holds uploads that are the team's only copy) gets only this, in
-- one transaction, and keeps every profile.  Only CREATE ... IF NOT
-- EXISTS here, so running it over a store that has it changes nothing.
-- SPDX-License-Identifier: MIT

-- A label of a profile: service=api, branch=main, commit=1a2b3c, ...
-- One value per key and profile.  Limits and allowed characters are
-- checked by store/labels.c before any insert (docs/api.md lists them).
CREATE TABLE IF NOT EXISTS label (
    profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,  -- the profile; its labels go with it
    key        TEXT    NOT NULL,  -- 1..64 bytes of [A-Za-z0-9_.-]
    value      TEXT    NOT NULL,  -- 1..256 bytes of UTF-8, no control characters
    PRIMARY KEY (profile_id, key)
) STRICT, WITHOUT ROWID;

-- "Profiles labelled key=value": the list filter reads the ids from here,
-- newest first, without touching other profiles.
CREATE INDEX IF NOT EXISTS label_by_value ON label(key, value, profile_id);

PRAGMA user_version = 3;
