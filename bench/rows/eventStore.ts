/**
 * Event store on PGlite against raw PGlite doing the same work on the same schema.
 * - append-single: one event per append (concurrency check included) vs a single-row INSERT.
 * - append-batch: 100 events per append vs one set-based INSERT of the same 100 rows.
 * - projection-rebuild: rebuild of an orders view from 100,000 events vs a raw scan of them.
 */
import type { PGlite } from '@electric-sql/pglite';
import { createRng } from '../../simulator/core/rng';
import { createTestStoreContext } from '../../simulator/core/storeContext';
import { createPgliteEventStore, type PgliteEventStore } from '../../simulator/stores/eventstore/createPgliteEventStore';
import { eventIdFor } from '../../simulator/stores/eventstore/eventId';
import { EVENT_STORE_SCHEMA } from '../../simulator/stores/eventstore/schema';
import type { NewEvent, ProjectionDefinition } from '../../simulator/stores/eventstore/types';
import { getNodePgliteRuntime } from '../../simulator/stores/sql/nodePgliteRuntime';
import { sharePglite } from '../../simulator/stores/sql/sharedPglite';
import { sideBySide, type Row } from '../harness';

export const names = ['append-single', 'append-batch', 'projection-rebuild'];

const COLS = `event_id, aggregate_id, aggregate_type, event_type, event_data, event_schema_version, event_version, created_at, correlation_id, causation_id`;

const item = (rng: ReturnType<typeof createRng>): NewEvent => ({
  type: 'ItemAdded',
  data: { productId: `p-${rng.int(1, 500)}`, quantity: rng.int(1, 5), price: rng.int(100, 9999) / 100 },
});

async function engineAndRaw(): Promise<{ store: PgliteEventStore; raw: PGlite; done: () => Promise<void> }> {
  const runtime = await getNodePgliteRuntime();
  const [a, b] = await Promise.all([runtime.acquire(), runtime.acquire()]);
  const store = await createPgliteEventStore(createTestStoreContext('bench.events', 'order'), await sharePglite(a, (d) => runtime.release(d)).connect('bench.events'));
  await b.exec(EVENT_STORE_SCHEMA);
  return { store, raw: b, done: async () => Promise.all([store.close(), runtime.release(b)]).then(() => {}) };
}

async function appendSingle(): Promise<Row> {
  const { store, raw, done } = await engineAndRaw();
  const rng = createRng(1);
  const N = 400;
  const STREAMS = 40;
  const events = Array.from({ length: N }, () => item(rng));
  const insert = `INSERT INTO event_store (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
  const r = await sideBySide({
    rounds: 5,
    engine: async (round) => {
      const v = new Array<number>(STREAMS).fill(0);
      for (let i = 0; i < N; i++) {
        const s = i % STREAMS;
        v[s] = (await store.append(`r${round}-o${s}`, 'Order', [events[i]!], v[s]!)).version;
      }
    },
    baseline: async (round) => {
      const v = new Array<number>(STREAMS).fill(0);
      for (let i = 0; i < N; i++) {
        const s = i % STREAMS;
        const id = `r${round}-o${s}`;
        const version = ++v[s]!;
        const e = events[i]!;
        await raw.query(insert, [eventIdFor(id, version), id, 'Order', e.type, JSON.stringify(e.data), 1, version, 0, null, null]);
      }
    },
  });
  await done();
  const value = (N / r.engineMs) * 1000;
  const baseline = (N / r.baselineMs) * 1000;
  return { name: 'append-single', value, baseline, unit: 'events/s', ratio: value / baseline, goal: 0.8, note: `${N} appends of 1 event, median of 5` };
}

async function appendBatch(): Promise<Row> {
  const { store, raw, done } = await engineAndRaw();
  const rng = createRng(2);
  const CALLS = 20;
  const PER = 100;
  const batches = Array.from({ length: CALLS }, () => Array.from({ length: PER }, () => item(rng)));
  const insert = `INSERT INTO event_store (${COLS})
    SELECT r.id::uuid, r.agg, 'Order', r.t, r.d, 1, r.v, 0, NULL, NULL
      FROM jsonb_to_recordset($1::jsonb) AS r(id text, agg text, t text, d jsonb, v int)`;
  const r = await sideBySide({
    rounds: 5,
    engine: async (round) => {
      for (let c = 0; c < CALLS; c++) await store.append(`r${round}-b${c}`, 'Order', batches[c]!, 0);
    },
    baseline: async (round) => {
      for (let c = 0; c < CALLS; c++) {
        const id = `r${round}-b${c}`;
        const rows = batches[c]!.map((e, i) => ({ id: eventIdFor(id, i + 1), agg: id, t: e.type, d: e.data, v: i + 1 }));
        await raw.query(insert, [JSON.stringify(rows)]);
      }
    },
  });
  await done();
  const n = CALLS * PER;
  const value = (n / r.engineMs) * 1000;
  const baseline = (n / r.baselineMs) * 1000;
  return { name: 'append-batch', value, baseline, unit: 'events/s', ratio: value / baseline, goal: 0.5, note: `${CALLS} appends of ${PER} events, median of 5` };
}

/** The course's orders view: status, item count, total per order. */
const ordersView: ProjectionDefinition = {
  name: 'orders_view',
  handles: ['OrderCreated', 'ItemAdded', 'OrderConfirmed'],
  apply(draft, e) {
    const cur = draft.get(e.streamId);
    if (e.type === 'OrderCreated') draft.set(e.streamId, { status: 'CREATED', items: 0, total: 0, customer: e.data.customer! });
    else if (!cur) return;
    else if (e.type === 'ItemAdded')
      draft.set(e.streamId, { ...cur, items: Number(cur.items) + 1, total: Number(cur.total) + Number(e.data.quantity) * Number(e.data.price) });
    else draft.set(e.streamId, { ...cur, status: 'CONFIRMED' });
  },
};

async function projectionRebuild(): Promise<Row> {
  const runtime = await getNodePgliteRuntime();
  // `db`: the same schema the store uses, for loading the events and for the raw scan.
  const db = await sharePglite(await runtime.acquire(), (d) => runtime.release(d)).connect('bench.events');
  const store = await createPgliteEventStore(createTestStoreContext('bench.events', 'order'), db);
  // 10,000 orders × 10 events (created, 8 items, confirmed), interleaved in waves of 100 orders,
  // loaded set-based (setup, not measured).
  const rng = createRng(3);
  const ORDERS = 10_000;
  const WAVE = 100;
  for (let w = 0; w < ORDERS / WAVE; w++) {
    const rows: unknown[] = [];
    for (let step = 1; step <= 10; step++) {
      for (let o = w * WAVE; o < (w + 1) * WAVE; o++) {
        const id = `order-${o}`;
        const [t, d] =
          step === 1 ? ['OrderCreated', { customer: `c-${rng.int(1, 999)}` }] : step === 10 ? ['OrderConfirmed', {}] : ['ItemAdded', item(rng).data];
        rows.push({ id: eventIdFor(id, step), agg: id, t, d, v: step });
      }
    }
    await db.query(
      `INSERT INTO event_store (${COLS})
       SELECT r.id::uuid, r.agg, 'Order', r.t, r.d, 1, r.v, 0, NULL, NULL FROM jsonb_to_recordset($1::jsonb) AS r(id text, agg text, t text, d jsonb, v int)`,
      [JSON.stringify(rows)],
    );
  }
  store.defineProjection(ordersView);
  const total = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_store')).rows[0]!.n);
  const r = await sideBySide({
    rounds: 3,
    warmup: 1,
    engine: async () => {
      const res = await store.rebuild('orders_view');
      if (res.delivered !== total) throw new Error(`rebuild applied ${res.delivered} of ${total}`);
    },
    baseline: async () => {
      const res = await db.query(`SELECT * FROM event_store ORDER BY global_position`);
      if (res.rows.length !== total) throw new Error('scan size');
    },
  });
  const orders = Object.keys(await store.readModel('orders_view')).length;
  if (orders !== ORDERS) throw new Error(`orders view has ${orders} orders`);
  await store.close();
  const value = (total / r.engineMs) * 1000;
  const baseline = (total / r.baselineMs) * 1000;
  return { name: 'projection-rebuild', value, baseline, unit: 'events/s', ratio: value / baseline, goal: 0.3, note: `${total} events → ${ORDERS} docs vs SELECT * scan, median of 3` };
}

export async function run(filter: (name: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  if (filter('append-single')) rows.push(await appendSingle());
  if (filter('append-batch')) rows.push(await appendBatch());
  if (filter('projection-rebuild')) rows.push(await projectionRebuild());
  return rows;
}
