import { describe, expect, it } from 'vitest';
import { createSimulation, type Scenario, type StoreProvider } from './simulation';
import type { StoreBase, StoreContext } from './storeContext';
import type { Json } from './json';
import type { FaultPlan, ServiceDefinition, ReplyMessagePayload, TraceEvent } from './types';
import { RejectedError } from './errors';

/** A minimal counter store, enough to exercise the engine's store wiring. */
interface CounterStore extends StoreBase {
  add(n: number): Promise<number>;
  value(): Promise<number>;
}
function counterStore(ctx: StoreContext): CounterStore {
  let value = 0;
  return {
    kind: 'kv',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: 'test counter',
    async add(n) {
      ctx.checkAccess();
      value += n;
      ctx.record({ op: 'ADD', summary: `ADD ${n}`, ok: true });
      return value;
    },
    async value() {
      ctx.checkAccess();
      return value;
    },
    async exportState() {
      return value;
    },
    async importState(s: Json) {
      value = s as number;
    },
    async reset() {
      value = 0;
    },
    async close() {},
  };
}
const provider: StoreProvider = { create: async (_spec, ctx) => counterStore(ctx) };

type Stores = { counter: CounterStore };

const bank: ServiceDefinition<Stores> = {
  name: 'bank',
  title: 'Bank',
  stores: [{ key: 'counter', kind: 'kv' }],
  handlers: {
    async Deposit(p: { amount: number }, ctx) {
      if (p.amount < 0) throw new RejectedError('NEGATIVE', 'negative deposit');
      return ctx.stores.counter.add(p.amount);
    },
  },
};

/** Sends Deposit requests to the bank and remembers the outcomes in memory and in its store. */
const teller: ServiceDefinition<Stores> = {
  name: 'teller',
  title: 'Teller',
  stores: [{ key: 'counter', kind: 'kv' }],
  handlers: {
    Start(p: { amount: number }, ctx) {
      ctx.request('bank', 'Deposit', { amount: p.amount }, { onReply: 'Deposited', timeoutMs: 100, retries: 2, backoffMs: 20, context: { amount: p.amount } });
    },
    async Deposited(p: ReplyMessagePayload, ctx) {
      ctx.memory.last = p.reply.ok ? 'ok' : p.reply.error.code;
      ctx.memory.attempts = p.attempts;
      if (p.reply.ok) await ctx.stores.counter.add(1);
    },
    async Snoop(_p, ctx) {
      // Reaches the bank's store through a reference it should never have.
      const foreign = (globalThis as unknown as { __bankStore: CounterStore }).__bankStore;
      return foreign.add(1000);
    },
  },
};

function scenario(inputs: Scenario['inputs']): Scenario {
  return { id: 'test', title: 'test', description: 'test', services: [teller, bank], inputs, network: { latencyMs: 10, jitterMs: 4 } };
}

async function run(seed: number, faultPlan?: FaultPlan, inputs = [{ at: 0, to: 'teller', type: 'Start', payload: { amount: 5 } }]) {
  const sim = await createSimulation({ seed, scenario: scenario(inputs), faultPlan, stores: provider });
  await sim.runToQuiescence({ maxTime: 10_000 });
  return sim;
}

const types = (trace: readonly TraceEvent[]) => trace.map((e) => e.type);

describe('Simulation', () => {
  it('delivers a request and its reply through the network in virtual time', async () => {
    const sim = await run(1);
    expect(sim.memoryOf('teller')).toEqual({ last: 'ok', attempts: 1 });
    const bankValue = await sim.inspect((s) => (s.bank!.counter as CounterStore).value());
    expect(bankValue).toBe(5);
    const delivered = sim.trace().flatMap((e) => (e.type === 'message.delivered' ? [`${e.kind}:${e.messageType}->${e.to}`] : []));
    // the input to the teller and its reply to the client; the request to the bank and its reply
    expect(delivered.sort()).toEqual(['input:Start->teller', 'reply:Deposit->teller', 'reply:Start->client', 'request:Deposit->bank']);
    const deposit = sim.trace().find((e) => e.type === 'message.delivered' && e.to === 'bank')!;
    expect(deposit.time).toBeGreaterThanOrEqual(20); // two hops of ≥ 10 ms
    expect(sim.trace().some((e) => e.type === 'store.op' && e.store === 'bank.counter' && e.summary === 'ADD 5')).toBe(true);
  });

  it('is deterministic: one seed gives one trace hash, another seed another', async () => {
    const plan: FaultPlan = { faults: [{ at: 0, action: { kind: 'link', params: { dropRate: 0.3, duplicateRate: 0.3 } } }] };
    const inputs = Array.from({ length: 10 }, (_, i) => ({ at: i * 7, to: 'teller', type: 'Start', payload: { amount: i } }));
    const a = await run(42, plan, inputs);
    const b = await run(42, plan, inputs);
    const c = await run(43, plan, inputs);
    expect(a.traceHash()).toBe(b.traceHash());
    expect(JSON.stringify(a.trace())).toBe(JSON.stringify(b.trace()));
    expect(c.traceHash()).not.toBe(a.traceHash());
  });

  it('retries a request after a timeout and gives up with TIMEOUT when the link stays cut', async () => {
    const cut: FaultPlan = { faults: [{ at: 0, action: { kind: 'partition', links: [['teller', 'bank']] } }] };
    const sim = await run(7, cut);
    expect(sim.memoryOf('teller')).toEqual({ last: 'TIMEOUT', attempts: 3 });
    const timeouts = sim.trace().filter((e) => e.type === 'request.timeout');
    expect(timeouts.map((e) => (e as { willRetry: boolean }).willRetry)).toEqual([true, true, false]);
    expect(sim.trace().filter((e) => e.type === 'message.dropped' && e.reason === 'partition')).toHaveLength(3);
  });

  it('a partition that heals lets a retry through', async () => {
    const plan: FaultPlan = {
      faults: [
        { at: 0, action: { kind: 'partition', links: [['teller', 'bank']], oneWay: true } },
        { at: 120, action: { kind: 'heal' } },
      ],
    };
    const sim = await run(3, plan);
    expect(sim.memoryOf('teller')).toMatchObject({ last: 'ok' });
    expect((sim.memoryOf('teller').attempts as number) > 1).toBe(true);
  });

  it('a crash loses memory and pending requests but keeps the store; restart runs again', async () => {
    const plan: FaultPlan = {
      faults: [
        { at: 15, action: { kind: 'crash', service: 'teller' } },
        { at: 500, action: { kind: 'restart', service: 'teller' } },
      ],
    };
    const sim = await run(5, plan);
    expect(sim.memoryOf('teller')).toEqual({});
    expect(sim.serviceStatus('teller')).toBe('up');
    expect(types(sim.trace())).toContain('service.crashed');
    // the bank's reply arrived while the teller was down: dropped, not handled
    expect(sim.trace().some((e) => e.type === 'message.dropped' && e.reason === 'service-down')).toBe(true);
  });

  it('a paused service holds its messages and handles them on resume', async () => {
    const plan: FaultPlan = {
      faults: [
        { at: 0, action: { kind: 'pause', service: 'bank' } },
        { at: 50, action: { kind: 'resume', service: 'bank' } },
      ],
    };
    const sim = await run(9, plan);
    const handledAt = sim.trace().find((e) => e.type === 'store.op' && e.service === 'bank')!.time;
    expect(handledAt).toBe(50);
  });

  it('a business rejection becomes an error reply with its reason', async () => {
    const sim = await run(2, undefined, [{ at: 0, to: 'bank', type: 'Deposit', payload: { amount: -1 } }]);
    const reply = sim.clientReplies()[0]!.reply;
    expect(reply).toEqual({ ok: false, error: { code: 'REJECTED', message: 'negative deposit', reason: 'NEGATIVE' } });
  });

  it("a handler that touches another service's store gets an error naming both services", async () => {
    const sim = await createSimulation({ seed: 1, scenario: scenario([{ at: 0, to: 'teller', type: 'Snoop', payload: null }]), stores: provider });
    await sim.inspect((s) => {
      (globalThis as unknown as { __bankStore: unknown }).__bankStore = s.bank!.counter;
    });
    await sim.runToQuiescence();
    const err = sim.trace().find((e) => e.type === 'handler.error')!;
    expect(err).toMatchObject({ service: 'teller', error: { code: 'FOREIGN_STORE_ACCESS' } });
    expect((err as { error: { message: string } }).error.message).toMatch(/"teller".*"bank"/);
    expect(await sim.inspect((s) => (s.bank!.counter as CounterStore).value())).toBe(0);
  });

  it('snapshot and restore put engine and stores back; the run then continues identically', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ at: i * 30, to: 'teller', type: 'Start', payload: { amount: i + 1 } }));
    const sim = await createSimulation({ seed: 11, scenario: scenario(inputs), stores: provider });
    await sim.runUntil(70);
    const snap = await sim.snapshot();
    const bankAt70 = await sim.inspect((s) => (s.bank!.counter as CounterStore).value());
    await sim.runToQuiescence();
    const finalHash = sim.traceHash();
    const finalBank = await sim.inspect((s) => (s.bank!.counter as CounterStore).value());
    expect(finalBank).toBe(21);
    await sim.restore(snap);
    expect(sim.now).toBe(70);
    expect(await sim.inspect((s) => (s.bank!.counter as CounterStore).value())).toBe(bankAt70);
    expect(sim.trace().length).toBe(snap.traceLength);
    await sim.runToQuiescence();
    expect(sim.traceHash()).toBe(finalHash);
  });

  it('restores a snapshot taken before events it no longer keeps (trace limit) and still hashes the same', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ at: i * 30, to: 'teller', type: 'Start', payload: { amount: i + 1 } }));
    const sim = await createSimulation({ seed: 11, scenario: scenario(inputs), stores: provider, traceLimit: 8 });
    await sim.runUntil(70);
    const snap = await sim.snapshot();
    await sim.runToQuiescence();
    const finalHash = sim.traceHash();
    const finalSeq = sim.trace().at(-1)!.seq;
    await sim.restore(snap);
    expect(sim.trace().every((e) => e.seq < snap.traceLength)).toBe(true);
    await sim.runToQuiescence();
    expect(sim.trace().at(-1)!.seq).toBe(finalSeq);
    expect(sim.traceHash()).toBe(finalHash);
  });

  it('a long run hands its events to subscribers in order, in batches, as it goes', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => ({ at: i, to: 'teller', type: 'Start', payload: { amount: 1 } }));
    const sim = await createSimulation({ seed: 4, scenario: scenario(inputs), stores: provider });
    const sizes: number[] = [];
    const seqs: number[] = [];
    sim.subscribe((b) => {
      sizes.push(b.length);
      seqs.push(...b.map((e) => e.seq));
    });
    await sim.runToQuiescence();
    expect(seqs).toEqual(sim.trace().map((e) => e.seq).filter((seq) => seq >= seqs[0]!));
    expect(seqs.length).toBeGreaterThan(2000);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(1100);
  });

  it('subscribers receive every trace event in batches', async () => {
    const sim = await createSimulation({ seed: 1, scenario: scenario([{ at: 0, to: 'teller', type: 'Start', payload: { amount: 1 } }]), stores: provider });
    const seen: TraceEvent[] = [];
    let batches = 0;
    sim.subscribe((b) => {
      batches++;
      seen.push(...b);
    });
    while (await sim.step()) {
      /* one item at a time */
    }
    expect(seen.map((e) => e.seq)).toEqual(sim.trace().map((e) => e.seq));
    expect(batches).toBeGreaterThan(1);
  });
});
