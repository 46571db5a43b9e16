import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@/simulator';
import { describeBar, toSagaLanes } from './sagaLanes';

let seq = 0;
const ev = (time: number, e: Record<string, unknown>): TraceEvent => ({ seq: seq++, time, ...e }) as unknown as TraceEvent;
const step = (time: number, sagaId: string, s: string, phase: 'action' | 'compensation', status: string, reason?: string) =>
  ev(time, { type: 'saga.step', sagaId, step: s, phase, status, ...(reason ? { reason } : {}) });

describe('toSagaLanes', () => {
  it('gives an empty axis for a trace without sagas', () => {
    expect(toSagaLanes([])).toEqual({ lanes: [], from: 0, to: 0 });
    expect(toSagaLanes([ev(5, { type: 'log', text: 'x' })]).lanes).toEqual([]);
  });

  it('draws a completed saga as one bar per step, in start order', () => {
    const lanes = toSagaLanes([
      ev(10, { type: 'saga.started', sagaId: 'o-1', saga: 'order' }),
      step(10, 'o-1', 'CreateOrder', 'action', 'started'),
      step(20, 'o-1', 'CreateOrder', 'action', 'succeeded'),
      step(20, 'o-1', 'Pay', 'action', 'started'),
      step(35, 'o-1', 'Pay', 'action', 'succeeded'),
      ev(35, { type: 'saga.completed', sagaId: 'o-1' }),
      ev(50, { type: 'log', text: 'later' }),
    ]);
    expect(lanes.from).toBe(10);
    expect(lanes.to).toBe(50);
    expect(lanes.lanes).toHaveLength(1);
    const l = lanes.lanes[0]!;
    expect(l).toMatchObject({ sagaId: 'o-1', saga: 'order', startedAt: 10, endedAt: 35, outcome: 'COMPLETED' });
    expect(l.bars.map((b) => [b.step, b.phase, b.start, b.end, b.status])).toEqual([
      ['CreateOrder', 'action', 10, 20, 'succeeded'],
      ['Pay', 'action', 20, 35, 'succeeded'],
    ]);
  });

  it('keeps the failure reason, the compensations and the saga reason', () => {
    const l = toSagaLanes([
      ev(0, { type: 'saga.started', sagaId: 's', saga: 'order' }),
      step(0, 's', 'Reserve', 'action', 'started'),
      step(5, 's', 'Reserve', 'action', 'succeeded'),
      step(5, 's', 'Pay', 'action', 'started'),
      step(9, 's', 'Pay', 'action', 'failed', 'Card declined'),
      step(9, 's', 'Reserve', 'compensation', 'started'),
      step(14, 's', 'Reserve', 'compensation', 'succeeded'),
      ev(14, { type: 'saga.compensated', sagaId: 's', reason: 'Pay: Card declined' }),
    ]).lanes[0]!;
    expect(l.outcome).toBe('COMPENSATED');
    expect(l.reason).toBe('Pay: Card declined');
    expect(l.bars[1]).toMatchObject({ step: 'Pay', status: 'failed', reason: 'Card declined' });
    expect(l.bars[2]).toMatchObject({ step: 'Reserve', phase: 'compensation', start: 9, end: 14, status: 'succeeded' });
  });

  it('folds a retried compensation into one bar and leaves a stuck one open with its reason', () => {
    const l = toSagaLanes([
      ev(0, { type: 'saga.started', sagaId: 'x', saga: 'order' }),
      step(1, 'x', 'Refund', 'compensation', 'started'),
      step(2, 'x', 'Refund', 'compensation', 'retrying', 'timeout'),
      step(500, 'x', 'Refund', 'compensation', 'started'),
      step(510, 'x', 'Refund', 'compensation', 'failed', 'timeout again'),
      ev(510, { type: 'saga.stuck', sagaId: 'x', reason: 'compensation "Refund" failed 2 times: timeout again' }),
    ]).lanes[0]!;
    expect(l.bars).toHaveLength(1);
    expect(l.bars[0]).toMatchObject({ attempts: 2, status: 'failed', start: 1, end: 510, reason: 'timeout again' });
    expect(l.outcome).toBe('STUCK');
    expect(l.reason).toContain('failed 2 times');
    expect(describeBar(l.bars[0]!)).toBe('compensate Refund: failed (1–510 ms, 2 attempts) — timeout again');
  });

  it('orders lanes by start and leaves a running step open', () => {
    const lanes = toSagaLanes([
      ev(30, { type: 'saga.started', sagaId: 'b', saga: 'order' }),
      ev(10, { type: 'saga.started', sagaId: 'a', saga: 'order' }),
      step(31, 'b', 'CreateOrder', 'action', 'started'),
    ]);
    expect(lanes.lanes.map((l) => l.sagaId)).toEqual(['a', 'b']);
    expect(lanes.lanes[1]!.bars[0]).toMatchObject({ end: null, status: 'running' });
    expect(lanes.lanes[1]!.outcome).toBe('RUNNING');
  });
});
