import { describe, expect, it } from 'vitest';
import { defaultSavedState, parseSavedState } from './savedState';

const known = ['order-happy', 'order-orchestrated'];

describe('parseSavedState', () => {
  it('gives the defaults, without a complaint, when nothing was saved', () => {
    expect(parseSavedState(undefined, known)).toEqual({ state: defaultSavedState(), problem: null });
  });

  it('reads a good saved state', () => {
    const saved = {
      version: 1,
      scenarioId: 'order-orchestrated',
      seed: 42,
      faultPlan: { faults: [{ at: 10, action: { kind: 'crash', service: 'payment' } }] },
      liveActions: [{ seq: 12, at: 230, kind: 'fault', fault: { kind: 'partition', links: [['orchestrator', 'payment']] } }, { seq: 30, at: 260, kind: 'inject', order: 0 }],
      positions: { 'order-orchestrated': { order: { x: 1, y: 2 }, bad: { x: 'no' } } },
      speed: 4,
    };
    const { state, problem } = parseSavedState(saved, known);
    expect(problem).toBeNull();
    expect(state).toMatchObject({ scenarioId: 'order-orchestrated', seed: 42, speed: 4 });
    expect(state.liveActions).toHaveLength(2);
    expect(state.positions).toEqual({ 'order-orchestrated': { order: { x: 1, y: 2 } } });
  });

  it.each([
    ['not an object', 'garbage'],
    ['wrong version', { version: 99 }],
    ['unknown scenario', { version: 1, scenarioId: 'gone', seed: 1, faultPlan: { faults: [] }, liveActions: [] }],
    ['bad seed', { version: 1, scenarioId: 'order-happy', seed: -1.5, faultPlan: { faults: [] }, liveActions: [] }],
    ['no fault list', { version: 1, scenarioId: 'order-happy', seed: 1, faultPlan: {}, liveActions: [] }],
    ['bad action', { version: 1, scenarioId: 'order-happy', seed: 1, faultPlan: { faults: [] }, liveActions: [{ seq: 1, at: 1, kind: 'boom' }] }],
  ])('replaces a corrupted state (%s) by the defaults and says so in words', (_, raw) => {
    const { state, problem } = parseSavedState(raw, known);
    expect(state).toEqual(defaultSavedState());
    expect(problem).toMatch(/^The saved sandbox state could not be read \(.+\), so the sandbox started from the defaults\.$/);
  });

  it('falls back to 1× for an unknown speed', () => {
    const { state } = parseSavedState({ version: 1, scenarioId: 'order-happy', seed: 3, faultPlan: { faults: [] }, liveActions: [], speed: 3 }, known);
    expect(state.speed).toBe(1);
  });
});
