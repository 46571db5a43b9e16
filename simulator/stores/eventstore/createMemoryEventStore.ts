import { ConcurrencyError } from '../../core/errors';
import { deepClone, type Json, type JsonObject } from '../../core/json';
import type { StoreContext } from '../../core/storeContext';
import type { AppendMeta, AppendResult, EventStore, NewEvent, ProjectionDefinition, ProjectionDraft, StoredEvent } from './types';
import { UpcasterRegistry, validateNewEvents } from './upcasting';

interface State {
  events: StoredEvent[];
  /** Global positions (1-based) of each stream's events, in order: reads touch only their stream. */
  streams: Record<string, number[]>;
  versions: Record<string, number>;
  snapshots: Record<string, { aggregateType: string; state: JsonObject; version: number }>;
  models: Record<string, Record<string, JsonObject>>;
  checkpoints: Record<string, number>;
}

/** A projection's view of its read model: documents are set and deleted in place. */
class ModelDraft implements ProjectionDraft {
  constructor(private readonly model: Record<string, JsonObject>) {}

  get(key: string): JsonObject | undefined {
    return this.model[key];
  }

  set(key: string, doc: JsonObject): void {
    this.model[key] = doc;
  }

  delete(key: string): void {
    delete this.model[key];
  }
}

const empty = (): State => ({ events: [], streams: {}, versions: {}, snapshots: {}, models: {}, checkpoints: {} });

/**
 * The event store contract in memory: the same semantics as the PGlite one
 * (optimistic concurrency, upcasting, snapshots, projections with checkpoints), for fast runs.
 */
export function createMemoryEventStore(ctx: StoreContext): EventStore {
  let s = empty();
  const registry = new UpcasterRegistry();
  const projections = new Map<string, ProjectionDefinition>();

  // Every traced operation checks access first, then leaves one trace record, ok or not. The
  // methods below do it inline rather than through a wrapper taking closures: they run several
  // times per saga step.
  const recordFailure = (op: string, summary: string, e: unknown): void => {
    const err = e as { code?: string; message?: string };
    ctx.record({ op, summary, ok: false, error: { code: err.code ?? 'ERROR', message: err.message ?? String(e) } });
  };

  function appendNow(streamId: string, aggregateType: string, events: readonly NewEvent[], expectedVersion: number, meta: AppendMeta): AppendResult {
    validateNewEvents(streamId, events);
    const actual = s.versions[streamId] ?? 0;
    if (actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);
    const positions: number[] = [];
    const stream = (s.streams[streamId] ??= []);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const version = expectedVersion + i + 1;
      const stored: StoredEvent = {
        globalPosition: s.events.length + 1,
        eventId: `${streamId}:${version}`,
        streamId,
        aggregateType,
        type: e.type,
        data: deepClone(e.data),
        schemaVersion: e.schemaVersion ?? registry.currentVersion(e.type),
        version,
        createdAt: ctx.clock.now(),
        correlationId: meta.correlationId ?? null,
        causationId: meta.causationId ?? null,
      };
      s.events.push(stored);
      stream.push(stored.globalPosition);
      positions.push(stored.globalPosition);
    }
    s.versions[streamId] = expectedVersion + events.length;
    return { version: s.versions[streamId]!, positions };
  }

  /** The events as the current schemas see them (throws MissingUpcasterError on a gap). */
  function upcastAll(events: readonly StoredEvent[]): StoredEvent[] {
    const out = new Array<StoredEvent>(events.length);
    for (let i = 0; i < events.length; i++) out[i] = registry.upcast(events[i]!);
    return out;
  }

  function applyTo(def: ProjectionDefinition, events: readonly StoredEvent[]): number {
    const draft = new ModelDraft((s.models[def.name] ??= {}));
    let applied = 0;
    for (const raw of events) {
      if (def.handles && !def.handles.includes(raw.type)) continue;
      def.apply(draft, registry.upcast(raw));
      applied++;
    }
    if (events.length > 0) s.checkpoints[def.name] = events[events.length - 1]!.globalPosition;
    return applied;
  }

  const store: EventStore = {
    kind: 'eventstore',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: 'event store (memory)',
    async append(streamId, aggregateType, events: readonly NewEvent[], expectedVersion, meta: AppendMeta = {}) {
      ctx.checkAccess();
      const summary = `append ${events.length} to ${streamId} @${expectedVersion}`;
      let result: AppendResult;
      try {
        result = appendNow(streamId, aggregateType, events, expectedVersion, meta);
      } catch (e) {
        recordFailure('append', summary, e);
        throw e;
      }
      ctx.record({ op: 'append', summary, ok: true, count: result.positions.length });
      return result;
    },
    async readStream(streamId, fromVersion = 0) {
      ctx.checkAccess();
      const summary = `read ${streamId} from ${fromVersion}`;
      const positions = (s.streams[streamId] ?? []).slice(fromVersion);
      let events: StoredEvent[];
      try {
        events = upcastAll(positions.map((p) => s.events[p - 1]!));
      } catch (e) {
        recordFailure('readStream', summary, e);
        throw e;
      }
      ctx.record({ op: 'readStream', summary, ok: true, count: events.length });
      return events;
    },
    async readAll(from = 0, limit = Number.POSITIVE_INFINITY) {
      ctx.checkAccess();
      const summary = `read all from ${from}`;
      let events: StoredEvent[];
      try {
        events = upcastAll(s.events.slice(from, from + limit));
      } catch (e) {
        recordFailure('readAll', summary, e);
        throw e;
      }
      ctx.record({ op: 'readAll', summary, ok: true, count: events.length });
      return events;
    },
    readStreamRaw: async (streamId, fromVersion = 0) => {
      ctx.checkAccess();
      return (s.streams[streamId] ?? []).slice(fromVersion).map((p) => s.events[p - 1]!);
    },
    upcast: (e) => registry.upcast(e),
    schemaVersion: (t) => registry.currentVersion(t),
    async projectionStatus(name) {
      const def = projections.get(name);
      const position = s.checkpoints[name] ?? 0;
      const lag = s.events.slice(position).filter((e) => !def?.handles || def.handles.includes(e.type)).length;
      return { position, head: s.events.length, lag };
    },
    readAllRaw: async (from = 0, limit = Number.POSITIVE_INFINITY) => {
      ctx.checkAccess();
      return s.events.slice(from, from + limit);
    },
    async streamVersion(streamId) {
      ctx.checkAccess();
      const version = s.versions[streamId] ?? 0;
      ctx.record({ op: 'streamVersion', summary: `version of ${streamId}`, ok: true });
      return version;
    },
    headPosition: async () => {
      ctx.checkAccess();
      return s.events.length;
    },
    setSchemaVersion: (t, v) => registry.setSchemaVersion(t, v),
    registerUpcaster: (t, v, fn) => registry.register(t, v, fn),
    async saveSnapshot(streamId, aggregateType, state, version) {
      ctx.checkAccess();
      s.snapshots[streamId] = { aggregateType, state: deepClone(state), version };
      ctx.record({ op: 'saveSnapshot', summary: `snapshot ${streamId} @${version}`, ok: true });
    },
    async loadSnapshot(streamId) {
      ctx.checkAccess();
      const snap = s.snapshots[streamId];
      ctx.record({ op: 'loadSnapshot', summary: `snapshot of ${streamId}`, ok: true });
      return snap ? { state: deepClone(snap.state), version: snap.version } : undefined;
    },
    defineProjection(def) {
      projections.set(def.name, def);
      s.models[def.name] ??= {};
      s.checkpoints[def.name] ??= 0;
    },
    async catchUpProjections() {
      ctx.checkAccess();
      const out: Record<string, number> = {};
      try {
        for (const def of projections.values()) out[def.name] = applyTo(def, s.events.slice(s.checkpoints[def.name] ?? 0));
      } catch (e) {
        recordFailure('catchUp', 'catch up projections', e);
        throw e;
      }
      ctx.record({ op: 'catchUp', summary: 'catch up projections', ok: true });
      return out;
    },
    async rebuildProjection(name, onProgress, rebuildOpts) {
      ctx.checkAccess();
      const def = projections.get(name);
      if (!def) throw new Error(`No projection named "${name}".`);
      s.models[name] = {};
      s.checkpoints[name] = 0;
      const total = s.events.length;
      const page = Math.max(1, rebuildOpts?.pageSize ?? 1000);
      for (let i = 0; i < total; i += page) {
        applyTo(def, s.events.slice(i, i + page));
        onProgress?.(Math.min(total, i + page), total);
      }
      if (total === 0) onProgress?.(0, 0);
    },
    readModel: async (name) => deepClone(s.models[name] ?? {}),
    projectionCheckpoint: async (name) => s.checkpoints[name] ?? 0,
    async exportState() {
      return deepClone(s) as unknown as Json;
    },
    async importState(state) {
      s = deepClone(state as unknown as State);
    },
    async reset() {
      s = empty();
      for (const def of projections.values()) store.defineProjection(def);
    },
    async close() {
      s = empty();
    },
  };
  return store;
}
