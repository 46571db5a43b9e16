import type { SagaOutcome, TraceEvent } from '@/simulator';

/** One step (or compensation) of a saga as a bar on the virtual-time axis. */
export interface SagaBar {
  step: string;
  phase: 'action' | 'compensation';
  /** Virtual time the first attempt started, ms. */
  start: number;
  /** Virtual time it ended (succeeded or failed), or null while it is still open. */
  end: number | null;
  /** running: started, no answer yet; retrying: failed and waiting for another attempt. */
  status: 'running' | 'retrying' | 'succeeded' | 'failed';
  /** How many times it was started (retries of a compensation restart it). */
  attempts: number;
  /** The failure (or the last retry's) reason. */
  reason?: string;
}

/** One saga, one lane. */
export interface SagaLane {
  sagaId: string;
  saga: string;
  startedAt: number;
  endedAt: number | null;
  outcome: SagaOutcome;
  /** Why it compensated or got stuck. */
  reason?: string;
  bars: SagaBar[];
}

export interface SagaLanes {
  lanes: SagaLane[];
  /** Time axis: the earliest saga start and the latest time seen in the trace. */
  from: number;
  to: number;
}

/**
 * Folds the trace into one lane per saga, in start order. Steps become bars from their
 * `started` to their `succeeded`/`failed`; a compensation retried after `retrying` stays one
 * bar with more attempts. Bars still open (a saga stuck or running) have `end: null`.
 * Pure: the same trace always gives the same lanes.
 */
export function toSagaLanes(trace: readonly TraceEvent[]): SagaLanes {
  const lanes = new Map<string, SagaLane>();
  const open = new Map<string, SagaBar>();
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  const laneOf = (sagaId: string, time: number): SagaLane => {
    let lane = lanes.get(sagaId);
    if (!lane) {
      // A saga resumed from a restored snapshot may show steps without its start.
      lane = { sagaId, saga: '?', startedAt: time, endedAt: null, outcome: 'RUNNING', bars: [] };
      lanes.set(sagaId, lane);
      from = Math.min(from, time);
    }
    return lane;
  };
  for (const e of trace) {
    if (e.time > to) to = e.time;
    switch (e.type) {
      case 'saga.started': {
        const lane = laneOf(e.sagaId, e.time);
        lane.saga = e.saga;
        lane.startedAt = Math.min(lane.startedAt, e.time);
        from = Math.min(from, e.time);
        break;
      }
      case 'saga.step': {
        const lane = laneOf(e.sagaId, e.time);
        const key = `${e.sagaId}\u0000${e.phase}\u0000${e.step}`;
        let bar = open.get(key);
        if (e.status === 'started') {
          if (bar && bar.status === 'retrying') {
            bar.attempts++;
            bar.status = 'running';
          } else {
            bar = { step: e.step, phase: e.phase, start: e.time, end: null, status: 'running', attempts: 1 };
            lane.bars.push(bar);
            open.set(key, bar);
          }
          break;
        }
        if (!bar) {
          // An answer without its start (trace cut by traceLimit): a zero-length bar still shows it.
          bar = { step: e.step, phase: e.phase, start: e.time, end: null, status: 'running', attempts: 1 };
          lane.bars.push(bar);
        }
        if (e.reason !== undefined) bar.reason = e.reason;
        if (e.status === 'retrying') {
          bar.status = 'retrying';
          open.set(key, bar);
        } else {
          bar.status = e.status;
          bar.end = e.time;
          open.delete(key);
        }
        break;
      }
      case 'saga.completed':
      case 'saga.compensated':
      case 'saga.stuck': {
        const lane = laneOf(e.sagaId, e.time);
        lane.outcome = e.type === 'saga.completed' ? 'COMPLETED' : e.type === 'saga.compensated' ? 'COMPENSATED' : 'STUCK';
        lane.endedAt = e.time;
        if (e.type !== 'saga.completed') lane.reason = e.reason;
        break;
      }
    }
  }
  const list = [...lanes.values()].sort((a, b) => a.startedAt - b.startedAt || (a.sagaId < b.sagaId ? -1 : 1));
  return { lanes: list, from: list.length ? from : 0, to: Math.max(to, list.length ? from : 0) };
}

/** Words for a bar, for its tooltip and its screen-reader label. */
export function describeBar(bar: SagaBar): string {
  const what = bar.phase === 'compensation' ? `compensate ${bar.step}` : bar.step;
  const when = bar.end === null ? `from ${bar.start} ms, still open` : `${bar.start}–${bar.end} ms`;
  const tries = bar.attempts > 1 ? `, ${bar.attempts} attempts` : '';
  return `${what}: ${bar.status} (${when}${tries})${bar.reason ? ` — ${bar.reason}` : ''}`;
}
