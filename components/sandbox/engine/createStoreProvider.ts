import { createRealStoreProvider, type StoreProvider } from '@/simulator';
import { loadBrowserPglite } from './loadBrowserPglite';

/**
 * The one place the sandbox chooses its stores: the real engines. PGlite (one instance per
 * simulation from the page's pooled runtime, a schema per SQL store and event store), Dexie on
 * the browser's IndexedDB, the Redis-style KV and the search index.
 */
export async function createStoreProvider(): Promise<{ provider: StoreProvider; real: boolean }> {
  const pglite = await loadBrowserPglite();
  return {
    provider: createRealStoreProvider({ pglite, ...(typeof indexedDB !== 'undefined' ? { indexedDB } : {}) }),
    real: true,
  };
}
