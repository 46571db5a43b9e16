import type { VirtualTime } from './storeContext';
import type { TraceEvent } from './types';

export type SagaOutcome = 'RUNNING' | 'COMPLETED' | 'COMPENSATED' | 'STUCK';

export interface SagaSummary {
  sagaId: string;
  saga: string;
  startedAt: VirtualTime;
  endedAt: VirtualTime | null;
  outcome: SagaOutcome;
  /** End minus start, for finished sagas. */
  latencyMs: number | null;
  /** Messages sent with the saga's correlation id. */
  messages: number;
  /** Compensation steps that succeeded. */
  compensations: number;
  reason?: string;
}

export interface HistogramBucket {
  /** Inclusive lower bound, ms. */
  from: number;
  /** Exclusive upper bound, ms. */
  to: number;
  count: number;
}

export interface Metrics {
  sagas: SagaSummary[];
  latency: { p50: number | null; p95: number | null; max: number | null; histogram: HistogramBucket[] };
  messagesPerSaga: { mean: number | null; max: number | null };
  compensations: number;
  projectionLag: Array<{ time: VirtualTime; projection: string; lagMs: number }>;
  messages: { sent: number; delivered: number; dropped: number; duplicated: number };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Builds histogram buckets of equal width covering [0, max]. */
export function histogram(values: readonly number[], buckets = 10): HistogramBucket[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const width = Math.max(1, Math.ceil((max + 1) / buckets));
  const out: HistogramBucket[] = Array.from({ length: buckets }, (_, i) => ({ from: i * width, to: (i + 1) * width, count: 0 }));
  for (const v of values) out[Math.min(buckets - 1, Math.floor(v / width))]!.count++;
  return out;
}

/** Every metric the UI charts, derived from the trace alone (nothing is counted twice in the engine). */
export function computeMetrics(trace: readonly TraceEvent[]): Metrics {
  const sagas = new Map<string, SagaSummary>();
  const messagesByCorrelation = new Map<string, number>();
  const projectionLag: Metrics['projectionLag'] = [];
  const messages = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
  let compensations = 0;
  for (const e of trace) {
    switch (e.type) {
      case 'saga.started':
        sagas.set(e.sagaId, { sagaId: e.sagaId, saga: e.saga, startedAt: e.time, endedAt: null, outcome: 'RUNNING', latencyMs: null, messages: 0, compensations: 0 });
        break;
      case 'saga.completed':
      case 'saga.compensated':
      case 'saga.stuck': {
        const s = sagas.get(e.sagaId);
        if (!s) break;
        s.outcome = e.type === 'saga.completed' ? 'COMPLETED' : e.type === 'saga.compensated' ? 'COMPENSATED' : 'STUCK';
        s.endedAt = e.time;
        s.latencyMs = e.time - s.startedAt;
        if ('reason' in e) s.reason = e.reason;
        break;
      }
      case 'saga.step':
        if (e.phase === 'compensation' && e.status === 'succeeded') {
          compensations++;
          const s = sagas.get(e.sagaId);
          if (s) s.compensations++;
        }
        break;
      case 'message.sent':
        messages.sent++;
        if (e.correlationId) messagesByCorrelation.set(e.correlationId, (messagesByCorrelation.get(e.correlationId) ?? 0) + 1);
        break;
      case 'message.delivered':
        messages.delivered++;
        break;
      case 'message.dropped':
        messages.dropped++;
        break;
      case 'message.duplicated':
        messages.duplicated++;
        break;
      case 'projection.applied':
        projectionLag.push({ time: e.time, projection: e.projection, lagMs: e.lagMs });
        break;
    }
  }
  const list = [...sagas.values()];
  for (const s of list) s.messages = messagesByCorrelation.get(s.sagaId) ?? 0;
  const latencies = list.filter((s) => s.latencyMs !== null).map((s) => s.latencyMs!).sort((a, b) => a - b);
  const counts = list.map((s) => s.messages);
  return {
    sagas: list,
    latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? null, histogram: histogram(latencies) },
    messagesPerSaga: { mean: counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : null, max: counts.length ? Math.max(...counts) : null },
    compensations,
    projectionLag,
    messages,
  };
}
