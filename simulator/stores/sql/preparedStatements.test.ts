/**
 * DML through a shared connection runs as named prepared statements. These tests hold it to
 * what `PGlite.query()` gives for the same statement, and check that a change of a table's
 * shape, a schema of the same table names, errors and transactions do not trip it up.
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNodePgliteRuntime } from './nodePgliteRuntime';
import type { PgliteRuntime } from './pgliteRuntime';
import { preparedStatements } from './preparedStatements';
import { sharePglite, type SchemaConnection, type SharedPglite } from './sharedPglite';

let runtime: PgliteRuntime;
let db: PGlite;
let shared: SharedPglite;
let a: SchemaConnection;
let b: SchemaConnection;

const TYPES_TABLE = `CREATE TABLE typed (
  id INT PRIMARY KEY, flag BOOLEAN, at TIMESTAMPTZ, doc JSONB, big BIGINT, tags TEXT[], amount NUMERIC(10,2), note TEXT)`;

beforeAll(async () => {
  runtime = await getNodePgliteRuntime();
  db = await runtime.acquire();
  shared = sharePglite(db, (d) => runtime.release(d));
  a = await shared.connect('prepared.a');
  b = await shared.connect('prepared.b');
  await a.exec(TYPES_TABLE);
  await b.exec(`CREATE TABLE typed (id INT PRIMARY KEY, note TEXT)`);
});

afterAll(async () => {
  await a.release();
  await b.release();
});

describe('prepared statements on a shared connection', () => {
  it('serializes parameters and parses rows as PGlite.query does', async () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const rows: unknown[][] = [
      [1, true, at, { nested: { list: [1, 'two'] } }, 9007199254740993n, ['x', 'y'], '12.50', 'plain'],
      [2, false, at.getTime(), '{"already":"text"}', 7, [], 3, null],
      [3, null, null, null, null, null, null, undefined],
    ];
    const insert = `INSERT INTO typed (id, flag, at, doc, big, tags, amount, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
    for (const r of rows) expect((await a.query(insert, r)).affectedRows).toBe(1);
    const select = 'SELECT * FROM typed ORDER BY id';
    const viaShared = await a.query(select);
    // The same statement through PGlite itself (qualified, since the search_path is the shared one's).
    const viaPglite = await db.query(`SELECT * FROM "prepared_a".typed ORDER BY id`);
    expect(viaShared.rows).toEqual(viaPglite.rows);
    expect(viaShared.fields).toEqual(viaPglite.fields);
    expect(viaShared.rows[0]).toMatchObject({ flag: true, doc: { nested: { list: [1, 'two'] } }, big: 9007199254740993n, tags: ['x', 'y'], amount: '12.50' });
    expect((viaShared.rows[1] as { at: Date }).at.getTime()).toBe(at.getTime());
    const asArrays = await a.query('SELECT id, note FROM typed WHERE id = $1', [1], { rowMode: 'array' });
    expect(asArrays.rows).toEqual([[1, 'plain']]);
  });

  it('keeps the same text in two schemas apart', async () => {
    await b.query('INSERT INTO typed (id, note) VALUES ($1, $2)', [10, 'from b']);
    const sql = 'SELECT id, note FROM typed WHERE id >= $1 ORDER BY id';
    const inA = await a.query<{ id: number }>(sql, [1]);
    const inB = await b.query<{ id: number }>(sql, [1]);
    expect(inA.rows.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(inB.rows).toEqual([{ id: 10, note: 'from b' }]);
  });

  it('keeps each connection on its schema when a prepared statement moves the search_path', async () => {
    await a.query(`SELECT set_config('search_path', 'prepared_b', false)`);
    const inA = await a.query<{ id: number }>('SELECT id FROM typed ORDER BY id');
    expect(inA.rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('forgets statements of a released schema when a new one takes its name', async () => {
    const host = sharePglite(await runtime.acquire(), (d) => runtime.release(d));
    const first = await host.connect('reused');
    await first.exec('CREATE TABLE item (id INT PRIMARY KEY, label TEXT)');
    await first.query('INSERT INTO item VALUES ($1, $2)', [1, 'one']);
    expect((await first.query('SELECT * FROM item')).rows).toEqual([{ id: 1, label: 'one' }]);
    const keep = await host.connect('keeper'); // holds the instance while "reused" is released
    await first.release();
    const second = await host.connect('reused');
    expect(second.schema).toBe(first.schema);
    // Same table name, another shape, made by a statement that is not DDL (SELECT … INTO).
    await second.query(`SELECT * INTO item FROM (VALUES ('k')) AS v(id)`);
    expect((await second.query('SELECT * FROM item')).rows).toEqual([{ id: 'k' }]);
    await second.release();
    await keep.release();
  });

  it('sees a table whose columns changed (no "cached plan must not change result type")', async () => {
    const sql = 'SELECT * FROM shape WHERE id = $1';
    await a.exec('CREATE TABLE shape (id INT PRIMARY KEY, label TEXT)');
    await a.query('INSERT INTO shape VALUES ($1, $2)', [1, 'one']);
    expect((await a.query(sql, [1])).rows).toEqual([{ id: 1, label: 'one' }]);
    await a.exec('ALTER TABLE shape ADD COLUMN weight INT DEFAULT 7');
    expect((await a.query(sql, [1])).rows).toEqual([{ id: 1, label: 'one', weight: 7 }]);
    // A parameter's type changes with its column: the statement is parsed again.
    await a.query('DROP TABLE shape');
    await a.query('CREATE TABLE shape (id TEXT PRIMARY KEY, label TEXT)');
    await a.query('INSERT INTO shape VALUES ($1, $2)', ['k1', 'text key']);
    expect((await a.query(sql, ['k1'])).rows).toEqual([{ id: 'k1', label: 'text key' }]);
  });

  it('reports PostgreSQL errors with their code and position, and the connection still answers', async () => {
    await a.exec('CREATE TABLE uniq (id INT PRIMARY KEY)');
    const insert = 'INSERT INTO uniq (id) VALUES ($1)';
    await a.query(insert, [1]);
    await expect(a.query(insert, [1])).rejects.toMatchObject({ code: '23505', severity: 'ERROR' });
    await expect(a.query('SELECT nope FROM uniq')).rejects.toMatchObject({ code: '42703', position: '8' });
    await expect(a.query('SELECT id FROM uniq WHERE id = $1', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    expect((await a.query('SELECT count(*)::int AS n FROM uniq')).rows).toEqual([{ n: 1 }]);
  });

  it('runs prepared statements inside a transaction, rolls back on a throw, and commits otherwise', async () => {
    await a.exec('CREATE TABLE ledger (id INT PRIMARY KEY, amount INT NOT NULL)');
    const insert = 'INSERT INTO ledger (id, amount) VALUES ($1, $2)';
    await expect(
      a.transaction(async (tx) => {
        await tx.query(insert, [1, 10]);
        await tx.query(insert, [1, 20]); // duplicate key: the transaction is aborted
      }),
    ).rejects.toMatchObject({ code: '23505' });
    await a.transaction(async (tx) => {
      await tx.query(insert, [2, 30]);
      await tx.exec('ALTER TABLE ledger ADD COLUMN memo TEXT');
      await tx.query('UPDATE ledger SET memo = $1 WHERE id = $2', ['late', 2]);
    });
    expect((await a.query('SELECT * FROM ledger ORDER BY id')).rows).toEqual([{ id: 2, amount: 30, memo: 'late' }]);
  });

  it('forgets statements past its limit and keeps working', async () => {
    const own = preparedStatements(db);
    await db.exec('SET search_path TO prepared_a');
    for (let i = 0; i < 400; i++) {
      const r = await own.run<{ n: number }>('prepared_a', `SELECT $1::int + ${i} AS n`, [1], undefined, false);
      expect(r.rows[0]!.n).toBe(1 + i);
    }
    expect(own.size).toBeGreaterThan(0);
    expect(own.size).toBeLessThanOrEqual(300);
    const left = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'sim\\_%'`);
    // Forgotten statements are closed at the next prepare: the session does not keep all 400.
    expect(left.rows[0]!.n).toBeLessThan(400);
    await db.exec('DEALLOCATE ALL');
    own.forgetAll();
  });

  it('runs non-DML statements through PGlite unchanged', () => {
    const own = preparedStatements(db);
    expect(own.canRun('  select 1')).toBe(true);
    expect(own.canRun('WITH x AS (SELECT 1) SELECT * FROM x')).toBe(true);
    expect(own.canRun('CREATE TABLE t (id INT)')).toBe(false);
    expect(own.canRun('BEGIN')).toBe(false);
    expect(own.canRun('SELECT 1', { paramTypes: [23] })).toBe(false);
  });
});
