/**
 * What the Stores tab reads from each kind of store. Every function here takes a store handed
 * out by `sim.inspect(...)` and must be called inside that callback (privileged, between steps).
 * They never throw for a learner's mistake: errors come back as data, in words.
 */
import {
  isMemoryTables,
  ORDER_PROJECTIONS,
  stableStringify,
  type DocumentStore,
  type EventStore,
  type Json,
  type KvStore,
  type MemoryTables,
  type RecordedEvent,
  type SearchIndex,
  type SqlStore,
  type StoreBase,
  type StoreKind,
} from '@/simulator';
import { describeSqlError, type SqlErrorView } from './queryParsing';

export type StoreMap = Readonly<Record<string, Readonly<Record<string, StoreBase>>>>;

export interface StoreInfo {
  /** The service's local name for it ('db', 'kv'…). */
  key: string;
  /** Unique name in the simulation ('inventory.kv'). */
  name: string;
  kind: StoreKind;
  engineLabel: string;
  /** SQL stand-in without SQL (fast runs): rows only, no console. */
  memoryTables: boolean;
  /** Documents stores: the declared collections. */
  collections: string[];
}

/** A service's stores, in declaration order. */
export function listStores(stores: StoreMap, service: string): StoreInfo[] {
  return Object.entries(stores[service] ?? {}).map(([key, s]) => ({
    key,
    name: s.name,
    kind: s.kind,
    engineLabel: s.engineLabel,
    memoryTables: isMemoryTables(s),
    collections: s.kind === 'documents' ? [...(s as DocumentStore).collectionNames] : [],
  }));
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

// ------------------------------------------------------------------ tables (SQL and memory)

export interface TableSummary {
  name: string;
  rows: number;
}

/** A grid of rows: column names (in first-seen order) and the rows. */
export interface Grid {
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

export function toGrid(rows: ReadonlyArray<Record<string, unknown>>, fields?: ReadonlyArray<{ name: string }>): Grid {
  const columns = fields && fields.length ? fields.map((f) => f.name) : [];
  if (!columns.length) for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: [...rows] };
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Table names with row counts: `tables()` + `count(*)` on PGlite, the keyed tables in memory. */
export async function sqlTables(store: StoreBase): Promise<TableSummary[]> {
  if (isMemoryTables(store)) {
    const state = (await store.exportState()) as Record<string, Record<string, Json>>;
    return Object.keys(state)
      .sort()
      .map((name) => ({ name, rows: Object.keys(state[name] ?? {}).length }));
  }
  const sql = store as SqlStore;
  const names = await sql.tables();
  const out: TableSummary[] = [];
  for (const name of names) {
    const r = await sql.query<{ n: number | string }>(`SELECT count(*)::int AS n FROM ${quoteIdent(name)}`);
    out.push({ name, rows: Number(r.rows[0]?.n ?? 0) });
  }
  return out;
}

/** The first `limit` rows of a table. */
export async function tableRows(store: StoreBase, table: string, limit = 100): Promise<Grid> {
  if (isMemoryTables(store)) {
    const mem = store as MemoryTables;
    return toGrid((mem.all(table) as Array<Record<string, unknown>>).slice(0, limit));
  }
  const r = await (store as SqlStore).query(`SELECT * FROM ${quoteIdent(table)} LIMIT ${Math.max(1, Math.floor(limit))}`);
  return toGrid(r.rows, r.fields);
}

export type SqlRun =
  | { ok: true; results: Array<Grid & { affectedRows: number }> }
  | { ok: false; error: SqlErrorView };

/**
 * Runs what the learner typed (one or more statements). A failing statement comes back as
 * PostgreSQL's message, position and statement; the store stays usable (PGlite rolls back).
 */
export async function runSql(store: SqlStore, text: string): Promise<SqlRun> {
  if (text.trim() === '') return { ok: false, error: { message: 'Type a SQL statement first.', position: null, line: null, column: null, statement: '', pointer: null, sqlState: null } };
  try {
    const results = await store.exec(text);
    return { ok: true, results: results.map((r) => ({ ...toGrid(r.rows, r.fields), affectedRows: r.affectedRows })) };
  } catch (e) {
    return { ok: false, error: describeSqlError(e, text) };
  }
}

// ------------------------------------------------------------------ KV

export interface KvRow {
  key: string;
  type: string;
  /** The string, or the hash's fields as `field=value` pairs. */
  value: string;
  fields: Record<string, string> | null;
  ttlMs: number | null;
  expiresAt: number | null;
}

/** Every live key (entries() is synchronous and never reaps). */
export function kvRows(store: KvStore): KvRow[] {
  return store.entries().map((e) => ({
    key: e.key,
    type: e.type,
    value: typeof e.value === 'string' ? e.value : Object.entries(e.value).map(([f, v]) => `${f}=${v}`).join(', '),
    fields: typeof e.value === 'string' ? null : { ...e.value },
    ttlMs: e.ttlMs,
    expiresAt: e.expiresAt,
  }));
}

/** Remaining TTL at virtual time `now`, in words. */
export function ttlText(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'no expiry';
  const left = expiresAt - now;
  if (left <= 0) return 'expired (reaped on next access)';
  return left >= 1000 ? `${(left / 1000).toFixed(1)} s left` : `${left} ms left`;
}

// ------------------------------------------------------------------ documents

export type DocQuery =
  | { ok: true; docs: Array<Record<string, unknown>>; matched: number; total: number }
  | { ok: false; error: string };

export async function queryDocuments(
  store: DocumentStore,
  collection: string,
  filter: Record<string, unknown>,
  opts: { sort?: Record<string, 1 | -1>; limit?: number } = {},
): Promise<DocQuery> {
  try {
    const c = store.collection(collection);
    const docs = await c.find(filter as never, { ...(opts.sort ? { sort: opts.sort } : {}), limit: opts.limit ?? 50 });
    const matched = await c.countDocuments(filter as never);
    const total = await c.countDocuments({});
    return { ok: true, docs: docs as Array<Record<string, unknown>>, matched, total };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

// ------------------------------------------------------------------ search

export type SearchRun =
  | { ok: true; hits: Array<{ id: string; score: number; doc: Record<string, unknown> }>; count: number; facets: Record<string, Record<string, number>> }
  | { ok: false; error: string };

export async function searchIndex(store: SearchIndex, term: string, facets: string[] = ['category'], category?: string): Promise<SearchRun> {
  try {
    const r = await store.search({ term, facets, limit: 20, ...(category ? { where: { category } } : {}) });
    return { ok: true, hits: r.hits, count: r.count, facets: r.facets };
  } catch (e) {
    // An index without that facet still answers the words.
    if (facets.length) {
      const retry = await searchIndex(store, term, [], category);
      if (retry.ok) return retry;
    }
    return { ok: false, error: errorText(e) };
  }
}

// ------------------------------------------------------------------ event store

/**
 * The event-store API is being finished while this is written: newer stores have
 * `upcast(event)`, `rebuild(name, onProgress)`, `projectionStatus(...)`, `projections()`;
 * the contract in simulator/stores/eventstore/types.ts has `rebuildProjection`,
 * `projectionCheckpoint` and `headPosition`. We use whichever the store has.
 */
interface EventStoreExtras {
  upcast?: (e: RecordedEvent) => RecordedEvent | Promise<RecordedEvent>;
  rebuild?: (name: string, onProgress?: (done: number, total: number) => void) => Promise<unknown>;
  projectionStatus?: (name?: string) => unknown;
  projections?: () => unknown;
  projectionNames?: () => unknown;
}

export interface EventRow {
  /** As stored. */
  raw: RecordedEvent;
  /** As read (upcast to the type's current schema), or null if upcasting failed. */
  read: RecordedEvent | null;
  upcastError?: string;
  /** The stored schema version is older than what reading gives. */
  upcasted: boolean;
}

export interface StreamSummary {
  streamId: string;
  aggregateType: string;
  version: number;
  events: number;
}

export interface EventLog {
  events: EventRow[];
  streams: StreamSummary[];
  head: number;
}

/** The whole log as stored and as read, paired by global position, and the streams in it. */
export async function readEventLog(store: EventStore): Promise<EventLog> {
  const x = store as EventStore & EventStoreExtras;
  const raw = await store.readAllRaw(0);
  const rows: EventRow[] = [];
  if (typeof x.upcast === 'function') {
    for (const r of raw) {
      try {
        const read = await x.upcast(r);
        rows.push({ raw: r, read, upcasted: read.schemaVersion !== r.schemaVersion });
      } catch (e) {
        rows.push({ raw: r, read: null, upcastError: errorText(e), upcasted: false });
      }
    }
  } else {
    let read: RecordedEvent[] | null = null;
    let failure: string | undefined;
    try {
      read = await store.readAll(0);
    } catch (e) {
      failure = errorText(e);
    }
    const byPos = new Map((read ?? []).map((e) => [e.globalPosition, e]));
    for (const r of raw) {
      const u = byPos.get(r.globalPosition) ?? null;
      rows.push({ raw: r, read: u, upcasted: !!u && u.schemaVersion !== r.schemaVersion, ...(u ? {} : { upcastError: failure ?? 'not returned by readAll' }) });
    }
  }
  const streams = new Map<string, StreamSummary>();
  for (const { raw: e } of rows) {
    const s = streams.get(e.streamId) ?? { streamId: e.streamId, aggregateType: e.aggregateType, version: 0, events: 0 };
    s.version = Math.max(s.version, e.version);
    s.events++;
    streams.set(e.streamId, s);
  }
  const head = raw.length ? raw[raw.length - 1]!.globalPosition : 0;
  return { events: rows, streams: [...streams.values()].sort((a, b) => (a.streamId < b.streamId ? -1 : 1)), head };
}

export interface ProjectionStatus {
  name: string;
  /** Global position of the last event applied. */
  position: number;
  /** Global position of the newest event in the log. */
  head: number;
  /** Events not yet applied. */
  lag: number;
}

function namesFrom(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((x) => (typeof x === 'string' ? x : (x as { name?: string })?.name)).filter((x): x is string => typeof x === 'string');
}

/**
 * Names of the projections a store maintains. Neither event store lists them, so: a list
 * method if the store has one; the memory store's exported `models`; otherwise the Order
 * service's projections that the store knows (projectionStatus throws on an unknown name).
 */
export async function projectionNames(store: EventStore): Promise<string[]> {
  const x = store as EventStore & EventStoreExtras;
  for (const fn of [x.projections, x.projectionNames]) {
    if (typeof fn !== 'function') continue;
    try {
      const names = namesFrom(await fn.call(store));
      if (names) return names;
    } catch {
      // Try the next way.
    }
  }
  if (typeof x.projectionStatus === 'function') {
    const names: string[] = [];
    for (const p of ORDER_PROJECTIONS) {
      try {
        await x.projectionStatus.call(store, p.name);
        names.push(p.name);
      } catch {
        // Not defined in this store.
      }
    }
    return names;
  }
  // Memory store: its exported state lists the read models.
  const state = (await store.exportState()) as { models?: Record<string, unknown> } | null;
  return Object.keys(state?.models ?? {}).sort();
}

export async function projectionStatus(store: EventStore, name: string): Promise<ProjectionStatus> {
  const x = store as EventStore & EventStoreExtras;
  if (typeof x.projectionStatus === 'function') {
    try {
      const s = (await x.projectionStatus.call(store, name)) as Partial<ProjectionStatus> | Array<Partial<ProjectionStatus>>;
      const one = Array.isArray(s) ? s.find((p) => p.name === name) : s;
      if (one && typeof one.position === 'number' && typeof one.head === 'number') {
        return { name, position: one.position, head: one.head, lag: typeof one.lag === 'number' ? one.lag : one.head - one.position };
      }
    } catch {
      // Fall back to the contract's calls.
    }
  }
  const position = await store.projectionCheckpoint(name);
  const head = await store.headPosition();
  return { name, position, head, lag: Math.max(0, head - position) };
}

export interface RebuildOutcome {
  name: string;
  /** The rebuilt read model equals the one before (sorted-key JSON compared). */
  equal: boolean;
  before: Record<string, Json>;
  after: Record<string, Json>;
  /** Keys that differ (added, removed or changed). */
  differences: string[];
  /** How many progress reports the store gave. */
  progressReports: number;
}

/** Compares two read models key by key on sorted-key JSON. */
export function diffReadModels(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => stableStringify((before[k] ?? null) as Json) !== stableStringify((after[k] ?? null) as Json) || !(k in before) || !(k in after));
}

/** Reads the model, rebuilds it from position 0 with progress, reads it again and compares. */
export async function rebuildAndCompare(store: EventStore, name: string, onProgress: (done: number, total: number) => void): Promise<RebuildOutcome> {
  const x = store as EventStore & EventStoreExtras;
  const before = (await store.readModel(name)) as Record<string, Json>;
  let progressReports = 0;
  const report = (done: number, total: number) => {
    progressReports++;
    onProgress(done, total);
  };
  // About twenty pages, so the progress bar moves even on a small log.
  const pageSize = Math.max(1, Math.ceil((await store.headPosition()) / 20));
  await store.rebuildProjection(name, report, { pageSize });
  const after = (await store.readModel(name)) as Record<string, Json>;
  const differences = diffReadModels(before, after);
  return { name, equal: stableStringify(before as Json) === stableStringify(after as Json), before, after, differences, progressReports };
}
