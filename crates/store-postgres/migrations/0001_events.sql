-- bureau-store-postgres, schema version 1: the hash-chained event log.
CREATE TABLE IF NOT EXISTS bureau_events (
    -- Global position: commit order across streams, contiguous from 1.
    -- Allocated under a transaction-scoped advisory lock, not by a sequence.
    position       BIGINT      PRIMARY KEY,
    stream         TEXT        NOT NULL,
    version        BIGINT      NOT NULL,
    -- Given by the caller, kept to the microsecond.
    recorded_at    TIMESTAMPTZ NOT NULL,
    event_type     TEXT        NOT NULL,
    -- JSON, not JSONB: the exact text that was hashed is kept (JSONB would
    -- respell numbers, such as 1e16 or -0.0, and break the chain).
    payload        JSON        NOT NULL,
    causation_id   TEXT,
    correlation_id TEXT,
    actor          TEXT,
    -- SHA-256 over the previous hash and this event's canonical bytes.
    hash           BYTEA       NOT NULL,
    -- Optimistic concurrency, enforced by the database itself.
    CONSTRAINT bureau_events_stream_version UNIQUE (stream, version)
);
