import type { TraceEvent } from '@/simulator';
import { pairKey, type Problem, type SagaView } from '../model';

/**
 * Folds trace events into what the map and the saga strip show. Pure and incremental:
 * `foldTrace(foldTrace(empty, a), b)` equals `foldTrace(empty, [...a, ...b])`, so the
 * workspace applies each frame's batch, and rebuilds from `sim.trace()` after a step back.
 */
export interface TraceFold {
  eventCount: number;
  sagas: Record<string, SagaView>;
  /** Saga ids in start order. */
  sagaOrder: string[];
  /** Virtual send time of messages still travelling (pruned on delivery or drop). */
  sentAt: Record<string, number>;
  /** Request ids that belong to a compensation: their retries and replies are compensations too. */
  compensationRequests: Record<string, true>;
  /** Message ids known to be compensations. */
  compensationMessages: Record<string, true>;
  /** "service causationId" of compensation steps whose request is not sent yet. */
  pendingCompensation: Record<string, true>;
  /** Undirected links that carried at least one message, 'a|b'. */
  links: string[];
  problems: Problem[];
}

export const MAX_PROBLEMS = 200;

export function emptyFold(): TraceFold {
  return {
    eventCount: 0,
    sagas: {},
    sagaOrder: [],
    sentAt: {},
    compensationRequests: {},
    compensationMessages: {},
    pendingCompensation: {},
    links: [],
    problems: [],
  };
}

/** Choreographed sagas emit no saga.* events; their compensations are recognised by name. */
const COMPENSATION_TYPE = /^(Cancel|Release|Refund|Compensate)|(Cancelled|Released|Refunded|Failed)$/;

export function isCompensationType(type: string): boolean {
  return COMPENSATION_TYPE.test(type);
}

/**
 * What a fold keeps up to date: everything; only what the page draws from it (sagas, links,
 * problems); or only what placing messages on the wire needs (send times, compensations). The
 * page and the engine's thread each fold only their part: the compensation sets grow with the
 * run, and copying them once per batch is the fold's main cost in a long, busy run.
 */
export type FoldScope = 'all' | 'view' | 'wire';

export function foldTrace(prev: TraceFold, events: readonly TraceEvent[], scope: FoldScope = 'all'): TraceFold {
  if (events.length === 0) return prev;
  const view = scope !== 'wire';
  const wire = scope !== 'view';
  // Copy-on-write per field: React sees new objects only where something changed.
  let sagas = prev.sagas;
  let sagaOrder = prev.sagaOrder;
  const sentAt = wire ? { ...prev.sentAt } : prev.sentAt;
  // Copied at most once per batch (a copy per message would be quadratic over a long run).
  let compensationRequests = prev.compensationRequests;
  let compensationMessages = prev.compensationMessages;
  let pendingCompensation = prev.pendingCompensation;
  const own = { requests: false, messages: false, pending: false };
  const writableRequests = () => (own.requests ? compensationRequests : ((own.requests = true), (compensationRequests = { ...compensationRequests })));
  const writableMessages = () => (own.messages ? compensationMessages : ((own.messages = true), (compensationMessages = { ...compensationMessages })));
  const writablePending = () => (own.pending ? pendingCompensation : ((own.pending = true), (pendingCompensation = { ...pendingCompensation })));
  let links = prev.links;
  let linkSet: Set<string> | null = null;
  const newProblems: Problem[] = [];

  const saga = (id: string): SagaView | undefined => sagas[id];
  const putSaga = (s: SagaView) => {
    if (sagas === prev.sagas) sagas = { ...prev.sagas };
    sagas[s.sagaId] = s;
  };

  for (const e of events) {
    switch (e.type) {
      case 'message.sent': {
        const m = e.message;
        if (view && m.from !== m.to) {
          linkSet ??= new Set(links);
          const k = pairKey(m.from, m.to);
          if (!linkSet.has(k)) {
            linkSet.add(k);
            links = [...links, k];
          }
        }
        if (wire) {
          sentAt[m.id] = e.time;
          const pendingKey = `${m.from} ${m.causationId ?? ''}`;
          const isComp =
            (m.requestId !== undefined && compensationRequests[m.requestId] === true) ||
            (m.kind === 'request' && pendingCompensation[pendingKey] === true) ||
            (m.kind === 'event' && isCompensationType(m.type));
          if (m.kind === 'request' && pendingCompensation[pendingKey]) {
            delete writablePending()[pendingKey];
            if (m.requestId) writableRequests()[m.requestId] = true;
          }
          if (isComp) writableMessages()[m.id] = true;
        }
        // The saga's active step talks to this service.
        const s = view ? saga(m.correlationId) : undefined;
        if (s && m.kind === 'request' && m.from === s.driver && s.step !== null) {
          putSaga({ ...s, activeService: m.to });
        }
        break;
      }
      case 'message.delivered':
      case 'message.dropped':
        if (wire) delete sentAt[e.messageId];
        break;
      case 'saga.started':
        if (!view) break;
        putSaga({
          sagaId: e.sagaId,
          saga: e.saga,
          status: 'RUNNING',
          step: null,
          phase: null,
          activeService: null,
          driver: e.service ?? null,
          reason: null,
          startedAt: e.time,
          updatedAt: e.time,
          stepsDone: 0,
        });
        if (!sagaOrder.includes(e.sagaId)) sagaOrder = [...sagaOrder, e.sagaId];
        break;
      case 'saga.step': {
        if (wire && e.phase === 'compensation' && e.status === 'started' && e.service) {
          writablePending()[`${e.service} ${e.causationId ?? ''}`] = true;
        }
        const s = view ? saga(e.sagaId) : undefined;
        if (!s) break;
        const compensating = e.phase === 'compensation' || s.status === 'COMPENSATING';
        putSaga({
          ...s,
          status: compensating ? 'COMPENSATING' : 'RUNNING',
          step: e.step,
          phase: e.phase,
          activeService: e.status === 'started' ? null : s.activeService,
          reason: e.status === 'failed' && e.reason ? `${e.step}: ${e.reason}` : s.reason,
          updatedAt: e.time,
          stepsDone: e.status === 'succeeded' && e.phase === 'action' ? s.stepsDone + 1 : s.stepsDone,
        });
        break;
      }
      case 'saga.completed':
      case 'saga.compensated':
      case 'saga.stuck': {
        const s = view ? saga(e.sagaId) : undefined;
        if (!s) break;
        const status = e.type === 'saga.completed' ? 'COMPLETED' : e.type === 'saga.compensated' ? 'COMPENSATED' : 'STUCK';
        putSaga({
          ...s,
          status,
          // A stuck saga keeps its step visible: that is where it is stuck.
          step: status === 'STUCK' ? s.step : null,
          phase: status === 'STUCK' ? s.phase : null,
          activeService: status === 'STUCK' ? s.activeService : null,
          reason: 'reason' in e ? e.reason : s.reason,
          updatedAt: e.time,
        });
        if (status === 'STUCK') {
          newProblems.push({ key: `p${e.seq}`, level: 'error', time: e.time, service: e.service ?? null, code: 'SAGA_STUCK', message: `Saga ${e.sagaId} is stuck: ${'reason' in e ? e.reason : ''}` });
        }
        break;
      }
      case 'handler.error': {
        if (!view) break;
        // A business refusal (declined card, no stock) is how a saga is meant to fail: not an error of the run.
        const level = e.error.code === 'REJECTED' ? 'info' : 'error';
        newProblems.push({ key: `p${e.seq}`, level, time: e.time, service: e.service ?? null, code: e.error.code, message: `${e.messageType}: ${e.error.message}` });
        break;
      }
      case 'store.op':
        if (view && !e.ok) {
          newProblems.push({ key: `p${e.seq}`, level: 'error', time: e.time, service: e.service ?? null, code: e.error?.code ?? 'STORE', message: `${e.store} ${e.op} failed: ${e.error?.message ?? e.summary}` });
        }
        break;
      case 'error':
        if (view) newProblems.push({ key: `p${e.seq}`, level: 'error', time: e.time, service: e.service ?? null, code: e.error.code, message: e.error.message });
        break;
      default:
        break;
    }
  }

  const problems = newProblems.length === 0 ? prev.problems : [...prev.problems, ...newProblems].slice(-MAX_PROBLEMS);
  return {
    eventCount: prev.eventCount + events.length,
    sagas,
    sagaOrder,
    sentAt,
    compensationRequests,
    compensationMessages,
    pendingCompensation,
    links,
    problems,
  };
}
