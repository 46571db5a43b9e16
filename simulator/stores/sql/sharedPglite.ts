/**
 * One PGlite instance shared by several stores, each in its own PostgreSQL schema.
 *
 * Why: every PGlite instance costs ~120 MB and a start of 0.5–3 s. The final-project
 * scenario has six PostgreSQL-backed stores (user, inventory audit, order events, payment
 * ledger and audit, saga state); one instance per store made the page wait ~30 s and hold
 * ~1.5 GB. A schema per store keeps each store's tables, sequences and indexes apart
 * (its own namespace, its own reset/export/import), which is what "a database per service"
 * means for the learner, at the cost of one instance.
 *
 * PGlite is a single connection, so the schema is chosen with `search_path`. A FIFO lock
 * runs one operation (a statement, a batch, or a whole transaction) at a time and sets
 * `search_path` only when the schema changes, so a store that is used alone pays nothing.
 *
 * DML runs as named prepared statements, one set per schema (see `preparedStatements.ts`).
 *
 * One rule follows from sharing a connection: code inside a `transaction()` must not await
 * another store on the same instance (it would wait for the transaction it is inside).
 * No service does this; a handler's transaction only touches its own store.
 */
import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { quoteIdent } from './pgliteRuntime';
import { preparedStatements, type PreparedStatements } from './preparedStatements';

/** A PGlite database seen through one schema: what a SQL store or an event store runs on. */
export interface SchemaConnection {
  /** The PostgreSQL schema holding this store's tables ('payment_db'). */
  readonly schema: string;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
  /** Several statements separated by semicolons, no parameters. */
  exec(sql: string): Promise<Array<Results>>;
  /** BEGIN … COMMIT around fn; a throw rolls back. Other stores wait until it ends. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Drops the schema with everything in it and creates it again, empty. */
  reset(): Promise<void>;
  /** Drops the schema; the instance is given back when its last schema is released. */
  release(): Promise<void>;
}

/** An instance shared by schemas. */
export interface SharedPglite {
  /**
   * Creates a schema named after `storeName` ('payment.db' → `payment_db`, with a suffix if
   * that name is taken on this instance) and returns a connection bound to it.
   */
  connect(storeName: string): Promise<SchemaConnection>;
  /** Schemas connected and not yet released. */
  readonly schemas: readonly string[];
  /** True once the last schema was released and the instance handed to `onLastRelease`. */
  readonly released: boolean;
}

/** Statements that can change the session's search_path behind the lock's back. */
const CHANGES_SEARCH_PATH = /search_path|\breset\b|\bdiscard\b/i;

/** A schema name from a store name: lower case letters, digits and underscores. */
export function schemaNameFor(storeName: string): string {
  const base = storeName.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  const safe = /^[a-z_]/.test(base) ? base : `s_${base}`;
  // pg_* names are reserved for system schemas; PostgreSQL identifiers stop at 63 bytes.
  return (safe.startsWith('pg_') ? `s_${safe}` : safe).slice(0, 50) || 'store';
}

/**
 * Shares `db` between schemas.
 *
 * @param db - an instance nobody else uses (from `runtime.acquire()` or a fresh one).
 * @param onLastRelease - called once when the last connected schema is released
 *   (typically `(db) => runtime.release(db)`), after which this object must not be used.
 */
export function sharePglite(db: PGlite, onLastRelease: (db: PGlite) => Promise<void>): SharedPglite {
  const schemas = new Set<string>();
  let current: string | null = null;
  let tail: Promise<unknown> = Promise.resolve();
  let finished = false;
  const prepared = preparedStatements(db);

  /** Runs fn alone on the connection (FIFO). */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  }

  async function use(schema: string): Promise<void> {
    if (current === schema) return;
    // Forget first: if SET fails, the next call tries again.
    current = null;
    await db.exec(`SET search_path TO ${quoteIdent(schema)}`);
    current = schema;
  }

  /** After a statement run outside the prepared ones: set search_path again if it may have changed, forget prepared statements if tables may have. */
  function noteSql(sql: string): void {
    if (CHANGES_SEARCH_PATH.test(sql)) current = null;
    prepared.noteSql(sql);
  }

  function uniqueName(storeName: string): string {
    const base = schemaNameFor(storeName);
    let name = base;
    for (let i = 2; schemas.has(name); i++) name = `${base}_${i}`;
    return name;
  }

  return {
    get schemas() {
      return [...schemas];
    },
    get released() {
      return finished;
    },
    async connect(storeName) {
      if (finished) throw new Error('This PGlite instance has been given back; connect through a new one.');
      const schema = uniqueName(storeName);
      schemas.add(schema);
      try {
        await exclusive(async () => {
          // A schema of this name may have been released before: its statements named its old tables.
          prepared.forgetAll();
          await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)};`);
        });
      } catch (e) {
        schemas.delete(schema);
        throw e;
      }
      let released = false;
      const conn: SchemaConnection = {
        schema,
        query: <Row>(sql: string, params?: unknown[], options?: QueryOptions) =>
          exclusive(async () => {
            await use(schema);
            try {
              if (prepared.canRun(sql, options)) return await prepared.run<Row>(schema, sql, params, options, false);
              return await db.query<Row>(sql, params, options);
            } finally {
              // Even DML can move the search_path (SELECT set_config('search_path', …)).
              noteSql(sql);
            }
          }),
        exec: (sql) =>
          exclusive(async () => {
            await use(schema);
            try {
              return await db.exec(sql);
            } finally {
              noteSql(sql);
            }
          }),
        transaction: (fn) =>
          exclusive(async () => {
            await use(schema);
            try {
              return await db.transaction((tx) => fn(preparedWithin(tx, schema, prepared, noteSql)));
            } finally {
              // A SET inside (not SET LOCAL) outlives the transaction, and tx.sql's text is only
              // seen in pieces: set search_path again either way.
              current = null;
            }
          }),
        reset: () =>
          exclusive(async () => {
            prepared.forgetAll();
            // A statement left a transaction open (it threw mid-way): ROLLBACK outside one is only a warning.
            await db.exec(`ROLLBACK; DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)};`);
          }),
        async release() {
          if (released) return;
          released = true;
          await exclusive(() => db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`)).catch(() => {});
          schemas.delete(schema);
          if (schemas.size === 0 && !finished) {
            finished = true;
            await exclusive(() => onLastRelease(db));
          }
        },
      };
      return conn;
    },
  };
}

/**
 * The transaction handed to a store's `transaction(fn)`: PGlite's, with DML run as prepared
 * statements and every other statement noted (it may change search_path or tables).
 */
function preparedWithin(tx: Transaction, schema: string, prepared: PreparedStatements, noteSql: (sql: string) => void): Transaction {
  function open(): void {
    if (tx.closed) throw new Error('Transaction is closed');
  }
  return {
    async query<Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>> {
      open();
      try {
        if (prepared.canRun(sql, options)) return await prepared.run<Row>(schema, sql, params, options, true);
        return await tx.query<Row>(sql, params, options);
      } finally {
        noteSql(sql);
      }
    },
    async sql<Row>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<Row>> {
      try {
        return await tx.sql<Row>(strings, ...params);
      } finally {
        noteSql(strings.join(' '));
      }
    },
    async exec(sql: string, options?: QueryOptions) {
      try {
        return await tx.exec(sql, options);
      } finally {
        noteSql(sql);
      }
    },
    rollback: () => tx.rollback(),
    listen: (channel, callback) => tx.listen(channel, callback),
    get closed() {
      return tx.closed;
    },
  };
}
