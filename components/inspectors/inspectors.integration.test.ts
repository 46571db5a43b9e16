/**
 * The inspectors' data functions against a real simulation in Node: what the tabs would show
 * must be what the stores and the trace contain.
 *
 * Memory provider: the 'order-orchestrated' scenario from the catalogue, run to quiescence.
 * Real provider (PGlite, as in the page): the SQL console's error-then-success and a projection
 * rebuild on the PGlite event store. The Node PGlite loader is test-only, hence the one import
 * from inside simulator/ (the UI itself imports '@/simulator' only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeMetrics,
  createMemoryEventStore,
  createMemoryStoreProvider,
  createRealStoreProvider,
  createSimulation,
  ORDER_PROJECTIONS,
  SCENARIO_CATALOGUE,
  stockLevels,
  type DocumentStore,
  type EventStore,
  type KvStore,
  type MemoryTables,
  type SearchIndex,
  type Simulation,
  type SqlStore,
  type StoreContext,
} from '@/simulator';
import { getNodePgliteRuntime } from '@/simulator/stores/sql/nodePgliteRuntime';
import { toSagaLanes } from './data/sagaLanes';
import { localInspectSource } from './types';
import { toSequence } from './data/sequence';
import {
  kvRows,
  listStores,
  projectionNames,
  projectionStatus,
  queryDocuments,
  readEventLog,
  rebuildAndCompare,
  runSql,
  searchIndex,
  sqlTables,
  tableRows,
  type StoreMap,
} from './data/storeReaders';

async function runOrders(stores: Parameters<typeof createSimulation>[0]['stores']): Promise<Simulation> {
  const entry = SCENARIO_CATALOGUE.find((e) => e.id === 'order-orchestrated')!;
  const { scenario, faultPlan } = entry.build();
  const sim = await createSimulation({ seed: 1, scenario, ...(faultPlan ? { faultPlan } : {}), stores });
  const r = await sim.runToQuiescence({ maxTime: 600_000 });
  expect(r.quiescent).toBe(true);
  return sim;
}

describe('inspectors on a memory-store simulation (order-orchestrated)', () => {
  let sim: Simulation;
  beforeAll(async () => {
    sim = await runOrders(createMemoryStoreProvider());
  });
  afterAll(async () => {
    await sim.dispose();
  });
  const inspect = <T>(fn: (s: StoreMap) => Promise<T> | T) => sim.inspect((s) => fn(s as StoreMap));

  it('lists each service’s stores with their kind and engine', async () => {
    const byService = await inspect((s) => Object.fromEntries(sim.serviceNames.map((n) => [n, listStores(s, n).map((x) => `${x.key}:${x.kind}${x.memoryTables ? ':memory' : ''}`)])));
    expect(byService).toMatchObject({
      user: ['db:sql:memory'],
      catalog: ['docs:documents', 'search:search'],
      inventory: ['kv:kv', 'audit:sql:memory'],
      order: ['events:eventstore'],
      payment: ['db:sql:memory', 'audit:eventstore'],
    });
    const catalog = await inspect((s) => listStores(s, 'catalog'));
    expect(catalog[0]!.collections).toEqual(['products', 'categories']);
  });

  it('shows the memory tables’ rows as tables, with the counts the store holds', async () => {
    const { tables, rows, state } = await inspect(async (s) => {
      const db = s.user!.db as MemoryTables;
      return { tables: await sqlTables(db), rows: await tableRows(db, 'users'), state: (await db.exportState()) as Record<string, Record<string, unknown>> };
    });
    expect(tables).toEqual([{ name: 'users', rows: Object.keys(state.users!).length }]);
    expect(rows.rows).toEqual(Object.values(state.users!));
    expect(rows.columns).toEqual(['id', 'email', 'name', 'address']);
    const payments = await inspect((s) => sqlTables(s.payment!.db!));
    expect(payments.find((t) => t.name === 'payments')!.rows).toBeGreaterThan(0);
  });

  it('shows every KV key with the stock the inventory holds', async () => {
    const { rows, entries, levels } = await inspect(async (s) => {
      const kv = s.inventory!.kv as KvStore;
      return { rows: kvRows(kv), entries: kv.entries(), levels: await stockLevels(kv) };
    });
    expect(rows.map((r) => r.key)).toEqual(entries.map((e) => e.key));
    for (const l of levels) {
      const row = rows.find((r) => r.key === `inv:${l.productId}`)!;
      expect(row.type).toBe('hash');
      expect(row.fields).toMatchObject({ stock: String(l.stock), available: String(l.available) });
      expect(row.value).toContain(`available=${l.available}`);
    }
    // The happy order sold 2 keyboards.
    expect(rows.find((r) => r.key === 'inv:p1')!.fields!.sold).toBe('2');
  });

  it('answers the same data through plain requests (as the page asks the engine’s thread)', async () => {
    const source = localInspectSource(sim);
    expect(await source.request({ kind: 'kvRows', service: 'inventory', storeKey: 'kv' })).toEqual(await inspect((s) => kvRows(s.inventory!.kv as KvStore)));
    expect(await source.request({ kind: 'listStores', service: 'catalog' })).toEqual(await inspect((s) => listStores(s, 'catalog')));
    const docs = await source.request<{ ok: boolean; matched?: number }>({ kind: 'queryDocuments', service: 'catalog', storeKey: 'docs', collection: 'products', filter: { category: 'peripherals' }, limit: 10 });
    expect(docs).toMatchObject({ ok: true, matched: 2 });
    const models = await source.request<Array<{ status: { name: string; lag: number } }>>({ kind: 'readModels', service: 'order', storeKey: 'events' });
    expect(models.map((m) => m.status.name)).toEqual(await inspect((s) => projectionNames(s.order!.events as EventStore)));
    await expect(source.request({ kind: 'kvRows', service: 'inventory', storeKey: 'nope' })).rejects.toThrow('inventory.nope');
  });

  it('runs Mongo-style queries on the catalog and reports the store’s refusal in words', async () => {
    const r = await inspect((s) => queryDocuments(s.catalog!.docs as DocumentStore, 'products', { category: 'peripherals' }, { sort: { price: -1 } }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.docs.map((d) => d._id)).toEqual(['p1', 'p3']);
      expect(r.matched).toBe(2);
      expect(r.total).toBe(4);
    }
    const bad = await inspect((s) => queryDocuments(s.catalog!.docs as DocumentStore, 'products', { price: { $lessThan: 3 } }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/\$lessThan/);
  });

  it('searches the index with category facets', async () => {
    const r = await inspect((s) => searchIndex(s.catalog!.search as SearchIndex, 'usb'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      // 'usb' is in p2's name; p1 has it only as a tag (a keyword field, not searched as text).
      expect(r.hits.map((h) => h.id)).toEqual(['p2']);
      expect(r.facets.category).toEqual({ cables: 1 });
    }
    const all = await inspect((s) => searchIndex(s.catalog!.search as SearchIndex, '', ['category'], 'displays'));
    if (all.ok) expect(all.hits.map((h) => h.id)).toEqual(['p4']);
  });

  it('browses the order event store: every event, paired as stored and as read, with its streams', async () => {
    const { log, raw } = await inspect(async (s) => {
      const es = s.order!.events as EventStore;
      return { log: await readEventLog(es), raw: await es.readAllRaw(0) };
    });
    expect(log.events.map((e) => e.raw.globalPosition)).toEqual(raw.map((e) => e.globalPosition));
    expect(log.head).toBe(raw.length);
    expect(log.events.every((e) => e.read !== null && !e.upcasted)).toBe(true);
    const orderStream = log.streams.find((s) => s.streamId === 'order-o-1')!;
    expect(orderStream.version).toBe(raw.filter((e) => e.streamId === 'order-o-1').length);
  });

  it('lists the projections, their status, and a rebuild that equals what was there', async () => {
    const names = await inspect((s) => projectionNames(s.order!.events as EventStore));
    expect(names.sort()).toEqual(ORDER_PROJECTIONS.map((p) => p.name).sort());
    const status = await inspect((s) => projectionStatus(s.order!.events as EventStore, 'orders_view'));
    expect(status.lag).toBe(0);
    expect(status.position).toBe(status.head);
    const progress: Array<[number, number]> = [];
    const r = await inspect((s) => rebuildAndCompare(s.order!.events as EventStore, 'orders_view', (d, t) => progress.push([d, t])));
    expect(r.equal).toBe(true);
    expect(r.differences).toEqual([]);
    expect(Object.keys(r.after).sort()).toEqual(['o-1', 'o-2', 'o-3', 'o-4']);
    expect(progress.at(-1)).toEqual([status.head, status.head]);
  });

  it('draws one saga lane per saga, with the outcomes the metrics count', () => {
    const trace = sim.trace();
    const lanes = toSagaLanes(trace);
    const metrics = computeMetrics(trace);
    expect(lanes.lanes.map((l) => [l.sagaId, l.outcome])).toEqual(metrics.sagas.map((s) => [s.sagaId, s.outcome]));
    expect(lanes.lanes.map((l) => l.outcome)).toEqual(['COMPLETED', 'COMPENSATED', 'COMPENSATED', 'COMPENSATED']);
    const started = trace.filter((e) => e.type === 'saga.step' && e.status === 'started').length;
    expect(lanes.lanes.reduce((n, l) => n + l.bars.reduce((k, b) => k + b.attempts, 0), 0)).toBe(started);
    expect(lanes.lanes.flatMap((l) => l.bars).filter((b) => b.phase === 'compensation' && b.status === 'succeeded').length).toBe(metrics.compensations);
    const o4 = lanes.lanes.find((l) => l.sagaId === 'o-4')!;
    expect(o4.reason).toContain('No courier');
    expect(o4.bars.filter((b) => b.phase === 'compensation').map((b) => b.step)).toEqual(['ConfirmOrder', 'ProcessPayment', 'ReserveInventory', 'CreateOrder']);
  });

  it('draws one arrow per message copy, all delivered in this fault-free run', () => {
    const trace = sim.trace();
    const seq = toSequence(trace, { order: sim.serviceNames });
    const m = computeMetrics(trace).messages;
    expect(seq.arrows.length).toBe(m.sent + m.duplicated);
    expect(seq.arrows.filter((a) => a.status === 'delivered').length).toBe(m.delivered);
    expect(seq.lifelines[0]).toBe('client');
    const o2 = toSequence(trace, { correlationId: 'o-2' });
    expect(o2.arrows.length).toBe(computeMetrics(trace).sagas.find((s) => s.sagaId === 'o-2')!.messages);
  });
});

describe('upcasting: an old event before and after', () => {
  it('pairs readAllRaw with the upcast event', async () => {
    const ctx: StoreContext = { owner: 'order', name: 'order.events', clock: { now: () => 0 }, record: () => {}, checkAccess: () => {} };
    const es = createMemoryEventStore(ctx);
    await es.append('order-1', 'Order', [{ type: 'OrderCreated', data: { total: 12 }, schemaVersion: 1 }], 0);
    es.registerUpcaster('OrderCreated', 1, (d) => ({ ...d, totalCents: Math.round(Number(d.total) * 100), currency: 'EUR' }));
    await es.append('order-1', 'Order', [{ type: 'OrderConfirmed', data: {} }], 1);
    const log = await readEventLog(es);
    expect(log.events[0]).toMatchObject({ upcasted: true, raw: { schemaVersion: 1, data: { total: 12 } }, read: { schemaVersion: 2, data: { total: 12, totalCents: 1200, currency: 'EUR' } } });
    expect(log.events[1]!.upcasted).toBe(false);
  });
});

describe('inspectors on real stores (PGlite), as in the page', () => {
  let sim: Simulation;
  beforeAll(async () => {
    const pglite = await getNodePgliteRuntime();
    sim = await runOrders(createRealStoreProvider({ pglite }));
  });
  afterAll(async () => {
    await sim?.dispose();
  });
  const inspect = <T>(fn: (s: StoreMap) => Promise<T> | T) => sim.inspect((s) => fn(s as StoreMap));

  it('SQL console: a wrong statement shows PostgreSQL’s message and position, and the next one works', async () => {
    const bad = await inspect((s) => runSql(s.user!.db as SqlStore, 'SELECT name FROM userz'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.message).toBe('relation "userz" does not exist');
      expect(bad.error.position).toBe(18);
      expect(bad.error.statement).toBe('SELECT name FROM userz');
      expect(bad.error.pointer).toBe('SELECT name FROM userz\n                 ^');
    }
    const good = await inspect((s) => runSql(s.user!.db as SqlStore, 'SELECT id, name FROM users ORDER BY id'));
    expect(good).toEqual({ ok: true, results: [{ columns: ['id', 'name'], rows: [{ id: 'u1', name: 'Alice' }, { id: 'u2', name: 'Bob' }], affectedRows: 0 }] });
    const tables = await inspect((s) => sqlTables(s.user!.db!));
    expect(tables).toEqual([{ name: 'users', rows: 2 }]);
  });

  it('a failed write in a multi-statement run leaves nothing behind', async () => {
    const bad = await inspect((s) => runSql(s.user!.db as SqlStore, "UPDATE users SET name = 'Zed' WHERE id = 'u1'; SELECT 1/0;"));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toBe('division by zero');
    const rows = await inspect((s) => tableRows(s.user!.db!, 'users'));
    expect(rows.rows.map((r) => [r.id, r.name])).toEqual([['u1', 'Alice'], ['u2', 'Bob']]);
  });

  it('PGlite event store: projections found, status, and a rebuild with progress that equals the view before', async () => {
    const names = await inspect((s) => projectionNames(s.order!.events as EventStore));
    expect(names.sort()).toEqual(ORDER_PROJECTIONS.map((p) => p.name).sort());
    const status = await inspect((s) => projectionStatus(s.order!.events as EventStore, 'order_details'));
    expect(status.lag).toBe(0);
    const progress: Array<[number, number]> = [];
    const r = await inspect((s) => rebuildAndCompare(s.order!.events as EventStore, 'order_details', (d, t) => progress.push([d, t])));
    expect(r.equal).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    const log = await inspect((s) => readEventLog(s.order!.events as EventStore));
    expect(log.events.length).toBe(status.head);
  });
});

describe('CAP and 2PC views’ data on their scenarios', () => {
  it('CAP (AP, partition then heal): writes’ outcomes and the overselling conflict after the heal', async () => {
    const { capScenario, capPartitionPlan } = await import('@/simulator');
    const { loadCapStatus, capWrites, capConflicts } = await import('./data/scenarioStatus');
    const sim = await createSimulation({ seed: 3, scenario: capScenario({ mode: 'AP' }), faultPlan: capPartitionPlan, stores: createMemoryStoreProvider() });
    await sim.runUntil(1000);
    const during = await loadCapStatus(sim);
    expect(during.converged).toBe(false);
    await sim.runToQuiescence({ maxTime: 60_000 });
    const after = await loadCapStatus(sim);
    expect(after.converged).toBe(true);
    expect(capWrites(after).length).toBe(10);
    const conflicts = capConflicts(after);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.oversoldBy).toBe(5);
    expect(after.replicas.every((r) => r.stock['sku-1'] === -5)).toBe(true);
    await sim.dispose();
  });

  it('2PC with a coordinator crash: the prepared participants are blocked, then released on restart', async () => {
    const { twoPhaseCommitScenario } = await import('@/simulator');
    const { loadTwoPhaseStatus, blockedParticipants } = await import('./data/scenarioStatus');
    const scenario = twoPhaseCommitScenario({ crashCoordinatorAfterPrepare: true });
    const sim = await createSimulation({ seed: 4, scenario, faultPlan: scenario.faultPlan, stores: createMemoryStoreProvider() });
    await sim.runUntil(1000);
    const blocked = blockedParticipants(await loadTwoPhaseStatus(sim));
    expect(blocked.map((b) => b.participant).sort()).toEqual(['accounts', 'audit', 'payments']);
    expect(blocked.every((b) => b.txId === 'tx-1' && b.why.includes('down'))).toBe(true);
    await sim.runToQuiescence({ maxTime: 60_000 });
    const end = await loadTwoPhaseStatus(sim);
    expect(blockedParticipants(end)).toEqual([]);
    expect(end.coordinator.log.find((l) => l.txId === 'tx-1')!.state).toBe('ABORT');
    expect(end.participants.every((p) => p.locks.length === 0)).toBe(true);
    await sim.dispose();
  });
});
