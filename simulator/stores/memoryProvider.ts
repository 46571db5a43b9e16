import type { StoreProvider } from '../core/simulation';
import { createDocumentStore } from './documents';
import { createMemoryEventStore } from './eventstore/createMemoryEventStore';
import { createKvStore } from './kv';
import { createMemoryTables } from './memory/createMemoryTables';
import { createSearchIndex } from './search';

let providerCount = 0;

/**
 * Stores without PGlite: memory tables for SQL, the in-memory event store, the KV, the search
 * index and Dexie on whatever IndexedDB the environment has. For fast runs (benchmarks, big
 * fuzz sweeps); services that need real SQL (the travel services) need the real provider.
 */
export function createMemoryStoreProvider(opts: { indexedDB?: { open: Function }; namespace?: string } = {}): StoreProvider {
  let dbCounter = 0;
  // Database names must not collide between providers (Dexie deletes a same-named database first).
  const namespace = opts.namespace ?? `p${++providerCount}`;
  return {
    async create(spec, ctx) {
      switch (spec.kind) {
        case 'kv':
          return createKvStore(ctx);
        case 'sql':
          return createMemoryTables(ctx);
        case 'eventstore':
          return createMemoryEventStore(ctx);
        case 'search':
          return createSearchIndex(ctx, { schema: spec.schema, facets: spec.facets, ...(spec.idField ? { idField: spec.idField } : {}) });
        case 'documents':
          return createDocumentStore(ctx, {
            dbName: `${namespace}-${ctx.name}-${++dbCounter}`,
            collections: spec.collections,
            ...(spec.indexes ? { indexes: spec.indexes } : {}),
            ...(opts.indexedDB ? { indexedDB: opts.indexedDB } : {}),
          });
      }
    },
  };
}
