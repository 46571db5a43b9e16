import { describe, expect, it } from 'vitest';
import { computeMetrics, histogram } from './metrics';
import type { TraceEvent } from './types';

const ev = (seq: number, time: number, e: Record<string, unknown>) => ({ seq, time, ...e }) as unknown as TraceEvent;

describe('computeMetrics', () => {
  it('derives saga latency, messages per saga, compensations and lag from the trace', () => {
    const trace = [
      ev(0, 0, { type: 'saga.started', sagaId: 'a', saga: 'order' }),
      ev(1, 0, { type: 'message.sent', correlationId: 'a', message: {}, deliverAt: 5 }),
      ev(2, 5, { type: 'message.sent', correlationId: 'a', message: {}, deliverAt: 9 }),
      ev(3, 9, { type: 'saga.completed', sagaId: 'a' }),
      ev(4, 10, { type: 'saga.started', sagaId: 'b', saga: 'order' }),
      ev(5, 11, { type: 'message.sent', correlationId: 'b', message: {}, deliverAt: 20 }),
      ev(6, 20, { type: 'saga.step', sagaId: 'b', step: 'X', phase: 'compensation', status: 'succeeded' }),
      ev(7, 40, { type: 'saga.compensated', sagaId: 'b', reason: 'declined' }),
      ev(8, 41, { type: 'projection.applied', projection: 'orders_view', position: 3, lagMs: 25 }),
      ev(9, 42, { type: 'saga.started', sagaId: 'c', saga: 'order' }),
    ];
    const m = computeMetrics(trace);
    expect(m.sagas.map((s) => [s.sagaId, s.outcome, s.latencyMs, s.messages, s.compensations])).toEqual([
      ['a', 'COMPLETED', 9, 2, 0],
      ['b', 'COMPENSATED', 30, 1, 1],
      ['c', 'RUNNING', null, 0, 0],
    ]);
    expect(m.latency.max).toBe(30);
    expect(m.latency.p50).toBe(9);
    expect(m.messagesPerSaga.mean).toBe(1);
    expect(m.compensations).toBe(1);
    expect(m.projectionLag).toEqual([{ time: 41, projection: 'orders_view', lagMs: 25 }]);
    expect(m.messages.sent).toBe(3);
  });

  it('puts every value in exactly one bucket', () => {
    const values = [0, 1, 5, 9, 10, 99];
    const h = histogram(values, 5);
    expect(h.reduce((a, b) => a + b.count, 0)).toBe(values.length);
    for (const v of values) expect(h.filter((b) => v >= b.from && v < b.to)).toHaveLength(1);
  });
});
