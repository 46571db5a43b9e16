import type { Json, JsonObject } from '../../core/json';
import { deepClone } from '../../core/json';
import type { StoreBase, StoreContext } from '../../core/storeContext';

/**
 * Keyed JSON rows in memory: the stand-in for a service's PostgreSQL when a run
 * needs speed more than SQL (the saga-memory benchmark, huge fuzz runs).
 * Services reach it through the same repositories as their SQL tables.
 */
export interface MemoryTables extends StoreBase {
  readonly kind: 'sql';
  readonly flavour: 'memory';
  get(table: string, key: string): JsonObject | undefined;
  put(table: string, key: string, row: JsonObject): void;
  /** Inserts only when the key is new; returns false when it already existed. */
  insertNew(table: string, key: string, row: JsonObject): boolean;
  delete(table: string, key: string): boolean;
  /** Rows ordered by key. */
  all(table: string): JsonObject[];
  /** Number of rows (no sort, no copy). */
  count(table: string): number;
}

export function createMemoryTables(ctx: StoreContext): MemoryTables {
  let tables = new Map<string, Map<string, JsonObject>>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = new Map()));
    return t;
  };
  // Every operation checks access first and leaves one trace record; written out per method
  // rather than through a wrapper taking closures, as these run for every row a saga touches.
  return {
    kind: 'sql',
    flavour: 'memory',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: 'in-memory tables',
    get(t, key) {
      ctx.checkAccess();
      const row = table(t).get(key);
      ctx.record({ op: 'get', summary: `${t}[${key}]`, ok: true });
      return row;
    },
    put(t, key, row) {
      ctx.checkAccess();
      table(t).set(key, row);
      ctx.record({ op: 'put', summary: `${t}[${key}] = …`, ok: true });
    },
    insertNew(t, key, row) {
      ctx.checkAccess();
      const rows = table(t);
      const inserted = !rows.has(key);
      if (inserted) rows.set(key, row);
      ctx.record({ op: 'insert', summary: `${t}[${key}] = …`, ok: true });
      return inserted;
    },
    delete(t, key) {
      ctx.checkAccess();
      const deleted = table(t).delete(key);
      ctx.record({ op: 'delete', summary: `${t}[${key}]`, ok: true });
      return deleted;
    },
    all(t) {
      ctx.checkAccess();
      const rows = [...table(t).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
      ctx.record({ op: 'scan', summary: `${t}.*`, ok: true, count: rows.length });
      return rows;
    },
    count: (t) => table(t).size,
    async exportState() {
      const out: Record<string, Record<string, JsonObject>> = {};
      for (const [name, t] of [...tables.entries()].sort()) out[name] = Object.fromEntries([...t.entries()].sort());
      return deepClone(out) as Json;
    },
    async importState(state: Json) {
      tables = new Map();
      for (const [name, rows] of Object.entries(state as Record<string, Record<string, JsonObject>>))
        tables.set(name, new Map(Object.entries(deepClone(rows))));
    },
    async reset() {
      tables = new Map();
    },
    async close() {
      tables = new Map();
    },
  };
}

export function isMemoryTables(store: unknown): store is MemoryTables {
  return typeof store === 'object' && store !== null && (store as { flavour?: string }).flavour === 'memory';
}
