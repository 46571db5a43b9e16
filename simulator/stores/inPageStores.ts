import type { StoreBase, StoreContext } from '../core/storeContext';
import type { StoreSpec } from '../core/types';
import { createDocumentStore } from './documents';
import { createKvStore } from './kv';
import { createSearchIndex } from './search';

/** Options both providers pass through to Dexie. */
export interface InPageStoreOptions {
  indexedDB?: { open: Function };
  IDBKeyRange?: { bound: Function; lowerBound: Function; upperBound: Function };
  /** A fresh IndexedDB database name for a documents store (names must not collide). */
  nextDbName(ctx: StoreContext): string;
}

/**
 * The stores that run in the page the same way for every provider: the KV, the search index
 * and Dexie documents. Returns undefined for the kinds a provider decides itself (sql, eventstore).
 */
export async function createInPageStore(spec: StoreSpec, ctx: StoreContext, opts: InPageStoreOptions): Promise<StoreBase | undefined> {
  switch (spec.kind) {
    case 'kv':
      return createKvStore(ctx);
    case 'search':
      return createSearchIndex(ctx, { schema: spec.schema, facets: spec.facets, ...(spec.idField ? { idField: spec.idField } : {}) });
    case 'documents':
      return createDocumentStore(ctx, {
        dbName: opts.nextDbName(ctx),
        collections: spec.collections,
        ...(spec.indexes ? { indexes: spec.indexes } : {}),
        ...(opts.indexedDB ? { indexedDB: opts.indexedDB } : {}),
        ...(opts.IDBKeyRange ? { IDBKeyRange: opts.IDBKeyRange } : {}),
      });
    default:
      return undefined;
  }
}
