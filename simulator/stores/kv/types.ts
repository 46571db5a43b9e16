import type { SimError } from '../../core/errors';
import type { StoreBase, VirtualTime } from '../../core/storeContext';

/**
 * What may be written as a value. Redis stores strings only; numbers are turned into their
 * decimal string (`10` → `"10"`), as Redis clients do before sending.
 */
export type KvValue = string | number;

/** Redis TYPE of a key. */
export type KvType = 'string' | 'hash';

/** Options of SET. At most one of EX, PX, EXAT, PXAT, KEEPTTL; not both NX and XX. */
export interface KvSetOptions {
  /** Only set if the key does not exist (SET NX replies null when it exists). */
  NX?: boolean;
  /** Only set if the key exists. */
  XX?: boolean;
  /** Expire after this many seconds (a positive integer). */
  EX?: number;
  /** Expire after this many milliseconds (a positive integer). */
  PX?: number;
  /** Expire at this virtual time, in seconds. */
  EXAT?: number;
  /** Expire at this virtual time, in milliseconds. */
  PXAT?: number;
  /** Keep the key's current time to live instead of clearing it. */
  KEEPTTL?: boolean;
  /** Reply with the old string (or null) instead of 'OK'; WRONGTYPE if the old value is a hash. */
  GET?: boolean;
}

/** Condition of EXPIRE/PEXPIRE (Redis 7): NX no TTL yet, XX has one, GT/LT than the current. */
export type KvExpireCondition = 'NX' | 'XX' | 'GT' | 'LT';

/** A live key as the inspector shows it. */
export interface KvEntry {
  key: string;
  type: KvType;
  /** The string, or the hash's fields. */
  value: string | Record<string, string>;
  /** Absolute virtual time of expiry (ms), or null if the key does not expire. */
  expiresAt: VirtualTime | null;
  /** Remaining time to live in ms (> 0), or null if the key does not expire. */
  ttlMs: number | null;
}

/**
 * The Redis commands. Each call is one command against the store, executed at once and
 * atomically (the engine runs one handler at a time); the Promise is there so callers can
 * swap in another engine. Errors reject with a SimError of code 'KV' whose message is
 * Redis's own ("WRONGTYPE …", "ERR value is not an integer or out of range").
 */
export interface KvCommands {
  /** GET: the string at key, or null. WRONGTYPE on a hash. */
  get(key: string): Promise<string | null>;
  /** SET … GET: the old string (or null); the write obeys NX/XX. */
  set(key: string, value: KvValue, options: KvSetOptions & { GET: true }): Promise<string | null>;
  /** SET: 'OK', or null when NX/XX prevented the write. */
  set(key: string, value: KvValue, options?: KvSetOptions & { GET?: false }): Promise<'OK' | null>;
  set(key: string, value: KvValue, options?: KvSetOptions): Promise<'OK' | string | null>;
  /** DEL: how many of the keys existed (and are now gone). */
  del(...keys: string[]): Promise<number>;
  /** EXISTS: how many of the keys exist (a key named twice counts twice). */
  exists(...keys: string[]): Promise<number>;
  /** INCR: the new value; a missing key counts as 0. Keeps the TTL. */
  incr(key: string): Promise<number>;
  /** INCRBY: the new value. */
  incrby(key: string, increment: number): Promise<number>;
  /** DECR: the new value. */
  decr(key: string): Promise<number>;
  /** DECRBY: the new value; a non-integer value errors and stays as it was. */
  decrby(key: string, decrement: number): Promise<number>;
  /** MGET: one string or null per key (null also for a hash, as in Redis). */
  mget(...keys: string[]): Promise<Array<string | null>>;
  /** MSET: sets every pair (clearing TTLs); always 'OK'. */
  mset(pairs: Record<string, KvValue> | ReadonlyArray<readonly [string, KvValue]>): Promise<'OK'>;
  /** EXPIRE: 1 if the timeout was set (a time ≤ 0 deletes the key), 0 if the key is missing or the condition failed. */
  expire(key: string, seconds: number, condition?: KvExpireCondition): Promise<0 | 1>;
  /** PEXPIRE: as EXPIRE, in milliseconds. */
  pexpire(key: string, milliseconds: number, condition?: KvExpireCondition): Promise<0 | 1>;
  /** TTL: seconds left (rounded), -1 if no expiry, -2 if missing. */
  ttl(key: string): Promise<number>;
  /** PTTL: milliseconds left, -1 if no expiry, -2 if missing. */
  pttl(key: string): Promise<number>;
  /** PERSIST: 1 if a timeout was removed, else 0. */
  persist(key: string): Promise<0 | 1>;
  /** TYPE: 'string', 'hash' or 'none'. */
  type(key: string): Promise<KvType | 'none'>;
  /** HSET: how many fields were added (updates of existing fields do not count). */
  hset(key: string, fields: Record<string, KvValue>): Promise<number>;
  hset(key: string, field: string, value: KvValue): Promise<number>;
  /** HGET: the field's string, or null. */
  hget(key: string, field: string): Promise<string | null>;
  /** HGETALL: every field ({} for a missing key). */
  hgetall(key: string): Promise<Record<string, string>>;
  /** HDEL: how many fields were removed; the key goes when its last field does. */
  hdel(key: string, ...fields: string[]): Promise<number>;
  /** HINCRBY: the field's new value ("ERR hash value is not an integer" on a non-integer). */
  hincrby(key: string, field: string, increment: number): Promise<number>;
  /** HEXISTS: 1 or 0. */
  hexists(key: string, field: string): Promise<0 | 1>;
  /** HLEN: number of fields (0 for a missing key). */
  hlen(key: string): Promise<number>;
  /** KEYS: live keys matching a glob (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`), sorted. */
  keys(pattern: string): Promise<string[]>;
  /** DBSIZE: number of live keys. */
  dbsize(): Promise<number>;
  /** FLUSHALL: deletes every key; 'OK'. */
  flushall(): Promise<'OK'>;
}

/** A reply of EXEC: the command's reply, or the error it raised (the others still ran). */
export type KvSlot<T> = T | SimError;

/**
 * A transaction being queued (MULTI). Methods queue and return the transaction, typed with
 * the replies so far, so `await kv.multi().decrby('s', 2).get('s').exec()` is
 * `[number | SimError, string | null | SimError] | null`.
 *
 * Nothing reaches the store before exec(). As in Redis, a command that fails at run time
 * does not stop the others (there is no rollback): its SimError takes its slot in the reply.
 * A command that could not even be queued (wrong number of arguments, a key that is not a
 * string) makes exec() reject with EXECABORT and run nothing.
 */
export interface KvMulti<R extends unknown[] = []> {
  /** Number of queued commands. */
  readonly length: number;
  get(key: string): KvMulti<[...R, string | null]>;
  set(key: string, value: KvValue, options: KvSetOptions & { GET: true }): KvMulti<[...R, string | null]>;
  set(key: string, value: KvValue, options?: KvSetOptions & { GET?: false }): KvMulti<[...R, 'OK' | null]>;
  set(key: string, value: KvValue, options?: KvSetOptions): KvMulti<[...R, 'OK' | string | null]>;
  del(...keys: string[]): KvMulti<[...R, number]>;
  exists(...keys: string[]): KvMulti<[...R, number]>;
  incr(key: string): KvMulti<[...R, number]>;
  incrby(key: string, increment: number): KvMulti<[...R, number]>;
  decr(key: string): KvMulti<[...R, number]>;
  decrby(key: string, decrement: number): KvMulti<[...R, number]>;
  mget(...keys: string[]): KvMulti<[...R, Array<string | null>]>;
  mset(pairs: Record<string, KvValue> | ReadonlyArray<readonly [string, KvValue]>): KvMulti<[...R, 'OK']>;
  expire(key: string, seconds: number, condition?: KvExpireCondition): KvMulti<[...R, 0 | 1]>;
  pexpire(key: string, milliseconds: number, condition?: KvExpireCondition): KvMulti<[...R, 0 | 1]>;
  ttl(key: string): KvMulti<[...R, number]>;
  pttl(key: string): KvMulti<[...R, number]>;
  persist(key: string): KvMulti<[...R, 0 | 1]>;
  type(key: string): KvMulti<[...R, KvType | 'none']>;
  hset(key: string, fields: Record<string, KvValue>): KvMulti<[...R, number]>;
  hset(key: string, field: string, value: KvValue): KvMulti<[...R, number]>;
  hget(key: string, field: string): KvMulti<[...R, string | null]>;
  hgetall(key: string): KvMulti<[...R, Record<string, string>]>;
  hdel(key: string, ...fields: string[]): KvMulti<[...R, number]>;
  hincrby(key: string, field: string, increment: number): KvMulti<[...R, number]>;
  hexists(key: string, field: string): KvMulti<[...R, 0 | 1]>;
  hlen(key: string): KvMulti<[...R, number]>;
  keys(pattern: string): KvMulti<[...R, string[]]>;
  dbsize(): KvMulti<[...R, number]>;
  flushall(): KvMulti<[...R, 'OK']>;
  /**
   * EXEC: runs the queued commands as one atomic step and returns their replies, or null
   * (running nothing) if a key this connection WATCHes changed or expired since WATCH.
   * Either way the connection's watches end.
   */
  exec(): Promise<{ [I in keyof R]: KvSlot<R[I]> } | null>;
  /** DISCARD: drops the queue and ends the connection's watches; 'OK'. */
  discard(): Promise<'OK'>;
}

/**
 * One connection: the commands, plus the state Redis keeps per connection (the WATCH set).
 * Two clients of one store are two connections, which is what a WATCH conflict needs.
 */
export interface KvClient extends KvCommands {
  /** WATCH: EXEC on this connection will return null if any of these keys changes first. */
  watch(...keys: string[]): Promise<'OK'>;
  /** UNWATCH: forgets this connection's watched keys. */
  unwatch(): Promise<'OK'>;
  /** MULTI: starts queueing a transaction on this connection (no store access until exec). */
  multi(): KvMulti;
  /**
   * Decrements key by n only if its value is at least n; returns the new value, or null
   * (changing nothing) if it is smaller. A missing key counts as 0. Errors as DECRBY does.
   *
   * Equivalent to the optimistic loop
   * `WATCH key; v = GET key; if (v ?? 0) < n: UNWATCH, return null; MULTI; DECRBY key n; EXEC`
   * retried while EXEC returns null; here it needs no retry, because one command runs at a time.
   */
  decrByIfAtLeast(key: string, n: number): Promise<number | null>;
}

/** A Redis-style KV store on the virtual clock. It is itself a connection (the default one). */
export interface KvStore extends StoreBase, KvClient {
  readonly kind: 'kv';
  /** Opens another connection to the same data, with its own WATCH set. */
  client(): KvClient;
  /**
   * Every live key with type, value and remaining TTL, sorted by key. For inspectors:
   * synchronous, no access check, no trace record, and it never reaps expired keys.
   */
  entries(): KvEntry[];
}
