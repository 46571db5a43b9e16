import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStoreContext, type StoreBase } from '../core/storeContext';
import type { StoreSpec } from '../core/types';
import { createRealStoreProvider } from './realProvider';
import { createNodePgliteRuntime } from './sql/nodePgliteRuntime';
import type { PgliteRuntime } from './sql/pgliteRuntime';
import type { SqlStore } from './sql/types';

// A runtime of its own: the counters below must not see other test files' instances.
let runtime: PgliteRuntime;
beforeAll(async () => {
  runtime = await createNodePgliteRuntime();
});
afterAll(async () => {
  await runtime.close();
});

const SPECS: { name: string; spec: StoreSpec }[] = [
  { name: 'user.db', spec: { key: 'db', kind: 'sql', schema: 'CREATE TABLE users (id TEXT PRIMARY KEY)' } },
  { name: 'payment.db', spec: { key: 'db', kind: 'sql', schema: 'CREATE TABLE users (id TEXT PRIMARY KEY, note TEXT)' } },
  { name: 'order.events', spec: { key: 'events', kind: 'eventstore' } },
];

/** What a simulation does: create its stores together. */
function createAll(provider: ReturnType<typeof createRealStoreProvider>): Promise<StoreBase[]> {
  return Promise.all(SPECS.map(({ name, spec }) => provider.create(spec, createTestStoreContext(name, name.split('.')[0]))));
}

describe('the real store provider', () => {
  it('puts the PostgreSQL stores of a simulation on one PGlite instance and reuses it for the next', async () => {
    const provider = createRealStoreProvider({ pglite: runtime });
    const first = await createAll(provider);
    expect(runtime.stats().started).toBe(1);
    // Same table name in two stores: separate schemas, separate rows.
    const [user, payment] = first as [SqlStore, SqlStore];
    await user.query(`INSERT INTO users VALUES ('u1')`);
    expect((await payment.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
    for (const s of first) await s.close();
    expect(runtime.stats().idle).toBe(1);

    const second = await createAll(provider);
    expect(runtime.stats()).toMatchObject({ started: 1, reused: 1, idle: 0 });
    // The reused instance came back empty.
    expect((await (second[0] as SqlStore).query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 0 }]);
    for (const s of second) await s.close();
  });

  it('a simulation created while its instance is prestarting takes that instance instead of starting another', async () => {
    const own = await createNodePgliteRuntime();
    try {
      const prestarting = own.prestart();
      // A second call while one is starting starts nothing more.
      const again = own.prestart();
      const stores = await createAll(createRealStoreProvider({ pglite: own }));
      await Promise.all([prestarting, again]);
      expect(own.stats()).toMatchObject({ started: 1, idle: 0 });
      for (const st of stores) await st.close();
      // Given back to the pool: a prestart now has nothing to do.
      await own.prestart();
      expect(own.stats()).toMatchObject({ started: 1, idle: 1 });
    } finally {
      await own.close();
    }
  });
});
