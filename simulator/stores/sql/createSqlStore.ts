/**
 * A PostgreSQL store for one service, running on PGlite.
 *
 * Every public operation is access-checked and recorded through the StoreContext.
 * Every PostgreSQL error becomes a SqlError carrying PostgreSQL's own message, the
 * SQL text, the 1-based position and the SQLSTATE; a failing statement never leaves
 * the store unusable.
 */
import type { Results } from '@electric-sql/pglite';
import type { Json } from '../../core/json';
import type { StoreContext } from '../../core/storeContext';
import { SimError, SqlError } from '../../core/errors';
import type { SqlExecutor, SqlResult, SqlStore } from './types';
import { quoteIdent } from './pgliteRuntime';
import type { SchemaConnection } from './sharedPglite';

export interface CreateSqlStoreOptions {
  /** DDL run at creation and after every reset. Keep it deterministic: no NOW()/random() defaults. */
  schema: string;
  /** Shown in the UI. Default 'PostgreSQL · PGlite'. */
  engineLabel?: string;
}

/** The JSON shape of {@link SqlStore.exportState} for a PGlite store. */
export interface SqlStoreState {
  /** Table name → rows (as PostgreSQL's row_to_json gives them), ordered by primary key. */
  tables: Record<string, Json[]>;
  /** Sequence name → last value (null when never called). */
  sequences: Record<string, number | null>;
}

/** Whatever PGlite throws for a server error (its DatabaseError), without importing the class. */
interface PgErrorLike {
  message: string;
  code?: string;
  position?: string;
  detail?: string;
  constraint?: string;
  severity?: string;
}

function isPgError(e: unknown): e is PgErrorLike {
  return e instanceof Error && typeof (e as PgErrorLike).severity === 'string' && typeof (e as PgErrorLike).code === 'string';
}

/**
 * Turns anything PGlite throws into a SqlError (typed SimErrors pass through unchanged).
 * Keeps PostgreSQL's message, SQLSTATE (`sqlState`, e.g. '23505'), 1-based `position`,
 * and adds `detail`/`constraint` to `details` when PostgreSQL gave them.
 */
export function toSqlError(e: unknown, sql: string): SimError {
  if (e instanceof SimError) return e;
  if (isPgError(e)) {
    const pos = e.position !== undefined ? Number(e.position) : undefined;
    const err = new SqlError(e.message, sql, Number.isFinite(pos) ? pos : undefined, e.code);
    if (e.detail) err.details.detail = e.detail;
    if (e.constraint) err.details.constraint = e.constraint;
    return err;
  }
  // JS-side failures (a parameter PGlite cannot serialize, a closed instance).
  return new SqlError(e instanceof Error ? e.message : String(e), sql);
}

/** One line for the trace: whitespace collapsed, long SQL cut. */
export function summarizeSql(sql: string, max = 200): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

function toResult<Row>(r: Results<Row>): SqlResult<Row> {
  return {
    rows: r.rows,
    affectedRows: r.affectedRows ?? 0,
    fields: r.fields.map((f) => ({ name: f.name })),
  };
}

/** What the export/import helpers need: a query runner (a schema connection or an open transaction). */
interface Queryable {
  query<Row>(sql: string, params?: unknown[]): Promise<Results<Row>>;
  exec(sql: string): Promise<Array<Results>>;
}

/**
 * Rows of every table of `schema` as JSON, tables sorted by name, rows by primary key
 * (or by the whole row's text when a table has none), sequences with their last value.
 * Shared by the SQL store and the event store.
 */
export async function exportSchema(db: Pick<Queryable, 'query'>, schema: string): Promise<SqlStoreState> {
  const tables = await listTables(db, schema);
  const pk = await db.query<{ table: string; cols: string[] }>(
    `SELECT c.relname AS table, array_agg(a.attname ORDER BY k.ord) AS cols
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = $1
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE i.indisprimary
      GROUP BY c.relname`,
    [schema],
  );
  const pkByTable = new Map(pk.rows.map((r) => [r.table, r.cols]));
  const out: SqlStoreState = { tables: {}, sequences: {} };
  for (const table of tables) {
    const cols = pkByTable.get(table);
    // COLLATE "C": byte order, so the export does not depend on the locale.
    const order = cols
      ? cols.map((c) => `t.${quoteIdent(c)}`).join(', ')
      : `t::text COLLATE "C"`;
    // One json_agg per table: a single value to parse instead of one object per row.
    const r = await db.query<{ rows: Json[] }>(
      `SELECT coalesce(json_agg(row_to_json(t) ORDER BY ${order}), '[]'::json) AS rows FROM ${qualified(schema, table)} t`,
    );
    out.tables[table] = r.rows[0]!.rows;
  }
  const seqs = await db.query<{ name: string; last_value: number | null }>(
    `SELECT sequencename AS name, last_value FROM pg_sequences WHERE schemaname = $1 ORDER BY sequencename`,
    [schema],
  );
  for (const s of seqs.rows) out.sequences[s.name] = s.last_value === null ? null : Number(s.last_value);
  return out;
}

/**
 * Replaces the content of the tables of `schema` with `state` (from {@link exportSchema}):
 * truncate all, insert set-based per table, restore sequences. Runs in the caller's
 * transaction; foreign keys are not checked while loading (rows were consistent when exported).
 */
export async function importSchema(tx: Queryable, schema: string, state: SqlStoreState): Promise<void> {
  const tables = await listTables(tx, schema);
  const known = new Set(tables);
  for (const name of Object.keys(state.tables ?? {})) {
    if (!known.has(name)) throw new SqlError(`importState: table "${name}" does not exist in the schema`, '');
  }
  if (tables.length > 0) {
    await tx.exec(`TRUNCATE ${tables.map((t) => qualified(schema, t)).join(', ')} RESTART IDENTITY CASCADE`);
  }
  // replica role: FK triggers do not fire, so tables can be loaded in any order.
  await tx.exec(`SET LOCAL session_replication_role = replica`);
  for (const [name, rows] of Object.entries(state.tables ?? {})) {
    if (!Array.isArray(rows) || rows.length === 0) continue;
    const table = qualified(schema, name);
    const cols = await tx.query<{ attname: string }>(
      `SELECT a.attname FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        ORDER BY a.attnum`,
      [table],
    );
    const list = cols.rows.map((c) => quoteIdent(c.attname)).join(', ');
    await tx.query(
      `INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE
       SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`,
      [JSON.stringify(rows)],
    );
  }
  await tx.exec(`SET LOCAL session_replication_role = origin`);
  for (const [name, value] of Object.entries(state.sequences ?? {})) {
    const sequence = qualified(schema, name);
    if (value === null) await tx.exec(`ALTER SEQUENCE ${sequence} RESTART`);
    else await tx.query(`SELECT setval($1::regclass, $2::bigint, true)`, [sequence, value]);
  }
}

/** `"schema"."name"` */
function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

async function listTables(db: Pick<Queryable, 'query'>, schema: string): Promise<string[]> {
  const r = await db.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename COLLATE "C"`,
    [schema],
  );
  return r.rows.map((x) => x.tablename);
}

/**
 * Creates a SQL store over a PGlite instance and runs `opts.schema` on it.
 *
 * One transaction at a time: while `transaction()` runs, the store's own
 * `query`/`exec`/`transaction` are rejected with a SqlError (use the `tx` executor);
 * waiting instead would deadlock a handler that awaits them inside its transaction.
 *
 * @param ctx - the owning service's context (access checks, trace, virtual clock).
 * @param db - the store's schema on a (shared) PGlite instance; close() releases it.
 * @param opts - schema DDL, UI label.
 */
export async function createSqlStore(ctx: StoreContext, db: SchemaConnection, opts: CreateSqlStoreOptions): Promise<SqlStore> {
  const engineLabel = opts.engineLabel ?? 'PostgreSQL · PGlite';
  let closed = false;
  let inTransaction = false;

  try {
    await db.createTables(opts.schema);
  } catch (e) {
    throw toSqlError(e, opts.schema);
  }

  function guard(op: string, sql: string): void {
    ctx.checkAccess();
    if (closed) throw new SqlError(`Store "${ctx.name}" is closed`, sql);
    if (inTransaction) {
      throw new SqlError(
        `${op}() called on store "${ctx.name}" while a transaction is open: use the tx executor passed to transaction() ` +
          `(nested transactions are not supported)`,
        sql,
      );
    }
  }

  function fail(op: string, summary: string, e: SimError): never {
    ctx.record({ op, summary, ok: false, error: { code: e.code, message: e.message } });
    throw e;
  }

  async function runQuery<Row>(
    q: (sql: string, params?: unknown[]) => Promise<Results<Row>>,
    sql: string,
    params?: unknown[],
  ): Promise<SqlResult<Row>> {
    let r: Results<Row>;
    try {
      r = await q(sql, params);
    } catch (e) {
      fail('query', summarizeSql(sql), toSqlError(e, sql));
    }
    const res = toResult(r);
    ctx.record({ op: 'query', summary: summarizeSql(sql), ok: true, count: res.rows.length || res.affectedRows });
    return res;
  }

  async function runExec(x: (sql: string) => Promise<Results[]>, sql: string): Promise<SqlResult[]> {
    let r: Results[];
    try {
      r = await x(sql);
    } catch (e) {
      fail('exec', summarizeSql(sql), toSqlError(e, sql));
    }
    const res = r.map((x) => toResult(x));
    ctx.record({ op: 'exec', summary: summarizeSql(sql), ok: true, count: res.length });
    return res;
  }

  async function simple<T>(op: string, summary: string, fn: () => Promise<T>, count?: (v: T) => number): Promise<T> {
    try {
      const v = await fn();
      ctx.record({ op, summary, ok: true, ...(count ? { count: count(v) } : {}) });
      return v;
    } catch (e) {
      fail(op, summary, toSqlError(e, summary));
    }
  }

  const store: SqlStore = {
    kind: 'sql',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel,

    async query<Row = Record<string, unknown>>(sql: string, params?: unknown[]) {
      guard('query', sql);
      return runQuery<Row>((s, p) => db.query<Row>(s, p), sql, params);
    },

    async exec(sql: string) {
      guard('exec', sql);
      return runExec((s) => db.exec(s), sql);
    },

    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      guard('transaction', 'BEGIN');
      inTransaction = true;
      let statements = 0;
      try {
        const value = await db.transaction(async (raw) => {
          let open = true;
          const check = (sql: string) => {
            ctx.checkAccess();
            if (!open) throw new SqlError('This transaction is already finished', sql);
          };
          const tx: SqlExecutor = {
            query: async <Row = Record<string, unknown>>(sql: string, params?: unknown[]) => {
              check(sql);
              statements++;
              return runQuery<Row>((s, p) => raw.query<Row>(s, p), sql, params);
            },
            exec: async (sql: string) => {
              check(sql);
              statements++;
              return runExec((s) => raw.exec(s), sql);
            },
          };
          try {
            return await fn(tx);
          } finally {
            open = false;
          }
        });
        ctx.record({ op: 'transaction', summary: `COMMIT (${statements} statements)`, ok: true, count: statements });
        return value;
      } catch (e) {
        // PGlite has already rolled back (or COMMIT turned into ROLLBACK after an error).
        const err = toSqlError(e, 'COMMIT');
        ctx.record({
          op: 'transaction',
          summary: `ROLLBACK (${statements} statements)`,
          ok: false,
          error: { code: err.code, message: err.message },
        });
        // Errors thrown by the handler's own code pass through as they were.
        throw e instanceof SimError || isPgError(e) ? err : e;
      } finally {
        inTransaction = false;
      }
    },

    async tables() {
      guard('tables', '');
      return simple('tables', 'list tables', () => listTables(db, db.schema), (t) => t.length);
    },

    async exportState() {
      guard('exportState', '');
      return simple(
        'exportState',
        'export all tables',
        async () => (await exportSchema(db, db.schema)) as unknown as Json,
        (s) => Object.keys((s as unknown as SqlStoreState).tables).length,
      );
    },

    async importState(state: Json) {
      guard('importState', '');
      await simple('importState', 'truncate + insert all tables', () =>
        db.transaction(async (tx) => importSchema(tx, db.schema, state as unknown as SqlStoreState)),
      );
    },

    async reset() {
      guard('reset', '');
      await simple('reset', 'drop schema, run DDL', async () => {
        await db.reset();
        if (opts.schema.trim()) await db.exec(opts.schema);
      });
    },

    async close() {
      ctx.checkAccess();
      if (closed) return;
      closed = true;
      await simple('close', 'close', () => db.release());
    },
  };
  return store;
}
