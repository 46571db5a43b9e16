import { describe, expect, it } from 'vitest';
import { SimError } from '../../core/errors';
import { createTestStoreContext } from '../../core/storeContext';
import { createKvStore } from './kvStore';
import { formatCommand } from './commands';

function setup() {
  const ctx = createTestStoreContext('inventory.kv', 'inventory');
  const kv = createKvStore(ctx);
  return { ctx, kv };
}

const WRONGTYPE = { code: 'KV', message: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
const NOT_INTEGER = { code: 'KV', message: 'ERR value is not an integer or out of range' };

describe('store identity', () => {
  it('is a kv store named and owned as its context says', () => {
    const { kv } = setup();
    expect([kv.kind, kv.engineLabel, kv.name, kv.owner]).toEqual(['kv', 'Redis-style KV', 'inventory.kv', 'inventory']);
  });
});

describe('strings and integers', () => {
  it('GET of a missing key is null; SET then GET returns the string', async () => {
    const { kv } = setup();
    expect(await kv.get('a')).toBeNull();
    expect(await kv.set('a', 'hello')).toBe('OK');
    expect(await kv.get('a')).toBe('hello');
  });

  it('stores numbers as their decimal strings', async () => {
    const { kv } = setup();
    await kv.set('n', 10);
    expect(await kv.get('n')).toBe('10');
  });

  it('SET NX returns null and keeps the value when the key exists', async () => {
    const { kv } = setup();
    expect(await kv.set('lock', 'a', { NX: true })).toBe('OK');
    expect(await kv.set('lock', 'b', { NX: true })).toBeNull();
    expect(await kv.get('lock')).toBe('a');
  });

  it('SET XX only overwrites an existing key', async () => {
    const { kv } = setup();
    expect(await kv.set('k', 'a', { XX: true })).toBeNull();
    expect(await kv.exists('k')).toBe(0);
    await kv.set('k', 'a');
    expect(await kv.set('k', 'b', { XX: true })).toBe('OK');
    expect(await kv.get('k')).toBe('b');
  });

  it('SET GET replies with the old value, also when NX prevents the write', async () => {
    const { kv } = setup();
    expect(await kv.set('k', 'a', { GET: true })).toBeNull();
    expect(await kv.set('k', 'b', { GET: true })).toBe('a');
    expect(await kv.set('k', 'c', { GET: true, NX: true })).toBe('b');
    expect(await kv.get('k')).toBe('b');
  });

  it('SET GET on a hash is WRONGTYPE and sets nothing; plain SET overwrites a hash', async () => {
    const { kv } = setup();
    await kv.hset('h', 'f', 'v');
    await expect(kv.set('h', 'x', { GET: true })).rejects.toMatchObject(WRONGTYPE);
    expect(await kv.type('h')).toBe('hash');
    expect(await kv.set('h', 'x')).toBe('OK');
    expect(await kv.get('h')).toBe('x');
  });

  it('SET rejects NX with XX, two expiry options, and non-positive times', async () => {
    const { kv } = setup();
    await expect(kv.set('k', 'v', { NX: true, XX: true })).rejects.toMatchObject({ message: 'ERR syntax error' });
    await expect(kv.set('k', 'v', { EX: 1, PX: 1000 })).rejects.toMatchObject({ message: 'ERR syntax error' });
    await expect(kv.set('k', 'v', { PX: 10, KEEPTTL: true })).rejects.toMatchObject({ message: 'ERR syntax error' });
    await expect(kv.set('k', 'v', { PX: 0 })).rejects.toMatchObject({ message: "ERR invalid expire time in 'set' command" });
    await expect(kv.set('k', 'v', { EX: -5 })).rejects.toMatchObject({ message: "ERR invalid expire time in 'set' command" });
    await expect(kv.set('k', 'v', { PX: 1.5 })).rejects.toMatchObject(NOT_INTEGER);
    expect(await kv.exists('k')).toBe(0);
  });

  it('DEL counts the keys that existed; EXISTS counts repeated keys each time', async () => {
    const { kv } = setup();
    await kv.mset({ a: '1', b: '2' });
    await kv.hset('h', 'f', 'v');
    expect(await kv.exists('a', 'a', 'b', 'zz', 'h')).toBe(4);
    expect(await kv.del('a', 'h', 'missing', 'a')).toBe(2);
    expect(await kv.exists('a', 'b', 'h')).toBe(1);
  });

  it('DEL and EXISTS with no keys are arity errors', async () => {
    const { kv } = setup();
    await expect(kv.del()).rejects.toMatchObject({ message: "ERR wrong number of arguments for 'del' command" });
    await expect(kv.exists()).rejects.toMatchObject({ message: "ERR wrong number of arguments for 'exists' command" });
  });

  it('INCR/INCRBY/DECR/DECRBY start from 0 and return the new value', async () => {
    const { kv } = setup();
    expect(await kv.incr('c')).toBe(1);
    expect(await kv.incrby('c', 10)).toBe(11);
    expect(await kv.decr('c')).toBe(10);
    expect(await kv.decrby('c', 12)).toBe(-2);
    expect(await kv.get('c')).toBe('-2');
    expect(await kv.decrby('fresh', 3)).toBe(-3);
  });

  it('DECRBY on a non-integer errors and leaves the value unchanged', async () => {
    const { kv } = setup();
    for (const bad of ['abc', '1.5', ' 1', '01', '+1', '-0', '', '9007199254740993']) {
      await kv.set('k', bad);
      await expect(kv.decrby('k', 2)).rejects.toMatchObject(NOT_INTEGER);
      expect(await kv.get('k')).toBe(bad);
    }
  });

  it('INCRBY with a non-integer increment errors; overflow past the safe range errors', async () => {
    const { kv } = setup();
    await kv.set('k', '5');
    await expect(kv.incrby('k', 1.5)).rejects.toMatchObject(NOT_INTEGER);
    await kv.set('big', String(Number.MAX_SAFE_INTEGER));
    await expect(kv.incr('big')).rejects.toMatchObject({ message: 'ERR increment or decrement would overflow' });
    expect(await kv.get('big')).toBe(String(Number.MAX_SAFE_INTEGER));
    expect(await kv.get('k')).toBe('5');
  });

  it('INCR on a hash is WRONGTYPE', async () => {
    const { kv } = setup();
    await kv.hset('h', 'f', '1');
    await expect(kv.incr('h')).rejects.toMatchObject(WRONGTYPE);
    await expect(kv.get('h')).rejects.toMatchObject(WRONGTYPE);
  });

  it('INCR keeps the TTL; SET clears it unless KEEPTTL', async () => {
    const { ctx, kv } = setup();
    await kv.set('k', '1', { PX: 1000 });
    ctx.setNow(200);
    expect(await kv.incr('k')).toBe(2);
    expect(await kv.pttl('k')).toBe(800);
    await kv.set('k', '5', { KEEPTTL: true });
    expect(await kv.pttl('k')).toBe(800);
    await kv.set('k', '6');
    expect(await kv.pttl('k')).toBe(-1);
  });

  it('MGET answers null for missing keys and hashes; MSET takes a record or pairs and clears TTLs', async () => {
    const { kv } = setup();
    await kv.set('a', 'old', { PX: 50 });
    expect(await kv.mset([['a', '1'], ['b', 2]])).toBe('OK');
    await kv.hset('h', 'f', 'v');
    expect(await kv.mget('a', 'b', 'h', 'nope')).toEqual(['1', '2', null, null]);
    expect(await kv.ttl('a')).toBe(-1);
    await expect(kv.mset({})).rejects.toMatchObject({ message: "ERR wrong number of arguments for 'mset' command" });
  });

  it('rejects keys and values a Redis client could not send', async () => {
    const { kv } = setup();
    await expect(kv.get(undefined as unknown as string)).rejects.toMatchObject({ code: 'KV' });
    await expect(kv.set('k', undefined as unknown as string)).rejects.toMatchObject({ code: 'KV' });
    await expect(kv.set('k', NaN)).rejects.toMatchObject({ code: 'KV' });
    expect(await kv.dbsize()).toBe(0);
  });
});

describe('expiry on the virtual clock', () => {
  it('a key set with PX 100 at t=0 is there at 99 and gone at 100', async () => {
    const { ctx, kv } = setup();
    await kv.set('res:o1', '2', { PX: 100 });
    ctx.setNow(99);
    expect(await kv.get('res:o1')).toBe('2');
    expect(await kv.pttl('res:o1')).toBe(1);
    ctx.setNow(100);
    expect(await kv.get('res:o1')).toBeNull();
    expect(await kv.exists('res:o1')).toBe(0);
    expect(await kv.pttl('res:o1')).toBe(-2);
  });

  it('EX counts seconds; EXAT/PXAT are absolute virtual times', async () => {
    const { ctx, kv } = setup();
    ctx.setNow(1000);
    await kv.set('a', '1', { EX: 2 });
    await kv.set('b', '1', { PXAT: 1500 });
    await kv.set('c', '1', { EXAT: 3 });
    expect([await kv.pttl('a'), await kv.pttl('b'), await kv.pttl('c')]).toEqual([2000, 500, 2000]);
    ctx.setNow(1500);
    expect(await kv.exists('a', 'b', 'c')).toBe(2);
  });

  it('TTL is -2 for a missing key, -1 without expiry, else seconds rounded to nearest', async () => {
    const { ctx, kv } = setup();
    expect(await kv.ttl('nope')).toBe(-2);
    expect(await kv.pttl('nope')).toBe(-2);
    await kv.set('k', 'v');
    expect(await kv.ttl('k')).toBe(-1);
    expect(await kv.pttl('k')).toBe(-1);
    await kv.set('t', 'v', { PX: 10_000 });
    ctx.setNow(8_501);
    expect(await kv.ttl('t')).toBe(1); // 1499 ms
    ctx.setNow(8_500);
    expect(await kv.ttl('t')).toBe(2); // 1500 ms
  });

  it('EXPIRE/PEXPIRE return 1 when set, 0 on a missing key; a past time deletes the key', async () => {
    const { ctx, kv } = setup();
    expect(await kv.expire('nope', 10)).toBe(0);
    await kv.set('k', 'v');
    expect(await kv.expire('k', 10)).toBe(1);
    expect(await kv.pttl('k')).toBe(10_000);
    expect(await kv.pexpire('k', 250)).toBe(1);
    ctx.setNow(249);
    expect(await kv.get('k')).toBe('v');
    ctx.setNow(250);
    expect(await kv.get('k')).toBeNull();
    await kv.set('d', 'v');
    expect(await kv.expire('d', 0)).toBe(1);
    expect(await kv.exists('d')).toBe(0);
    expect(await kv.pexpire('d', -1)).toBe(0);
  });

  it('EXPIRE conditions NX, XX, GT, LT (no TTL counts as infinite)', async () => {
    const { kv } = setup();
    await kv.set('k', 'v');
    expect(await kv.expire('k', 10, 'XX')).toBe(0);
    expect(await kv.expire('k', 10, 'GT')).toBe(0);
    expect(await kv.expire('k', 10, 'NX')).toBe(1);
    expect(await kv.expire('k', 20, 'NX')).toBe(0);
    expect(await kv.expire('k', 5, 'GT')).toBe(0);
    expect(await kv.expire('k', 20, 'GT')).toBe(1);
    expect(await kv.expire('k', 30, 'LT')).toBe(0);
    expect(await kv.expire('k', 15, 'LT')).toBe(1);
    expect(await kv.ttl('k')).toBe(15);
    // An equal time is neither greater nor less.
    expect(await kv.expire('k', 15, 'GT')).toBe(0);
    expect(await kv.expire('k', 15, 'LT')).toBe(0);
    await kv.set('p', 'v');
    expect(await kv.expire('p', 15, 'LT')).toBe(1);
  });

  it('EXPIRE with a non-integer is an error and changes nothing', async () => {
    const { kv } = setup();
    await kv.set('k', 'v');
    await expect(kv.expire('k', 1.5)).rejects.toMatchObject(NOT_INTEGER);
    expect(await kv.ttl('k')).toBe(-1);
  });

  it('PERSIST removes a timeout (1) and answers 0 when there is none', async () => {
    const { ctx, kv } = setup();
    expect(await kv.persist('nope')).toBe(0);
    await kv.set('k', 'v', { PX: 100 });
    expect(await kv.persist('k')).toBe(1);
    expect(await kv.persist('k')).toBe(0);
    ctx.setNow(1_000);
    expect(await kv.get('k')).toBe('v');
  });

  it('an expired hash is gone for every hash command', async () => {
    const { ctx, kv } = setup();
    await kv.hset('h', { a: '1' });
    await kv.pexpire('h', 10);
    ctx.setNow(10);
    expect(await kv.hgetall('h')).toEqual({});
    expect(await kv.hlen('h')).toBe(0);
    expect(await kv.hincrby('h', 'a', 1)).toBe(1); // starts a new hash from 0
    expect(await kv.pttl('h')).toBe(-1);
  });
});

describe('hashes', () => {
  it('HSET counts new fields only; HGET/HGETALL/HLEN/HEXISTS read them', async () => {
    const { kv } = setup();
    expect(await kv.hset('user:1', { name: 'Ann', city: 'Oslo' })).toBe(2);
    expect(await kv.hset('user:1', { city: 'Rome', age: 30 })).toBe(1);
    expect(await kv.hset('user:1', 'name', 'Bo')).toBe(0);
    expect(await kv.hget('user:1', 'city')).toBe('Rome');
    expect(await kv.hget('user:1', 'nope')).toBeNull();
    expect(await kv.hget('nope', 'x')).toBeNull();
    expect(await kv.hgetall('user:1')).toEqual({ name: 'Bo', city: 'Rome', age: '30' });
    expect(await kv.hgetall('nope')).toEqual({});
    expect(await kv.hlen('user:1')).toBe(3);
    expect(await kv.hexists('user:1', 'age')).toBe(1);
    expect(await kv.hexists('user:1', 'zip')).toBe(0);
  });

  it('a field named __proto__ is an ordinary field', async () => {
    const { kv } = setup();
    await kv.hset('h', '__proto__', 'x');
    const all = await kv.hgetall('h');
    expect(Object.keys(all)).toEqual(['__proto__']);
    expect(all['__proto__']).toBe('x');
  });

  it('HDEL counts removed fields and deletes the key with its last field', async () => {
    const { kv } = setup();
    await kv.hset('h', { a: '1', b: '2' });
    expect(await kv.hdel('h', 'a', 'zz')).toBe(1);
    expect(await kv.exists('h')).toBe(1);
    expect(await kv.hdel('h', 'b')).toBe(1);
    expect(await kv.exists('h')).toBe(0);
    expect(await kv.hdel('h', 'b')).toBe(0);
  });

  it('HINCRBY creates and increments; a non-integer field errors and stays', async () => {
    const { kv } = setup();
    expect(await kv.hincrby('stock', 'p1', 5)).toBe(5);
    expect(await kv.hincrby('stock', 'p1', -7)).toBe(-2);
    await kv.hset('stock', 'p2', 'many');
    await expect(kv.hincrby('stock', 'p2', 1)).rejects.toMatchObject({ code: 'KV', message: 'ERR hash value is not an integer' });
    expect(await kv.hget('stock', 'p2')).toBe('many');
    await expect(kv.hincrby('stock', 'p1', 0.5)).rejects.toMatchObject(NOT_INTEGER);
  });

  it('hash commands on a string are WRONGTYPE and change nothing', async () => {
    const { kv } = setup();
    await kv.set('s', 'v');
    for (const p of [
      kv.hset('s', 'f', 'v'),
      kv.hget('s', 'f'),
      kv.hgetall('s'),
      kv.hdel('s', 'f'),
      kv.hincrby('s', 'f', 1),
      kv.hexists('s', 'f'),
      kv.hlen('s'),
    ]) {
      await expect(p).rejects.toMatchObject(WRONGTYPE);
    }
    expect(await kv.get('s')).toBe('v');
  });
});

describe('keys', () => {
  it('KEYS matches globs over live keys, sorted', async () => {
    const { ctx, kv } = setup();
    await kv.mset({ 'stock:p2': '1', 'stock:p1': '1', 'stock:p10': '1', 'res:o1': '1' });
    await kv.set('stock:tmp', '1', { PX: 5 });
    ctx.setNow(5);
    expect(await kv.keys('stock:*')).toEqual(['stock:p1', 'stock:p10', 'stock:p2']);
    expect(await kv.keys('stock:p?')).toEqual(['stock:p1', 'stock:p2']);
    expect(await kv.keys('stock:p[12]*')).toEqual(['stock:p1', 'stock:p10', 'stock:p2']);
    expect(await kv.keys('*')).toHaveLength(4);
  });

  it('DBSIZE counts live keys; FLUSHALL empties', async () => {
    const { ctx, kv } = setup();
    await kv.mset({ a: '1', b: '2' });
    await kv.set('t', '1', { PX: 10 });
    expect(await kv.dbsize()).toBe(3);
    ctx.setNow(10);
    expect(await kv.dbsize()).toBe(2);
    expect(await kv.flushall()).toBe('OK');
    expect(await kv.dbsize()).toBe(0);
    expect(await kv.keys('*')).toEqual([]);
  });

  it('TYPE names string, hash or none', async () => {
    const { kv } = setup();
    await kv.set('s', 'v');
    await kv.hset('h', 'f', 'v');
    expect([await kv.type('s'), await kv.type('h'), await kv.type('x')]).toEqual(['string', 'hash', 'none']);
  });
});

describe('trace records and access checks', () => {
  it('records one report per command with Redis-like summaries, counts and errors', async () => {
    const { ctx, kv } = setup();
    await kv.set('stock:p1', 10);
    await kv.decrby('stock:p1', 2);
    await kv.set('res:o1', '2', { NX: true, PX: 60_000 });
    await kv.del('a', 'b');
    await kv.set('note', 'two words');
    await kv.hset('h', 'f', 'x');
    await kv.incr('h').catch(() => {});
    expect(ctx.reports).toEqual([
      { op: 'SET', summary: 'SET stock:p1 10', ok: true },
      { op: 'DECRBY', summary: 'DECRBY stock:p1 2', ok: true },
      { op: 'SET', summary: 'SET res:o1 2 NX PX 60000', ok: true },
      { op: 'DEL', summary: 'DEL a b', ok: true, count: 0 },
      { op: 'SET', summary: 'SET note "two words"', ok: true },
      { op: 'HSET', summary: 'HSET h f x', ok: true, count: 1 },
      {
        op: 'INCR',
        summary: 'INCR h',
        ok: false,
        error: { code: 'KV', message: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
      },
    ]);
  });

  it('errors are SimErrors with code KV and the Redis prefix in details', async () => {
    const { kv } = setup();
    await kv.set('k', 'x');
    const err = await kv.incr('k').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimError);
    expect((err as SimError).details.prefix).toBe('ERR');
  });

  it('commands run in call order even when not awaited (like a pipeline)', async () => {
    const { kv } = setup();
    const p1 = kv.set('k', '1');
    const p2 = kv.incr('k');
    const p3 = kv.get('k');
    expect(await Promise.all([p1, p2, p3])).toEqual(['OK', 2, '2']);
  });

  it('a closed store rejects commands', async () => {
    const { kv } = setup();
    await kv.close();
    await expect(kv.get('k')).rejects.toMatchObject({ code: 'KV', message: 'ERR the store is closed' });
  });
});

describe('formatCommand', () => {
  it('quotes the arguments redis-cli would quote, and only those', () => {
    expect(formatCommand('SET', ['plain:key', 'café', 12])).toBe('SET plain:key café 12');
    expect(formatCommand('SET', ['a b', 'tab\there', 'it\'s', 'back\\slash', 'nb\u00a0space', ''])).toBe(
      'SET "a b" "tab\\there" "it\'s" "back\\\\slash" "nb\u00a0space" ""',
    );
  });
});
