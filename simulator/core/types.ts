import type { Json, JsonObject } from './json';
import type { VirtualTime } from './storeContext';
import type { Rng } from './rng';

export type ServiceName = string;

/** How a message travels: a request expects a reply; an event is published to subscribers. */
export type MessageKind = 'request' | 'reply' | 'event' | 'input' | 'timer' | 'start';

/** Everything that crosses the simulated network is one of these (plain data, snapshot-safe). */
export interface Message {
  /** Unique per simulation: 'm17'. A duplicate delivery keeps the id of its original. */
  readonly id: string;
  readonly kind: MessageKind;
  readonly from: ServiceName;
  readonly to: ServiceName;
  readonly type: string;
  readonly payload: Json;
  /** The saga or request this message belongs to. */
  readonly correlationId: string;
  /** The message that caused this one (null for scenario inputs). */
  readonly causationId: string | null;
  /** For requests and replies: the request id shared by all attempts. */
  readonly requestId?: string;
  /** For requests: the idempotency key the receiver should dedupe on. */
  readonly idempotencyKey?: string;
  /** For requests: 1 for the first send, 2 for the first retry… */
  readonly attempt?: number;
  /** For events: the broker delivery id (redeliveries keep it). */
  readonly deliveryId?: string;
}

export type ReplyPayload =
  | { ok: true; value: Json }
  | { ok: false; error: { code: string; message: string } };

/** Per-link network behaviour. Probabilities are per message. */
export interface LinkParams {
  /** Base one-way latency, ms. */
  latencyMs: number;
  /** Uniform extra latency in [0, jitterMs], ms. */
  jitterMs: number;
  /** Probability a message is lost. */
  dropRate: number;
  /** Probability a message is delivered twice. */
  duplicateRate: number;
  /** Probability a message is held back by an extra delay (so later ones overtake it). */
  reorderRate: number;
}

export const DEFAULT_LINK: LinkParams = {
  latencyMs: 10,
  jitterMs: 5,
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
};

/** One fault, as data. */
export type FaultAction =
  | { kind: 'partition'; links: Array<[ServiceName, ServiceName]>; oneWay?: boolean }
  | { kind: 'split'; groups: ServiceName[][] }
  | { kind: 'heal'; links?: Array<[ServiceName, ServiceName]>; oneWay?: boolean }
  | { kind: 'crash'; service: ServiceName }
  | { kind: 'restart'; service: ServiceName }
  | { kind: 'pause'; service: ServiceName }
  | { kind: 'resume'; service: ServiceName }
  | { kind: 'link'; from?: ServiceName; to?: ServiceName; params: Partial<LinkParams> };

export interface TimedFault {
  /** Virtual time, ms. */
  at: VirtualTime;
  action: FaultAction;
}

/** Faults are data: a plan of timed actions, applied by the engine. */
export interface FaultPlan {
  name?: string;
  faults: TimedFault[];
}

/** A request the service made and is still waiting on (lost when the service crashes). */
export interface RequestOptions {
  /** Ms before an attempt counts as lost. */
  timeoutMs?: number;
  /** Extra attempts after the first. */
  retries?: number;
  /** First backoff, ms; doubles per attempt, with jitter. */
  backoffMs?: number;
  idempotencyKey?: string;
  /** Handler (message type) of this service that receives the reply or the final timeout. */
  onReply: string;
  /** Data handed back with the reply (what the caller needs to continue). */
  context?: Json;
  correlationId?: string;
}

/** The reply a service's onReply handler receives. */
export interface ReplyMessagePayload {
  reply: ReplyPayload;
  context: Json;
  requestType: string;
  target: ServiceName;
  attempts: number;
}

/** What a handler sees: its own stores, its own memory, the network. Nothing else. */
export interface HandlerContext<Stores = Record<string, unknown>> {
  readonly service: ServiceName;
  readonly now: VirtualTime;
  /** Only this service's stores. */
  readonly stores: Stores;
  /** In-memory state; lost when the service crashes. */
  readonly memory: JsonObject;
  readonly rng: Rng;
  /** The message being handled. */
  readonly message: Message;
  /** Send a request; the reply (or final timeout) arrives at handler options.onReply. Returns the request id. */
  request(to: ServiceName, type: string, payload: Json, options: RequestOptions): string;
  /** Publish an event to every subscriber of its type (at-least-once, through the network). */
  publish(type: string, payload: Json, options?: { correlationId?: string }): void;
  /** Fire a handler of this service after delayMs (lost on crash). */
  setTimer(delayMs: number, type: string, payload: Json, options?: { correlationId?: string }): void;
  /** A line in the trace, tagged with virtual time. */
  log(text: string, data?: Json): void;
  /** Emit a domain trace event (saga progress, projection progress…). */
  emit(event: DomainTraceEvent): void;
}

export type Handler<Stores = Record<string, unknown>> = (
  payload: any,
  ctx: HandlerContext<Stores>,
) => unknown; // the reply value (plain JSON data), or a promise of it

export interface StoreSpecBase {
  /** Local name the handler uses: ctx.stores.db */
  key: string;
}
export type StoreSpec =
  | (StoreSpecBase & { kind: 'sql'; schema: string })
  | (StoreSpecBase & { kind: 'kv' })
  | (StoreSpecBase & { kind: 'documents'; collections: string[]; indexes?: Record<string, string[]> })
  | (StoreSpecBase & { kind: 'eventstore' })
  | (StoreSpecBase & { kind: 'search'; schema: Record<string, 'text' | 'keyword' | 'number' | 'boolean'>; facets: string[]; idField?: string });

export interface ServiceDefinition<Stores = any> {
  readonly name: ServiceName;
  readonly title: string;
  readonly stores: readonly StoreSpec[];
  /** Event types this service subscribes to (choreography, projections fed by other services). */
  readonly subscribes?: readonly string[];
  /** Runs at start and after every restart: recover in-memory state from the stores. */
  onStart?(ctx: HandlerContext<Stores>): Promise<void> | void;
  readonly handlers: Readonly<Record<string, Handler<Stores>>>;
}

/** Domain events services emit for the UI and the grader (saga progress etc.). */
export type DomainTraceEvent =
  | { type: 'saga.started'; sagaId: string; saga: string; data?: Json }
  | { type: 'saga.step'; sagaId: string; step: string; phase: 'action' | 'compensation'; status: 'started' | 'succeeded' | 'failed' | 'retrying'; reason?: string }
  | { type: 'saga.completed'; sagaId: string }
  | { type: 'saga.compensated'; sagaId: string; reason: string }
  | { type: 'saga.stuck'; sagaId: string; reason: string }
  | { type: 'projection.progress'; projection: string; done: number; total: number }
  | { type: 'projection.applied'; projection: string; position: number; lagMs: number }
  | { type: 'domain'; name: string; data?: Json };

interface TraceBase {
  /** Position in the trace, from 0. */
  seq: number;
  time: VirtualTime;
  service?: ServiceName;
  correlationId?: string;
  causationId?: string | null;
}

export type TraceEvent = TraceBase &
  (
    | { type: 'message.sent'; message: Message; deliverAt: VirtualTime }
    | { type: 'message.delivered'; messageId: string; from: ServiceName; to: ServiceName; messageType: string; kind: MessageKind }
    | { type: 'message.dropped'; messageId: string; from: ServiceName; to: ServiceName; messageType: string; reason: 'loss' | 'partition' | 'service-down' | 'late-reply' }
    | { type: 'message.duplicated'; messageId: string; deliverAt: VirtualTime }
    | { type: 'handler.error'; messageId: string; messageType: string; error: { code: string; message: string } }
    | { type: 'request.timeout'; requestId: string; requestType: string; attempt: number; target: ServiceName; willRetry: boolean }
    | { type: 'store.op'; store: string; op: string; summary: string; ok: boolean; count?: number; error?: { code: string; message: string } }
    | { type: 'timer.fired'; timer: string }
    | { type: 'fault'; action: FaultAction }
    | { type: 'service.crashed' | 'service.restarted' | 'service.paused' | 'service.resumed' }
    | { type: 'log'; text: string; data?: Json }
    | { type: 'error'; error: { code: string; message: string } }
    | DomainTraceEvent
  );

export type TraceEventType = TraceEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A trace event before the engine stamps its position and time. */
export type TraceEventInput = DistributiveOmit<TraceEvent, 'seq' | 'time'>;
