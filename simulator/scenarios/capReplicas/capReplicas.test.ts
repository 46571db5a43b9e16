import { describe, expect, it } from 'vitest';
import { createSimulation, type StoreProvider } from '../../core/simulation';
import { SimError } from '../../core/errors';
import { createRng } from '../../core/rng';
import type { FaultPlan, TraceEvent } from '../../core/types';
import { createKvStore } from '../../stores/kv';
import { CAP_PARTITION, REPLICAS, capPartitionPlan, capScenario, capStatus, findOverselling, type CapMode, type CapScenarioOptions, type CapWrite } from './index';

const kvOnly: StoreProvider = {
  async create(spec, ctx) {
    if (spec.kind !== 'kv') throw new SimError('SCENARIO', `only KV stores here, got ${spec.kind}`);
    return createKvStore(ctx);
  },
};

async function start(opts: CapScenarioOptions, faultPlan: FaultPlan | undefined = capPartitionPlan, seed: number = 1) {
  return createSimulation({ seed, scenario: capScenario(opts), faultPlan, stores: kvOnly });
}

type Domain = { time: number; service?: string; data: Record<string, unknown> };
const domain = (trace: readonly TraceEvent[], name: string): Domain[] =>
  trace.flatMap((e) => (e.type === 'domain' && e.name === name ? [{ time: e.time, service: e.service, data: e.data as Record<string, unknown> }] : []));

/** Every stock value any replica ever held: cap.applied reports the stock after each change. */
const stocksSeen = (trace: readonly TraceEvent[]) => domain(trace, 'cap.applied').map((e) => e.data.stock as number);

const outcomes = async (sim: Awaited<ReturnType<typeof start>>) => {
  const st = await capStatus(sim);
  return Object.fromEntries(st.replicas.flatMap((r) => r.writes.map((w) => [w.opId, w.outcome + (w.reason ? `:${w.reason}` : '')])));
};

describe('CAP replicas, CP mode', () => {
  it('with replica-3 cut off: its writes are refused UNAVAILABLE, replica-1 writes succeed; after heal all agree and nothing went below 0', async () => {
    const sim = await start({ mode: 'CP' });
    expect((await sim.runToQuiescence({ maxTime: 60_000 })).quiescent).toBe(true);
    expect(await outcomes(sim)).toEqual({
      w1: 'ACCEPTED',
      w2: 'ACCEPTED',
      w3: 'REFUSED:UNAVAILABLE',
      w4: 'ACCEPTED',
      w5: 'REFUSED:UNAVAILABLE',
      w6: 'ACCEPTED',
      w7: 'REFUSED:UNAVAILABLE',
      w8: 'ACCEPTED',
      w9: 'ACCEPTED', // replica-3 is back in the majority
      w10: 'REFUSED:OUT_OF_STOCK',
    });
    // The refusals happened during the partition, on the replica that received them.
    for (const e of domain(sim.trace(), 'cap.write').filter((e) => e.data.outcome === 'REFUSED' && e.data.reason === 'UNAVAILABLE')) {
      expect(e.service).toBe('replica-3');
      expect(e.time).toBeGreaterThan(CAP_PARTITION.from);
      expect(e.time).toBeLessThan(CAP_PARTITION.to);
    }

    const st = await capStatus(sim);
    expect(st.converged).toBe(true);
    const accepted = st.replicas.flatMap((r) => r.writes.filter((w) => w.outcome === 'ACCEPTED'));
    const acceptedUnits = accepted.reduce((n, w) => n + w.quantity, 0);
    for (const r of st.replicas) {
      expect(r.stock['sku-1'], r.replica).toBe(0);
      expect(r.appliedOps.map((o) => o.opId).sort(), r.replica).toEqual(accepted.map((w) => w.opId).sort());
      expect(r.locks, r.replica).toEqual({});
      expect(r.conflicts, r.replica).toEqual([]);
    }
    expect(acceptedUnits).toBe(10 - 0);
    // The refused minority writes were never applied anywhere.
    const applied = new Set(domain(sim.trace(), 'cap.applied').map((e) => e.data.opId));
    for (const op of ['w3', 'w5', 'w7', 'w10']) expect(applied.has(op), op).toBe(false);
    expect(Math.min(...stocksSeen(sim.trace()))).toBeGreaterThanOrEqual(0);
  });

  it('a majority decision sees every earlier committed write, even when no single replica knows them all', async () => {
    // One-way cuts: replica-3 never hears of A (replica-1 → replica-3 is cut from the start), and
    // replica-1 never hears of B (replica-2 → replica-1 is cut once A's vote is back). C at replica-3
    // knows only B, so its own view says 1 unit is left; it is refused only because it merges the
    // log of the peer that voted for it (read repair), which holds A.
    const plan: FaultPlan = {
      faults: [
        { at: 0, action: { kind: 'partition', links: [['replica-1', 'replica-3']], oneWay: true } },
        { at: 60, action: { kind: 'partition', links: [['replica-2', 'replica-1']], oneWay: true } },
        { at: 1000, action: { kind: 'heal' } },
      ],
    };
    const writes: CapWrite[] = [
      { at: 0, replica: 'replica-1', quantity: 1, opId: 'A' },
      { at: 100, replica: 'replica-2', quantity: 1, opId: 'B' },
      { at: 200, replica: 'replica-3', quantity: 1, opId: 'C' },
    ];
    const sim = await start({ mode: 'CP', stock: 2, writes }, plan);
    await sim.runUntil(190);
    const before = await capStatus(sim);
    expect(before.replicas.map((r) => r.appliedOps.map((o) => o.opId).sort())).toEqual([['A'], ['A', 'B'], ['B']]);
    await sim.runToQuiescence({ maxTime: 60_000 });
    expect(await outcomes(sim)).toEqual({ A: 'ACCEPTED', B: 'ACCEPTED', C: 'REFUSED:OUT_OF_STOCK' });
    const st = await capStatus(sim);
    expect(st.converged).toBe(true);
    expect(st.replicas.map((r) => r.stock['sku-1'])).toEqual([0, 0, 0]);
    expect(Math.min(...stocksSeen(sim.trace()))).toBeGreaterThanOrEqual(0);
  });

  it('replica-3 catches up after the heal (before the heal it had missed the majority writes)', async () => {
    const sim = await start({ mode: 'CP' });
    await sim.runUntil(CAP_PARTITION.to - 10);
    const during = await capStatus(sim);
    const stock = Object.fromEntries(during.replicas.map((r) => [r.replica, r.stock['sku-1']]));
    expect(stock).toEqual({ 'replica-1': 1, 'replica-2': 1, 'replica-3': 9 });
    expect(during.converged).toBe(false);
    await sim.runToQuiescence({ maxTime: 60_000 });
    expect((await capStatus(sim)).converged).toBe(true);
  });
});

describe('CAP replicas, AP mode', () => {
  it('both sides accept during the partition; after heal the logs merge, replicas converge and the overselling is listed', async () => {
    const sim = await start({ mode: 'AP' });
    await sim.runUntil(1000);
    const during = await capStatus(sim);
    expect(Object.fromEntries(during.replicas.map((r) => [r.replica, r.stock['sku-1']]))).toEqual({ 'replica-1': 1, 'replica-2': 1, 'replica-3': 3 });

    expect((await sim.runToQuiescence({ maxTime: 60_000 })).quiescent).toBe(true);
    expect(await outcomes(sim)).toEqual({
      w1: 'ACCEPTED',
      w2: 'ACCEPTED',
      w3: 'ACCEPTED',
      w4: 'ACCEPTED',
      w5: 'ACCEPTED',
      w6: 'ACCEPTED',
      w7: 'ACCEPTED',
      w8: 'ACCEPTED',
      w9: 'REFUSED:OUT_OF_STOCK',
      w10: 'REFUSED:OUT_OF_STOCK',
    });
    const st = await capStatus(sim);
    expect(st.converged).toBe(true);
    const expectedConflict = {
      productId: 'sku-1',
      oversoldBy: 5,
      ops: [
        { opId: 'w6', origin: 'replica-1', units: 1 },
        { opId: 'w7', origin: 'replica-3', units: 2 },
        { opId: 'w8', origin: 'replica-1', units: 2 },
      ],
    };
    for (const r of st.replicas) {
      expect(r.stock['sku-1'], r.replica).toBe(10 - 15);
      // Each op exactly once, whatever number of redeliveries and self-deliveries it took.
      expect(r.appliedOps.map((o) => o.opId).sort(), r.replica).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8']);
      expect(r.conflicts, r.replica).toEqual([expect.objectContaining(expectedConflict)]);
    }
    const conflictEvents = domain(sim.trace(), 'cap.conflict');
    expect(new Set(conflictEvents.map((e) => e.service))).toEqual(new Set(REPLICAS));
    for (const e of conflictEvents) expect(e.time).toBeGreaterThanOrEqual(CAP_PARTITION.to);
    // The replicas that did not oversell on their own did so only once the other side's ops arrived.
    expect(Math.min(...stocksSeen(sim.trace()))).toBe(-5);
  });

  it('without a partition AP still converges, and a large enough stock leaves no conflict', async () => {
    const sim = await start({ mode: 'AP', stock: 100 }, undefined);
    await sim.runToQuiescence({ maxTime: 60_000 });
    const st = await capStatus(sim);
    expect(st.converged).toBe(true);
    for (const r of st.replicas) {
      expect(r.stock['sku-1']).toBe(100 - 18);
      expect(r.conflicts).toEqual([]);
    }
  });

  it('SetMode switches a running system from CP to AP: the minority then accepts', async () => {
    const writes: CapWrite[] = [{ at: 400, replica: 'replica-3', quantity: 1, opId: 'after-switch' }];
    const sim = await start({ mode: 'CP', writes });
    await sim.runUntil(200);
    for (const r of REPLICAS) await sim.inject({ to: r, type: 'SetMode', payload: { mode: 'AP' } });
    await sim.runToQuiescence({ maxTime: 60_000 });
    const st = await capStatus(sim);
    expect(st.replicas.map((r) => r.mode)).toEqual(['AP', 'AP', 'AP']);
    expect(await outcomes(sim)).toEqual({ 'after-switch': 'ACCEPTED' });
    expect(domain(sim.trace(), 'cap.mode')).toHaveLength(3);
  });
});

describe('CAP replicas, determinism and randomized invariants', () => {
  it('same seed gives the same trace hash; another seed another', async () => {
    for (const mode of ['CP', 'AP'] as CapMode[]) {
      const hashes: string[] = [];
      for (const seed of [5, 5, 6]) {
        const sim = await start({ mode }, capPartitionPlan, seed);
        await sim.runToQuiescence({ maxTime: 60_000 });
        hashes.push(sim.traceHash());
      }
      expect(hashes[0], mode).toBe(hashes[1]);
      expect(hashes[2], mode).not.toBe(hashes[0]);
    }
  });

  function randomRun(seed: number) {
    const rng = createRng(seed);
    const writes: CapWrite[] = Array.from({ length: 24 }, (_, i) => ({
      at: rng.int(0, 2500),
      replica: rng.pick(REPLICAS),
      quantity: rng.int(1, 3),
      opId: `op${i}`,
    }));
    const isolated = rng.pick(REPLICAS);
    const cut = REPLICAS.filter((r) => r !== isolated).map((r) => [isolated, r] as [string, string]);
    const from = rng.int(0, 1500);
    const plan: FaultPlan = {
      faults: [
        { at: 0, action: { kind: 'link', params: { dropRate: 0.05, duplicateRate: 0.1, reorderRate: 0.1, jitterMs: 20 } } },
        { at: from, action: { kind: 'partition', links: cut } },
        { at: from + rng.int(100, 2000), action: { kind: 'heal', links: cut } },
      ],
    };
    return { writes, plan };
  }

  it('CP, 40 random seeds (random writes, partitions, loss, duplicates, reordering): never below 0, converges, accepted = initial − final', async () => {
    const base = createRng(20240611);
    for (let i = 0; i < 40; i++) {
      const seed = base.int(0, 2 ** 31);
      const { writes, plan } = randomRun(seed);
      const sim = await start({ mode: 'CP', stock: 15, writes }, plan, seed);
      const run = await sim.runToQuiescence({ maxTime: 120_000 });
      const msg = `seed ${seed}`;
      expect(run.quiescent, msg).toBe(true);
      expect(Math.min(15, ...stocksSeen(sim.trace())), msg).toBeGreaterThanOrEqual(0);
      const st = await capStatus(sim);
      expect(st.converged, msg).toBe(true);
      const accepted = st.replicas.flatMap((r) => r.writes.filter((w) => w.outcome === 'ACCEPTED'));
      expect(st.replicas.flatMap((r) => r.writes.filter((w) => w.outcome === 'PENDING')), msg).toEqual([]);
      const final = st.replicas[0]!.stock['sku-1']!;
      expect(accepted.reduce((n, w) => n + w.quantity, 0), msg).toBe(15 - final);
      for (const r of st.replicas) {
        expect(r.appliedOps.map((o) => o.opId).sort(), `${msg} ${r.replica}`).toEqual(accepted.map((w) => w.opId).sort());
        expect(r.locks, `${msg} ${r.replica}`).toEqual({});
      }
    }
  });

  it('AP, 20 random seeds: converges, each op applied once, every replica lists the same overselling', async () => {
    const base = createRng(777);
    for (let i = 0; i < 20; i++) {
      const seed = base.int(0, 2 ** 31);
      const { writes, plan } = randomRun(seed);
      const sim = await start({ mode: 'AP', stock: 15, writes }, plan, seed);
      await sim.runToQuiescence({ maxTime: 120_000 });
      const msg = `seed ${seed}`;
      const st = await capStatus(sim);
      expect(st.converged, msg).toBe(true);
      const accepted = st.replicas.flatMap((r) => r.writes.filter((w) => w.outcome === 'ACCEPTED'));
      const final = st.replicas[0]!.stock['sku-1']!;
      expect(accepted.reduce((n, w) => n + w.quantity, 0), msg).toBe(15 - final);
      const expected = findOverselling('sku-1', 15, st.replicas[0]!.appliedOps, 0);
      for (const r of st.replicas) {
        expect(r.appliedOps.length, `${msg} ${r.replica}`).toBe(accepted.length);
        expect(r.conflicts.map(({ detectedAt: _d, ...c }) => c), `${msg} ${r.replica}`).toEqual(
          expected ? [{ productId: 'sku-1', oversoldBy: -final, ops: expected.ops }] : [],
        );
      }
    }
  });
});

describe('findOverselling', () => {
  it('walks ops in merge order and charges the units below zero to the ops that took them', () => {
    const op = (opId: string, at: number, quantity: number, origin = 'replica-1') => ({ opId, productId: 'p', quantity, origin, at });
    expect(findOverselling('p', 5, [op('a', 1, 3), op('b', 2, 2)], 9)).toBeNull();
    expect(findOverselling('p', 5, [op('c', 3, 4), op('a', 1, 3), op('b', 2, 2, 'replica-3')], 9)).toEqual({
      productId: 'p',
      oversoldBy: 4,
      ops: [{ opId: 'c', origin: 'replica-1', units: 4 }],
      detectedAt: 9,
    });
    expect(findOverselling('p', 4, [op('a', 1, 3), op('b', 1, 3, 'replica-2')], 0)!.ops).toEqual([{ opId: 'b', origin: 'replica-2', units: 2 }]);
  });
});
