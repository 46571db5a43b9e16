/**
 * Typed errors raised by the engine, its stores and its services.
 * Every error carries a stable `code` so the trace, the UI and the grader can
 * tell them apart without parsing messages.
 */
export type SimErrorCode =
  | 'FOREIGN_STORE_ACCESS'
  | 'CONCURRENCY'
  | 'SQL'
  | 'VALIDATION'
  | 'UNKNOWN_PRODUCT'
  | 'MALFORMED_EVENT'
  | 'MISSING_UPCASTER'
  | 'KV'
  | 'DOCUMENT'
  | 'SCENARIO'
  | 'FAULT_PLAN'
  | 'TIMEOUT'
  | 'SERVICE_DOWN'
  | 'HANDLER'
  | 'REJECTED';

/** Options of errors that are expected outcomes rather than faults: no stack is captured. */
const EXPECTED_OUTCOME = { stack: false } as const;

export class SimError extends Error {
  readonly code: SimErrorCode;
  readonly details: Record<string, unknown>;
  /**
   * `stack: false` for expected outcomes that callers handle (a business refusal, a lost
   * optimistic race): they are thrown on every refused order, nobody debugs them from a stack,
   * and capturing one cost more than everything else the refusal does.
   */
  constructor(code: SimErrorCode, message: string, details: Record<string, unknown> = {}, opts?: { stack?: boolean }) {
    const withoutStack = opts?.stack === false && typeof Error.stackTraceLimit === 'number';
    const limit = Error.stackTraceLimit;
    if (withoutStack) Error.stackTraceLimit = 0;
    super(message);
    if (withoutStack) Error.stackTraceLimit = limit;
    this.name = 'SimError';
    this.code = code;
    this.details = details;
  }
  toJSON(): { code: SimErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** A handler of one service touched a store that belongs to another service. */
export class ForeignStoreAccessError extends SimError {
  constructor(readonly caller: string, readonly owner: string, readonly store: string) {
    super(
      'FOREIGN_STORE_ACCESS',
      `Service "${caller}" tried to use store "${store}" of service "${owner}": ` +
        `a service may reach another service's data only through its API.`,
      { caller, owner, store },
    );
  }
}

/** Optimistic concurrency: the stream moved on since the caller read it. */
export class ConcurrencyError extends SimError {
  constructor(readonly streamId: string, readonly expectedVersion: number, readonly actualVersion: number) {
    super(
      'CONCURRENCY',
      `Stream "${streamId}" is at version ${actualVersion}, but the append expected ${expectedVersion}.`,
      { streamId, expectedVersion, actualVersion },
      EXPECTED_OUTCOME,
    );
  }
}

/** A SQL statement failed; the message is PostgreSQL's own, the store is unchanged. */
export class SqlError extends SimError {
  constructor(message: string, readonly sql: string, readonly position?: number, readonly sqlState?: string) {
    super('SQL', message, { sql, position, sqlState });
  }
}

export class ValidationError extends SimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION', message, details);
  }
}

export class UnknownProductError extends SimError {
  constructor(readonly productId: string) {
    super('UNKNOWN_PRODUCT', `Unknown product "${productId}".`, { productId });
  }
}

export class MalformedEventError extends SimError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('MALFORMED_EVENT', message, details);
  }
}

export class MissingUpcasterError extends SimError {
  constructor(readonly eventType: string, readonly fromVersion: number, readonly toVersion: number) {
    super(
      'MISSING_UPCASTER',
      `No upcaster turns "${eventType}" v${fromVersion} into v${fromVersion + 1} (current schema is v${toVersion}).`,
      { eventType, fromVersion, toVersion },
    );
  }
}

/**
 * A business refusal (payment declined, no room, out of stock). Not a bug: the saga
 * compensates on it. `reason` is a stable machine-readable word.
 */
export class RejectedError extends SimError {
  constructor(readonly reason: string, message: string, details: Record<string, unknown> = {}) {
    super('REJECTED', message, { reason, ...details }, EXPECTED_OUTCOME);
  }
}

export function isSimError(e: unknown): e is SimError {
  return e instanceof SimError;
}

/** Turns anything thrown into a SimError, keeping typed errors as they are. */
export function toSimError(e: unknown, fallback: SimErrorCode = 'HANDLER'): SimError {
  if (e instanceof SimError) return e;
  if (e instanceof Error) return new SimError(fallback, e.message);
  return new SimError(fallback, String(e));
}
