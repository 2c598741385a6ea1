-- bureau-store-sqlite, schema version 1: the hash-chained event log.
CREATE TABLE IF NOT EXISTS bureau_events (
    -- Global position: commit order across streams, contiguous from 1.
    position       INTEGER PRIMARY KEY,
    stream         TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    -- Microseconds since 1970-01-01T00:00:00Z, given by the caller.
    recorded_at    INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    -- JSON text.
    payload        TEXT    NOT NULL,
    causation_id   TEXT,
    correlation_id TEXT,
    actor          TEXT,
    -- SHA-256 over the previous hash and this event's canonical bytes.
    hash           BLOB    NOT NULL,
    -- Optimistic concurrency, enforced by the database itself.
    UNIQUE (stream, version)
) STRICT;
