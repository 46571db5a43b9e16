import { describe, expect, it } from 'vitest';
import { createMemoryStoreProvider, createSimulation, findScenario, type FaultPlan } from '@/simulator';
import { emptyFold, foldTrace } from './foldTrace';

async function run(faultPlan?: FaultPlan, maxTime = 2_000) {
  const { scenario } = findScenario('order-happy').build();
  const sim = await createSimulation({ seed: 1, scenario, stores: createMemoryStoreProvider(), ...(faultPlan ? { faultPlan } : {}) });
  await sim.runToQuiescence({ maxTime });
  const trace = sim.trace();
  await sim.dispose();
  return trace;
}

describe('foldTrace over real runs (seed 1, order-happy)', () => {
  it('sees the happy saga complete and the links it used', async () => {
    const trace = await run();
    const fold = foldTrace(emptyFold(), trace);
    expect(fold.sagaOrder).toEqual(['o-1']);
    expect(fold.sagas['o-1']).toMatchObject({ status: 'COMPLETED', step: null, stepsDone: 5, driver: 'orchestrator' });
    expect(fold.links).toEqual(expect.arrayContaining(['orchestrator|payment', 'client|orchestrator', 'inventory|orchestrator']));
    expect(fold.problems.filter((p) => p.level === 'error')).toEqual([]);
    expect(fold.eventCount).toBe(trace.length);
  });

  it('folding in batches equals folding all at once (the UI applies one batch per frame)', async () => {
    const trace = await run();
    let inc = emptyFold();
    for (let i = 0; i < trace.length; i += 7) inc = foldTrace(inc, trace.slice(i, i + 7));
    expect(inc).toEqual(foldTrace(emptyFold(), trace));
  });

  it('a view fold and a wire fold each keep their part exactly as the whole fold does', async () => {
    const trace = await run({ faults: [{ at: 0, action: { kind: 'partition', links: [['orchestrator', 'payment']] } }] }, 60_000);
    const all = foldTrace(emptyFold(), trace);
    let view = emptyFold();
    let wire = emptyFold();
    for (let i = 0; i < trace.length; i += 5) {
      view = foldTrace(view, trace.slice(i, i + 5), 'view');
      wire = foldTrace(wire, trace.slice(i, i + 5), 'wire');
    }
    expect({ sagas: view.sagas, sagaOrder: view.sagaOrder, links: view.links, problems: view.problems, eventCount: view.eventCount }).toEqual({
      sagas: all.sagas,
      sagaOrder: all.sagaOrder,
      links: all.links,
      problems: all.problems,
      eventCount: all.eventCount,
    });
    expect(view.compensationMessages).toEqual({});
    expect({ sentAt: wire.sentAt, compensationMessages: wire.compensationMessages, compensationRequests: wire.compensationRequests, pendingCompensation: wire.pendingCompensation }).toEqual({
      sentAt: all.sentAt,
      compensationMessages: all.compensationMessages,
      compensationRequests: all.compensationRequests,
      pendingCompensation: all.pendingCompensation,
    });
    expect(wire.sagaOrder).toEqual([]);
  });

  it('marks compensation requests, and a saga cut off from payment ends stuck with its reason', async () => {
    const trace = await run({ faults: [{ at: 0, action: { kind: 'partition', links: [['orchestrator', 'payment']] } }] }, 60_000);
    const fold = foldTrace(emptyFold(), trace);
    const saga = fold.sagas['o-1']!;
    expect(saga.status).toBe('STUCK');
    expect(saga.reason).toContain('RefundPayment');
    const compensations = trace.filter((e) => e.type === 'message.sent' && fold.compensationMessages[e.message.id]).map((e) => (e.type === 'message.sent' ? e.message.type : ''));
    // Compensation runs in reverse and RefundPayment never gets through, so it is all that is sent.
    expect(new Set(compensations)).toEqual(new Set(['RefundPayment']));
    expect(compensations.length).toBeGreaterThan(4);
    expect(fold.problems.some((p) => p.code === 'SAGA_STUCK')).toBe(true);
  });
});
