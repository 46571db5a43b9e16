/**
 * The event store on PGlite: the course's `event_store` + `snapshots` schema, optimistic
 * concurrency through UNIQUE(aggregate_id, event_version), upcasting on read, snapshots,
 * catch-up subscriptions with checkpoints, and keyed projections (CQRS read models).
 *
 * Placement: one PostgreSQL schema per event store (the Order service's; Payment's audit gets
 * its own), on the simulation's shared PGlite instance (see `sharedPglite.ts`). The read
 * models (`rm_<name>`) live in the same schema as the log, because a batch's read-model rows
 * and its checkpoint must commit in one local transaction: that is what makes "a crash never
 * double-applies" true without idempotency keys.
 *
 * Concurrency: an append is a single INSERT … SELECT, atomic by itself. A stale
 * expectedVersion is refused by the UNIQUE constraint (SQLSTATE 23505, turned into
 * ConcurrencyError), not by a read-then-write check, so it holds with any interleaving.
 * A failed append may consume global positions (BIGSERIAL): positions increase, with gaps.
 */
import type { Transaction } from '@electric-sql/pglite';
import { ConcurrencyError, MalformedEventError, SimError, ValidationError } from '../../core/errors';
import { deepClone, type Json, type JsonObject } from '../../core/json';
import type { StoreContext } from '../../core/storeContext';
import { exportSchema, importSchema, toSqlError, type SqlStoreState } from '../sql/createSqlStore';
import type { SchemaConnection } from '../sql/sharedPglite';
import { eventIdFor } from './eventId';
import { EVENT_STORE_SCHEMA, POSITION_CONSTRAINT, STREAM_VERSION_CONSTRAINTS, readModelTableDdl } from './schema';
import type {
  AppendMeta,
  AppendResult,
  EventStore,
  NewEvent,
  ProjectionDefinition,
  ProjectionDraft,
  ProjectionStatus,
  StoredEvent,
  Upcaster,
} from './types';
import { UpcasterRegistry, validateNewEvents } from './upcasting';

export interface PgliteEventStoreOptions {
  /** Default 'event store · PGlite'. */
  engineLabel?: string;
  /** Events per page for catch-up and rebuild. Default 5,000. */
  pageSize?: number;
}

/** A snapshot as stored. */
export interface StoredSnapshot {
  state: JsonObject;
  version: number;
  aggregateType: string;
  createdAt: number;
}

export interface AggregateReducer<S extends JsonObject> {
  /** State before the first event (cloned, never mutated). */
  initial: S;
  /** Folds one upcast event into the state. */
  apply: (state: S, event: StoredEvent) => S;
}

export interface LoadedAggregate<S> {
  state: S;
  /** Stream version the state reflects (0 for an empty stream). */
  version: number;
  /** Version of the snapshot started from, or null when replayed from the start. */
  snapshotVersion: number | null;
  /** Events applied after the snapshot. */
  eventsApplied: number;
  /** True when this load saved a new snapshot. */
  snapshotSaved: boolean;
}

export interface CatchUpResult {
  /** Events handed to the handler / applied to the read model by this call. */
  delivered: number;
  /** Checkpoint after the call: the global position processed up to. */
  position: number;
}


/** The PGlite event store: the EventStore contract plus the inspection and subscription API. */
export interface PgliteEventStore extends EventStore {
  append(
    streamId: string,
    aggregateType: string,
    events: readonly NewEvent[],
    expectedVersion: number,
    meta?: AppendMeta,
  ): Promise<AppendResult & { eventIds: string[] }>;
  /** Events of a stream with version > fromVersion, as stored (the UI's "before"). */
  readStreamRaw(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** One stored event as the current schema sees it (the UI's "after"). Throws MissingUpcasterError. */
  upcast(event: StoredEvent): StoredEvent;
  /** Current schema version of an event type (1 unless set or implied by upcasters). */
  schemaVersion(eventType: string): number;
  loadSnapshot(streamId: string): Promise<StoredSnapshot | undefined>;
  /** Snapshot (if any) + the events after it, folded. Saves a snapshot when `snapshotEvery` events were replayed. */
  loadAggregate<S extends JsonObject>(
    streamId: string,
    opts: AggregateReducer<S> & { snapshotEvery?: number },
  ): Promise<LoadedAggregate<S>>;
  /** After an append crosses a multiple of `every`, fold the stream and save a snapshot. null removes the policy. */
  setSnapshotPolicy<S extends JsonObject>(aggregateType: string, policy: (AggregateReducer<S> & { every: number }) | null): void;
  /** Registers a catch-up subscription; returns a function that unregisters it (its checkpoint stays). */
  subscribe(name: string, handler: (event: StoredEvent) => void | Promise<void>, opts?: { handles?: string[] }): () => void;
  /**
   * Delivers every event after the subscription's checkpoint in global order and saves the
   * checkpoint after each page (at-least-once: a crash between a handler and the save redelivers).
   */
  catchUp(name: string): Promise<CatchUpResult>;
  /** Saved checkpoint of a subscription (0 when none). */
  checkpoint(name: string): Promise<number>;
  /** Catches up one projection (pages, each page's rows + checkpoint in one transaction). */
  catchUpProjection(name: string): Promise<CatchUpResult>;
  /** Truncates the read model and replays the log from position 0 in pages, reporting progress per page. */
  rebuild(name: string, onProgress?: (done: number, total: number) => void, opts?: { pageSize?: number }): Promise<CatchUpResult>;
  /** One document of a read model. */
  get(name: string, key: string): Promise<JsonObject | undefined>;
  projectionStatus(name: string): Promise<ProjectionStatus>;
}

/** Columns read for an event, in the order `rowToEvent` expects (rowMode 'array' avoids an object per row). */
const EVENT_COLUMNS = `global_position, event_id, aggregate_id, aggregate_type, event_type, event_data,
  event_schema_version, event_version, created_at, correlation_id, causation_id`;

function rowToEvent(r: unknown[]): StoredEvent {
  return {
    globalPosition: Number(r[0]),
    eventId: r[1] as string,
    streamId: r[2] as string,
    aggregateType: r[3] as string,
    type: r[4] as string,
    data: r[5] as JsonObject,
    schemaVersion: r[6] as number,
    version: r[7] as number,
    createdAt: Number(r[8]),
    correlationId: (r[9] as string | null) ?? null,
    causationId: (r[10] as string | null) ?? null,
  };
}

const PROJECTION_NAME = /^[a-z][a-z0-9_]{0,50}$/;
const checkpointName = (projection: string) => `projection:${projection}`;
const tableOf = (projection: string) => `rm_${projection}`;

/** Freezes a document and everything inside it, skipping parts already frozen (docs spread from older ones). */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v as object).every((x) => isJsonValue(x, depth + 1));
  }
  return false;
}

/** A tiny FIFO lock: catch-ups of one projection/subscription never interleave. */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

interface ProjectionState {
  def: ProjectionDefinition;
  /** Committed documents, mirrored from rm_<name>; null = not loaded (reload from the table). */
  docs: Map<string, JsonObject> | null;
  tableReady: boolean;
  lock: ReturnType<typeof createLock>;
}

interface SubscriptionState {
  handler: (event: StoredEvent) => void | Promise<void>;
  handles?: string[];
  lock: ReturnType<typeof createLock>;
}

/**
 * Creates the event store on a PGlite instance (runs the schema).
 *
 * @param ctx - the owning service's context (Order, or Payment for its audit).
 * @param db - the store's schema on a (shared) PGlite instance; close() releases it.
 * @param opts - label, page size.
 */
export async function createPgliteEventStore(
  ctx: StoreContext,
  db: SchemaConnection,
  opts: PgliteEventStoreOptions = {},
): Promise<PgliteEventStore> {
  const defaultPageSize = opts.pageSize ?? 5000;
  const pageSize = defaultPageSize;
  const registry = new UpcasterRegistry();
  const projections = new Map<string, ProjectionState>();
  const subscriptions = new Map<string, SubscriptionState>();
  const snapshotPolicies = new Map<string, AggregateReducer<JsonObject> & { every: number }>();
  let closed = false;

  try {
    await db.createTables(EVENT_STORE_SCHEMA);
  } catch (e) {
    throw toSqlError(e, EVENT_STORE_SCHEMA);
  }

  /** checkAccess, run, record; every public operation goes through here. */
  async function op<T>(name: string, summary: string, fn: () => Promise<T>, count?: (r: T) => number): Promise<T> {
    ctx.checkAccess();
    try {
      if (closed) throw new ValidationError(`Event store "${ctx.name}" is closed.`);
      const r = await fn();
      ctx.record({ op: name, summary, ok: true, ...(count ? { count: count(r) } : {}) });
      return r;
    } catch (e) {
      const err = e instanceof SimError ? e : toSqlError(e, summary);
      ctx.record({ op: name, summary, ok: false, error: { code: err.code, message: err.message } });
      throw e instanceof SimError || !(e instanceof Error) || 'severity' in e ? err : e;
    }
  }

  async function q<T = unknown[]>(sql: string, params?: unknown[], exec: Pick<SchemaConnection, 'query'> = db): Promise<T[]> {
    try {
      return (await exec.query<T>(sql, params, { rowMode: 'array' })).rows;
    } catch (e) {
      throw toSqlError(e, sql);
    }
  }

  async function streamVersionOf(streamId: string, exec: Pick<SchemaConnection, 'query'> = db): Promise<number> {
    const rows = await q<[number]>(
      `SELECT coalesce(max(event_version), 0) FROM event_store WHERE aggregate_id = $1`,
      [streamId],
      exec,
    );
    return Number(rows[0]![0]);
  }

  async function headPositionOf(exec: Pick<SchemaConnection, 'query'> = db): Promise<number> {
    const rows = await q<[number]>(`SELECT coalesce(max(global_position), 0) FROM event_store`, [], exec);
    return Number(rows[0]![0]);
  }

  function validate(streamId: string, aggregateType: string, events: readonly NewEvent[], expectedVersion: number): void {
    validateNewEvents(streamId, events);
    if (events.length === 0) throw new MalformedEventError(`append to ${streamId}: no events.`);
    if (typeof aggregateType !== 'string' || aggregateType.length === 0 || aggregateType.length > 100)
      throw new MalformedEventError(`append to ${streamId}: aggregate type must be a non-empty string of at most 100 characters.`);
    if (streamId.length > 255) throw new MalformedEventError(`Stream id "${streamId.slice(0, 40)}…" is longer than 255 characters.`);
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0)
      throw new ValidationError(`append to ${streamId}: expectedVersion must be a whole number ≥ 0, got ${String(expectedVersion)}.`);
    events.forEach((e, i) => {
      if (e.type.length > 100) throw new MalformedEventError(`Event ${i + 1} of ${streamId}: type is longer than 100 characters.`, { index: i });
      if (!isJsonValue(e.data))
        throw new MalformedEventError(`Event ${i + 1} (${e.type}) of ${streamId}: data must be plain JSON (no undefined, NaN, Date, class instances).`, {
          index: i,
          type: e.type,
        });
      const current = registry.currentVersion(e.type);
      if (e.schemaVersion !== undefined && e.schemaVersion > current)
        throw new MalformedEventError(`Event ${i + 1} (${e.type}) of ${streamId}: schema v${e.schemaVersion} is newer than the current v${current}.`, {
          index: i,
        });
    });
  }

  // One statement for one event or a hundred: the rows come from a JSON array.
  // Concurrency is the UNIQUE(aggregate_id, event_version) constraint's job: a stale writer
  // inserts a version that exists and gets 23505. The WHERE only refuses an expectedVersion
  // *ahead* of the stream (its event does not exist), which would otherwise leave a gap.
  const APPEND_SQL = `
    INSERT INTO event_store (global_position, event_id, aggregate_id, aggregate_type, event_type, event_data,
                             event_schema_version, event_version, created_at, correlation_id, causation_id)
    SELECT e.p, e.id::uuid, $1::text, $2::text, e.t, e.d, e.s, e.v, $4::bigint, $5::text, $6::text
      FROM jsonb_to_recordset($3::jsonb) AS e(p bigint, id text, t text, d jsonb, s int, v int)
     WHERE $7::int = 0 OR EXISTS (SELECT 1 FROM event_store WHERE aggregate_id = $1::text AND event_version = $7::int)`;

  // The same statement for one event with plain parameters: jsonb_to_recordset costs a
  // noticeable share of a one-row append (measured ~1.0k vs ~1.3k appends/s on this box).
  const APPEND_ONE_SQL = `
    INSERT INTO event_store (global_position, event_id, aggregate_id, aggregate_type, event_type, event_data,
                             event_schema_version, event_version, created_at, correlation_id, causation_id)
    SELECT $11::bigint, $3::uuid, $1::text, $2::text, $8::text, $9::jsonb, $10::int, $7::int + 1, $4::bigint, $5::text, $6::text
     WHERE $7::int = 0 OR EXISTS (SELECT 1 FROM event_store WHERE aggregate_id = $1::text AND event_version = $7::int)`;

  // The plain form, used when nothing can be ahead of expectedVersion: the stream is new
  // (expectedVersion 0), or this store knows it is at expectedVersion. No guard subquery is
  // needed then; UNIQUE still refuses stale writers.
  const APPEND_ONE_KNOWN_SQL = `
    INSERT INTO event_store (global_position, event_id, aggregate_id, aggregate_type, event_type, event_data,
                             event_schema_version, event_version, created_at, correlation_id, causation_id)
    VALUES ($11::bigint, $3::uuid, $1::text, $2::text, $8::text, $9::jsonb, $10::int, $7::int + 1, $4::bigint, $5::text, $6::text)`;

  /**
   * Stream versions this store has seen (it owns its schema, so nobody appends behind its
   * back; if someone did, the cache is only ever behind, and UNIQUE still catches it).
   * Only used to skip the "ahead of the stream" guard; cleared on reset/import.
   */
  const knownVersions = new Map<string, number>();

  /**
   * The next global position. This store is the only writer of its log, so it numbers the
   * events itself instead of reading the BIGSERIAL value back: `RETURNING` cost about a third
   * of a one-event append (measured: raw INSERT 1.6k/s, the same with RETURNING 1.1k/s).
   * null = unknown (after an import, or a row written behind the store's back): read the head.
   * Like BIGSERIAL, a refused append leaves a gap; positions only grow.
   */
  let nextPosition: number | null = 1;

  async function loadNextPosition(): Promise<void> {
    const head = await headPositionOf();
    // Another append may have read it meanwhile.
    if (nextPosition === null) nextPosition = head + 1;
  }

  async function appendInternal(
    streamId: string,
    aggregateType: string,
    events: readonly NewEvent[],
    expectedVersion: number,
    meta: AppendMeta,
  ): Promise<AppendResult & { eventIds: string[] }> {
    validate(streamId, aggregateType, events, expectedVersion);
    const known = knownVersions.get(streamId);
    if (known !== undefined && known < expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, known);
    const eventIds = events.map((_, i) => eventIdFor(streamId, expectedVersion + i + 1));
    let first = 0;
    let inserted = 0;
    for (let attempt = 1; ; attempt++) {
      if (nextPosition === null) await loadNextPosition();
      first = nextPosition!;
      nextPosition = first + events.length;
      const common: unknown[] = [streamId, aggregateType, null, ctx.clock.now(), meta.correlationId ?? null, meta.causationId ?? null, expectedVersion];
      try {
        if (events.length === 1) {
          const e = events[0]!;
          common[2] = eventIds[0];
          const sql = expectedVersion === 0 || known === expectedVersion ? APPEND_ONE_KNOWN_SQL : APPEND_ONE_SQL;
          const params = [...common, e.type, JSON.stringify(e.data), e.schemaVersion ?? registry.currentVersion(e.type), first];
          inserted = (await db.query(sql, params)).affectedRows ?? 0;
        } else {
          const rows = events.map((e, i) => ({
            p: first + i,
            id: eventIds[i],
            t: e.type,
            d: e.data,
            s: e.schemaVersion ?? registry.currentVersion(e.type),
            v: expectedVersion + i + 1,
          }));
          common[2] = JSON.stringify(rows);
          inserted = (await db.query(APPEND_SQL, common)).affectedRows ?? 0;
        }
        break;
      } catch (e) {
        const err = toSqlError(e, APPEND_SQL);
        const constraint = err.details.constraint as string | undefined;
        // Same stream + version also means the same deterministic event_id, so whichever of
        // the two unique indexes PostgreSQL checks first, it is the same conflict.
        if (err.details.sqlState === '23505' && constraint && STREAM_VERSION_CONSTRAINTS.includes(constraint)) {
          const actual = await streamVersionOf(streamId);
          knownVersions.set(streamId, actual);
          throw new ConcurrencyError(streamId, expectedVersion, actual);
        }
        // A position taken: a row was written behind the store's back. Read the head, once.
        if (err.details.sqlState === '23505' && constraint === POSITION_CONSTRAINT && attempt === 1) {
          nextPosition = null;
          continue;
        }
        throw err;
      }
    }
    if (inserted === 0) {
      // The guard found no event at expectedVersion: the caller is ahead of the stream.
      throw new ConcurrencyError(streamId, expectedVersion, await streamVersionOf(streamId));
    }
    const version = expectedVersion + events.length;
    knownVersions.set(streamId, version);
    const policy = snapshotPolicies.get(aggregateType);
    if (policy && Math.floor(version / policy.every) > Math.floor(expectedVersion / policy.every)) {
      // A snapshot is a cache of the fold: written after the append, not inside it, so a
      // failing reducer can never refuse an event that is valid.
      const loaded = await loadAggregateInternal(streamId, policy);
      await saveSnapshotInternal(streamId, aggregateType, loaded.state, loaded.version);
    }
    return {
      version,
      positions: events.map((_, i) => first + i),
      eventIds,
    };
  }

  async function readStreamRawInternal(streamId: string, fromVersion: number): Promise<StoredEvent[]> {
    const rows = await q<unknown[]>(
      `SELECT ${EVENT_COLUMNS} FROM event_store WHERE aggregate_id = $1 AND event_version > $2 ORDER BY event_version`,
      [streamId, fromVersion],
    );
    return rows.map(rowToEvent);
  }

  async function readAllRawInternal(
    from: number,
    limit: number,
    handles?: readonly string[],
    exec: Pick<SchemaConnection, 'query'> = db,
  ): Promise<StoredEvent[]> {
    const lim = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : null;
    const rows = handles
      ? await q<unknown[]>(
          `SELECT ${EVENT_COLUMNS} FROM event_store
            WHERE global_position > $1 AND event_type IN (SELECT jsonb_array_elements_text($3::jsonb))
            ORDER BY global_position LIMIT $2`,
          [from, lim, JSON.stringify(handles)],
          exec,
        )
      : await q<unknown[]>(
          `SELECT ${EVENT_COLUMNS} FROM event_store WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
          [from, lim],
          exec,
        );
    return rows.map(rowToEvent);
  }

  async function saveSnapshotInternal(streamId: string, aggregateType: string, state: JsonObject, version: number): Promise<void> {
    if (!state || typeof state !== 'object' || Array.isArray(state) || !isJsonValue(state))
      throw new ValidationError(`Snapshot of ${streamId}: state must be a JSON object.`);
    const current = await streamVersionOf(streamId);
    if (!Number.isInteger(version) || version < 0 || version > current)
      throw new ValidationError(`Snapshot of ${streamId} at version ${version}: the stream is at version ${current}.`);
    await q(
      `INSERT INTO snapshots (aggregate_id, aggregate_type, snapshot_data, version, created_at)
       VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT (aggregate_id) DO UPDATE
         SET aggregate_type = EXCLUDED.aggregate_type, snapshot_data = EXCLUDED.snapshot_data,
             version = EXCLUDED.version, created_at = EXCLUDED.created_at`,
      [streamId, aggregateType, JSON.stringify(state), version, ctx.clock.now()],
    );
  }

  async function loadSnapshotInternal(streamId: string): Promise<StoredSnapshot | undefined> {
    const rows = await q<[JsonObject, number, string, number]>(
      `SELECT snapshot_data, version, aggregate_type, created_at FROM snapshots WHERE aggregate_id = $1`,
      [streamId],
    );
    const r = rows[0];
    return r ? { state: r[0], version: r[1], aggregateType: r[2], createdAt: Number(r[3]) } : undefined;
  }

  async function loadAggregateInternal<S extends JsonObject>(
    streamId: string,
    o: AggregateReducer<S> & { snapshotEvery?: number },
  ): Promise<LoadedAggregate<S>> {
    const snap = await loadSnapshotInternal(streamId);
    let state = snap ? (snap.state as S) : deepClone(o.initial);
    const from = snap?.version ?? 0;
    const tail = await readStreamRawInternal(streamId, from);
    for (const e of tail) state = o.apply(state, registry.upcast(e));
    const version = tail.length > 0 ? tail[tail.length - 1]!.version : from;
    let snapshotSaved = false;
    if (o.snapshotEvery && tail.length >= o.snapshotEvery) {
      await saveSnapshotInternal(streamId, tail[tail.length - 1]!.aggregateType, state, version);
      snapshotSaved = true;
    }
    return { state, version, snapshotVersion: snap ? snap.version : null, eventsApplied: tail.length, snapshotSaved };
  }

  async function readCheckpoint(name: string, exec: Pick<SchemaConnection, 'query'> = db): Promise<number> {
    const rows = await q<[number]>(`SELECT position FROM subscription_checkpoints WHERE name = $1`, [name], exec);
    return rows[0] ? Number(rows[0][0]) : 0;
  }

  async function writeCheckpoint(name: string, position: number, exec: Pick<SchemaConnection, 'query'> = db): Promise<void> {
    await q(
      `INSERT INTO subscription_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
      [name, position],
      exec,
    );
  }

  // ---------------------------------------------------------------- projections

  function projection(name: string): ProjectionState {
    const p = projections.get(name);
    if (!p) throw new ValidationError(`No projection named "${name}".`);
    return p;
  }

  async function ensureTables(): Promise<void> {
    for (const p of projections.values()) {
      if (p.tableReady) continue;
      await q(readModelTableDdl(tableOf(p.def.name)));
      p.tableReady = true;
    }
  }

  async function loadDocs(p: ProjectionState): Promise<Map<string, JsonObject>> {
    if (p.docs) return p.docs;
    const rows = await q<[string, JsonObject]>(`SELECT key, doc FROM ${tableOf(p.def.name)}`);
    const docs = new Map<string, JsonObject>();
    for (const [k, d] of rows) docs.set(k, deepFreeze(d));
    p.docs = docs;
    return docs;
  }

  /**
   * Applies pages of events after the checkpoint until the log is exhausted. Each page is one
   * transaction: read events, apply them to a draft over the committed documents, write the
   * dirty keys set-based and move the checkpoint. The in-memory documents change only after
   * COMMIT, so a failing page leaves memory, table and checkpoint agreeing.
   */
  async function runProjection(p: ProjectionState, onPage?: (applied: number) => void, pageSize = defaultPageSize): Promise<CatchUpResult> {
    await ensureTables();
    const table = tableOf(p.def.name);
    const cpName = checkpointName(p.def.name);
    let delivered = 0;
    for (;;) {
      const base = await loadDocs(p);
      let pageResult: { count: number; position: number; overlay: Map<string, JsonObject | undefined> };
      try {
        pageResult = await db.transaction(async (tx) => {
          const cp = await readCheckpoint(cpName, tx);
          const events = await readAllRawInternal(cp, pageSize, p.def.handles, tx);
          const overlay = new Map<string, JsonObject | undefined>();
          if (events.length === 0) return { count: 0, position: cp, overlay };
          const draft: ProjectionDraft = {
            get: (key) => (overlay.has(key) ? overlay.get(key) : base.get(key)),
            set: (key, doc) => {
              if (typeof key !== 'string') throw new ValidationError(`Projection ${p.def.name}: keys are strings.`);
              if (!doc || typeof doc !== 'object') throw new ValidationError(`Projection ${p.def.name}: a document is a JSON object.`);
              overlay.set(key, deepFreeze(doc));
            },
            delete: (key) => void overlay.set(key, undefined),
          };
          for (const e of events) p.def.apply(draft, registry.upcast(e));
          await flush(tx, table, overlay);
          // When the page is short, the log after it holds no event of these types: the
          // checkpoint jumps to the head, so lag and later catch-ups skip them.
          const position =
            events.length < pageSize && p.def.handles ? Math.max(events[events.length - 1]!.globalPosition, await headPositionOf(tx)) : events[events.length - 1]!.globalPosition;
          await writeCheckpoint(cpName, position, tx);
          return { count: events.length, position, overlay };
        });
      } catch (e) {
        p.docs = null; // memory may be ahead of the rolled-back table: reload next time
        throw e;
      }
      for (const [k, d] of pageResult.overlay) {
        if (d === undefined) base.delete(k);
        else base.set(k, d);
      }
      delivered += pageResult.count;
      if (pageResult.count > 0) onPage?.(pageResult.count);
      if (pageResult.count < pageSize) return { delivered, position: pageResult.position };
    }
  }

  async function flush(tx: Transaction, table: string, overlay: Map<string, JsonObject | undefined>): Promise<void> {
    const upserts: { k: string; d: JsonObject }[] = [];
    const deletes: string[] = [];
    for (const [k, d] of overlay) {
      if (d === undefined) deletes.push(k);
      else upserts.push({ k, d });
    }
    if (deletes.length > 0) {
      await q(`DELETE FROM ${table} WHERE key IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(deletes)], tx);
    }
    if (upserts.length > 0) {
      await q(
        `INSERT INTO ${table} (key, doc) SELECT r.k, r.d FROM jsonb_to_recordset($1::jsonb) AS r(k text, d jsonb)
         ON CONFLICT (key) DO UPDATE SET doc = EXCLUDED.doc`,
        [JSON.stringify(upserts)],
        tx,
      );
    }
  }

  async function rebuildInternal(p: ProjectionState, onProgress?: (done: number, total: number) => void, pageSize = defaultPageSize): Promise<CatchUpResult> {
    await ensureTables();
    const table = tableOf(p.def.name);
    const total = await db.transaction(async (tx) => {
      await q(`TRUNCATE ${table}`, [], tx);
      await writeCheckpoint(checkpointName(p.def.name), 0, tx);
      const c = p.def.handles
        ? await q<[number]>(`SELECT count(*) FROM event_store WHERE event_type IN (SELECT jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(p.def.handles)], tx)
        : await q<[number]>(`SELECT count(*) FROM event_store`, [], tx);
      return Number(c[0]![0]);
    });
    // The table is known empty: no need to read it back.
    p.docs = new Map();
    let done = 0;
    onProgress?.(0, total);
    return runProjection(
      p,
      (n) => {
        done += n;
        onProgress?.(done, total);
      },
      pageSize,
    );
  }

  async function resetInternal(): Promise<void> {
    knownVersions.clear();
    nextPosition = 1;
    await db.reset();
    await db.exec(EVENT_STORE_SCHEMA);
    for (const p of projections.values()) {
      p.tableReady = false;
      p.docs = new Map();
    }
    await ensureTables();
  }

  const store: PgliteEventStore = {
    kind: 'eventstore',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: opts.engineLabel ?? 'event store · PGlite',

    append: (streamId, aggregateType, events, expectedVersion, meta = {}) =>
      op(
        'append',
        `append ${Array.isArray(events) ? events.length : '?'} to ${streamId} @${expectedVersion}`,
        () => appendInternal(streamId, aggregateType, events, expectedVersion, meta),
        (r) => r.positions.length,
      ),

    readStream: (streamId, fromVersion = 0) =>
      op('readStream', `read ${streamId} from ${fromVersion}`, async () => (await readStreamRawInternal(streamId, fromVersion)).map((e) => registry.upcast(e)), (r) => r.length),

    readStreamRaw: (streamId, fromVersion = 0) =>
      op('readStreamRaw', `read ${streamId} from ${fromVersion} (raw)`, () => readStreamRawInternal(streamId, fromVersion), (r) => r.length),

    readAll: (from = 0, limit = Number.POSITIVE_INFINITY) =>
      op('readAll', `read all from ${from}`, async () => (await readAllRawInternal(from, limit)).map((e) => registry.upcast(e)), (r) => r.length),

    readAllRaw: (from = 0, limit = Number.POSITIVE_INFINITY) =>
      op('readAllRaw', `read all from ${from} (raw)`, () => readAllRawInternal(from, limit), (r) => r.length),

    streamVersion: (streamId) => op('streamVersion', `version of ${streamId}`, () => streamVersionOf(streamId)),
    headPosition: () => op('headPosition', 'head position', () => headPositionOf()),

    setSchemaVersion: (t, v) => registry.setSchemaVersion(t, v),
    registerUpcaster: (t: string, v: number, fn: Upcaster) => registry.register(t, v, fn),
    schemaVersion: (t) => registry.currentVersion(t),
    upcast: (e) => registry.upcast(e),

    saveSnapshot: (streamId, aggregateType, state, version) =>
      op('saveSnapshot', `snapshot ${streamId} @${version}`, () => saveSnapshotInternal(streamId, aggregateType, state, version)),
    loadSnapshot: (streamId) => op('loadSnapshot', `snapshot of ${streamId}`, () => loadSnapshotInternal(streamId)),
    loadAggregate: (streamId, o) =>
      op('loadAggregate', `load ${streamId}`, () => loadAggregateInternal(streamId, o), (r) => r.eventsApplied),
    setSnapshotPolicy(aggregateType, policy) {
      if (policy === null) snapshotPolicies.delete(aggregateType);
      else {
        if (!Number.isInteger(policy.every) || policy.every < 1) throw new ValidationError('Snapshot policy: every must be a whole number ≥ 1.');
        snapshotPolicies.set(aggregateType, policy as unknown as AggregateReducer<JsonObject> & { every: number });
      }
    },

    subscribe(name, handler, o = {}) {
      if (subscriptions.has(name)) throw new ValidationError(`A subscription named "${name}" already exists.`);
      const s: SubscriptionState = { handler, handles: o.handles, lock: createLock() };
      subscriptions.set(name, s);
      return () => {
        if (subscriptions.get(name) === s) subscriptions.delete(name);
      };
    },

    catchUp: (name) =>
      op(
        'catchUp',
        `catch up subscription ${name}`,
        async () => {
          const s = subscriptions.get(name);
          if (!s) throw new ValidationError(`No subscription named "${name}".`);
          return s.lock(async () => {
            let position = await readCheckpoint(name);
            let delivered = 0;
            for (;;) {
              const page = await readAllRawInternal(position, pageSize);
              if (page.length === 0) return { delivered, position };
              try {
                for (const e of page) {
                  if (!s.handles || s.handles.includes(e.type)) {
                    await s.handler(registry.upcast(e));
                    delivered++;
                  }
                  position = e.globalPosition;
                }
              } finally {
                // Save what was handled, even when a handler threw part-way.
                await writeCheckpoint(name, position);
              }
              if (page.length < pageSize) return { delivered, position };
            }
          });
        },
        (r) => r.delivered,
      ),

    checkpoint: (name) => op('checkpoint', `checkpoint of ${name}`, () => readCheckpoint(name)),

    defineProjection(def) {
      if (!def || typeof def.name !== 'string' || !PROJECTION_NAME.test(def.name))
        throw new ValidationError(`Projection name "${String(def?.name)}" must be lower-case letters, digits and _ (it names the table rm_<name>).`);
      if (typeof def.apply !== 'function') throw new ValidationError(`Projection ${def.name} has no apply function.`);
      const existing = projections.get(def.name);
      if (existing) {
        existing.def = def; // redefinition (e.g. after a crash-restart of the service): same table
        return;
      }
      // The table is created on the first projection operation: defineProjection is synchronous.
      projections.set(def.name, { def, docs: null, tableReady: false, lock: createLock() });
    },

    catchUpProjections: () =>
      op(
        'catchUp',
        'catch up projections',
        async () => {
          const out: Record<string, number> = {};
          for (const p of projections.values()) out[p.def.name] = (await p.lock(() => runProjection(p))).delivered;
          return out;
        },
        (r) => Object.values(r).reduce((a, b) => a + b, 0),
      ),

    catchUpProjection: (name) =>
      op('catchUpProjection', `catch up ${name}`, async () => {
        const p = projection(name);
        return p.lock(() => runProjection(p));
      }, (r) => r.delivered),

    rebuild: (name, onProgress, rebuildOpts) =>
      op('rebuild', `rebuild ${name}`, async () => {
        const p = projection(name);
        return p.lock(() => rebuildInternal(p, onProgress, rebuildOpts?.pageSize));
      }, (r) => r.delivered),

    rebuildProjection: async (name, onProgress, rebuildOpts) => {
      await store.rebuild(name, onProgress, rebuildOpts);
    },

    readModel: (name) =>
      op('readModel', `read model ${name}`, async () => {
        projection(name);
        await ensureTables();
        // Keys in byte order ("C"), so two exports compare equal whatever the locale.
        const rows = await q<[string, JsonObject]>(`SELECT key, doc FROM ${tableOf(name)} ORDER BY key COLLATE "C"`);
        const out: Record<string, JsonObject> = {};
        for (const [k, d] of rows) out[k] = d;
        return out;
      }, (r) => Object.keys(r).length),

    get: (name, key) =>
      op('get', `${name}[${key}]`, async () => {
        projection(name);
        await ensureTables();
        const rows = await q<[JsonObject]>(`SELECT doc FROM ${tableOf(name)} WHERE key = $1`, [key]);
        return rows[0]?.[0];
      }),

    projectionCheckpoint: (name) => op('projectionCheckpoint', `checkpoint of ${name}`, () => readCheckpoint(checkpointName(name))),

    projectionStatus: (name) =>
      op('projectionStatus', `status of ${name}`, async () => {
        const p = projection(name);
        const position = await readCheckpoint(checkpointName(name));
        const head = await headPositionOf();
        const lagRows = p.def.handles
          ? await q<[number]>(
              `SELECT count(*) FROM event_store WHERE global_position > $1 AND event_type IN (SELECT jsonb_array_elements_text($2::jsonb))`,
              [position, JSON.stringify(p.def.handles)],
            )
          : await q<[number]>(`SELECT count(*) FROM event_store WHERE global_position > $1`, [position]);
        return { position, head, lag: Number(lagRows[0]![0]) };
      }),

    exportState: () =>
      op('exportState', 'export event store', async () => {
        await ensureTables();
        return (await exportSchema(db, db.schema)) as unknown as Json;
      }),

    importState: (state) =>
      op('importState', 'import event store', async () => {
        await ensureTables();
        knownVersions.clear();
        nextPosition = null;
        try {
          await db.transaction((tx) => importSchema(tx, db.schema, state as unknown as SqlStoreState));
        } finally {
          for (const p of projections.values()) p.docs = null;
        }
      }),

    reset: () => op('reset', 'reset event store', () => resetInternal()),

    async close() {
      ctx.checkAccess();
      if (closed) return;
      closed = true;
      ctx.record({ op: 'close', summary: 'close', ok: true });
      await db.release();
    },
  };
  return store;
}
