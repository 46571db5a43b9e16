/**
 * What an inspector can ask of a simulation, as plain data. The sandbox runs its simulation in
 * a Web Worker, so an inspector cannot hand it a closure: it sends one of these requests, and
 * `runInspectRequest` answers it next to the simulation, inside `sim.inspect` (between steps,
 * privileged, not traced). The answers are plain data too (structured-clonable).
 */
import type { DocumentStore, EventStore, Json, KvStore, SearchIndex, Simulation, SqlStore, StoreBase } from '@/simulator';
import { loadCapStatus, loadTwoPhaseStatus } from './scenarioStatus';
import {
  kvRows,
  listStores,
  projectionNames,
  projectionStatus,
  queryDocuments,
  readEventLog,
  rebuildAndCompare,
  runSql,
  searchIndex,
  sqlTables,
  tableRows,
  type StoreMap,
} from './storeReaders';

/** Names one store of one service. */
interface At {
  service: string;
  storeKey: string;
}

export type InspectRequest =
  | { kind: 'listStores'; service: string }
  | ({ kind: 'sqlTables' } & At)
  | ({ kind: 'tableRows'; table: string; limit: number } & At)
  | ({ kind: 'runSql'; sql: string } & At)
  | ({ kind: 'kvRows' } & At)
  | ({ kind: 'queryDocuments'; collection: string; filter: Record<string, unknown>; sort?: Record<string, 1 | -1>; limit: number } & At)
  | ({ kind: 'search'; term: string; category?: string } & At)
  | ({ kind: 'eventLog' } & At)
  | ({ kind: 'readModels' } & At)
  | ({ kind: 'rebuild'; name: string } & At)
  | { kind: 'capStatus' }
  | { kind: 'twoPhaseStatus' };

/** The store a request is about. */
export function pick<T extends StoreBase>(stores: StoreMap, service: string, key: string): T {
  const s = stores[service]?.[key];
  if (!s) throw new Error(`Store "${service}.${key}" is not in this simulation.`);
  return s as T;
}

/** A projection's status with its documents (the read-models view). */
export interface ModelView {
  status: Awaited<ReturnType<typeof projectionStatus>>;
  docs: Record<string, Json>;
}

/**
 * Answers a request next to the simulation. `onProgress` receives a rebuild's progress.
 * Errors are thrown in words (the caller shows them); a learner's SQL or query mistake
 * comes back as data, as the store readers do.
 */
export async function runInspectRequest(sim: Simulation, req: InspectRequest, onProgress?: (done: number, total: number) => void): Promise<unknown> {
  // The CAP and 2PC readers take the simulation itself and call sim.inspect on their own.
  if (req.kind === 'capStatus') return loadCapStatus(sim);
  if (req.kind === 'twoPhaseStatus') return loadTwoPhaseStatus(sim);
  return sim.inspect(async (all) => {
    const stores = all as StoreMap;
    switch (req.kind) {
      case 'listStores':
        return listStores(stores, req.service);
      case 'sqlTables':
        return sqlTables(pick(stores, req.service, req.storeKey));
      case 'tableRows':
        return tableRows(pick(stores, req.service, req.storeKey), req.table, req.limit);
      case 'runSql':
        return runSql(pick<SqlStore>(stores, req.service, req.storeKey), req.sql);
      case 'kvRows':
        return kvRows(pick<KvStore>(stores, req.service, req.storeKey));
      case 'queryDocuments':
        return queryDocuments(pick<DocumentStore>(stores, req.service, req.storeKey), req.collection, req.filter, { ...(req.sort ? { sort: req.sort } : {}), limit: req.limit });
      case 'search':
        return searchIndex(pick<SearchIndex>(stores, req.service, req.storeKey), req.term, ['category'], req.category);
      case 'eventLog':
        return readEventLog(pick<EventStore>(stores, req.service, req.storeKey));
      case 'readModels': {
        const store = pick<EventStore>(stores, req.service, req.storeKey);
        const out: ModelView[] = [];
        for (const name of await projectionNames(store)) out.push({ status: await projectionStatus(store, name), docs: (await store.readModel(name)) as Record<string, Json> });
        return out;
      }
      case 'rebuild':
        return rebuildAndCompare(pick<EventStore>(stores, req.service, req.storeKey), req.name, (done, total) => onProgress?.(done, total));
    }
  });
}
