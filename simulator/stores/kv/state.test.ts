import { describe, expect, it } from 'vitest';
import { ForeignStoreAccessError } from '../../core/errors';
import type { Json } from '../../core/json';
import { createTestStoreContext, type StoreContext, type StoreOpReport } from '../../core/storeContext';
import { createKvStore, KV_STATE_FORMAT } from './kvStore';
import type { KvStore } from './types';

async function seeded(): Promise<{ kv: KvStore; ctx: ReturnType<typeof createTestStoreContext> }> {
  const ctx = createTestStoreContext('inventory.kv', 'inventory');
  const kv = createKvStore(ctx);
  ctx.setNow(1_000);
  await kv.mset({ 'stock:p1': 10, 'stock:p2': 0 });
  await kv.set('res:o1', '2', { PX: 60_000 });
  await kv.set('gone', 'x', { PX: 10 });
  // A JSON object would move integer-like field names first; the state keeps insertion order.
  await kv.hset('order:o1', 'status', 'reserved');
  await kv.hset('order:o1', '2', 'b');
  await kv.hset('order:o1', '1', 'a');
  await kv.pexpire('order:o1', 5_000);
  ctx.setNow(1_010);
  return { kv, ctx };
}

describe('entries()', () => {
  it('lists live keys sorted, with type, value and remaining TTL', async () => {
    const { kv } = await seeded();
    expect(kv.entries()).toEqual([
      { key: 'order:o1', type: 'hash', value: { status: 'reserved', '1': 'a', '2': 'b' }, expiresAt: 6_000, ttlMs: 4_990 },
      { key: 'res:o1', type: 'string', value: '2', expiresAt: 61_000, ttlMs: 59_990 },
      { key: 'stock:p1', type: 'string', value: '10', expiresAt: null, ttlMs: null },
      { key: 'stock:p2', type: 'string', value: '0', expiresAt: null, ttlMs: null },
    ]);
  });

  it('does not check access, record, or reap', async () => {
    const { kv, ctx } = await seeded();
    const before = ctx.reports.length;
    kv.entries();
    await kv.exportState();
    expect(ctx.reports.length).toBe(before);
  });
});

describe('exportState / importState', () => {
  it('exports live keys with values and absolute expiry times', async () => {
    const { kv } = await seeded();
    expect(await kv.exportState()).toEqual({
      format: KV_STATE_FORMAT,
      entries: [
        { key: 'order:o1', type: 'hash', value: [['status', 'reserved'], ['2', 'b'], ['1', 'a']], expiresAt: 6_000 },
        { key: 'res:o1', type: 'string', value: '2', expiresAt: 61_000 },
        { key: 'stock:p1', type: 'string', value: '10', expiresAt: null },
        { key: 'stock:p2', type: 'string', value: '0', expiresAt: null },
      ],
    });
  });

  it('export → import into a fresh store → export is equal, and behaves the same', async () => {
    const { kv, ctx } = await seeded();
    const state = await kv.exportState();
    const ctx2 = createTestStoreContext('copy.kv', 'inventory');
    ctx2.setNow(ctx.clock.now());
    const copy = createKvStore(ctx2);
    await copy.set('stale', 'should vanish');
    await copy.importState(state);
    expect(await copy.exportState()).toEqual(state);
    expect(copy.entries()).toEqual(kv.entries());
    expect(JSON.stringify(await copy.exportState())).toBe(JSON.stringify(state));
    // Expiry is absolute: both copies drop the reservation at the same virtual time.
    ctx.setNow(61_000);
    ctx2.setNow(61_000);
    expect(await copy.exists('res:o1')).toBe(0);
    expect(await kv.exists('res:o1')).toBe(0);
  });

  it('the state survives JSON serialization', async () => {
    const { kv } = await seeded();
    const state = await kv.exportState();
    const ctx2 = createTestStoreContext();
    ctx2.setNow(1_010);
    const copy = createKvStore(ctx2);
    await copy.importState(JSON.parse(JSON.stringify(state)) as Json);
    expect(await copy.hgetall('order:o1')).toEqual({ status: 'reserved', '1': 'a', '2': 'b' });
    expect(await copy.exportState()).toEqual(state);
  });

  it('a bad state is refused and changes nothing', async () => {
    const { kv } = await seeded();
    const before = await kv.exportState();
    const bad: Json[] = [
      null,
      [],
      { format: 'other', entries: [] },
      { format: KV_STATE_FORMAT, entries: [{ key: 'a', type: 'list', value: [], expiresAt: null }] },
      { format: KV_STATE_FORMAT, entries: [{ key: 'a', type: 'string', value: 1, expiresAt: null }] },
      { format: KV_STATE_FORMAT, entries: [{ key: 'a', type: 'hash', value: [], expiresAt: null }] },
      { format: KV_STATE_FORMAT, entries: [{ key: 'a', type: 'string', value: 'x', expiresAt: 1.5 }] },
      {
        format: KV_STATE_FORMAT,
        entries: [
          { key: 'a', type: 'string', value: 'x', expiresAt: null },
          { key: 'a', type: 'string', value: 'y', expiresAt: null },
        ],
      },
    ];
    for (const s of bad) await expect(kv.importState(s)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await kv.exportState()).toEqual(before);
  });

  it('importing invalidates WATCHes on keys it changes', async () => {
    const { kv } = await seeded();
    const state = await kv.exportState();
    const a = kv.client();
    await a.watch('stock:p1');
    await kv.set('stock:p1', 99);
    await kv.importState(state); // back to 10, but it did change in between
    expect(await a.multi().get('stock:p1').exec()).toBeNull();
  });

  it('reset empties the store', async () => {
    const { kv } = await seeded();
    await kv.reset();
    expect(kv.entries()).toEqual([]);
    expect(await kv.dbsize()).toBe(0);
  });
});

describe('access checks', () => {
  /** A context whose checkAccess throws while `deny` is on, as the engine's does for a foreign handler. */
  function guarded() {
    const base = createTestStoreContext('inventory.kv', 'inventory');
    let deny = false;
    let checks = 0;
    const ctx: StoreContext & { reports: StoreOpReport[] } = {
      ...base,
      checkAccess: () => {
        checks++;
        if (deny) throw new ForeignStoreAccessError('order', 'inventory', 'inventory.kv');
      },
    };
    return {
      ctx,
      setDeny: (d: boolean) => (deny = d),
      checks: () => checks,
      setNow: base.setNow,
    };
  }

  it('with a denying context, every command rejects and nothing changes', async () => {
    const g = guarded();
    const kv = createKvStore(g.ctx);
    const other = kv.client();
    await kv.mset({ 'stock:p1': 5, s: 'abc' });
    await kv.set('res:o1', '1', { PX: 100 });
    await kv.hset('h', { f: '1' });
    const tx = kv.multi().incr('stock:p1'); // queueing touches nothing, so it is allowed
    const before = await kv.exportState();
    const reportsBefore = g.ctx.reports.length;
    g.setDeny(true);
    g.setNow(100); // res:o1 is now due: a denied command must not even reap it

    const attempts: Array<() => Promise<unknown>> = [
      () => kv.get('stock:p1'),
      () => kv.set('stock:p1', 1),
      () => kv.set('new', 1, { NX: true }),
      () => kv.del('stock:p1'),
      () => kv.exists('res:o1'),
      () => kv.incr('stock:p1'),
      () => kv.incrby('stock:p1', 2),
      () => kv.decr('stock:p1'),
      () => kv.decrby('stock:p1', 2),
      () => kv.mget('stock:p1'),
      () => kv.mset({ x: 1 }),
      () => kv.expire('stock:p1', 1),
      () => kv.pexpire('stock:p1', 1),
      () => kv.ttl('res:o1'),
      () => kv.pttl('res:o1'),
      () => kv.persist('res:o1'),
      () => kv.type('res:o1'),
      () => kv.hset('h', 'f', '2'),
      () => kv.hget('h', 'f'),
      () => kv.hgetall('h'),
      () => kv.hdel('h', 'f'),
      () => kv.hincrby('h', 'f', 1),
      () => kv.hexists('h', 'f'),
      () => kv.hlen('h'),
      () => kv.keys('*'),
      () => kv.dbsize(),
      () => kv.flushall(),
      () => kv.watch('stock:p1'),
      () => kv.unwatch(),
      () => kv.decrByIfAtLeast('stock:p1', 1),
      () => tx.exec(),
      () => kv.multi().set('y', 1).discard(),
      () => other.set('stock:p1', 0),
      () => other.del(), // even an arity error is reported after the access check
    ];
    for (const attempt of attempts) {
      await expect(attempt()).rejects.toBeInstanceOf(ForeignStoreAccessError);
    }
    expect(g.checks()).toBeGreaterThanOrEqual(attempts.length);
    // Each denied attempt is in the trace, as a failed operation.
    const denied = g.ctx.reports.slice(reportsBefore);
    expect(denied).toHaveLength(attempts.length);
    expect(denied.every((r) => !r.ok && r.error?.code === 'FOREIGN_STORE_ACCESS')).toBe(true);

    g.setDeny(false);
    g.setNow(0);
    expect(await kv.exportState()).toEqual(before);
  });

  it('calls checkAccess before every command', async () => {
    const g = guarded();
    const kv = createKvStore(g.ctx);
    await kv.set('a', '1');
    await kv.get('a');
    await kv.multi().incr('a').exec();
    expect(g.checks()).toBe(3);
  });
});
