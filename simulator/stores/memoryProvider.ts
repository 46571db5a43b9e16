import type { StoreProvider } from '../core/simulation';
import { createMemoryEventStore } from './eventstore/createMemoryEventStore';
import { createInPageStore } from './inPageStores';
import { createMemoryTables } from './memory/createMemoryTables';

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
      if (spec.kind === 'sql') return createMemoryTables(ctx);
      if (spec.kind === 'eventstore') return createMemoryEventStore(ctx);
      return (await createInPageStore(spec, ctx, { ...opts, nextDbName: (c) => `${namespace}-${c.name}-${++dbCounter}` }))!;
    },
  };
}
