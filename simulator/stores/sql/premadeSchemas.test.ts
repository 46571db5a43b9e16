import 'fake-indexeddb/auto';
import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEcommerceInvariants } from '../../checks/ecommerceInvariants';
import { createSimulation } from '../../core/simulation';
import { createTestStoreContext } from '../../core/storeContext';
import { findScenario } from '../../scenarios/catalogue';
import { createRealStoreProvider, premakeStoreSchemas } from '../realProvider';
import { createSqlStore } from './createSqlStore';
import { getNodePgliteRuntime, locatePglite } from './nodePgliteRuntime';
import { createPgliteRuntime, dumpDataDir, type PgliteRuntime } from './pgliteRuntime';
import { premadeSchemaMark, sharePglite } from './sharedPglite';

// Schemas made ahead in a data dir (what the page's PGlite starts from): taken when the store's DDL
// is the one that made them, made again when it is not, never seen half-claimed.

let base: PgliteRuntime;
beforeAll(async () => {
  base = await getNodePgliteRuntime();
});

/** A runtime whose instances start from a dump of `db` (then closed). */
async function runtimeFromDumpOf(db: PGlite): Promise<PgliteRuntime> {
  const dataDir = await dumpDataDir(db);
  await db.close();
  return createPgliteRuntime({ ...(await nodeAssets()), dataDir });
}

let assetsPromise: Promise<{ wasmModule: WebAssembly.Module; fsBundle: Blob }> | null = null;
/** The same compiled module and file bundle the Node runtime uses: only the data dir differs. */
function nodeAssets() {
  assetsPromise ??= (async () => {
    const { distDir } = locatePglite();
    return { wasmModule: await WebAssembly.compile(fs.readFileSync(`${distDir}/pglite.wasm`)), fsBundle: new Blob([fs.readFileSync(`${distDir}/pglite.data`)]) };
  })();
  return assetsPromise;
}

/** OIDs of the tables in the given schemas: equal before and after means nothing was made again. */
async function tableOids(db: PGlite, schemas: string[]): Promise<Record<string, number>> {
  const r = await db.query<{ name: string; oid: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind = 'r' ORDER BY 1`,
    [schemas],
  );
  return Object.fromEntries(r.rows.map((row) => [row.name, row.oid]));
}

const opened: PgliteRuntime[] = [];
afterAll(async () => {
  for (const r of opened) await r.close();
});

describe('schemas made ahead in the data dir', () => {
  it('a simulation of the scenario they were made for takes them as they are, and runs as on fresh ones', async () => {
    const scenario = findScenario('order-happy').build().scenario;
    const maker = await base.createInstance();
    const made = await premakeStoreSchemas(maker, scenario);
    expect(made).toEqual(['user.db', 'inventory.audit', 'order.events', 'payment.db', 'payment.audit', 'orchestrator.sagas']);
    const schemas = ['user_db', 'inventory_audit', 'order_events', 'payment_db', 'payment_audit', 'orchestrator_sagas'];
    const before = await tableOids(maker, schemas);
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(schemas.length);

    const runtime = await runtimeFromDumpOf(maker);
    opened.push(runtime);
    const db = await runtime.acquire();
    // Every schema came in the dump, marked.
    const marks = await db.query<{ nspname: string; mark: string }>(
      `SELECT nspname, obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`,
      [schemas],
    );
    expect(marks.rows.map((r) => r.nspname)).toEqual([...schemas].sort());
    for (const r of marks.rows) expect(r.mark).toMatch(/^ddl:[0-9a-f]{16}$/);
    await runtime.release(db);
    // release() empties an instance for the pool: start one that still has them.
    const fresh = await runtime.createInstance();
    const sim = await createSimulation({
      seed: 7,
      scenario,
      stores: createRealStoreProvider({ pglite: { acquire: async () => fresh, release: async () => undefined } }),
    });
    expect(await tableOids(fresh, schemas)).toEqual(before);
    await sim.runToQuiescence({ maxTime: 120_000 });
    const report = await checkEcommerceInvariants(sim);
    expect(report.violations, JSON.stringify(report.violations)).toEqual([]);
    expect(sim.trace().some((e) => e.type === 'saga.completed')).toBe(true);
    await sim.dispose();
    await fresh.close();
  });

  it('a store whose DDL differs gets its schema emptied and made with its own DDL', async () => {
    const maker = await base.createInstance();
    const shared = sharePglite(maker, async () => undefined);
    const old = await shared.connect('user.db', 'user');
    await old.createTables('CREATE TABLE users (id TEXT PRIMARY KEY)');
    const runtime = await runtimeFromDumpOf(maker);
    opened.push(runtime);
    const fresh = await runtime.createInstance();
    const store = await createSqlStore(createTestStoreContext('user.db', 'user'), await sharePglite(fresh, async () => undefined).connect('user.db', 'user'), {
      schema: 'CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL)',
    });
    const tables = await store.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'user_db' ORDER BY 1`);
    expect(tables.rows).toEqual([{ table_name: 'accounts' }]);
    const mark = await fresh.query<{ mark: string }>(`SELECT obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname = 'user_db'`);
    expect(mark.rows[0]!.mark).toBe(premadeSchemaMark('CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL)'));
    await fresh.close();
  });

  it('marks the schema even when the DDL ends in a line comment', async () => {
    const db = await base.createInstance();
    const ddl = 'CREATE TABLE notes (id INT PRIMARY KEY) -- one table';
    const conn = await sharePglite(db, async () => undefined).connect('notes.db', 'notes');
    await conn.createTables(ddl);
    expect((await conn.query('SELECT count(*)::int AS n FROM notes')).rows).toEqual([{ n: 0 }]);
    const mark = await db.query<{ mark: string }>(`SELECT obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname = 'notes_db'`);
    expect(mark.rows[0]!.mark).toBe(premadeSchemaMark(ddl));
    await db.close();
  });

  it('a connection that runs SQL before claiming its schema sees it empty, not the tables made ahead', async () => {
    const maker = await base.createInstance();
    const conn = await sharePglite(maker, async () => undefined).connect('payment.db', 'payment');
    await conn.createTables(`CREATE TABLE payments (id TEXT PRIMARY KEY); INSERT INTO payments VALUES ('made ahead')`);
    const runtime = await runtimeFromDumpOf(maker);
    opened.push(runtime);
    const fresh = await runtime.createInstance();
    const unclaimed = await sharePglite(fresh, async () => undefined).connect('payment.db', 'payment');
    await expect(unclaimed.query('SELECT * FROM payments')).rejects.toThrow(/relation "payments" does not exist/);
    // And it stays the connection's own from then on.
    await unclaimed.exec('CREATE TABLE ledger (n INT)');
    expect((await unclaimed.query('SELECT count(*)::int AS n FROM ledger')).rows).toEqual([{ n: 0 }]);
    await fresh.close();
  });
});
