import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestStoreContext } from '../../core/storeContext';
import { ForeignStoreAccessError, SqlError } from '../../core/errors';
import { createSqlStore } from './createSqlStore';
import { dataDirCachePath, getNodePgliteRuntime } from './nodePgliteRuntime';
import type { PgliteRuntime } from './pgliteRuntime';
import { schemaNameFor, sharePglite, type SharedPglite } from './sharedPglite';
import type { SqlStore } from './types';

const SCHEMA = `
  CREATE TABLE accounts (id SERIAL PRIMARY KEY, owner TEXT NOT NULL, balance INT NOT NULL CHECK (balance >= 0));
  CREATE TABLE transfers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_id INT REFERENCES accounts(id), to_id INT REFERENCES accounts(id),
    amount INT NOT NULL, meta JSONB, at BIGINT NOT NULL);
  CREATE TABLE tags (name TEXT, weight INT);
`;

let runtime: PgliteRuntime;
let shared: SharedPglite;
let ctx: ReturnType<typeof createTestStoreContext>;
let store: SqlStore;

beforeAll(async () => {
  runtime = await getNodePgliteRuntime();
  // When the last schema is released, the instance goes back to the pool.
  shared = sharePglite(await runtime.acquire(), (d) => runtime.release(d));
  ctx = createTestStoreContext('user.sql', 'user');
  store = await createSqlStore(ctx, await shared.connect(ctx.name), { schema: SCHEMA });
});

afterAll(async () => {
  await store.close();
});

beforeEach(async () => {
  await store.reset();
  ctx.reports.length = 0;
});

describe('createSqlStore', () => {
  it('runs parameterized queries and reports affected rows', async () => {
    const ins = await store.query(`INSERT INTO accounts (owner, balance) VALUES ($1, $2), ($3, $4)`, ['ann', 10, 'bob', 5]);
    expect(ins.affectedRows).toBe(2);
    const sel = await store.query<{ owner: string; balance: number }>(
      `SELECT owner, balance FROM accounts WHERE balance > $1 ORDER BY owner`,
      [4],
    );
    expect(sel.rows).toEqual([
      { owner: 'ann', balance: 10 },
      { owner: 'bob', balance: 5 },
    ]);
    expect(sel.fields.map((f) => f.name)).toEqual(['owner', 'balance']);
    expect(ctx.reports.map((r) => [r.op, r.ok, r.count])).toEqual([
      ['query', true, 2],
      ['query', true, 2],
    ]);
  });

  it('turns a syntax error into a SqlError with message, SQL and position, then keeps working', async () => {
    const bad = 'SELECT * FROM accounts WHERE';
    const err = await store.query(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    const sqlErr = err as SqlError;
    expect(sqlErr.message).toMatch(/syntax error at end of input/);
    expect(sqlErr.sql).toBe(bad);
    expect(sqlErr.position).toBe(bad.length + 1);
    expect(sqlErr.sqlState).toBe('42601');
    expect(ctx.reports.at(-1)).toMatchObject({ op: 'query', ok: false, error: { code: 'SQL' } });

    const ok = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    expect(ok.rows[0]!.n).toBe(0);
  });

  it('reports constraint violations with SQLSTATE and constraint name', async () => {
    const err = (await store
      .query(`INSERT INTO accounts (owner, balance) VALUES ('x', -1)`)
      .catch((e: unknown) => e)) as SqlError;
    expect(err).toBeInstanceOf(SqlError);
    expect(err.sqlState).toBe('23514');
    expect(err.details.constraint).toBe('accounts_balance_check');
  });

  it('exec runs several statements and returns one result per statement', async () => {
    const res = await store.exec(`INSERT INTO tags VALUES ('a', 1); INSERT INTO tags VALUES ('b', 2); SELECT * FROM tags ORDER BY name`);
    expect(res).toHaveLength(3);
    expect(res[2]!.rows).toEqual([
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
    ]);
  });

  it('commits a transaction and rolls back every statement when one fails', async () => {
    const n = await store.transaction(async (tx) => {
      await tx.query(`INSERT INTO accounts (owner, balance) VALUES ('ann', 10)`);
      await tx.query(`INSERT INTO accounts (owner, balance) VALUES ('bob', 20)`);
      const r = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
      return r.rows[0]!.n;
    });
    expect(n).toBe(2);

    const err = await store
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO accounts (owner, balance) VALUES ('carl', 1)`);
        await tx.query(`UPDATE accounts SET balance = balance - 15 WHERE owner = 'ann'`); // violates CHECK
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).sqlState).toBe('23514');
    const rows = await store.query<{ owner: string; balance: number }>('SELECT owner, balance FROM accounts ORDER BY id');
    expect(rows.rows).toEqual([
      { owner: 'ann', balance: 10 },
      { owner: 'bob', balance: 20 },
    ]);
    expect(ctx.reports.filter((r) => r.op === 'transaction').map((r) => r.ok)).toEqual([true, false]);
  });

  it('rolls back when the handler throws its own error, and rethrows that error', async () => {
    const boom = new Error('business rule');
    const err = await store
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO tags VALUES ('t', 1)`);
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect((await store.query('SELECT * FROM tags')).rows).toEqual([]);
  });

  it('rejects nested transactions and store calls inside a transaction clearly', async () => {
    const nested = await store
      .transaction(async () => store.transaction(async () => 1))
      .catch((e: unknown) => e);
    expect(nested).toBeInstanceOf(SqlError);
    expect((nested as SqlError).message).toMatch(/transaction is open/);
    const inner = await store.transaction(async () => store.query('SELECT 1')).catch((e: unknown) => e);
    expect((inner as SqlError).message).toMatch(/use the tx executor/);
    // And the store is fine afterwards.
    expect((await store.query<{ x: number }>('SELECT 1 AS x')).rows[0]!.x).toBe(1);
  });

  it('refuses a tx executor used after its transaction ended', async () => {
    let leaked: { query: (s: string) => Promise<unknown> } | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/already finished/);
  });

  it('lists user tables sorted', async () => {
    expect(await store.tables()).toEqual(['accounts', 'tags', 'transfers']);
  });

  it('exports rows ordered by primary key and imports them back exactly, sequences included', async () => {
    await store.exec(`
      INSERT INTO accounts (id, owner, balance) VALUES (103, 'c', 3), (101, 'a', 1), (102, 'b', 2);
      INSERT INTO tags VALUES ('z', 2), ('a', 9), ('m', 1);`);
    await store.query(`INSERT INTO transfers (from_id, to_id, amount, meta, at) VALUES (101, 103, 5, $1, $2)`, [
      { reason: 'rent', tags: ['x'] },
      1234,
    ]);
    // Advance the SERIAL so the import must restore it, not derive it.
    await store.query(`SELECT nextval('accounts_id_seq')`);
    const state = (await store.exportState()) as {
      tables: Record<string, Array<Record<string, unknown>>>;
      sequences: Record<string, number | null>;
    };
    expect(state.tables.accounts!.map((r) => r.id)).toEqual([101, 102, 103]);
    expect(state.tables.tags!.map((r) => r.name)).toEqual(['a', 'm', 'z']);
    expect(state.tables.transfers![0]).toEqual({ id: 1, from_id: 101, to_id: 103, amount: 5, meta: { reason: 'rent', tags: ['x'] }, at: 1234 });
    expect(state.sequences).toEqual({ accounts_id_seq: 1, transfers_id_seq: 1 });

    await store.reset();
    expect((await store.query('SELECT * FROM accounts')).rows).toEqual([]);
    await store.importState(state as never);
    expect(await store.exportState()).toEqual(state);
    const next = await store.query<{ id: number }>(`INSERT INTO accounts (owner, balance) VALUES ('d', 0) RETURNING id`);
    expect(next.rows[0]!.id).toBe(2); // sequence restored to 1, not to max(id) = 103: exact state
  });

  it('importState of an unknown table fails and leaves the store as it was', async () => {
    await store.query(`INSERT INTO tags VALUES ('keep', 1)`);
    await expect(store.importState({ tables: { nope: [{ a: 1 }] }, sequences: {} })).rejects.toBeInstanceOf(SqlError);
    expect((await store.query('SELECT name FROM tags')).rows).toEqual([{ name: 'keep' }]);
  });

  it('reset drops everything and re-runs the schema', async () => {
    await store.exec(`INSERT INTO tags VALUES ('a', 1); CREATE TABLE scratch (x INT); CREATE SEQUENCE counter;`);
    await store.reset();
    expect(await store.tables()).toEqual(['accounts', 'tags', 'transfers']);
    const left = await store.query(`SELECT relname FROM pg_class WHERE relname IN ('scratch', 'counter')`);
    expect(left.rows).toEqual([]);
    const id = await store.query<{ id: number }>(`INSERT INTO accounts (owner, balance) VALUES ('a', 1) RETURNING id`);
    expect(id.rows[0]!.id).toBe(1);
  });

  it('checks access before touching the database', async () => {
    const denied = createTestStoreContext('user.sql', 'user');
    denied.checkAccess = () => {
      throw new ForeignStoreAccessError('order', 'user', 'user.sql');
    };
    const other = await createSqlStore(denied, await shared.connect('denied.sql'), { schema: '' });
    await expect(other.query('SELECT 1')).rejects.toBeInstanceOf(ForeignStoreAccessError);
    expect(denied.reports).toEqual([]);
  });
});

describe('stores sharing one PGlite instance, a schema each', () => {
  const ACCOUNTS = `CREATE TABLE accounts (id SERIAL PRIMARY KEY, owner TEXT NOT NULL)`;

  async function twoStores() {
    const host = sharePglite(await runtime.acquire(), (d) => runtime.release(d));
    const a = await createSqlStore(createTestStoreContext('payment.db', 'payment'), await host.connect('payment.db'), { schema: ACCOUNTS });
    const b = await createSqlStore(createTestStoreContext('user.db', 'user'), await host.connect('user.db'), { schema: ACCOUNTS });
    return { host, a, b };
  }

  /** The user and payment services' stores on one instance, each as its service; payment holds one 'secret' account. */
  async function userAndPayment() {
    const host = sharePglite(await runtime.acquire(), (d) => runtime.release(d));
    const user = await createSqlStore(createTestStoreContext('user.db', 'user'), await host.connect('user.db', 'user'), { schema: ACCOUNTS });
    const payment = await createSqlStore(createTestStoreContext('payment.db', 'payment'), await host.connect('payment.db', 'payment'), { schema: ACCOUNTS });
    await payment.query(`INSERT INTO accounts (owner) VALUES ('secret')`);
    return { user, payment };
  }

  it('keeps same-named tables and sequences apart', async () => {
    const { host, a, b } = await twoStores();
    expect(host.schemas).toEqual(['payment_db', 'user_db']);
    // Interleaved, not awaited one by one: the lock must keep each statement in its own schema.
    await Promise.all([
      a.query(`INSERT INTO accounts (owner) VALUES ('ann'), ('amy')`),
      b.query(`INSERT INTO accounts (owner) VALUES ('bob')`),
      a.query(`INSERT INTO accounts (owner) VALUES ('al')`),
    ]);
    expect((await a.query('SELECT id, owner FROM accounts ORDER BY id')).rows).toEqual([
      { id: 1, owner: 'ann' },
      { id: 2, owner: 'amy' },
      { id: 3, owner: 'al' },
    ]);
    expect((await b.query('SELECT id, owner FROM accounts')).rows).toEqual([{ id: 1, owner: 'bob' }]);
    expect(await a.tables()).toEqual(['accounts']);
    await a.close();
    await b.close();
  });

  it('resets, exports and imports one store without touching the other', async () => {
    const { a, b } = await twoStores();
    await a.query(`INSERT INTO accounts (owner) VALUES ('ann')`);
    await b.query(`INSERT INTO accounts (owner) VALUES ('bob')`);
    const aState = await a.exportState();
    await a.reset();
    expect((await a.query('SELECT * FROM accounts')).rows).toEqual([]);
    expect((await b.query('SELECT owner FROM accounts')).rows).toEqual([{ owner: 'bob' }]);
    await b.importState(aState);
    expect((await b.query('SELECT owner FROM accounts')).rows).toEqual([{ owner: 'ann' }]);
    await a.close();
    await b.close();
  });

  it('a SET search_path typed in one console does not move the next statement of another store', async () => {
    const { a, b } = await twoStores();
    await b.query(`INSERT INTO accounts (owner) VALUES ('bob')`);
    await a.exec(`SET search_path TO user_db`);
    expect((await a.query('SELECT count(*)::int AS n FROM accounts')).rows).toEqual([{ n: 0 }]);
    await a.exec(`RESET ALL`);
    expect((await b.query('SELECT owner FROM accounts')).rows).toEqual([{ owner: 'bob' }]);
    // A failing statement leaves both usable.
    await expect(a.query('SELEC 1')).rejects.toBeInstanceOf(SqlError);
    expect((await b.query('SELECT count(*)::int AS n FROM accounts')).rows).toEqual([{ n: 1 }]);
    await a.close();
    await b.close();
  });

  it("cannot reach another service's schema by its qualified name: the error names both services", async () => {
    const { user, payment } = await userAndPayment();
    for (const sql of ['SELECT * FROM payment_db.accounts', `UPDATE payment_db.accounts SET owner = 'me'`]) {
      const denied = await user.query(sql).then(
        () => null,
        (e: unknown) => e,
      );
      expect(denied).toBeInstanceOf(ForeignStoreAccessError);
      expect((denied as ForeignStoreAccessError).message).toMatch(/"user".*"payment\.db".*"payment"/);
    }
    // Through a transaction too, and the transaction rolls back.
    await expect(
      user.transaction(async (tx) => {
        await tx.query(`INSERT INTO accounts (owner) VALUES ('mine')`);
        await tx.query('DELETE FROM payment_db.accounts');
      }),
    ).rejects.toBeInstanceOf(ForeignStoreAccessError);
    // Stepping out of the store's role is refused before PostgreSQL sees it.
    const escapes = [
      'RESET ROLE',
      'SET ROLE postgres',
      'set role = postgres',
      'SET LOCAL ROLE postgres',
      'SET SESSION AUTHORIZATION DEFAULT',
      `SELECT set_config('role', 'postgres', false)`,
      'DISCARD ALL',
      `DO $$ BEGIN EXECUTE 'set role = postgres'; END $$`,
    ];
    for (const sql of escapes) {
      await expect(user.exec(`${sql}; SELECT * FROM payment_db.accounts`)).rejects.toThrow(/cannot change it/);
    }
    expect((await payment.query('SELECT owner FROM accounts')).rows).toEqual([{ owner: 'secret' }]);
    expect((await user.query('SELECT count(*)::int AS n FROM accounts')).rows).toEqual([{ n: 0 }]);
    // A column called "role" is not a role change.
    await user.exec('ALTER TABLE accounts ADD COLUMN role TEXT');
    await user.query(`INSERT INTO accounts (owner, role) VALUES ('ann', 'admin')`);
    await user.query(`UPDATE accounts SET role = 'owner' WHERE owner = $1`, ['ann']);
    await user.query(`UPDATE accounts SET owner = 'ann', role='editor'`);
    expect((await user.query('SELECT role FROM accounts')).rows).toEqual([{ role: 'editor' }]);
    await user.close();
    await payment.close();
  });

  it('refuses a role change hidden behind a comment, a quoted name or a function body', async () => {
    const { user, payment } = await userAndPayment();
    // Each of these reaches the superuser in PostgreSQL, and then the payment schema.
    const hidden = [
      '/* hi */ RESET ROLE',
      'SET/**/ROLE postgres',
      'SET -- c\n ROLE postgres',
      'SET "role" TO postgres',
      `SELECT set_config(E'role', 'postgres', false)`,
      'DO $$ BEGIN RESET ROLE; END $$',
      `CREATE FUNCTION peek() RETURNS text LANGUAGE plpgsql SET role = postgres AS $$ BEGIN RETURN (SELECT owner FROM payment_db.accounts); END $$`,
    ];
    for (const sql of hidden) {
      await expect(user.exec(`${sql}; SELECT * FROM payment_db.accounts`)).rejects.toThrow(/cannot change it/);
    }
    await expect(user.transaction((tx) => tx.exec('/* hi */ RESET ROLE; SELECT * FROM payment_db.accounts'))).rejects.toThrow(/cannot change it/);
    // The store is still in its role: the payment schema stays closed to it.
    await expect(user.query('SELECT * FROM payment_db.accounts')).rejects.toBeInstanceOf(ForeignStoreAccessError);
    expect((await user.query<{ u: string }>('SELECT current_user AS u')).rows).toEqual([{ u: 'user_db_role' }]);
    // Strings and comments that only mention the words still run.
    await user.exec(`-- we never SET ROLE here\nINSERT INTO accounts (owner) VALUES ('set role x'); SELECT '--'`);
    expect((await user.query('SELECT owner FROM accounts')).rows).toEqual([{ owner: 'set role x' }]);
    await user.close();
    await payment.close();
  });

  it('never leaves a transaction open on the shared connection: not after an error inside BEGIN, not after a bare BEGIN', async () => {
    const { user, payment } = await userAndPayment();
    // A wrong statement inside a BEGIN … COMMIT typed in the console: PostgreSQL's error, and the
    // aborted transaction does not stay behind to fail every other store's statements.
    await expect(user.exec(`BEGIN; INSERT INTO accounts (owner) VALUES ('half'); SELECT * FROM nope; COMMIT`)).rejects.toThrow(/"nope" does not exist/);
    expect((await payment.query<{ owner: string }>('SELECT owner FROM accounts')).rows).toEqual([{ owner: 'secret' }]);
    expect((await user.query('SELECT owner FROM accounts')).rows).toEqual([]);
    // A transaction left open would take the next store's statements (and its SET ROLE) into it,
    // and a ROLLBACK from there would bring the first store's role back: refused and rolled back.
    await expect(user.exec(`BEGIN; INSERT INTO accounts (owner) VALUES ('open')`)).rejects.toThrow(/left a transaction open/);
    await expect(user.query('BEGIN')).rejects.toThrow(/left a transaction open/);
    await expect(payment.exec('ROLLBACK; SELECT * FROM user_db.accounts')).rejects.toBeInstanceOf(ForeignStoreAccessError);
    expect((await user.query('SELECT owner FROM accounts')).rows).toEqual([]);
    // BEGIN … COMMIT in one call, and transaction(), work as before.
    await user.exec(`BEGIN; INSERT INTO accounts (owner) VALUES ('whole'); COMMIT`);
    await user.transaction((tx) => tx.query(`INSERT INTO accounts (owner) VALUES ('tx')`));
    expect((await user.query('SELECT owner FROM accounts ORDER BY id')).rows).toEqual([{ owner: 'whole' }, { owner: 'tx' }]);
    await user.close();
    await payment.close();
  });

  it('says why a store may not create a schema or a table outside its own, as PostgreSQL’s error', async () => {
    const { a, b } = await twoStores();
    for (const sql of ['CREATE SCHEMA scratch', 'CREATE TABLE public.notes (id int)']) {
      const denied = await b.exec(sql).catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(SqlError);
      expect((denied as SqlError).message).toMatch(/^permission denied for (database|schema) \w+ \(a store's role owns only its own schema "user_db"\)$/);
      expect((denied as SqlError).details.sqlState).toBe('42501');
    }
    await a.close();
    await b.close();
  });

  it('leaves no store role behind on an instance given back to the pool', async () => {
    const { a, b } = await twoStores();
    await a.close();
    await b.close();
    const db = await runtime.acquire();
    const roles = await db.query<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE NOT rolsuper AND rolname NOT LIKE 'pg\\_%'`);
    expect(roles.rows).toEqual([]);
    expect((await db.query<{ u: string }>('SELECT current_user AS u')).rows[0]!.u).toBe('postgres');
    await runtime.release(db);
  });

  it('gives the instance back to the pool, empty, when the last store closes', async () => {
    const { host, a, b } = await twoStores();
    await a.close();
    expect(host.released).toBe(false);
    const idleBefore = runtime.stats().idle;
    await b.close();
    expect(host.released).toBe(true);
    expect(runtime.stats().idle).toBe(idleBefore + 1);
    await expect(host.connect('late.db')).rejects.toThrow(/given back/);
  });

  it('names schemas after stores, safely', () => {
    expect(schemaNameFor('orchestrator.sagas')).toBe('orchestrator_sagas');
    expect(schemaNameFor('Payment.Audit')).toBe('payment_audit');
    expect(schemaNameFor('1st.db')).toBe('s_1st_db');
    expect(schemaNameFor('pg.catalog')).toBe('s_pg_catalog');
  });
});

describe('PGlite runtime pool', () => {
  it('reuses a released instance, empty, instead of starting a new one', async () => {
    const a = await runtime.acquire();
    await a.exec(`CREATE TABLE leftover (x INT); INSERT INTO leftover VALUES (1); BEGIN;`);
    await runtime.release(a);
    const before = runtime.stats();
    const b = await runtime.acquire();
    expect(b).toBe(a);
    expect(runtime.stats().reused).toBe(before.reused + 1);
    expect(runtime.stats().started).toBe(before.started);
    const t = await b.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    expect(t.rows).toEqual([]);
    await runtime.release(b);
  });

  it('has the pre-initialized data dir cached on disk for later processes', () => {
    const file = dataDirCachePath();
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).size).toBeGreaterThan(1_000_000);
  });
});
