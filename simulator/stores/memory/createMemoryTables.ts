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
  const op = <T>(name: string, summary: string, fn: () => T, count?: (r: T) => number): T => {
    ctx.checkAccess();
    const result = fn();
    ctx.record({ op: name, summary, ok: true, ...(count ? { count: count(result) } : {}) });
    return result;
  };
  return {
    kind: 'sql',
    flavour: 'memory',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: 'in-memory tables',
    get: (t, key) => op('get', `${t}[${key}]`, () => table(t).get(key)),
    put: (t, key, row) => op('put', `${t}[${key}] = …`, () => void table(t).set(key, row)),
    insertNew: (t, key, row) =>
      op('insert', `${t}[${key}] = …`, () => {
        if (table(t).has(key)) return false;
        table(t).set(key, row);
        return true;
      }),
    delete: (t, key) => op('delete', `${t}[${key}]`, () => table(t).delete(key)),
    all: (t) => op('scan', `${t}.*`, () => [...table(t).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v), (r) => r.length),
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
