-- bureau-store-postgres, schema version 2: the latest snapshot of each stream.
CREATE TABLE IF NOT EXISTS bureau_snapshots (
    stream   TEXT   PRIMARY KEY,
    -- The version of the last event the state includes.
    version  BIGINT NOT NULL,
    -- The chain hash of the stream's event at that version.
    chain    BYTEA  NOT NULL,
    format   TEXT   NOT NULL,
    -- SHA-256 of chain, format and state (see bureau_store::snapshot).
    digest   BYTEA  NOT NULL,
    state    BYTEA  NOT NULL
);
