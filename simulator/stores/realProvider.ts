import type { StoreProvider } from '../core/simulation';
import { createPgliteEventStore } from './eventstore/createPgliteEventStore';
import { createInPageStore } from './inPageStores';
import type { PgliteRuntime } from './sql/pgliteRuntime';
import { createSqlStore } from './sql/createSqlStore';

let providerCount = 0;

/**
 * The real engines: every SQL store and event store is its own PGlite instance, taken from
 * the runtime's pool (and given back, reset, when the simulation is disposed); documents go
 * to IndexedDB through Dexie; the KV and the search index are in-page engines.
 */
export function createRealStoreProvider(opts: {
  pglite: PgliteRuntime;
  indexedDB?: { open: Function };
  IDBKeyRange?: { bound: Function; lowerBound: Function; upperBound: Function };
  namespace?: string;
}): StoreProvider {
  // Names must not collide between simulations: Dexie deletes a same-named database first.
  const namespace = opts.namespace ?? `r${++providerCount}`;
  let dbCounter = 0;
  return {
    async create(spec, ctx) {
      if (spec.kind === 'sql') {
        const db = await opts.pglite.acquire();
        return createSqlStore(ctx, db, { schema: spec.schema, onClose: (d) => opts.pglite.release(d) });
      }
      if (spec.kind === 'eventstore') {
        const db = await opts.pglite.acquire();
        return createPgliteEventStore(ctx, db, { onClose: (d) => opts.pglite.release(d) });
      }
      return (await createInPageStore(spec, ctx, { ...opts, nextDbName: (c) => `${namespace}-${c.name}-${++dbCounter}` }))!;
    },
  };
}
