import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '@/simulator';
import { describeArrow, toSequence } from './sequence';

let seq = 0;
const ev = (time: number, e: Record<string, unknown>): TraceEvent => ({ seq: seq++, time, ...e }) as unknown as TraceEvent;
const sent = (time: number, id: string, from: string, to: string, deliverAt: number, extra: Record<string, unknown> = {}) =>
  ev(time, { type: 'message.sent', service: from, deliverAt, message: { id, kind: 'request', from, to, type: `T${id}`, payload: { id }, correlationId: 'o-1', causationId: null, ...extra } });
const delivered = (time: number, id: string, from: string, to: string) => ev(time, { type: 'message.delivered', messageId: id, from, to, messageType: `T${id}`, kind: 'request' });
const dropped = (time: number, id: string, from: string, to: string, reason: string) => ev(time, { type: 'message.dropped', messageId: id, from, to, messageType: `T${id}`, reason });

describe('toSequence', () => {
  it('matches sends to deliveries and orders lifelines client first, then the scenario order', () => {
    const s = toSequence([sent(0, 'm1', 'client', 'order', 10), delivered(10, 'm1', 'client', 'order'), sent(10, 'm2', 'order', 'inventory', 18), delivered(18, 'm2', 'order', 'inventory')], {
      order: ['inventory', 'order'],
    });
    expect(s.lifelines).toEqual(['client', 'inventory', 'order']);
    expect(s.arrows.map((a) => [a.key, a.status, a.sentAt, a.endAt])).toEqual([
      ['m1', 'delivered', 0, 10],
      ['m2', 'delivered', 10, 18],
    ]);
    expect(s.from).toBe(0);
    expect(s.to).toBe(18);
  });

  it('marks a lost message (no end), a partition drop (at its time) and an in-flight one', () => {
    const s = toSequence([
      sent(0, 'm1', 'a', 'b', -1),
      dropped(0, 'm1', 'a', 'b', 'loss'),
      sent(1, 'm2', 'a', 'b', 12),
      dropped(12, 'm2', 'a', 'b', 'partition'),
      sent(2, 'm3', 'b', 'a', 20),
    ]);
    expect(s.arrows.map((a) => [a.key, a.status, a.dropReason, a.endAt])).toEqual([
      ['m1', 'dropped', 'loss', null],
      ['m2', 'dropped', 'partition', 12],
      ['m3', 'in-flight', undefined, 20],
    ]);
    expect(describeArrow(s.arrows[0]!)).toContain('DROPPED (loss)');
  });

  it('gives a duplicate its own arrow, matched to the second delivery of the same id', () => {
    const s = toSequence([
      sent(0, 'm1', 'a', 'b', 10),
      ev(0, { type: 'message.duplicated', messageId: 'm1', deliverAt: 14 }),
      delivered(10, 'm1', 'a', 'b'),
      dropped(14, 'm1', 'a', 'b', 'late-reply'),
    ]);
    expect(s.arrows.map((a) => [a.key, a.duplicate, a.status, a.endAt])).toEqual([
      ['m1', false, 'delivered', 10],
      ['m1#2', true, 'dropped', 14],
    ]);
    expect(describeArrow(s.arrows[1]!)).toContain('DUPLICATE');
  });

  it('filters by saga and keeps the last N, and lists every correlation for the picker', () => {
    const trace = [
      sent(0, 'm1', 'a', 'b', 5, { correlationId: 'o-1' }),
      sent(1, 'm2', 'a', 'b', 6, { correlationId: 'o-2' }),
      sent(2, 'm3', 'b', 'a', 7, { correlationId: 'o-1' }),
      sent(3, 'm4', 'a', 'c', 8, { correlationId: 'o-1' }),
    ];
    expect(toSequence(trace, { correlationId: 'o-1' }).arrows.map((a) => a.key)).toEqual(['m1', 'm3', 'm4']);
    expect(toSequence(trace, { correlationId: 'o-1', limit: 2 }).arrows.map((a) => a.key)).toEqual(['m3', 'm4']);
    expect(toSequence(trace, { limit: 1 }).lifelines).toEqual(['a', 'c']);
    expect(toSequence(trace, { limit: 0 }).correlations).toEqual(['o-1', 'o-2']);
  });
});
