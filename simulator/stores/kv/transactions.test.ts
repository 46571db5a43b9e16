import { describe, expect, expectTypeOf, it } from 'vitest';
import { SimError } from '../../core/errors';
import { createTestStoreContext } from '../../core/storeContext';
import { createKvStore } from './kvStore';
import type { KvClient } from './types';

function setup() {
  const ctx = createTestStoreContext('inventory.kv', 'inventory');
  const kv = createKvStore(ctx);
  return { ctx, kv };
}

describe('MULTI/EXEC', () => {
  it('runs the queued commands and returns their replies in order', async () => {
    const { kv } = setup();
    await kv.set('stock:p1', 10);
    const tx = kv.multi();
    tx.decrby('stock:p1', 2).set('res:o1', '2', { PX: 60_000 });
    expect(tx.length).toBe(2);
    expect(await tx.exec()).toEqual([8, 'OK']);
    expect(await kv.get('stock:p1')).toBe('8');
    expect(await kv.pttl('res:o1')).toBe(60_000);
  });

  it('nothing reaches the store before exec', async () => {
    const { ctx, kv } = setup();
    const tx = kv.multi().set('a', '1').incr('b');
    expect(await kv.dbsize()).toBe(0);
    expect(ctx.reports.map((r) => r.op)).toEqual(['DBSIZE']);
    await tx.exec();
    expect(await kv.mget('a', 'b')).toEqual(['1', '1']);
  });

  it('a run-time error takes its slot and the other commands still apply (no rollback)', async () => {
    const { ctx, kv } = setup();
    await kv.set('stock:p1', 'lots');
    const replies = await kv.multi().set('a', '1').decrby('stock:p1', 2).incr('a').exec();
    expect(replies).not.toBeNull();
    const [r0, r1, r2] = replies!;
    expect(r0).toBe('OK');
    expect(r1).toBeInstanceOf(SimError);
    expect(r1).toMatchObject({ code: 'KV', message: 'ERR value is not an integer or out of range' });
    expect(r2).toBe(2);
    expect(await kv.get('stock:p1')).toBe('lots');
    expect(await kv.get('a')).toBe('2');
    expect(ctx.reports.at(-3)).toEqual({
      op: 'EXEC',
      summary: 'MULTI; SET a 1; DECRBY stock:p1 2; INCR a; EXEC → 1 of 3 commands failed',
      ok: true,
      count: 3,
    });
  });

  it('a command refused while queueing aborts the whole transaction (EXECABORT)', async () => {
    const { kv } = setup();
    const tx = kv.multi().set('a', '1').del();
    await expect(tx.exec()).rejects.toMatchObject({ code: 'KV', message: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(await kv.exists('a')).toBe(0);
  });

  it('commands inside see the effects of earlier ones in the same transaction', async () => {
    const { kv } = setup();
    expect(await kv.multi().incr('n').incr('n').get('n').exec()).toEqual([1, 2, '2']);
  });

  it('an empty transaction replies []', async () => {
    const { kv } = setup();
    expect(await kv.multi().exec()).toEqual([]);
  });

  it('DISCARD drops the queue; a finished transaction cannot run again', async () => {
    const { kv } = setup();
    const tx = kv.multi().set('a', '1');
    expect(await tx.discard()).toBe('OK');
    expect(await kv.exists('a')).toBe(0);
    await expect(tx.exec()).rejects.toMatchObject({ message: 'ERR EXEC without MULTI' });
    const tx2 = kv.multi().set('b', '1');
    await tx2.exec();
    await expect(tx2.exec()).rejects.toMatchObject({ message: 'ERR EXEC without MULTI' });
    expect(() => tx2.set('c', '1')).toThrow(SimError);
  });

  it('types the replies as a tuple', async () => {
    const { kv } = setup();
    const replies = await kv.multi().decrby('s', 2).get('s').set('x', '1', { NX: true }).exec();
    expectTypeOf(replies).toEqualTypeOf<
      [number | SimError, string | null | SimError, 'OK' | null | SimError] | null
    >();
    expect(replies).toEqual([-2, '-2', 'OK']);
  });
});

describe('WATCH', () => {
  /** The textbook reservation: read stock, reserve only if enough, all under WATCH. */
  async function reserve(c: KvClient, product: string, order: string, qty: number) {
    await c.watch(`stock:${product}`);
    const stock = Number((await c.get(`stock:${product}`)) ?? 0);
    if (stock < qty) {
      await c.unwatch();
      return 'insufficient' as const;
    }
    return c.multi().decrby(`stock:${product}`, qty).set(`res:${order}`, String(qty), { PX: 60_000 }).exec();
  }

  it('client A WATCHes, client B modifies, A’s EXEC returns null and changes nothing', async () => {
    const { kv } = setup();
    await kv.set('stock:p1', 5);
    const a = kv.client();
    const b = kv.client();
    await a.watch('stock:p1');
    expect(await a.get('stock:p1')).toBe('5');
    expect(await b.decrby('stock:p1', 4)).toBe(1);
    const replies = await a.multi().decrby('stock:p1', 3).set('res:oA', '3').exec();
    expect(replies).toBeNull();
    expect(await kv.get('stock:p1')).toBe('1');
    expect(await kv.exists('res:oA')).toBe(0);
  });

  it('without a conflicting write, EXEC commits', async () => {
    const { kv } = setup();
    await kv.set('stock:p1', 5);
    const a = kv.client();
    const b = kv.client();
    await a.watch('stock:p1');
    await b.set('other', 'x'); // an unwatched key does not matter
    await b.get('stock:p1'); // nor does a read
    expect(await a.multi().decrby('stock:p1', 3).exec()).toEqual([2]);
  });

  it('expiry of a watched key counts as a change', async () => {
    const { ctx, kv } = setup();
    await kv.set('res:o1', '2', { PX: 100 });
    const a = kv.client();
    await a.watch('res:o1');
    ctx.setNow(100);
    expect(await a.multi().set('res:o1', '3').exec()).toBeNull();
    expect(await kv.exists('res:o1')).toBe(0);
  });

  it('a key already expired when watched does not abort EXEC', async () => {
    const { ctx, kv } = setup();
    await kv.set('res:o1', '2', { PX: 100 });
    ctx.setNow(150);
    const a = kv.client();
    await a.watch('res:o1');
    expect(await a.multi().set('res:o1', '3').exec()).toEqual(['OK']);
  });

  it('creating then deleting a watched missing key still aborts (versions never repeat)', async () => {
    const { kv } = setup();
    const a = kv.client();
    const b = kv.client();
    await a.watch('k');
    await b.set('k', '1');
    await b.del('k');
    expect(await a.multi().set('k', 'mine').exec()).toBeNull();
  });

  it('the same connection’s own writes between WATCH and EXEC also abort (as in Redis)', async () => {
    const { kv } = setup();
    await kv.watch('k');
    await kv.set('k', '1');
    expect(await kv.multi().set('k', '2').exec()).toBeNull();
    expect(await kv.get('k')).toBe('1');
  });

  it('watches end at EXEC, DISCARD and UNWATCH', async () => {
    const { kv } = setup();
    const a = kv.client();
    const b = kv.client();
    await a.watch('k');
    await b.set('k', '1');
    expect(await a.multi().set('x', '1').exec()).toBeNull();
    // The failed EXEC ended the watch: the next transaction commits.
    await b.set('k', '2');
    expect(await a.multi().set('x', '1').exec()).toEqual(['OK']);

    await a.watch('k');
    await a.unwatch();
    await b.set('k', '3');
    expect(await a.multi().set('x', '2').exec()).toEqual(['OK']);

    await a.watch('k');
    await a.multi().set('x', '3').discard();
    await b.set('k', '4');
    expect(await a.multi().set('x', '4').exec()).toEqual(['OK']);
  });

  it('failed writes (SET NX on an existing key, DECRBY error) are not changes', async () => {
    const { kv } = setup();
    await kv.set('k', 'abc');
    const a = kv.client();
    const b = kv.client();
    await a.watch('k');
    expect(await b.set('k', 'x', { NX: true })).toBeNull();
    await b.decrby('k', 1).catch(() => {});
    expect(await b.expire('k', 10, 'XX')).toBe(0);
    expect(await a.multi().set('k', 'mine').exec()).toEqual(['OK']);
  });

  it('one client’s watch is not another’s', async () => {
    const { kv } = setup();
    const a = kv.client();
    const b = kv.client();
    await a.watch('k');
    await kv.set('k', '1');
    expect(await b.multi().set('y', '1').exec()).toEqual(['OK']);
    expect(await a.multi().set('y', '2').exec()).toBeNull();
  });

  it('two concurrent reservations: the loser gets null and retries against fresh stock', async () => {
    const { kv } = setup();
    await kv.set('stock:p1', 3);
    const a = kv.client();
    const b = kv.client();
    // Interleave by hand: both read 3, B commits first.
    await a.watch('stock:p1');
    await b.watch('stock:p1');
    expect(await a.get('stock:p1')).toBe('3');
    expect(await b.get('stock:p1')).toBe('3');
    expect(await b.multi().decrby('stock:p1', 2).set('res:oB', '2').exec()).toEqual([1, 'OK']);
    expect(await a.multi().decrby('stock:p1', 2).set('res:oA', '2').exec()).toBeNull();
    // A retries and now sees there is not enough.
    expect(await reserve(a, 'p1', 'oA', 2)).toBe('insufficient');
    expect(await kv.get('stock:p1')).toBe('1');
    expect(await kv.keys('res:*')).toEqual(['res:oB']);
  });

  it('records WATCH and an aborted EXEC in the trace', async () => {
    const { ctx, kv } = setup();
    const a = kv.client();
    await a.watch('k', 'j');
    await kv.set('k', '1');
    await a.multi().set('k', '2').exec();
    expect(ctx.reports).toEqual([
      { op: 'WATCH', summary: 'WATCH k j', ok: true },
      { op: 'SET', summary: 'SET k 1', ok: true },
      { op: 'EXEC', summary: 'MULTI; SET k 2; EXEC → (nil): a watched key changed', ok: true, count: 0 },
    ]);
  });
});

describe('decrByIfAtLeast', () => {
  it('decrements when there is enough and returns the new value', async () => {
    const { kv } = setup();
    await kv.set('stock:p1', 5);
    expect(await kv.decrByIfAtLeast('stock:p1', 2)).toBe(3);
    expect(await kv.decrByIfAtLeast('stock:p1', 3)).toBe(0);
    expect(await kv.get('stock:p1')).toBe('0');
  });

  it('returns null and changes nothing when there is not enough (a missing key is 0)', async () => {
    const { kv } = setup();
    await kv.set('stock:p1', 1);
    expect(await kv.decrByIfAtLeast('stock:p1', 2)).toBeNull();
    expect(await kv.get('stock:p1')).toBe('1');
    expect(await kv.decrByIfAtLeast('nope', 1)).toBeNull();
    expect(await kv.exists('nope')).toBe(0);
  });

  it('errors like DECRBY on a non-integer or a hash', async () => {
    const { kv } = setup();
    await kv.set('s', 'abc');
    await kv.hset('h', 'f', '1');
    await expect(kv.decrByIfAtLeast('s', 1)).rejects.toMatchObject({ message: 'ERR value is not an integer or out of range' });
    await expect(kv.decrByIfAtLeast('h', 1)).rejects.toMatchObject({ code: 'KV', message: /^WRONGTYPE/ });
    await expect(kv.decrByIfAtLeast('s', 1.5)).rejects.toMatchObject({ code: 'KV' });
    expect(await kv.get('s')).toBe('abc');
  });

  it('keeps the TTL and counts as a change for WATCH', async () => {
    const { kv } = setup();
    await kv.set('k', '5', { PX: 1000 });
    const a = kv.client();
    await a.watch('k');
    expect(await kv.decrByIfAtLeast('k', 1)).toBe(4);
    expect(await kv.pttl('k')).toBe(1000);
    expect(await a.multi().get('k').exec()).toBeNull();
  });
});
