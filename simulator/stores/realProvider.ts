import type { StoreProvider } from '../core/simulation';
import { createDocumentStore } from './documents';
import { createKvStore } from './kv';
import { createSearchIndex } from './search';
import type { PgliteRuntime } from './sql/pgliteRuntime';
import { createSqlStore } from './sql/createSqlStore';
import { createPgliteEventStore } from './eventstore/createPgliteEventStore';

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
  const namespace = opts.namespace ?? `r${++providerCount}`;
  let dbCounter = 0;
  return {
    async create(spec, ctx) {
      switch (spec.kind) {
        case 'sql': {
          const db = await opts.pglite.acquire();
          return createSqlStore(ctx, db, { schema: spec.schema, onClose: (d) => opts.pglite.release(d) });
        }
        case 'eventstore': {
          const db = await opts.pglite.acquire();
          return createPgliteEventStore(ctx, db, { onClose: (d) => opts.pglite.release(d) });
        }
        case 'kv':
          return createKvStore(ctx);
        case 'search':
          return createSearchIndex(ctx, { schema: spec.schema, facets: spec.facets, ...(spec.idField ? { idField: spec.idField } : {}) });
        case 'documents':
          return createDocumentStore(ctx, {
            // Names must not collide between simulations: Dexie deletes a same-named database first.
            dbName: `${namespace}-${ctx.name}-${++dbCounter}`,
            collections: spec.collections,
            ...(spec.indexes ? { indexes: spec.indexes } : {}),
            ...(opts.indexedDB ? { indexedDB: opts.indexedDB } : {}),
            ...(opts.IDBKeyRange ? { IDBKeyRange: opts.IDBKeyRange } : {}),
          });
      }
    },
  };
}
