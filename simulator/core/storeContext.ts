import type { Json } from './json';
import { toSimError, type SimErrorCode } from './errors';

/** Virtual time in milliseconds since the start of the simulation. */
export type VirtualTime = number;

export interface VirtualClock {
  now(): VirtualTime;
}

/** What a store reports about one operation; the engine stamps it into the trace. */
export interface StoreOpReport {
  /** Operation name in the store's own vocabulary: 'query', 'append', 'DECRBY', 'find'… */
  op: string;
  /** One human-readable line: the SQL text, the Redis command, the Mongo-style filter. */
  summary: string;
  ok: boolean;
  /** Rows/documents/events touched or returned, when meaningful. */
  count?: number;
  error?: { code: string; message: string };
}

/** The kinds of store an engine service can own, with what runs in the page. */
export type StoreKind = 'sql' | 'documents' | 'kv' | 'eventstore' | 'search';

/**
 * Everything a store needs from the simulation. Stores never import the engine;
 * the engine hands them this.
 */
export interface StoreContext {
  /** Service that owns the store ('inventory'). */
  readonly owner: string;
  /** Unique store name in the simulation ('inventory.kv'). */
  readonly name: string;
  readonly clock: VirtualClock;
  /** Called once per operation (after it finishes, ok or not). */
  record(report: StoreOpReport): void;
  /**
   * Called at the start of every public operation. Throws ForeignStoreAccessError
   * when the handler currently running belongs to another service.
   */
  checkAccess(): void;
}

/** The part every store implements, whatever its kind. */
export interface StoreBase {
  readonly kind: StoreKind;
  readonly name: string;
  readonly owner: string;
  /** 'PostgreSQL · PGlite', 'documents · IndexedDB (Dexie)', 'Redis-style KV', … */
  readonly engineLabel: string;
  /** The whole content as plain JSON (for snapshots, step-back and inspectors). */
  exportState(): Promise<Json>;
  /** Replaces the whole content with what exportState returned. */
  importState(state: Json): Promise<void>;
  /** Empties the store back to its schema (used to reuse expensive instances). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A context for tests and tools: a settable clock, records kept in an array, no access checks. */
export function createTestStoreContext(
  name = 'test.store',
  owner = 'test',
): StoreContext & { reports: StoreOpReport[]; setNow(t: VirtualTime): void } {
  let now = 0;
  const reports: StoreOpReport[] = [];
  return {
    owner,
    name,
    clock: { now: () => now },
    record: (r) => reports.push(r),
    checkAccess: () => {},
    reports,
    setNow: (t) => {
      now = t;
    },
  };
}

/**
 * One store operation the way every store reports it: the access check and `guard` (e.g. "closed"),
 * then the work, then exactly one trace record, ok or not. Anything thrown is rethrown as a
 * SimError (`errorCode` for errors that are not SimErrors already, such as Dexie's own).
 */
export async function runStoreOp<T>(
  ctx: StoreContext,
  op: string,
  summary: string,
  work: () => T | Promise<T>,
  opts: { count?: (result: T) => number | undefined; errorCode: SimErrorCode; guard?: () => void },
): Promise<T> {
  let result: T;
  try {
    ctx.checkAccess();
    opts.guard?.();
    result = await work();
  } catch (e) {
    const err = toSimError(e, opts.errorCode);
    ctx.record({ op, summary, ok: false, error: { code: err.code, message: err.message } });
    throw err;
  }
  const report: StoreOpReport = { op, summary, ok: true };
  const n = opts.count?.(result);
  if (n !== undefined) report.count = n;
  ctx.record(report);
  return result;
}
