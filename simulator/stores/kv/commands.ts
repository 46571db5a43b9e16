import { SimError } from '../../core/errors';
import { compileGlob } from './glob';
import type { Keyspace, StoredEntry } from './keyspace';
import type { KvExpireCondition, KvSetOptions, KvType, KvValue } from './types';

/**
 * One Redis command, built once and then either run at once (a direct call) or queued
 * (MULTI) and run at EXEC. Building never throws: a problem Redis would report when the
 * command is sent (wrong number of arguments, a key that is not a string) is kept in
 * `argError`, so a direct call can still check access first and a transaction can answer
 * EXECABORT, as Redis does.
 */
export interface KvCommand<R> {
  /** 'DECRBY' */
  readonly name: string;
  /** The command line as redis-cli would echo it: 'DECRBY stock:p1 2'. */
  readonly summary: string;
  readonly argError: SimError | undefined;
  /** Runs against the data; throws a SimError 'KV' for Redis's run-time errors. */
  run(ks: Keyspace): R;
  /** Keys/fields touched or returned, for the trace, when meaningful. */
  count(reply: R): number | undefined;
}

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const OVERFLOW = 'ERR increment or decrement would overflow';
export const HASH_NOT_INTEGER = 'ERR hash value is not an integer';
export const SYNTAX = 'ERR syntax error';

/**
 * A Redis error as a SimError of code 'KV'. The Redis prefix ('WRONGTYPE', 'ERR',
 * 'EXECABORT') is kept in details.prefix so callers need not parse the message.
 */
export function kvError(message: string, details: Record<string, unknown> = {}): SimError {
  const space = message.indexOf(' ');
  return new SimError('KV', message, { prefix: space > 0 ? message.slice(0, space) : message, ...details });
}

/**
 * Parses an integer the way Redis does (`string2ll`: no sign '+', no leading zeros, no
 * spaces, no '-0'), limited to JavaScript's safe integers so every reply is an exact number.
 * Returns null when the text is not such an integer.
 */
export function parseRedisInteger(s: string): number | null {
  if (!/^(?:0|-?[1-9][0-9]*)$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** A numeric argument: a safe integer, or a string Redis would parse as one. */
function intArg(x: unknown): number {
  const n = typeof x === 'number' ? (Number.isSafeInteger(x) ? x : null) : typeof x === 'string' ? parseRedisInteger(x) : null;
  if (n === null) throw kvError(NOT_INTEGER);
  return n;
}

function showArg(a: unknown): string {
  let s: string;
  if (typeof a === 'string') s = a;
  else if (typeof a === 'number' || typeof a === 'boolean' || a === undefined || a === null) s = String(a);
  else {
    try {
      s = JSON.stringify(a) ?? String(a);
    } catch {
      s = String(a);
    }
  }
  // One trace line per command: long values are cut, odd ones quoted as redis-cli does.
  if (s.length > 48) s = s.slice(0, 47) + '…';
  return s === '' || needsQuotes(s) ? JSON.stringify(s) : s;
}

/** Whether redis-cli would quote the argument: spaces, quotes, backslashes, control characters. */
function needsQuotes(s: string): boolean {
  // Most arguments are short ASCII keys: a character loop answers those without a regex.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x22 || c === 0x27 || c === 0x5c || c === 0x7f) return true;
    if (c > 0x7f) return /[\s"'\\\u0000-\u001f\u007f]/.test(s);
  }
  return false;
}

/** 'SET res:o1 2 PX 60000', with at most 16 arguments shown. */
export function formatCommand(name: string, args: readonly unknown[]): string {
  let line = name;
  for (let i = 0; i < args.length && i < 16; i++) line += ' ' + showArg(args[i]);
  if (args.length > 16) line += ` … (+${args.length - 16} more)`;
  return line;
}

/** A built command: its reply computed by `body`, its trace count by `countReply`. */
class BuiltCommand<R> implements KvCommand<R> {
  constructor(
    readonly name: string,
    readonly summary: string,
    readonly argError: SimError | undefined,
    private readonly body: (ks: Keyspace) => R,
    private readonly countReply: ((reply: R) => number | undefined) | undefined,
  ) {}

  run(ks: Keyspace): R {
    if (this.argError) throw this.argError;
    return this.body(ks);
  }

  count(reply: R): number | undefined {
    return this.countReply?.(reply);
  }
}

function command<R>(
  name: string,
  shown: readonly unknown[],
  validate: () => void,
  body: (ks: Keyspace) => R,
  count?: (reply: R) => number | undefined,
): KvCommand<R> {
  let argError: SimError | undefined;
  try {
    validate();
  } catch (e) {
    argError = e instanceof SimError ? e : kvError(`ERR ${String(e)}`);
  }
  return new BuiltCommand(name, formatCommand(name, shown), argError, body, count);
}

function needKey(key: unknown, what = 'key'): void {
  if (typeof key !== 'string') throw kvError(`ERR invalid ${what}: expected a string, got ${typeof key}`);
}

function needKeys(name: string, keys: readonly unknown[], what = 'key'): void {
  if (keys.length === 0) throw kvError(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
  for (const k of keys) needKey(k, what);
}

function needValue(v: unknown): void {
  if (typeof v === 'string') return;
  if (typeof v === 'number' && Number.isFinite(v)) return;
  throw kvError(`ERR invalid value: expected a string or a finite number, got ${typeof v === 'number' ? String(v) : typeof v}`);
}

const toStr = (v: KvValue): string => (typeof v === 'string' ? v : String(v));

type StringEntry = Extract<StoredEntry, { type: 'string' }>;
type HashEntry = Extract<StoredEntry, { type: 'hash' }>;

function readString(ks: Keyspace, key: string): StringEntry | undefined {
  const e = ks.lookup(key);
  if (e !== undefined && e.type !== 'string') throw kvError(WRONGTYPE);
  return e;
}

function readHash(ks: Keyspace, key: string): HashEntry | undefined {
  const e = ks.lookup(key);
  if (e !== undefined && e.type !== 'hash') throw kvError(WRONGTYPE);
  return e;
}

function incrBy(ks: Keyspace, key: string, delta: number): number {
  const e = readString(ks, key);
  const current = e === undefined ? 0 : parseRedisInteger(e.value);
  if (current === null) throw kvError(NOT_INTEGER);
  const next = current + delta;
  // Both operands are safe integers, so a sum outside the safe range can only round to an
  // unsafe number: this check is exact.
  if (!Number.isSafeInteger(next)) throw kvError(OVERFLOW);
  if (e === undefined) ks.put(key, { type: 'string', value: String(next), expiresAt: null });
  else {
    e.value = String(next); // in place: INCR keeps the key's TTL
    ks.modified(key);
  }
  return next;
}

function setFlags(o: KvSetOptions): unknown[] {
  const f: unknown[] = [];
  if (o.NX) f.push('NX');
  if (o.XX) f.push('XX');
  if (o.GET) f.push('GET');
  for (const k of ['EX', 'PX', 'EXAT', 'PXAT'] as const) if (o[k] !== undefined) f.push(k, o[k]);
  if (o.KEEPTTL) f.push('KEEPTTL');
  return f;
}

function normalizePairs(
  pairs: Record<string, KvValue> | ReadonlyArray<readonly [string, KvValue]> | unknown,
): Array<readonly [string, KvValue]> {
  if (Array.isArray(pairs)) return pairs as Array<readonly [string, KvValue]>;
  if (pairs !== null && typeof pairs === 'object') return Object.entries(pairs as Record<string, KvValue>);
  return [];
}

function expireCommand(name: 'EXPIRE' | 'PEXPIRE', key: string, amount: number, cond: KvExpireCondition | undefined) {
  const shown = cond === undefined ? [key, amount] : [key, amount, cond];
  return command<0 | 1>(
    name,
    shown,
    () => needKey(key),
    (ks) => {
      if (cond !== undefined && !['NX', 'XX', 'GT', 'LT'].includes(cond)) throw kvError(`ERR Unsupported option ${String(cond)}`);
      const n = intArg(amount);
      const now = ks.now();
      const when = name === 'EXPIRE' ? n * 1000 + now : n + now;
      if (!Number.isSafeInteger(when)) throw kvError(`ERR invalid expire time in '${name.toLowerCase()}' command`);
      const e = ks.lookup(key);
      if (e === undefined) return 0;
      // A key without TTL counts as an infinite TTL for GT and LT (Redis 7).
      const current = e.expiresAt ?? Infinity;
      if (cond === 'NX' && e.expiresAt !== null) return 0;
      if (cond === 'XX' && e.expiresAt === null) return 0;
      if (cond === 'GT' && !(when > current)) return 0;
      if (cond === 'LT' && !(when < current)) return 0;
      if (when <= now) {
        // A time already past deletes the key, and Redis still replies 1.
        ks.remove(key);
        return 1;
      }
      e.expiresAt = when;
      ks.modified(key);
      return 1;
    },
  );
}

function ttlCommand(name: 'TTL' | 'PTTL', key: string) {
  return command<number>(
    name,
    [key],
    () => needKey(key),
    (ks) => {
      const e = ks.lookup(key);
      if (e === undefined) return -2;
      if (e.expiresAt === null) return -1;
      const ms = e.expiresAt - ks.now();
      // Redis rounds TTL to the nearest second: (ms + 500) / 1000 in integer division.
      return name === 'PTTL' ? ms : Math.floor((ms + 500) / 1000);
    },
  );
}

/** The command builders, one per Redis command. */
export const cmd = {
  get: (key: string) =>
    command<string | null>('GET', [key], () => needKey(key), (ks) => readString(ks, key)?.value ?? null),

  set: (key: string, value: KvValue, options: KvSetOptions = {}) => {
    const o: KvSetOptions = options ?? {};
    return command<'OK' | string | null>(
      'SET',
      [key, value, ...(typeof o === 'object' ? setFlags(o) : [o])],
      () => {
        needKey(key);
        needValue(value);
        if (typeof o !== 'object') throw kvError(SYNTAX);
      },
      (ks) => {
        // Redis parses SET's options when it runs the command, so these are run-time errors
        // (inside EXEC they take their slot, they do not abort the transaction).
        if (o.NX && o.XX) throw kvError(SYNTAX);
        const ttlOpts = (['EX', 'PX', 'EXAT', 'PXAT'] as const).filter((k) => o[k] !== undefined);
        if (ttlOpts.length + (o.KEEPTTL ? 1 : 0) > 1) throw kvError(SYNTAX);
        const now = ks.now();
        let expiresAt: number | null = null;
        const opt = ttlOpts[0];
        if (opt !== undefined) {
          const n = intArg(o[opt]);
          const at = opt === 'EX' ? now + n * 1000 : opt === 'PX' ? now + n : opt === 'EXAT' ? n * 1000 : n;
          if (n <= 0 || !Number.isSafeInteger(at)) throw kvError(`ERR invalid expire time in 'set' command`);
          expiresAt = at;
        }
        const old = ks.lookup(key);
        if (o.GET && old !== undefined && old.type !== 'string') throw kvError(WRONGTYPE);
        const oldValue = old?.type === 'string' ? old.value : null;
        const skip = (o.NX && old !== undefined) || (o.XX && old === undefined);
        if (!skip) {
          // An EXAT/PXAT already past stores a key that is expired at once, which is what
          // Redis's "set then delete" amounts to.
          ks.put(key, { type: 'string', value: toStr(value), expiresAt: o.KEEPTTL ? (old?.expiresAt ?? null) : expiresAt });
        }
        if (o.GET) return oldValue;
        return skip ? null : 'OK';
      },
    );
  },

  del: (keys: string[]) =>
    command<number>(
      'DEL',
      keys,
      () => needKeys('DEL', keys),
      (ks) => {
        let n = 0;
        for (const k of keys) if (ks.remove(k)) n++;
        return n;
      },
      (n) => n,
    ),

  exists: (keys: string[]) =>
    command<number>(
      'EXISTS',
      keys,
      () => needKeys('EXISTS', keys),
      (ks) => keys.filter((k) => ks.lookup(k) !== undefined).length,
      (n) => n,
    ),

  incrby: (name: 'INCR' | 'INCRBY' | 'DECR' | 'DECRBY', key: string, amount: number | undefined) =>
    command<number>(
      name,
      amount === undefined ? [key] : [key, amount],
      () => needKey(key),
      (ks) => {
        const n = amount === undefined ? 1 : intArg(amount);
        return incrBy(ks, key, name.startsWith('DECR') ? -n : n);
      },
    ),

  mget: (keys: string[]) =>
    command<Array<string | null>>(
      'MGET',
      keys,
      () => needKeys('MGET', keys),
      // MGET answers null for a key of another type instead of WRONGTYPE, as Redis does.
      (ks) => keys.map((k) => {
        const e = ks.lookup(k);
        return e?.type === 'string' ? e.value : null;
      }),
      (r) => r.filter((v) => v !== null).length,
    ),

  mset: (pairs: Record<string, KvValue> | ReadonlyArray<readonly [string, KvValue]>) => {
    const list = normalizePairs(pairs);
    return command<'OK'>(
      'MSET',
      list.flatMap((p) => (Array.isArray(p) ? p : [p])),
      () => {
        if (list.length === 0) throw kvError(`ERR wrong number of arguments for 'mset' command`);
        for (const p of list) {
          if (!Array.isArray(p) || p.length !== 2) throw kvError(`ERR wrong number of arguments for 'mset' command`);
          needKey(p[0]);
          needValue(p[1]);
        }
      },
      (ks) => {
        for (const [k, v] of list) ks.put(k, { type: 'string', value: toStr(v), expiresAt: null });
        return 'OK';
      },
      () => list.length,
    );
  },

  expire: (key: string, seconds: number, cond?: KvExpireCondition) => expireCommand('EXPIRE', key, seconds, cond),
  pexpire: (key: string, ms: number, cond?: KvExpireCondition) => expireCommand('PEXPIRE', key, ms, cond),
  ttl: (key: string) => ttlCommand('TTL', key),
  pttl: (key: string) => ttlCommand('PTTL', key),

  persist: (key: string) =>
    command<0 | 1>(
      'PERSIST',
      [key],
      () => needKey(key),
      (ks) => {
        const e = ks.lookup(key);
        if (e === undefined || e.expiresAt === null) return 0;
        e.expiresAt = null;
        ks.modified(key);
        return 1;
      },
    ),

  type: (key: string) =>
    command<KvType | 'none'>('TYPE', [key], () => needKey(key), (ks) => ks.lookup(key)?.type ?? 'none'),

  hset: (key: string, fieldOrFields: string | Record<string, KvValue>, value?: KvValue) => {
    const list: Array<readonly [string, KvValue]> =
      typeof fieldOrFields === 'string' ? [[fieldOrFields, value as KvValue]] : normalizePairs(fieldOrFields);
    return command<number>(
      'HSET',
      [key, ...list.flat()],
      () => {
        needKey(key);
        if (list.length === 0) throw kvError(`ERR wrong number of arguments for 'hset' command`);
        for (const [f, v] of list) {
          needKey(f, 'field');
          needValue(v);
        }
      },
      (ks) => {
        const e = readHash(ks, key);
        const fields = e?.value ?? new Map<string, string>();
        let added = 0;
        for (const [f, v] of list) {
          if (!fields.has(f)) added++;
          fields.set(f, toStr(v));
        }
        if (e === undefined) ks.put(key, { type: 'hash', value: fields, expiresAt: null });
        else ks.modified(key);
        return added;
      },
      (n) => n,
    );
  },

  hget: (key: string, field: string) =>
    command<string | null>(
      'HGET',
      [key, field],
      () => {
        needKey(key);
        needKey(field, 'field');
      },
      (ks) => readHash(ks, key)?.value.get(field) ?? null,
    ),

  hgetall: (key: string) =>
    command<Record<string, string>>(
      'HGETALL',
      [key],
      () => needKey(key),
      // fromEntries defines own properties, so a field named "__proto__" is just a field.
      (ks) => Object.fromEntries(readHash(ks, key)?.value ?? []),
      (r) => Object.keys(r).length,
    ),

  hdel: (key: string, fields: string[]) =>
    command<number>(
      'HDEL',
      [key, ...fields],
      () => {
        needKey(key);
        needKeys('HDEL', fields, 'field');
      },
      (ks) => {
        const e = readHash(ks, key);
        if (e === undefined) return 0;
        let n = 0;
        for (const f of fields) if (e.value.delete(f)) n++;
        // Redis never keeps an empty hash: the key goes with its last field.
        if (e.value.size === 0) ks.remove(key);
        else if (n > 0) ks.modified(key);
        return n;
      },
      (n) => n,
    ),

  hincrby: (key: string, field: string, increment: number) =>
    command<number>(
      'HINCRBY',
      [key, field, increment],
      () => {
        needKey(key);
        needKey(field, 'field');
      },
      (ks) => {
        const n = intArg(increment);
        const e = readHash(ks, key);
        const raw = e?.value.get(field);
        const current = raw === undefined ? 0 : parseRedisInteger(raw);
        if (current === null) throw kvError(HASH_NOT_INTEGER);
        const next = current + n;
        if (!Number.isSafeInteger(next)) throw kvError(OVERFLOW);
        if (e === undefined) ks.put(key, { type: 'hash', value: new Map([[field, String(next)]]), expiresAt: null });
        else {
          e.value.set(field, String(next));
          ks.modified(key);
        }
        return next;
      },
    ),

  hexists: (key: string, field: string) =>
    command<0 | 1>(
      'HEXISTS',
      [key, field],
      () => {
        needKey(key);
        needKey(field, 'field');
      },
      (ks) => (readHash(ks, key)?.value.has(field) ? 1 : 0),
    ),

  hlen: (key: string) =>
    command<number>('HLEN', [key], () => needKey(key), (ks) => readHash(ks, key)?.value.size ?? 0),

  keys: (pattern: string) =>
    command<string[]>(
      'KEYS',
      [pattern],
      () => needKey(pattern, 'pattern'),
      // Redis answers in hash-table order; sorted is deterministic and reads better.
      (ks) => ks.liveKeys().filter(compileGlob(pattern)),
      (r) => r.length,
    ),

  dbsize: () => command<number>('DBSIZE', [], () => {}, (ks) => ks.size()),

  flushall: () => {
    let removed = 0;
    return command<'OK'>(
      'FLUSHALL',
      [],
      () => {},
      (ks) => {
        removed = ks.clear();
        return 'OK';
      },
      () => removed,
    );
  },
};
