import { describe, expect, it } from 'vitest';
import { parseUrlRun } from './urlParams';

const scenarios = [{ id: 'hotel-payment-declined', services: ['booking', 'hotel', 'car', 'payment', 'orchestrator'] }];

describe('parseUrlRun', () => {
  it('reads scenario, seed and fault plan from a replay link', () => {
    const plan = { faults: [{ at: 45, action: { kind: 'crash', service: 'orchestrator' } }, { at: 600, action: { kind: 'restart', service: 'orchestrator' } }] };
    const r = parseUrlRun(`?scenario=hotel-payment-declined&seed=7&plan=${encodeURIComponent(JSON.stringify(plan))}`, scenarios);
    expect(r.problem).toBeNull();
    expect(r.run).toEqual({ scenarioId: 'hotel-payment-declined', seed: 7, faultPlan: plan });
  });

  it('without a scenario the saved state applies', () => {
    expect(parseUrlRun('?seed=3', scenarios)).toEqual({ run: null, problem: null });
  });

  it('reports an unknown scenario, a bad seed and a bad plan in words and keeps what is usable', () => {
    expect(parseUrlRun('?scenario=nope', scenarios).problem).toMatch(/"nope"/);
    const r = parseUrlRun('?scenario=hotel-payment-declined&seed=x&plan=%7Bnot-json', scenarios);
    expect(r.run).toEqual({ scenarioId: 'hotel-payment-declined', seed: null, faultPlan: null });
    expect(r.problem).toMatch(/seed "x"/);
    expect(r.problem).toMatch(/fault plan could not be used/);
    const unknownService = parseUrlRun(`?scenario=hotel-payment-declined&plan=${encodeURIComponent(JSON.stringify({ faults: [{ at: 1, action: { kind: 'crash', service: 'ghost' } }] }))}`, scenarios);
    expect(unknownService.run?.faultPlan).toBeNull();
    expect(unknownService.problem).toMatch(/ghost/);
  });
});
