import { beforeAll, describe, expect, it } from 'vitest';
import { createSimulation, type StoreProvider } from '../core/simulation';
import { createRng } from '../core/rng';
import { randomFaultPlan } from '../core/faultPlan';
import { createMemoryStoreProvider } from '../stores/memoryProvider';
import { createRealStoreProvider } from '../stores/realProvider';
import { getNodePgliteRuntime } from '../stores/sql/nodePgliteRuntime';
import type { PgliteRuntime } from '../stores/sql/pgliteRuntime';
import type { SqlStore } from '../stores/sql/types';
import { ecommerceScenario, STORY_ORDERS } from '../scenarios/ecommerce';
import { randomOrders } from './fuzzOrderSaga';

let pglite: PgliteRuntime;
beforeAll(async () => {
  pglite = await getNodePgliteRuntime();
});

async function hashOf(seed: number, stores: StoreProvider, faultSeed = seed) {
  const scenario = ecommerceScenario({ style: 'orchestration', orders: randomOrders(seed, 4) });
  const faultPlan = randomFaultPlan(createRng(`faults-${faultSeed}`), { services: scenario.services.map((s) => s.name), horizonMs: 1200, maxFaults: 5 });
  const sim = await createSimulation({ seed, scenario, faultPlan, stores });
  await sim.runToQuiescence({ maxTime: 600_000 });
  const hash = sim.traceHash();
  const length = sim.trace().length;
  await sim.dispose();
  return { hash, length };
}

describe('determinism', () => {
  it('memory stores: one seed gives one trace hash, another seed another', async () => {
    const a = await hashOf(21, createMemoryStoreProvider());
    const b = await hashOf(21, createMemoryStoreProvider());
    const c = await hashOf(22, createMemoryStoreProvider(), 21);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
  });

  it('real stores (PGlite, Dexie, KV, search): one seed gives one trace hash, byte for byte', async () => {
    const a = await hashOf(5, createRealStoreProvider({ pglite }));
    const b = await hashOf(5, createRealStoreProvider({ pglite }));
    const c = await hashOf(6, createRealStoreProvider({ pglite }), 5);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
  });

  it('real stores: step back to a snapshot, run again, and get the same ending', async () => {
    const scenario = ecommerceScenario({ style: 'orchestration', orders: Object.values(STORY_ORDERS) });
    const sim = await createSimulation({ seed: 9, scenario, stores: createRealStoreProvider({ pglite }) });
    await sim.runUntil(230);
    const snap = await sim.snapshot();
    await sim.runToQuiescence({ maxTime: 60_000 });
    const ending = sim.traceHash();
    const payments = await sim.inspect((s) => (s.payment!.db as SqlStore).query('SELECT * FROM payments ORDER BY id'));
    await sim.restore(snap);
    const paymentsAtSnapshot = await sim.inspect((s) => (s.payment!.db as SqlStore).query('SELECT * FROM payments ORDER BY id'));
    expect(paymentsAtSnapshot.rows.length).toBeLessThan(payments.rows.length);
    await sim.runToQuiescence({ maxTime: 60_000 });
    expect(sim.traceHash()).toBe(ending);
    await sim.dispose();
  });
});
