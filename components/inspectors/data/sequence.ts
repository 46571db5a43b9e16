import type { Json, MessageKind, TraceEvent } from '@/simulator';

export type ArrowStatus = 'delivered' | 'dropped' | 'in-flight';

/** One copy of a message on its way from one lifeline to another. */
export interface SequenceArrow {
  /** Unique per copy: the message id, plus `#2` for a duplicate's second copy. */
  key: string;
  messageId: string;
  from: string;
  to: string;
  type: string;
  kind: MessageKind;
  sentAt: number;
  /** When it arrived or was dropped; the planned arrival while in flight; null if lost at send. */
  endAt: number | null;
  status: ArrowStatus;
  dropReason?: 'loss' | 'partition' | 'service-down' | 'late-reply';
  /** A second (third…) copy made by the network's duplication. */
  duplicate: boolean;
  correlationId: string;
  attempt?: number;
  payload: Json;
}

export interface Sequence {
  /** Lifelines, left to right. */
  lifelines: string[];
  arrows: SequenceArrow[];
  /** Sagas (correlation ids) seen, for the filter. */
  correlations: string[];
  from: number;
  to: number;
}

export interface SequenceOptions {
  /** Keep only the last N arrows (by send time). */
  limit?: number;
  /** Keep only one saga's (correlation id's) messages. */
  correlationId?: string;
  /** Preferred lifeline order (the scenario's services); others follow in order of appearance. */
  order?: readonly string[];
}

/**
 * Folds the trace into a sequence diagram: one arrow per copy of a message, matched
 * sent → delivered/dropped by message id (duplicates keep their original's id, so the
 * n-th delivery of an id is its n-th copy). Pure.
 */
export function toSequence(trace: readonly TraceEvent[], opts: SequenceOptions = {}): Sequence {
  const copies = new Map<string, SequenceArrow[]>();
  const finished = new Map<string, number>();
  const all: SequenceArrow[] = [];
  const correlations = new Set<string>();
  let to = 0;
  for (const e of trace) {
    if (e.time > to) to = e.time;
    switch (e.type) {
      case 'message.sent': {
        const m = e.message;
        const arrow: SequenceArrow = {
          key: m.id,
          messageId: m.id,
          from: m.from,
          to: m.to,
          type: m.type,
          kind: m.kind,
          sentAt: e.time,
          endAt: e.deliverAt >= 0 ? e.deliverAt : null,
          status: 'in-flight',
          duplicate: false,
          correlationId: m.correlationId,
          ...(m.attempt !== undefined ? { attempt: m.attempt } : {}),
          payload: m.payload,
        };
        copies.set(m.id, [arrow]);
        all.push(arrow);
        correlations.add(m.correlationId);
        break;
      }
      case 'message.duplicated': {
        const list = copies.get(e.messageId);
        const first = list?.[0];
        if (!list || !first) break;
        const copy: SequenceArrow = { ...first, key: `${e.messageId}#${list.length + 1}`, endAt: e.deliverAt, status: 'in-flight', duplicate: true };
        delete copy.dropReason;
        list.push(copy);
        all.push(copy);
        break;
      }
      case 'message.delivered':
      case 'message.dropped': {
        const list = copies.get(e.messageId);
        if (!list) break;
        const n = finished.get(e.messageId) ?? 0;
        const arrow = list[n];
        if (!arrow) break;
        finished.set(e.messageId, n + 1);
        if (e.type === 'message.delivered') {
          arrow.status = 'delivered';
          arrow.endAt = e.time;
        } else {
          arrow.status = 'dropped';
          arrow.dropReason = e.reason;
          arrow.endAt = e.reason === 'loss' ? null : e.time;
        }
        break;
      }
    }
  }
  let arrows = opts.correlationId ? all.filter((a) => a.correlationId === opts.correlationId) : all;
  if (opts.limit !== undefined && opts.limit >= 0 && arrows.length > opts.limit) arrows = arrows.slice(arrows.length - opts.limit);
  const seen: string[] = [];
  for (const a of arrows) for (const s of [a.from, a.to]) if (!seen.includes(s)) seen.push(s);
  const preferred = ['client', ...(opts.order ?? [])];
  const lifelines = [...preferred.filter((s) => seen.includes(s)), ...seen.filter((s) => !preferred.includes(s))];
  const from = arrows.length ? Math.min(...arrows.map((a) => a.sentAt)) : 0;
  const end = arrows.length ? Math.max(...arrows.map((a) => a.endAt ?? a.sentAt)) : 0;
  return { lifelines, arrows, correlations: [...correlations].sort(), from, to: Math.max(end, from) };
}

/** Words for an arrow, for its label and tooltip. */
export function describeArrow(a: SequenceArrow): string {
  const route = `${a.from} → ${a.to}`;
  const what = `${a.kind} ${a.type}${a.attempt && a.attempt > 1 ? ` (attempt ${a.attempt})` : ''}`;
  const fate =
    a.status === 'delivered'
      ? `delivered at ${a.endAt} ms`
      : a.status === 'dropped'
        ? `DROPPED (${a.dropReason})${a.endAt !== null ? ` at ${a.endAt} ms` : ''}`
        : `in flight${a.endAt !== null ? `, due at ${a.endAt} ms` : ''}`;
  return `${what}, ${route}, sent at ${a.sentAt} ms, ${fate}${a.duplicate ? ', DUPLICATE copy' : ''}, saga/request ${a.correlationId}`;
}
