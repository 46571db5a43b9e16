/**
 * Named prepared statements for the statements a store runs again and again.
 *
 * Why: `PGlite.query()` sends every statement unnamed, so PostgreSQL parses, analyses and plans
 * it on each call, in six protocol round trips. A saga's store operations are the same dozen
 * statements with different parameters; parsing and planning was most of their cost (an upsert
 * of saga state: ~150 µs through `query()`, ~60 µs prepared). Here a statement is parsed once
 * per schema under a name, and each later call is one round trip: Bind, Describe, Execute, Sync.
 *
 * Parameters are serialized exactly as `PGlite.query()` does (by the parameter types PostgreSQL
 * inferred, with PGlite's serializers), and rows parsed by PGlite's own `parseResults`, so a
 * caller sees no difference.
 *
 * Only DML is prepared (SELECT, INSERT, UPDATE, DELETE, WITH, VALUES). A statement that may
 * change a table's shape (CREATE, ALTER, DROP…) forgets every prepared statement: a prepared
 * statement keeps the parameter types it was parsed with, and PostgreSQL refuses to run one
 * whose result columns changed.
 */
import { parse, protocol, type PGlite, type QueryOptions, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

/** Statements worth preparing: plain DML. Anything else runs through `PGlite.query()`. */
const PREPARABLE = /^\s*(select|insert|update|delete|with|values)\b/i;

/** Statements after which prepared statements may no longer match the tables. */
const CHANGES_TABLES = /\b(create|alter|drop|discard|deallocate)\b/i;

/** More than this many distinct statements (a learner typing in a console): start over. */
const MAX_PREPARED = 300;

/** Statement names handed out per connection: two sets of prepared statements on one PGlite never share a name. */
const namesGiven = new WeakMap<PGlite, number>();

function nextName(db: PGlite): string {
  const n = (namesGiven.get(db) ?? 0) + 1;
  namesGiven.set(db, n);
  return `sim_${n}`;
}

interface Prepared {
  name: string;
  /** Parameter types PostgreSQL inferred at Parse. */
  paramTypes: number[];
}

/** Options for which `PGlite.query()` must be used as it is. */
function needsPlainQuery(options: QueryOptions | undefined): boolean {
  return options?.paramTypes !== undefined || options?.blob !== undefined || options?.onNotice !== undefined;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The prepared statements of one PGlite connection. */
export interface PreparedStatements {
  /** True when `sql` is DML and `options` need nothing `PGlite.query()` alone does: it can run prepared. */
  canRun(sql: string, options?: QueryOptions): boolean;
  /**
   * Runs `sql` (for which {@link canRun} is true) as a named prepared statement, preparing it
   * on first use.
   *
   * @param scope - what the statement's names resolve against (the schema on the search_path):
   *   the same text in two schemas is two statements.
   * @param inTransaction - true inside BEGIN … COMMIT (the file system is synced at COMMIT, not per statement).
   */
  run<Row>(scope: string, sql: string, params: unknown[] | undefined, options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<Row>>;
  /** Call after any statement run another way: forgets the prepared ones if it may have changed tables. */
  noteSql(sql: string): void;
  /** Forgets every prepared statement. */
  forgetAll(): void;
  /** How many statements are prepared now (for tests). */
  readonly size: number;
}

/**
 * Prepared statements over `db`. The caller runs one operation at a time on `db` (the shared
 * connection's lock), and sends every other statement's text to {@link PreparedStatements.noteSql}.
 */
export function preparedStatements(db: PGlite): PreparedStatements {
  const byKey = new Map<string, Prepared>();
  /** Names forgotten while a transaction ran; closed at the next call outside one. */
  let stale: string[] = [];

  function forgetAll(): void {
    for (const p of byKey.values()) stale.push(p.name);
    byKey.clear();
  }

  async function prepare(key: string, sql: string, inTransaction: boolean): Promise<Prepared> {
    const name = nextName(db);
    const parts: Uint8Array[] = [];
    if (!inTransaction) {
      for (const old of stale) parts.push(serialize.close({ type: 'S', name: old }));
      stale = [];
    }
    parts.push(serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync());
    const described = await db.execProtocol(concat(parts), { syncToFs: false });
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(described.messages) };
    if (byKey.size >= MAX_PREPARED) forgetAll();
    byKey.set(key, prepared);
    return prepared;
  }

  return {
    get size() {
      return byKey.size;
    },
    canRun(sql, options) {
      return PREPARABLE.test(sql) && !needsPlainQuery(options);
    },
    async run<Row>(scope: string, sql: string, params: unknown[] = [], options: QueryOptions | undefined, inTransaction: boolean) {
      const key = `${scope}\u0000${sql}`;
      const prepared = byKey.get(key) ?? (await prepare(key, sql, inTransaction));
      const serializers = db.serializers;
      const values = params.map((param, i) => {
        if (param === null || param === undefined) return null;
        const type = prepared.paramTypes[i]!;
        const serializer = options?.serializers?.[type] ?? serializers[type];
        return serializer ? serializer(param) : String(param);
      });
      const result = await db.execProtocol(
        concat([serialize.bind({ statement: prepared.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
        { syncToFs: !inTransaction },
      );
      return parse.parseResults(result.messages, db.parsers, options)[0] as Results<Row>;
    },
    noteSql(sql) {
      if (CHANGES_TABLES.test(sql)) forgetAll();
    },
    forgetAll,
  };
}
