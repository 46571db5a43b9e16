import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyError, MalformedEventError, MissingUpcasterError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import { createRng } from '../../core/rng';
import { createTestStoreContext } from '../../core/storeContext';
import { getNodePgliteRuntime } from '../sql/nodePgliteRuntime';
import { sharePglite, type SchemaConnection } from '../sql/sharedPglite';
import { createPgliteEventStore, type PgliteEventStore } from './createPgliteEventStore';
import { eventIdFor } from './eventId';
import type { NewEvent, ProjectionDefinition, StoredEvent } from './types';

let ctx: ReturnType<typeof createTestStoreContext>;
let store: PgliteEventStore;
/** The store's schema, for writing behind its back. */
let conn: SchemaConnection;

beforeAll(async () => {
  const runtime = await getNodePgliteRuntime();
  const shared = sharePglite(await runtime.acquire(), (d) => runtime.release(d));
  ctx = createTestStoreContext('order.events', 'order');
  // Small pages so the tests cross page boundaries.
  conn = await shared.connect(ctx.name);
  store = await createPgliteEventStore(ctx, conn, { pageSize: 7 });
});

afterAll(async () => {
  await store.close();
});

beforeEach(async () => {
  await store.reset();
  ctx.reports.length = 0;
  ctx.setNow(0);
});

const itemAdded = (productId: string, quantity: number, price: number): NewEvent => ({
  type: 'ItemAdded',
  data: { product_id: productId, quantity, price },
});

describe('append and read', () => {
  it('stores the course example: two ItemAdded then OrderConfirmed as versions 1..3', async () => {
    ctx.setNow(1500);
    const res = await store.append(
      'order-123',
      'Order',
      [itemAdded('product-1', 2, 50), itemAdded('product-2', 1, 30), { type: 'OrderConfirmed', data: { total_amount: 130 } }],
      0,
      { correlationId: 'c-1', causationId: 'm-1' },
    );
    expect(res.version).toBe(3);
    expect(res.positions).toEqual([1, 2, 3]);
    expect(res.eventIds).toEqual([1, 2, 3].map((v) => eventIdFor('order-123', v)));

    const events = await store.readStream('order-123');
    expect(events.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'ItemAdded', { product_id: 'product-1', quantity: 2, price: 50 }],
      [2, 'ItemAdded', { product_id: 'product-2', quantity: 1, price: 30 }],
      [3, 'OrderConfirmed', { total_amount: 130 }],
    ]);
    expect(events.every((e) => e.createdAt === 1500 && e.correlationId === 'c-1' && e.causationId === 'm-1')).toBe(true);
    expect(events.every((e) => e.aggregateType === 'Order' && e.streamId === 'order-123')).toBe(true);
    expect(await store.streamVersion('order-123')).toBe(3);
    expect(await store.streamVersion('order-nope')).toBe(0);
    expect((await store.readStream('order-123', 2)).map((e) => e.version)).toEqual([3]);
    expect(ctx.reports.find((r) => r.op === 'append')).toMatchObject({ ok: true, count: 3 });
  });

  it('reads the whole log by global position, across streams, with a limit', async () => {
    await store.append('a', 'T', [{ type: 'X', data: { n: 1 } }], 0);
    await store.append('b', 'T', [{ type: 'X', data: { n: 2 } }, { type: 'X', data: { n: 3 } }], 0);
    await store.append('a', 'T', [{ type: 'X', data: { n: 4 } }], 1);
    const all = await store.readAll();
    expect(all.map((e) => [e.globalPosition, e.streamId, e.version, e.data.n])).toEqual([
      [1, 'a', 1, 1],
      [2, 'b', 1, 2],
      [3, 'b', 2, 3],
      [4, 'a', 2, 4],
    ]);
    expect((await store.readAll(1, 2)).map((e) => e.globalPosition)).toEqual([2, 3]);
    expect(await store.headPosition()).toBe(4);
  });

  it('numbers events itself, and steps over a position written behind its back', async () => {
    const r1 = await store.append('a', 'T', [{ type: 'X', data: { n: 1 } }], 0);
    expect(r1.positions).toEqual([1]);
    // Someone types an INSERT with an explicit position into the store's schema.
    await conn.query(
      `INSERT INTO event_store (global_position, event_id, aggregate_id, aggregate_type, event_type, event_data, event_schema_version, event_version, created_at)
       VALUES (2, $1, 'z', 'T', 'X', '{}', 1, 1, 0)`,
      [eventIdFor('z', 1)],
    );
    const r2 = await store.append('a', 'T', [{ type: 'X', data: { n: 2 } }], 1);
    expect(r2.positions).toEqual([3]);
    const r3 = await store.append('b', 'T', [{ type: 'X', data: { n: 3 } }, { type: 'X', data: { n: 4 } }], 0);
    expect(r3.positions).toEqual([4, 5]);
    expect((await store.readAll()).map((e) => [e.globalPosition, e.streamId, e.version])).toEqual([
      [1, 'a', 1],
      [2, 'z', 1],
      [3, 'a', 2],
      [4, 'b', 1],
      [5, 'b', 2],
    ]);
  });

  it('event ids are deterministic UUIDs: same stream + version, same id', () => {
    const id = eventIdFor('order-1', 7);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdFor('order-1', 7)).toBe(id);
    expect(eventIdFor('order-1', 8)).not.toBe(id);
    expect(eventIdFor('order-2', 7)).not.toBe(id);
  });
});

describe('optimistic concurrency', () => {
  it('two appends at the same expected version: exactly one wins', async () => {
    await store.append('order-1', 'Order', [itemAdded('p', 1, 1)], 0);
    const results = await Promise.allSettled([
      store.append('order-1', 'Order', [{ type: 'OrderConfirmed', data: { by: 'alice' } }], 1),
      store.append('order-1', 'Order', [{ type: 'OrderCancelled', data: { by: 'bob' } }], 1),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConcurrencyError);
    expect(lost[0]!.reason).toMatchObject({ streamId: 'order-1', expectedVersion: 1, actualVersion: 2 });
    const events = await store.readStream('order-1');
    expect(events.map((e) => e.version)).toEqual([1, 2]);
  });

  it('a stale batch writes none of its events', async () => {
    await store.append('s', 'T', [{ type: 'A', data: {} }, { type: 'A', data: {} }], 0);
    const err = await store
      .append('s', 'T', [{ type: 'B', data: {} }, { type: 'B', data: {} }, { type: 'B', data: {} }], 1)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream('s')).map((e) => e.type)).toEqual(['A', 'A']);
  });

  it('an expected version ahead of the stream is refused too (no gaps)', async () => {
    await store.append('s', 'T', [{ type: 'A', data: {} }], 0);
    const err = await store.append('s', 'T', [{ type: 'A', data: {} }], 5).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONCURRENCY', expectedVersion: 5, actualVersion: 1 });
    expect(await store.streamVersion('s')).toBe(1);
  });
});

describe('validation', () => {
  const bad: Array<[string, unknown]> = [
    ['empty type', { type: '', data: {} }],
    ['data array', { type: 'A', data: [1] }],
    ['data null', { type: 'A', data: null }],
    ['data with a Date', { type: 'A', data: { at: new Date(0) } }],
    ['data with undefined', { type: 'A', data: { x: undefined } }],
    ['data with NaN', { type: 'A', data: { x: Number.NaN } }],
  ];
  it.each(bad)('rejects %s and writes nothing of the batch', async (_label, event) => {
    const err = await store
      .append('order-9', 'Order', [{ type: 'Good', data: { ok: true } }, event as NewEvent], 0)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedEventError);
    expect(ctx.reports.at(-1)).toMatchObject({ op: 'append', ok: false, error: { code: 'MALFORMED_EVENT' } });
    expect(await store.headPosition()).toBe(0);
  });
});

describe('upcasting', () => {
  it('reads old events upcast v1 → v2 → v3, and the raw event as stored', async () => {
    // Written while ItemAdded was v1.
    await store.append('o', 'Order', [{ type: 'ItemAdded', data: { sku: 'p-1', qty: 2 } }], 0);
    store.registerUpcaster('ItemAdded', 1, (d) => ({ productId: d.sku!, quantity: d.qty! }));
    store.registerUpcaster('ItemAdded', 2, (d) => ({ ...d, currency: 'EUR' }));
    expect(store.schemaVersion('ItemAdded')).toBe(3);
    await store.append('o', 'Order', [{ type: 'ItemAdded', data: { productId: 'p-2', quantity: 1, currency: 'USD' } }], 1);

    const read = await store.readStream('o');
    expect(read.map((e) => [e.schemaVersion, e.data])).toEqual([
      [3, { productId: 'p-1', quantity: 2, currency: 'EUR' }],
      [3, { productId: 'p-2', quantity: 1, currency: 'USD' }],
    ]);
    const raw = await store.readStreamRaw('o');
    expect(raw.map((e) => [e.schemaVersion, e.data])).toEqual([
      [1, { sku: 'p-1', qty: 2 }],
      [3, { productId: 'p-2', quantity: 1, currency: 'USD' }],
    ]);
    expect(store.upcast(raw[0]!).data).toEqual(read[0]!.data);
    expect((await store.readAll())[0]!.data).toEqual(read[0]!.data);
  });

  it('throws MissingUpcasterError when the chain has a gap', async () => {
    await store.append('o', 'Order', [{ type: 'Paid', data: { amount: 5 } }], 0);
    store.registerUpcaster('Paid', 2, (d) => ({ ...d, v3: true }));
    expect(store.schemaVersion('Paid')).toBe(3);
    const err = await store.readStream('o').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingUpcasterError);
    expect(err).toMatchObject({ eventType: 'Paid', fromVersion: 1, toVersion: 3 });
    // The raw read still works: the UI can show what is stored.
    expect((await store.readStreamRaw('o'))[0]!.data).toEqual({ amount: 5 });
  });
});

type Counter = { total: number; count: number; last: string | null };
const counter = {
  initial: { total: 0, count: 0, last: null } as Counter,
  apply: (s: Counter, e: StoredEvent): Counter => ({ total: s.total + Number(e.data.amount), count: s.count + 1, last: e.eventId }),
};

describe('snapshots', () => {
  it('snapshot + tail equals a full replay', async () => {
    const rng = createRng(42);
    let version = 0;
    const appendSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const batch = Array.from({ length: rng.int(1, 3) }, () => ({ type: 'Added', data: { amount: rng.int(-50, 100) } }));
        version = (await store.append('c-1', 'Counter', batch, version)).version;
      }
    };
    await appendSome(10);
    const first = await store.loadAggregate('c-1', { ...counter, snapshotEvery: 5 });
    expect(first.snapshotVersion).toBeNull();
    expect(first.snapshotSaved).toBe(true);
    expect((await store.loadSnapshot('c-1'))!.version).toBe(version);

    await appendSome(4);
    const fromSnap = await store.loadAggregate('c-1', counter);
    expect(fromSnap.snapshotVersion).toBe(first.version);
    expect(fromSnap.eventsApplied).toBe(version - first.version);
    const full = (await store.readStream('c-1')).reduce(counter.apply, counter.initial);
    expect(fromSnap.state).toEqual(full);
    expect(fromSnap.version).toBe(version);
  });

  it('the snapshot policy saves one when an append crosses a multiple of N', async () => {
    store.setSnapshotPolicy('Counter', { ...counter, every: 4 });
    let v = 0;
    for (let i = 0; i < 3; i++) v = (await store.append('c', 'Counter', [{ type: 'Added', data: { amount: 1 } }], v)).version;
    expect(await store.loadSnapshot('c')).toBeUndefined();
    v = (await store.append('c', 'Counter', [{ type: 'Added', data: { amount: 10 } }, { type: 'Added', data: { amount: 100 } }], v)).version;
    const snap = await store.loadSnapshot('c');
    expect(snap).toMatchObject({ version: 5, aggregateType: 'Counter' });
    expect((snap!.state as Counter).total).toBe(113);
    store.setSnapshotPolicy('Counter', null);
  });

  it('refuses a snapshot beyond the stream', async () => {
    await store.append('c', 'Counter', [{ type: 'Added', data: { amount: 1 } }], 0);
    await expect(store.saveSnapshot('c', 'Counter', { total: 1 }, 2)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('catch-up subscriptions', () => {
  it('delivers in global order and resumes from the saved checkpoint', async () => {
    const seen: number[] = [];
    const off = store.subscribe('mailer', (e) => void seen.push(e.globalPosition));
    for (let i = 0; i < 10; i++) await store.append(`s-${i % 3}`, 'T', [{ type: 'X', data: { i } }], Math.floor(i / 3));
    expect(await store.catchUp('mailer')).toEqual({ delivered: 10, position: 10 });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // The service "restarts": a new handler, same name, same checkpoint.
    off();
    const after: number[] = [];
    store.subscribe('mailer', (e) => void after.push(e.globalPosition));
    await store.append('s-0', 'T', [{ type: 'X', data: {} }, { type: 'X', data: {} }], 4);
    expect(await store.catchUp('mailer')).toEqual({ delivered: 2, position: 12 });
    expect(after).toEqual([11, 12]);
    expect(await store.catchUp('mailer')).toEqual({ delivered: 0, position: 12 });
  });

  it('a handler that throws keeps the checkpoint at the last handled event', async () => {
    await store.append('s', 'T', [1, 2, 3, 4].map((n) => ({ type: 'X', data: { n } })), 0);
    let failOn = 3;
    const got: number[] = [];
    store.subscribe('flaky', (e) => {
      if (e.data.n === failOn) throw new Error('smtp down');
      got.push(e.data.n as number);
    });
    await expect(store.catchUp('flaky')).rejects.toThrow('smtp down');
    expect(await store.checkpoint('flaky')).toBe(2);
    failOn = -1;
    expect(await store.catchUp('flaky')).toEqual({ delivered: 2, position: 4 });
    expect(got).toEqual([1, 2, 3, 4]);
  });
});

/** The orders view of the course: one document per order. */
const ordersView: ProjectionDefinition = {
  name: 'orders_view',
  handles: ['OrderCreated', 'ItemAdded', 'OrderConfirmed', 'OrderCancelled'],
  apply(draft, e) {
    const id = e.streamId;
    const cur = draft.get(id);
    if (e.type === 'OrderCreated') draft.set(id, { status: 'CREATED', items: 0, total: 0 });
    else if (!cur) return;
    else if (e.type === 'ItemAdded') draft.set(id, { ...cur, items: Number(cur.items) + 1, total: Number(cur.total) + Number(e.data.price) * Number(e.data.quantity) });
    else if (e.type === 'OrderConfirmed') draft.set(id, { ...cur, status: 'CONFIRMED' });
    else if (e.type === 'OrderCancelled') draft.delete(id);
  },
};

/** Reference fold, independent of the runner: a plain object, no pages, no tables. */
function fold(def: ProjectionDefinition, events: StoredEvent[]): Record<string, JsonObject> {
  const m: Record<string, JsonObject> = {};
  for (const e of events) {
    if (def.handles && !def.handles.includes(e.type)) continue;
    def.apply({ get: (k) => m[k], set: (k, d) => void (m[k] = d), delete: (k) => void delete m[k] }, e);
  }
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function randomOrders(seed: number, steps: number, onStep?: (i: number) => Promise<void>): Promise<void> {
  const rng = createRng(seed);
  const versions = new Map<string, number>();
  for (let i = 0; i < steps; i++) {
    const id = `order-${rng.int(1, 12)}`;
    const v = versions.get(id) ?? 0;
    const events: NewEvent[] =
      v === 0
        ? [{ type: 'OrderCreated', data: { customer: `c-${rng.int(1, 4)}` } }]
        : rng.chance(0.15)
          ? [{ type: rng.chance(0.5) ? 'OrderConfirmed' : 'OrderCancelled', data: {} }]
          : Array.from({ length: rng.int(1, 3) }, () => ({ type: 'ItemAdded', data: { price: rng.int(1, 99), quantity: rng.int(1, 5) } }));
    if (rng.chance(0.1)) events.push({ type: 'Noise', data: { x: rng.int(0, 9) } }); // a type the view ignores
    versions.set(id, (await store.append(id, 'Order', events, v)).version);
    await onStep?.(i);
  }
}

describe('projections', () => {
  const PINNED = [7, 1234];
  const seeds = [...PINNED, 1, 2, 3];
  it.each(seeds)('incremental read model equals its rebuild and a plain fold (seed %i)', async (seed) => {
    store.defineProjection(ordersView);
    const rng = createRng(seed ^ 0x5eed);
    await randomOrders(seed, 60, async () => {
      if (rng.chance(0.2)) await store.catchUpProjections();
    });
    const applied = await store.catchUpProjections();
    expect(applied.orders_view, `seed ${seed}`).toBeGreaterThanOrEqual(0);
    const live = await store.readModel('orders_view');
    const reference = fold(ordersView, await store.readAll());
    expect(live, `seed ${seed}: live vs fold`).toEqual(reference);
    expect(Object.keys(live).length, `seed ${seed}`).toBeGreaterThan(0);

    const progress: Array<[number, number]> = [];
    await store.rebuildProjection('orders_view', (done, total) => void progress.push([done, total]));
    expect(await store.readModel('orders_view'), `seed ${seed}: rebuild vs live`).toEqual(live);
    const total = progress[0]![1];
    expect(progress.at(-1), `seed ${seed}`).toEqual([total, total]);
    expect(progress.length, `seed ${seed}: one report per page of 7`).toBe(1 + Math.ceil(total / 7));
    const status = await store.projectionStatus('orders_view');
    expect(status, `seed ${seed}`).toEqual({ position: await store.headPosition(), head: await store.headPosition(), lag: 0 });
  });

  it('a failing apply rolls back the page: rows and checkpoint stay together', async () => {
    let poison = true;
    const def: ProjectionDefinition = {
      name: 'totals',
      apply(draft, e) {
        if (poison && e.data.poison) throw new Error('bad event');
        const cur = draft.get('sum');
        draft.set('sum', { n: Number(cur?.n ?? 0) + Number(e.data.n ?? 0) });
      },
    };
    store.defineProjection(def);
    await store.append('s', 'T', [1, 2, 3].map((n) => ({ type: 'X', data: { n } })), 0);
    await store.catchUpProjections();
    expect(await store.get('totals', 'sum')).toEqual({ n: 6 });
    await store.append('s', 'T', [{ type: 'X', data: { n: 10 } }, { type: 'X', data: { poison: true } }], 3);
    await expect(store.catchUpProjections()).rejects.toThrow('bad event');
    // The page with n: 10 was not half-applied.
    expect(await store.get('totals', 'sum')).toEqual({ n: 6 });
    expect(await store.projectionCheckpoint('totals')).toBe(3);
    poison = false;
    expect((await store.catchUpProjections()).totals).toBe(2);
    expect(await store.get('totals', 'sum')).toEqual({ n: 16 });
  });

  it('documents handed to apply are frozen: in-place edits cannot bypass set()', async () => {
    let error: unknown;
    store.defineProjection({
      name: 'mutator',
      apply(draft, e) {
        const cur = draft.get('k');
        if (!cur) draft.set('k', { n: 1 });
        else {
          try {
            (cur as { n: number }).n = Number(e.data.n);
          } catch (err) {
            error = err;
          }
        }
      },
    });
    await store.append('s', 'T', [{ type: 'X', data: { n: 1 } }, { type: 'X', data: { n: 5 } }], 0);
    await store.catchUpProjections();
    expect(error).toBeInstanceOf(TypeError);
    expect(await store.get('mutator', 'k')).toEqual({ n: 1 });
  });
});

describe('state', () => {
  it('exportState → reset → importState restores log, snapshots, checkpoints and read models', async () => {
    store.defineProjection(ordersView);
    await randomOrders(99, 20);
    await store.catchUpProjections();
    const first = (await store.readAll(0, 1))[0]!;
    await store.saveSnapshot(first.streamId, 'Order', { any: 'thing' }, 1);
    const state = await store.exportState();
    await store.reset();
    expect(await store.headPosition()).toBe(0);
    expect(await store.readModel('orders_view')).toEqual({});
    await store.importState(state);
    expect(await store.exportState()).toEqual(state);
    // The sequence continues after the imported log.
    const head = await store.headPosition();
    const r = await store.append('new-stream', 'T', [{ type: 'X', data: {} }], 0);
    expect(r.positions).toEqual([head + 1]);
    // The projection resumes from its imported checkpoint: nothing applied twice.
    expect((await store.catchUpProjections()).orders_view).toBe(0);
    expect(await store.readModel('orders_view')).toEqual(fold(ordersView, await store.readAll()));
  });
});
