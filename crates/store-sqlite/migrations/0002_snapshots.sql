-- bureau-store-sqlite, schema version 2: the latest snapshot of each stream.
CREATE TABLE IF NOT EXISTS bureau_snapshots (
    stream   TEXT    PRIMARY KEY,
    -- The version of the last event the state includes.
    version  INTEGER NOT NULL,
    -- The chain hash of the stream's event at that version.
    chain    BLOB    NOT NULL,
    format   TEXT    NOT NULL,
    -- SHA-256 of chain, format and state (see bureau_store::snapshot).
    digest   BLOB    NOT NULL,
    state    BLOB    NOT NULL
) STRICT;
