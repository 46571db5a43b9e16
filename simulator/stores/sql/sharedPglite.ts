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
 * Each schema also has its own role, which owns it; a store's statements run as that role
 * (`SET ROLE` with the search_path). Another store's schema is then closed to it the way a
 * separate database would be: `SELECT * FROM payment_db.payments` from the user store fails with
 * "permission denied for schema", which the connection reports as a ForeignStoreAccessError
 * naming both services. The connection itself is PostgreSQL's superuser (PGlite has no other),
 * so statements that would change the role back are refused before they reach PostgreSQL
 * (`roleGuard.ts` reads the text for them).
 *
 * One rule follows from sharing a connection: code inside a `transaction()` must not await
 * another store on the same instance (it would wait for the transaction it is inside).
 * No service does this; a handler's transaction only touches its own store.
 */
import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { ForeignStoreAccessError, SqlError } from '../../core/errors';
import { hashString } from '../../core/json';
import { quoteIdent } from './pgliteRuntime';
import { preparedStatements, type PreparedStatements } from './preparedStatements';
import { leavesRole } from './roleGuard';

/** A PGlite database seen through one schema: what a SQL store or an event store runs on. */
export interface SchemaConnection {
  /** The PostgreSQL schema holding this store's tables ('payment_db'). */
  readonly schema: string;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
  /** Several statements separated by semicolons, no parameters. */
  exec(sql: string): Promise<Array<Results>>;
  /** BEGIN … COMMIT around fn; a throw rolls back. Other stores wait until it ends. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Runs the store's DDL on its new schema, once, before anything else. A schema the instance
   * came with from its data dir, made ahead by exactly this DDL, is taken as it is (see
   * {@link premadeSchemaMark}); one made by other DDL is emptied first.
   */
  createTables(ddl: string): Promise<void>;
  /** Drops the schema with everything in it and creates it again, empty. */
  reset(): Promise<void>;
  /** Drops the schema; the instance is given back when its last schema is released. */
  release(): Promise<void>;
}

/** An instance shared by schemas. */
export interface SharedPglite {
  /**
   * Creates a schema named after `storeName` ('payment.db' → `payment_db`, with a suffix if
   * that name is taken on this instance), owned by a role of its own, and returns a connection
   * bound to it.
   *
   * @param owner - the service the store belongs to (named when another store's SQL reaches in).
   */
  connect(storeName: string, owner?: string): Promise<SchemaConnection>;
  /** Schemas connected and not yet released. */
  readonly schemas: readonly string[];
  /** True once the last schema was released and the instance handed to `onLastRelease`. */
  readonly released: boolean;
}

/** Statements that can change the session's search_path behind the lock's back. */
const CHANGES_SEARCH_PATH = /search_path|\breset\b|\bdiscard\b/i;

/** Said after PostgreSQL's "permission denied" when no other store is involved. */
const OWNS_ONLY = "a store's role owns only its own schema";

/** PostgreSQL's message when a role reaches into a schema it was not granted. */
const SCHEMA_DENIED = /permission denied for schema "?([^"\s]+)"?/;

/**
 * How a schema made ahead of time is marked (its comment): the hash of the DDL that made it. A
 * page's PGlite starts from a data dir in which the sandbox's usual stores already have their
 * schemas and tables (scripts/preparePgliteDataDir.ts): their DDL is most of the wait for the
 * stores once PostgreSQL is up, the first run of each statement compiling PostgreSQL's code for it.
 * `connect` keeps a marked schema and `createTables` takes it when the store's DDL hashes the same,
 * else the schema is emptied and made again. Nothing else is kept: an instance back in the pool
 * has every schema dropped.
 */
export function premadeSchemaMark(ddl: string): string {
  return `ddl:${hashString(ddl)}`;
}

const PREMADE_MARK = /^ddl:[0-9a-f]{16}$/;

/** The role that owns a schema and runs its statements. */
export function roleNameFor(schema: string): string {
  return `${schema}_role`;
}

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
  /** Connected schemas, each with its store name and service (to name them when another store reaches in). */
  const schemas = new Map<string, { store: string; owner: string }>();
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
    await db.exec(`SET search_path TO ${quoteIdent(schema)}; SET ROLE ${quoteIdent(roleNameFor(schema))}`);
    current = schema;
  }

  /**
   * Refuses SQL that would step out of the schema's role (see `leavesRole` for what and why).
   * Runs on every text a store sends, prepared DML included; text without the words it looks
   * for costs one regular expression test.
   */
  function refuseRoleChange(sql: string): void {
    if (leavesRole(sql)) {
      throw new SqlError('A store runs as its own database role and cannot change it: a service reaches only its own schema.', sql);
    }
  }

  /**
   * Outside transaction(), a call must not leave a transaction open: every other store on this
   * connection would run inside it (an aborted one fails all their statements, and a ROLLBACK
   * sent by another store would hand it this store's role). What is left is rolled back; a call
   * that succeeded but left one open (a BEGIN without its COMMIT) is refused in words.
   */
  async function closeLeftTransaction(sql: string, failed: boolean): Promise<void> {
    if (!db.isInTransaction()) return;
    await db.exec('ROLLBACK');
    current = null;
    if (!failed) {
      throw new SqlError('This SQL left a transaction open, so it was rolled back: the stores of a simulation share one PostgreSQL connection. Send BEGIN with its COMMIT in one call, or use transaction().', sql);
    }
  }

  /** PostgreSQL's "permission denied for schema x" as the access error it is, when x is another store's. */
  function explain(e: unknown, schema: string): unknown {
    const code = (e as { code?: unknown } | null)?.code;
    const m = code === '42501' && e instanceof Error ? SCHEMA_DENIED.exec(e.message) : null;
    const other = m ? schemas.get(m[1]!) : undefined;
    const me = schemas.get(schema);
    if (other && me && m![1] !== schema) return new ForeignStoreAccessError(me.owner, other.owner, other.store);
    // Anything else the role may not do (CREATE SCHEMA, a table in public): PostgreSQL's error, and why.
    if (code === '42501' && e instanceof Error && !e.message.includes(OWNS_ONLY)) e.message += ` (${OWNS_ONLY} "${schema}")`;
    return e;
  }

  /**
   * Drops a schema and its role (as the superuser). DROP OWNED has no IF EXISTS, hence the DO
   * block; schema names are letters, digits and underscores (schemaNameFor), so no quote to escape.
   */
  function dropSql(schema: string): string {
    const role = roleNameFor(schema);
    return `RESET ROLE; DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE;
      DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
        EXECUTE 'DROP OWNED BY ${quoteIdent(role)}'; EXECUTE 'DROP ROLE ${quoteIdent(role)}';
      END IF; END $$;`;
  }

  /** Creates a schema with its owning role (after {@link dropSql}). */
  function createSql(schema: string): string {
    const role = quoteIdent(roleNameFor(schema));
    // session_replication_role is set by importSchema (loading rows without firing FK triggers).
    return `CREATE ROLE ${role} NOLOGIN; CREATE SCHEMA ${quoteIdent(schema)} AUTHORIZATION ${role};
      GRANT SET ON PARAMETER session_replication_role TO ${role};`;
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
      return [...schemas.keys()];
    },
    get released() {
      return finished;
    },
    async connect(storeName, owner = storeName) {
      if (finished) throw new Error('This PGlite instance has been given back; connect through a new one.');
      const schema = uniqueName(storeName);
      schemas.set(schema, { store: storeName, owner });
      /** The mark of the schema the data dir came with under this name, until createTables decides on it. */
      let premade: string | null = null;
      /** Drops the schema and its role and makes them again, empty. */
      const makeFresh = async () => {
        // A schema of this name may have been released before: its statements named its old tables.
        prepared.forgetAll();
        current = null;
        await db.exec(`${dropSql(schema)} ${createSql(schema)}`);
      };
      try {
        await exclusive(async () => {
          // Any role may read the catalog: no need to leave the current store's.
          const found = await db.query<{ mark: string | null }>(`SELECT obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname = $1`, [schema]);
          const mark = found.rows[0]?.mark ?? null;
          if (mark !== null && PREMADE_MARK.test(mark)) premade = mark;
          else await makeFresh();
        });
      } catch (e) {
        schemas.delete(schema);
        throw e;
      }
      /** Before any statement: a made-ahead schema nobody claimed with its DDL is emptied. */
      const settle = async () => {
        if (premade === null) return;
        premade = null;
        await makeFresh();
      };
      /**
       * Sends one text of SQL on this schema (inside the lock) through `send`: its role only, no
       * transaction left open, the statement noted (even DML can move the search_path, with
       * SELECT set_config('search_path', …)).
       */
      const sendHere = async <T>(sql: string, send: () => Promise<T>): Promise<T> => {
        refuseRoleChange(sql);
        await settle();
        await use(schema);
        let result: T;
        try {
          result = await send();
        } catch (e) {
          await closeLeftTransaction(sql, true);
          throw explain(e, schema);
        } finally {
          noteSql(sql);
        }
        await closeLeftTransaction(sql, false);
        return result;
      };
      const execHere = (sql: string) => sendHere(sql, () => db.exec(sql));
      let released = false;
      const conn: SchemaConnection = {
        schema,
        query: <Row>(sql: string, params?: unknown[], options?: QueryOptions) =>
          exclusive(() =>
            sendHere(sql, () => (prepared.canRun(sql, options) ? prepared.run<Row>(schema, sql, params, options, false) : db.query<Row>(sql, params, options))),
          ),
        exec: (sql) => exclusive(() => execHere(sql)),
        transaction: (fn) =>
          exclusive(async () => {
            await settle();
            await use(schema);
            try {
              return await db.transaction((tx) => fn(preparedWithin(tx, schema, prepared, noteSql, refuseRoleChange, (e) => explain(e, schema))));
            } finally {
              // A SET inside (not SET LOCAL) outlives the transaction, and tx.sql's text is only
              // seen in pieces: set search_path again either way.
              current = null;
            }
          }),
        createTables: (ddl) =>
          exclusive(async () => {
            const mark = premadeSchemaMark(ddl);
            if (premade === mark) {
              premade = null;
              return;
            }
            // The mark goes in with the tables: a data dir dumped now carries a schema made ahead.
            // (The newline ends a trailing -- comment of the DDL before the semicolon.)
            await execHere(`${ddl}\n;\nCOMMENT ON SCHEMA ${quoteIdent(schema)} IS '${mark}'`);
          }),
        reset: () =>
          exclusive(async () => {
            premade = null;
            prepared.forgetAll();
            current = null;
            // A statement left a transaction open (it threw mid-way): ROLLBACK outside one is only a warning.
            await db.exec(`ROLLBACK; RESET ROLE; DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)} AUTHORIZATION ${quoteIdent(roleNameFor(schema))};`);
          }),
        async release() {
          if (released) return;
          released = true;
          await exclusive(() => {
            current = null;
            return db.exec(`ROLLBACK; ${dropSql(schema)}`);
          }).catch(() => {});
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
function preparedWithin(
  tx: Transaction,
  schema: string,
  prepared: PreparedStatements,
  noteSql: (sql: string) => void,
  refuseRoleChange: (sql: string) => void,
  explain: (e: unknown) => unknown,
): Transaction {
  function open(): void {
    if (tx.closed) throw new Error('Transaction is closed');
  }
  return {
    async query<Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>> {
      open();
      refuseRoleChange(sql);
      try {
        if (prepared.canRun(sql, options)) return await prepared.run<Row>(schema, sql, params, options, true);
        return await tx.query<Row>(sql, params, options);
      } catch (e) {
        throw explain(e);
      } finally {
        noteSql(sql);
      }
    },
    async sql<Row>(strings: TemplateStringsArray, ...params: unknown[]): Promise<Results<Row>> {
      refuseRoleChange(strings.join(' '));
      try {
        return await tx.sql<Row>(strings, ...params);
      } catch (e) {
        throw explain(e);
      } finally {
        noteSql(strings.join(' '));
      }
    },
    async exec(sql: string, options?: QueryOptions) {
      refuseRoleChange(sql);
      try {
        return await tx.exec(sql, options);
      } catch (e) {
        throw explain(e);
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
