import { SimError, toSimError, ValidationError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { StoreContext } from '../../core/storeContext';
import { cmd, formatCommand, kvError, NOT_INTEGER, parseRedisInteger, type KvCommand } from './commands';
import { Keyspace, type StoredEntry } from './keyspace';
import type {
  KvClient,
  KvEntry,
  KvExpireCondition,
  KvMulti,
  KvSetOptions,
  KvSlot,
  KvStore,
  KvType,
  KvValue,
} from './types';

/** Version tag of exportState's output, so a future format can still read old snapshots. */
export const KV_STATE_FORMAT = 'redis-kv/1';

/**
 * exportState's shape: every live key with its value and absolute expiry (virtual ms).
 * Hashes are lists of [field, value] pairs so their field order survives the round trip
 * (a JSON object would move integer-like field names first).
 */
export interface KvState {
  format: typeof KV_STATE_FORMAT;
  entries: Array<
    | { key: string; type: 'string'; value: string; expiresAt: number | null }
    | { key: string; type: 'hash'; value: Array<[string, string]>; expiresAt: number | null }
  >;
}

/** What every connection of one store shares: the data, the context, the closed flag. */
class Engine {
  readonly ks: Keyspace;
  closed = false;

  constructor(readonly ctx: StoreContext) {
    this.ks = new Keyspace(ctx.clock);
  }

  /**
   * The frame of every public command: access check first, then the work (synchronously, so
   * nothing else can interleave), then one trace record, ok or not. A denied access is
   * recorded too: the trace should show what was attempted against whose store.
   */
  perform<R>(op: string, summary: string | (() => string), work: () => R, count?: (r: R) => number | undefined): R {
    // A function summary is read after the work, so it can say how the command ended.
    let result: R;
    try {
      this.ctx.checkAccess();
      if (this.closed) throw kvError('ERR the store is closed', { store: this.ctx.name });
      result = work();
    } catch (e) {
      this.recordFailure(op, typeof summary === 'string' ? summary : summary(), e);
      throw e;
    }
    this.recordSuccess(op, typeof summary === 'string' ? summary : summary(), count?.(result));
    return result;
  }

  /** perform() for a built command, without the closures perform takes: this runs per KV call. */
  call<R>(c: KvCommand<R>): Promise<R> {
    // Run now rather than in a later microtask, so un-awaited commands still apply in call
    // order, as pipelined commands on one Redis connection do.
    let result: R;
    try {
      this.ctx.checkAccess();
      if (this.closed) throw kvError('ERR the store is closed', { store: this.ctx.name });
      result = c.run(this.ks);
    } catch (e) {
      this.recordFailure(c.name, c.summary, e);
      return Promise.reject(e);
    }
    this.recordSuccess(c.name, c.summary, c.count(result));
    return Promise.resolve(result);
  }

  private recordFailure(op: string, summary: string, e: unknown): void {
    const err = toSimError(e, 'KV');
    this.ctx.record({ op, summary, ok: false, error: { code: err.code, message: err.message } });
  }

  private recordSuccess(op: string, summary: string, count: number | undefined): void {
    this.ctx.record(count === undefined ? { op, summary, ok: true } : { op, summary, ok: true, count });
  }
}

/** A connection: the commands plus its own WATCH set (key → stamp seen at WATCH). */
class Connection implements KvClient {
  private readonly watched = new Map<string, number>();

  constructor(protected readonly engine: Engine) {}

  get(key: string): Promise<string | null> {
    return this.engine.call(cmd.get(key));
  }
  set(key: string, value: KvValue, options: KvSetOptions & { GET: true }): Promise<string | null>;
  set(key: string, value: KvValue, options?: KvSetOptions & { GET?: false }): Promise<'OK' | null>;
  set(key: string, value: KvValue, options?: KvSetOptions): Promise<'OK' | string | null>;
  set(key: string, value: KvValue, options?: KvSetOptions): Promise<'OK' | string | null> {
    return this.engine.call(cmd.set(key, value, options));
  }
  del(...keys: string[]): Promise<number> {
    return this.engine.call(cmd.del(keys));
  }
  exists(...keys: string[]): Promise<number> {
    return this.engine.call(cmd.exists(keys));
  }
  incr(key: string): Promise<number> {
    return this.engine.call(cmd.incrby('INCR', key, undefined));
  }
  incrby(key: string, increment: number): Promise<number> {
    return this.engine.call(cmd.incrby('INCRBY', key, increment));
  }
  decr(key: string): Promise<number> {
    return this.engine.call(cmd.incrby('DECR', key, undefined));
  }
  decrby(key: string, decrement: number): Promise<number> {
    return this.engine.call(cmd.incrby('DECRBY', key, decrement));
  }
  mget(...keys: string[]): Promise<Array<string | null>> {
    return this.engine.call(cmd.mget(keys));
  }
  mset(pairs: Record<string, KvValue> | ReadonlyArray<readonly [string, KvValue]>): Promise<'OK'> {
    return this.engine.call(cmd.mset(pairs));
  }
  expire(key: string, seconds: number, condition?: KvExpireCondition): Promise<0 | 1> {
    return this.engine.call(cmd.expire(key, seconds, condition));
  }
  pexpire(key: string, milliseconds: number, condition?: KvExpireCondition): Promise<0 | 1> {
    return this.engine.call(cmd.pexpire(key, milliseconds, condition));
  }
  ttl(key: string): Promise<number> {
    return this.engine.call(cmd.ttl(key));
  }
  pttl(key: string): Promise<number> {
    return this.engine.call(cmd.pttl(key));
  }
  persist(key: string): Promise<0 | 1> {
    return this.engine.call(cmd.persist(key));
  }
  type(key: string): Promise<KvType | 'none'> {
    return this.engine.call(cmd.type(key));
  }
  hset(key: string, fields: Record<string, KvValue>): Promise<number>;
  hset(key: string, field: string, value: KvValue): Promise<number>;
  hset(key: string, fieldOrFields: string | Record<string, KvValue>, value?: KvValue): Promise<number> {
    return this.engine.call(cmd.hset(key, fieldOrFields, value));
  }
  hget(key: string, field: string): Promise<string | null> {
    return this.engine.call(cmd.hget(key, field));
  }
  hgetall(key: string): Promise<Record<string, string>> {
    return this.engine.call(cmd.hgetall(key));
  }
  hdel(key: string, ...fields: string[]): Promise<number> {
    return this.engine.call(cmd.hdel(key, fields));
  }
  hincrby(key: string, field: string, increment: number): Promise<number> {
    return this.engine.call(cmd.hincrby(key, field, increment));
  }
  hexists(key: string, field: string): Promise<0 | 1> {
    return this.engine.call(cmd.hexists(key, field));
  }
  hlen(key: string): Promise<number> {
    return this.engine.call(cmd.hlen(key));
  }
  keys(pattern: string): Promise<string[]> {
    return this.engine.call(cmd.keys(pattern));
  }
  dbsize(): Promise<number> {
    return this.engine.call(cmd.dbsize());
  }
  flushall(): Promise<'OK'> {
    return this.engine.call(cmd.flushall());
  }

  watch(...keys: string[]): Promise<'OK'> {
    return this.perform('WATCH', formatCommand('WATCH', keys), () => {
      if (keys.length === 0) throw kvError(`ERR wrong number of arguments for 'watch' command`);
      for (const k of keys) if (typeof k !== 'string') throw kvError(`ERR invalid key: expected a string, got ${typeof k}`);
      // Watching a key twice keeps the first stamp, as Redis keeps the first WATCH.
      for (const k of keys) if (!this.watched.has(k)) this.watched.set(k, this.engine.ks.watch(k));
      return 'OK' as const;
    });
  }

  unwatch(): Promise<'OK'> {
    return this.perform('UNWATCH', 'UNWATCH', () => {
      this.releaseWatches();
      return 'OK' as const;
    });
  }

  multi(): KvMulti {
    return new Multi(this) as unknown as KvMulti;
  }

  decrByIfAtLeast(key: string, n: number): Promise<number | null> {
    const get = cmd.get(key);
    const decrby = cmd.incrby('DECRBY', key, n);
    return this.perform('DECRBY_IF_AT_LEAST', formatCommand('DECRBY_IF_AT_LEAST', [key, n]), () => {
      if (get.argError) throw get.argError;
      if (!Number.isSafeInteger(n)) throw kvError(NOT_INTEGER);
      // The body of the WATCH/GET/MULTI/DECRBY/EXEC loop in one step: nothing can run
      // between the read and the write, so the first attempt always commits.
      const raw = get.run(this.engine.ks);
      const current = raw === null ? 0 : parseRedisInteger(raw);
      // A non-integer fails as the loop's DECRBY would, leaving the value as it was.
      if (current === null) throw kvError(NOT_INTEGER);
      if (current < n) return null;
      return decrby.run(this.engine.ks);
    });
  }

  /** Runs a queued transaction; used by Multi.exec. */
  execQueue(queue: ReadonlyArray<KvCommand<unknown>>): Promise<Array<KvSlot<unknown>> | null> {
    const summary = ['MULTI', ...queue.slice(0, 8).map((c) => c.summary), ...(queue.length > 8 ? [`… (+${queue.length - 8} more)`] : []), 'EXEC'].join('; ');
    let outcome = '';
    return this.perform(
      'EXEC',
      () => summary + outcome,
      () => {
        const bad = queue.find((c) => c.argError !== undefined);
        if (bad !== undefined) {
          // Redis discards a transaction that had a command refused while queueing.
          this.releaseWatches();
          throw kvError('EXECABORT Transaction discarded because of previous errors.', {
            command: bad.summary,
            cause: bad.argError!.message,
          });
        }
        // Every watched key is checked (and reaped, if its time came) before anything runs.
        let conflict = false;
        for (const [key, stamp] of this.watched) {
          if (this.engine.ks.currentStamp(key) !== stamp) conflict = true;
        }
        this.releaseWatches();
        if (conflict) {
          outcome = ' → (nil): a watched key changed';
          return null;
        }
        const replies = queue.map((c): KvSlot<unknown> => {
          try {
            return c.run(this.engine.ks);
          } catch (e) {
            // Redis keeps going: the error takes this command's slot, the rest still run.
            return toSimError(e, 'KV');
          }
        });
        const failed = replies.filter((r) => r instanceof SimError).length;
        if (failed > 0) outcome = ` → ${failed} of ${queue.length} commands failed`;
        return replies;
      },
      (r) => (r === null ? 0 : r.length),
    );
  }

  /** Drops a queued transaction; used by Multi.discard. */
  discardQueue(): Promise<'OK'> {
    return this.perform('DISCARD', 'DISCARD', () => {
      this.releaseWatches();
      return 'OK' as const;
    });
  }

  private releaseWatches(): void {
    for (const key of this.watched.keys()) this.engine.ks.unwatch(key);
    this.watched.clear();
  }

  private perform<R>(op: string, summary: string | (() => string), work: () => R, count?: (r: R) => number | undefined): Promise<R> {
    try {
      return Promise.resolve(this.engine.perform(op, summary, work, count));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/**
 * A transaction being queued. Its methods are loosely typed here; the KvMulti interface
 * gives callers the precise tuple of replies.
 */
class Multi {
  private readonly queue: Array<KvCommand<unknown>> = [];
  private finished = false;

  constructor(private readonly conn: Connection) {}

  get length(): number {
    return this.queue.length;
  }

  private q(c: KvCommand<unknown>): this {
    if (this.finished) {
      throw kvError('ERR this transaction was already executed or discarded; start another with multi()');
    }
    this.queue.push(c);
    return this;
  }

  get(key: string) {
    return this.q(cmd.get(key));
  }
  set(key: string, value: KvValue, options?: KvSetOptions) {
    return this.q(cmd.set(key, value, options));
  }
  del(...keys: string[]) {
    return this.q(cmd.del(keys));
  }
  exists(...keys: string[]) {
    return this.q(cmd.exists(keys));
  }
  incr(key: string) {
    return this.q(cmd.incrby('INCR', key, undefined));
  }
  incrby(key: string, increment: number) {
    return this.q(cmd.incrby('INCRBY', key, increment));
  }
  decr(key: string) {
    return this.q(cmd.incrby('DECR', key, undefined));
  }
  decrby(key: string, decrement: number) {
    return this.q(cmd.incrby('DECRBY', key, decrement));
  }
  mget(...keys: string[]) {
    return this.q(cmd.mget(keys));
  }
  mset(pairs: Record<string, KvValue> | ReadonlyArray<readonly [string, KvValue]>) {
    return this.q(cmd.mset(pairs));
  }
  expire(key: string, seconds: number, condition?: KvExpireCondition) {
    return this.q(cmd.expire(key, seconds, condition));
  }
  pexpire(key: string, milliseconds: number, condition?: KvExpireCondition) {
    return this.q(cmd.pexpire(key, milliseconds, condition));
  }
  ttl(key: string) {
    return this.q(cmd.ttl(key));
  }
  pttl(key: string) {
    return this.q(cmd.pttl(key));
  }
  persist(key: string) {
    return this.q(cmd.persist(key));
  }
  type(key: string) {
    return this.q(cmd.type(key));
  }
  hset(key: string, fieldOrFields: string | Record<string, KvValue>, value?: KvValue) {
    return this.q(cmd.hset(key, fieldOrFields, value));
  }
  hget(key: string, field: string) {
    return this.q(cmd.hget(key, field));
  }
  hgetall(key: string) {
    return this.q(cmd.hgetall(key));
  }
  hdel(key: string, ...fields: string[]) {
    return this.q(cmd.hdel(key, fields));
  }
  hincrby(key: string, field: string, increment: number) {
    return this.q(cmd.hincrby(key, field, increment));
  }
  hexists(key: string, field: string) {
    return this.q(cmd.hexists(key, field));
  }
  hlen(key: string) {
    return this.q(cmd.hlen(key));
  }
  keys(pattern: string) {
    return this.q(cmd.keys(pattern));
  }
  dbsize() {
    return this.q(cmd.dbsize());
  }
  flushall() {
    return this.q(cmd.flushall());
  }

  exec(): Promise<Array<KvSlot<unknown>> | null> {
    if (this.finished) return Promise.reject(kvError('ERR EXEC without MULTI'));
    this.finished = true;
    return this.conn.execQueue(this.queue);
  }

  discard(): Promise<'OK'> {
    if (this.finished) return Promise.reject(kvError('ERR DISCARD without MULTI'));
    this.finished = true;
    this.queue.length = 0;
    return this.conn.discardQueue();
  }
}

class Store extends Connection implements KvStore {
  readonly kind = 'kv' as const;
  readonly engineLabel = 'Redis-style KV';
  readonly name: string;
  readonly owner: string;

  constructor(engine: Engine) {
    super(engine);
    this.name = engine.ctx.name;
    this.owner = engine.ctx.owner;
  }

  client(): KvClient {
    return new Connection(this.engine);
  }

  entries(): KvEntry[] {
    const now = this.engine.ks.now();
    return this.engine.ks.peekAll(now).map(([key, e]) => ({
      key,
      type: e.type,
      value: e.type === 'string' ? e.value : Object.fromEntries(e.value),
      expiresAt: e.expiresAt,
      ttlMs: e.expiresAt === null ? null : e.expiresAt - now,
    }));
  }

  async exportState(): Promise<Json> {
    const state: KvState = {
      format: KV_STATE_FORMAT,
      entries: this.engine.ks.peekAll().map(([key, e]) =>
        e.type === 'string'
          ? { key, type: 'string' as const, value: e.value, expiresAt: e.expiresAt }
          : { key, type: 'hash' as const, value: [...e.value], expiresAt: e.expiresAt },
      ),
    };
    return state as unknown as Json;
  }

  async importState(state: Json): Promise<void> {
    // Validate everything before touching the data, so a bad snapshot changes nothing.
    const entries = parseState(state);
    this.engine.ks.clear();
    for (const [key, entry] of entries) this.engine.ks.put(key, entry);
  }

  async reset(): Promise<void> {
    this.engine.ks.clear();
  }

  async close(): Promise<void> {
    this.engine.closed = true;
  }
}

function parseState(state: Json): Array<[string, StoredEntry]> {
  const fail = (why: string): never => {
    throw new ValidationError(`Not a KV store state: ${why}.`);
  };
  if (state === null || typeof state !== 'object' || Array.isArray(state)) return fail('expected an object');
  if (state.format !== KV_STATE_FORMAT) return fail(`format is ${JSON.stringify(state.format)}, expected "${KV_STATE_FORMAT}"`);
  if (!Array.isArray(state.entries)) return fail('entries is not a list');
  const seen = new Set<string>();
  return state.entries.map((raw, i): [string, StoredEntry] => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(`entry ${i} is not an object`);
    const { key, type, value, expiresAt } = raw;
    if (typeof key !== 'string') return fail(`entry ${i} has no string key`);
    if (seen.has(key)) return fail(`key ${JSON.stringify(key)} appears twice`);
    seen.add(key);
    if (expiresAt !== null && !(typeof expiresAt === 'number' && Number.isSafeInteger(expiresAt))) {
      return fail(`key ${JSON.stringify(key)} has an invalid expiresAt`);
    }
    if (type === 'string') {
      if (typeof value !== 'string') return fail(`key ${JSON.stringify(key)} is a string without a string value`);
      return [key, { type: 'string', value, expiresAt }];
    }
    if (type === 'hash') {
      const ok =
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
      if (!ok) return fail(`key ${JSON.stringify(key)} is a hash without a non-empty list of [field, value] strings`);
      return [key, { type: 'hash', value: new Map(value as Array<[string, string]>), expiresAt }];
    }
    return fail(`key ${JSON.stringify(key)} has unknown type ${JSON.stringify(type)}`);
  });
}

/**
 * Creates a KV store with Redis command semantics on the simulation's virtual clock.
 * The returned store is also its default connection; `client()` opens more.
 *
 * ```ts
 * const kv = createKvStore(ctx);
 * await kv.set('stock:p1', 10);
 * const tx = kv.multi();
 * tx.decrby('stock:p1', 2).set('res:o1', '2', { PX: 60_000 });
 * await tx.exec(); // [8, 'OK']
 * ```
 */
export function createKvStore(ctx: StoreContext): KvStore {
  return new Store(new Engine(ctx));
}
