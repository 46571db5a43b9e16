import type { PGlite } from '@electric-sql/pglite';
import type { Scenario, StoreProvider } from '../core/simulation';
import { createPgliteEventStore } from './eventstore/createPgliteEventStore';
import { createInPageStore } from './inPageStores';
import type { PgliteRuntime } from './sql/pgliteRuntime';
import { createSqlStore } from './sql/createSqlStore';
import { sharePglite, type SchemaConnection, type SharedPglite } from './sql/sharedPglite';

let providerCount = 0;

/**
 * The real engines: every SQL store and event store is a PostgreSQL schema of one PGlite
 * instance, taken from the runtime's pool when the first of them is created and given back,
 * reset, when the last is closed (see `sharedPglite.ts`); documents go to IndexedDB through
 * Dexie; the KV and the search index are in-page engines.
 */
export function createRealStoreProvider(opts: {
  /** Where the PostgreSQL instance comes from, and goes back to when the last store closes. */
  pglite: Pick<PgliteRuntime, 'acquire' | 'release'>;
  indexedDB?: { open: Function };
  IDBKeyRange?: { bound: Function; lowerBound: Function; upperBound: Function };
  namespace?: string;
}): StoreProvider {
  // Names must not collide between simulations: Dexie deletes a same-named database first.
  const namespace = opts.namespace ?? `r${++providerCount}`;
  let dbCounter = 0;
  let shared: Promise<SharedPglite> | undefined;

  async function connect(storeName: string, owner: string): Promise<SchemaConnection> {
    for (;;) {
      // Decided before any await, so stores created together share one instance.
      if (!shared) {
        const next = opts.pglite.acquire().then((db) => sharePglite(db, (d) => opts.pglite.release(d)));
        shared = next;
        // A failed start must not poison the next attempt.
        next.catch(() => {
          if (shared === next) shared = undefined;
        });
      }
      const current = shared;
      const host = await current;
      if (!host.released) return host.connect(storeName, owner);
      // The previous simulation gave its instance back: take one again (once for all callers).
      if (shared === current) shared = undefined;
    }
  }

  return {
    async create(spec, ctx) {
      if (spec.kind === 'sql') return createSqlStore(ctx, await connect(ctx.name, ctx.owner), { schema: spec.schema });
      if (spec.kind === 'eventstore') return createPgliteEventStore(ctx, await connect(ctx.name, ctx.owner));
      return (await createInPageStore(spec, ctx, { ...opts, nextDbName: (c) => `${namespace}-${c.name}-${++dbCounter}` }))!;
    },
  };
}

/**
 * Makes, on `db`, the schemas and tables of a scenario's PostgreSQL-backed stores, as a simulation
 * would, marked as made ahead (`premadeSchemaMark` in sql/sharedPglite.ts): an instance started from
 * a dump of `db` then creates those stores without running their DDL. The stores are left open
 * (closing one drops its schema); dump `db`, then close it.
 *
 * @returns the stores made, by name ('payment.db').
 */
export async function premakeStoreSchemas(db: PGlite, scenario: Scenario): Promise<string[]> {
  const provider = createRealStoreProvider({ pglite: { acquire: async () => db, release: async () => undefined } });
  const made: string[] = [];
  for (const def of scenario.services) {
    for (const spec of def.stores) {
      if (spec.kind !== 'sql' && spec.kind !== 'eventstore') continue;
      const name = `${def.name}.${spec.key}`;
      await provider.create(spec, { owner: def.name, name, clock: { now: () => 0 }, record: () => undefined, checkAccess: () => undefined });
      made.push(name);
    }
  }
  return made;
}
