/**
 * The event store's DDL: the course's `event_store` + `snapshots` (block 4), with the
 * sandbox's determinism changes, plus checkpoints for catch-up subscriptions.
 *
 * Differences from the course text, and why:
 * - `created_at BIGINT` holds virtual ms passed by the store, not `DEFAULT NOW()`
 *   (the same seed must give the same rows).
 * - `global_position BIGSERIAL PRIMARY KEY` orders the whole log for readAll and
 *   subscriptions; the store, the log's only writer, numbers events itself (reading the
 *   serial back with RETURNING cost a third of an append); the default stays for rows typed
 *   by hand. `event_id` stays a UUID, unique, derived from stream id + version.
 * - `event_schema_version` is the payload's schema version, for upcasting on read.
 * - `idx_events_aggregate` is kept because the course shows it, though the
 *   UNIQUE(aggregate_id, event_version) index already serves lookups by aggregate.
 */
export const EVENT_STORE_SCHEMA = `
CREATE TABLE event_store (
    global_position BIGSERIAL PRIMARY KEY,
    event_id UUID NOT NULL UNIQUE,
    aggregate_id VARCHAR(255) NOT NULL,
    aggregate_type VARCHAR(100) NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    event_data JSONB NOT NULL,
    event_schema_version INTEGER NOT NULL,
    event_version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    correlation_id VARCHAR(255),
    causation_id VARCHAR(255),

    -- Optimistic concurrency control
    UNIQUE(aggregate_id, event_version)
);

CREATE TABLE snapshots (
    aggregate_id VARCHAR(255) PRIMARY KEY,
    aggregate_type VARCHAR(100) NOT NULL,
    snapshot_data JSONB NOT NULL,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE subscription_checkpoints (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);

CREATE INDEX idx_events_aggregate ON event_store(aggregate_id);
CREATE INDEX idx_events_type ON event_store(aggregate_type);
CREATE INDEX idx_events_created ON event_store(created_at);
`;

/**
 * Unique constraints a concurrent append at the same version violates: UNIQUE(aggregate_id,
 * event_version) and, because event ids derive from stream + version, UNIQUE(event_id).
 */
export const STREAM_VERSION_CONSTRAINTS = ['event_store_aggregate_id_event_version_key', 'event_store_event_id_key'];

/** The primary key on global_position: violated only when a row was written behind the store's back. */
export const POSITION_CONSTRAINT = 'event_store_pkey';

/** DDL of a read-model table (name already validated). */
export function readModelTableDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, doc JSONB NOT NULL)`;
}
