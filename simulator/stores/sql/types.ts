import type { StoreBase } from '../../core/storeContext';

export interface SqlField {
  name: string;
}

export interface SqlResult<Row = Record<string, unknown>> {
  rows: Row[];
  /** Rows inserted/updated/deleted by the statement (0 for SELECT). */
  affectedRows: number;
  fields: SqlField[];
}

/** What a handler can do with SQL: a store or an open transaction. */
export interface SqlExecutor {
  /** One statement, with $1… parameters. Throws SqlError (the store stays usable). */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<Row>>;
  /** Several statements separated by semicolons, no parameters. Returns one result per statement. */
  exec(sql: string): Promise<SqlResult[]>;
}

/**
 * A PostgreSQL database (PGlite) owned by one service.
 * Every call is access-checked and recorded in the trace through the StoreContext.
 */
export interface SqlStore extends StoreBase, SqlExecutor {
  readonly kind: 'sql';
  /**
   * Runs fn inside BEGIN … COMMIT; any throw rolls back and re-throws,
   * so no statement of a failed transaction is left behind.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Names of the store's tables, sorted. */
  tables(): Promise<string[]>;
}
