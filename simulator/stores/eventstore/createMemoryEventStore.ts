import { ConcurrencyError } from '../../core/errors';
import { deepClone, type Json, type JsonObject } from '../../core/json';
import type { StoreContext } from '../../core/storeContext';
import type { AppendMeta, EventStore, NewEvent, ProjectionDefinition, StoredEvent } from './types';
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

const empty = (): State => ({ events: [], streams: {}, versions: {}, snapshots: {}, models: {}, checkpoints: {} });

/**
 * The event store contract in memory: the same semantics as the PGlite one
 * (optimistic concurrency, upcasting, snapshots, projections with checkpoints), for fast runs.
 */
export function createMemoryEventStore(ctx: StoreContext): EventStore {
  let s = empty();
  const registry = new UpcasterRegistry();
  const projections = new Map<string, ProjectionDefinition>();

  const op = async <T>(name: string, summary: string, fn: () => T, count?: (r: T) => number): Promise<T> => {
    ctx.checkAccess();
    try {
      const r = fn();
      ctx.record({ op: name, summary, ok: true, ...(count ? { count: count(r) } : {}) });
      return r;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      ctx.record({ op: name, summary, ok: false, error: { code: err.code ?? 'ERROR', message: err.message ?? String(e) } });
      throw e;
    }
  };

  function applyTo(def: ProjectionDefinition, events: readonly StoredEvent[]): number {
    const model = (s.models[def.name] ??= {});
    const draft = {
      get: (k: string) => model[k],
      set: (k: string, doc: JsonObject) => void (model[k] = doc),
      delete: (k: string) => void delete model[k],
    };
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
    append: (streamId, aggregateType, events: readonly NewEvent[], expectedVersion, meta: AppendMeta = {}) =>
      op('append', `append ${events.length} to ${streamId} @${expectedVersion}`, () => {
        validateNewEvents(streamId, events);
        const actual = s.versions[streamId] ?? 0;
        if (actual !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, actual);
        const positions: number[] = [];
        events.forEach((e, i) => {
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
          (s.streams[streamId] ??= []).push(stored.globalPosition);
          positions.push(stored.globalPosition);
        });
        s.versions[streamId] = expectedVersion + events.length;
        return { version: s.versions[streamId]!, positions };
      }, (r) => r.positions.length),
    readStream: (streamId, fromVersion = 0) =>
      op('readStream', `read ${streamId} from ${fromVersion}`, () => (s.streams[streamId] ?? []).slice(fromVersion).map((p) => registry.upcast(s.events[p - 1]!)), (r) => r.length),
    readAll: (from = 0, limit = Number.POSITIVE_INFINITY) =>
      op('readAll', `read all from ${from}`, () => s.events.slice(from, from + limit).map((e) => registry.upcast(e)), (r) => r.length),
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
    streamVersion: (streamId) => op('streamVersion', `version of ${streamId}`, () => s.versions[streamId] ?? 0),
    headPosition: async () => {
      ctx.checkAccess();
      return s.events.length;
    },
    setSchemaVersion: (t, v) => registry.setSchemaVersion(t, v),
    registerUpcaster: (t, v, fn) => registry.register(t, v, fn),
    saveSnapshot: (streamId, aggregateType, state, version) =>
      op('saveSnapshot', `snapshot ${streamId} @${version}`, () => void (s.snapshots[streamId] = { aggregateType, state: deepClone(state), version })),
    loadSnapshot: (streamId) =>
      op('loadSnapshot', `snapshot of ${streamId}`, () => {
        const snap = s.snapshots[streamId];
        return snap ? { state: deepClone(snap.state), version: snap.version } : undefined;
      }),
    defineProjection(def) {
      projections.set(def.name, def);
      s.models[def.name] ??= {};
      s.checkpoints[def.name] ??= 0;
    },
    catchUpProjections: () =>
      op('catchUp', 'catch up projections', () => {
        const out: Record<string, number> = {};
        for (const def of projections.values()) out[def.name] = applyTo(def, s.events.slice(s.checkpoints[def.name] ?? 0));
        return out;
      }),
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
