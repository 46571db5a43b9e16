import { ForeignStoreAccessError, SimError, toSimError } from './errors';
import { deepClone, type Json, type JsonObject } from './json';
import { JsonHasher } from './jsonHasher';
import {
  createNetworkState,
  cutLinks,
  healLinks,
  isCut,
  linkParams,
  planDelivery,
  setLinkParams,
  splitGroups,
  type NetworkState,
} from './network';
import { createRng, type Rng, type RngState } from './rng';
import { Scheduler, type Scheduled } from './scheduler';
import type { StoreBase, StoreContext, StoreOpReport, VirtualTime } from './storeContext';
import type {
  DomainTraceEvent,
  FaultAction,
  FaultPlan,
  HandlerContext,
  LinkParams,
  Message,
  ReplyMessagePayload,
  ReplyPayload,
  RequestOptions,
  ServiceDefinition,
  ServiceName,
  StoreSpec,
  TraceEvent,
} from './types';

/** The outside world: scenario inputs come from it and replies to it are collected. */
export const CLIENT: ServiceName = 'client';

/** Creates the stores a service asks for. The engine does not know which engine backs them. */
export interface StoreProvider {
  create(spec: StoreSpec, ctx: StoreContext): Promise<StoreBase>;
  /** Gives a store back when the simulation is disposed (pools reuse expensive instances). */
  release?(store: StoreBase): Promise<void>;
}

/** A request or event a scenario sends into the system at a virtual time. */
export interface ScenarioInput {
  at: VirtualTime;
  to: ServiceName;
  type: string;
  payload: Json;
  correlationId?: string;
}

/** A system to run: services, their wiring, and what the outside world does to it. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly services: readonly ServiceDefinition[];
  readonly inputs: readonly ScenarioInput[];
  /** Default link behaviour for this scenario. */
  readonly network?: Partial<LinkParams>;
  /** Fills the stores before time starts (products, stock, rooms…). Runs outside any service. */
  setup?(stores: Readonly<Record<ServiceName, Readonly<Record<string, StoreBase>>>>): Promise<void>;
}

export interface SimulationOptions {
  seed: number | string;
  scenario: Scenario;
  faultPlan?: FaultPlan;
  stores: StoreProvider;
  /** Broker redelivery delay for unacknowledged events, ms. */
  redeliveryMs?: number;
  /** Give up redelivering an event after this many attempts (it is then dead-lettered, visibly). */
  maxDeliveryAttempts?: number;
  /** Keep at most this many trace events in memory (the hash still covers all). */
  traceLimit?: number;
}

type Work =
  | { kind: 'deliver'; message: Message }
  | { kind: 'timer'; service: ServiceName; incarnation: number; timerId: string; type: string; payload: Json; correlationId: string; causationId: string | null }
  | { kind: 'requestTimeout'; requestId: string; attempt: number }
  | { kind: 'retry'; requestId: string }
  | { kind: 'redeliver'; deliveryId: string }
  | { kind: 'fault'; action: FaultAction }
  | { kind: 'input'; input: ScenarioInput };

interface PendingRequest {
  requestId: string;
  service: ServiceName;
  incarnation: number;
  to: ServiceName;
  type: string;
  payload: Json;
  options: RequestOptions & { timeoutMs: number; retries: number; backoffMs: number };
  attempt: number;
  correlationId: string;
  causationId: string | null;
}

interface BrokerDelivery {
  deliveryId: string;
  from: ServiceName;
  to: ServiceName;
  type: string;
  payload: Json;
  correlationId: string;
  causationId: string | null;
  attempts: number;
  acked: boolean;
}

interface ServiceRuntime {
  status: 'up' | 'down' | 'paused';
  incarnation: number;
  memory: JsonObject;
  /** Work that arrived while paused, replayed on resume. */
  held: Work[];
}

/** Everything but the stores and the trace, as plain JSON. */
export interface EngineState {
  now: VirtualTime;
  rng: RngState;
  counters: { message: number; request: number; delivery: number; timer: number; input: number };
  queue: { nextSeq: number; entries: Scheduled<Work>[] };
  network: NetworkState;
  services: Record<ServiceName, ServiceRuntime>;
  pending: Record<string, PendingRequest>;
  deliveries: Record<string, BrokerDelivery>;
  clientReplies: Array<{ time: VirtualTime; requestType: string; correlationId: string; reply: ReplyPayload }>;
  traceSeq: number;
  /** Rolling hash over trace events with seq < hashedSeq. */
  traceHash: string;
  hashedSeq: number;
}

/**
 * EngineState as the engine keeps it: requests and broker deliveries in flight are in Maps.
 * Their ids churn (one of each per message or so), and as keys of a plain object every new
 * one would be interned and the object would be a slow dictionary; snapshots get plain objects.
 */
interface LiveState extends Omit<EngineState, 'queue' | 'rng' | 'pending' | 'deliveries'> {
  pending: Map<string, PendingRequest>;
  deliveries: Map<string, BrokerDelivery>;
}

/** A whole simulation frozen at one instant: restore it to step back in time. */
export interface SimulationSnapshot {
  engine: EngineState;
  stores: Record<string, Json>;
  /** Number of trace events at the instant (later ones are dropped on restore). */
  traceLength: number;
}

export type TraceListener = (events: readonly TraceEvent[]) => void;

/** What a handler context calls back into (the engine, through closures made once per simulation). */
interface HandlerPort {
  request(ctx: ServiceContext, to: ServiceName, type: string, payload: Json, options: RequestOptions): string;
  publish(ctx: ServiceContext, type: string, payload: Json, correlationId: string | undefined): void;
  setTimer(ctx: ServiceContext, delayMs: number, type: string, payload: Json, correlationId: string | undefined): void;
  trace(event: TraceEvent): void;
}

/**
 * The context one handler call sees. A handler runs per delivered message, so its context is
 * one small object whose methods live on the prototype (no closures made per call).
 */
class ServiceContext implements HandlerContext {
  constructor(
    private readonly port: HandlerPort,
    readonly service: ServiceName,
    /** The service's runtime entry (its incarnation tags requests and timers, so a crash voids them). */
    readonly runtime: ServiceRuntime,
    readonly now: VirtualTime,
    readonly stores: Record<string, StoreBase>,
    readonly rng: Rng,
    readonly message: Message,
  ) {
    this.memory = runtime.memory;
  }

  readonly memory: JsonObject;

  request(to: ServiceName, type: string, payload: Json, options: RequestOptions): string {
    return this.port.request(this, to, type, payload, options);
  }

  publish(type: string, payload: Json, options?: { correlationId?: string }): void {
    this.port.publish(this, type, payload, options?.correlationId);
  }

  setTimer(delayMs: number, type: string, payload: Json, options?: { correlationId?: string }): void {
    this.port.setTimer(this, delayMs, type, payload, options?.correlationId);
  }

  log(text: string, data?: Json): void {
    const event: TraceEvent = { seq: 0, time: 0, type: 'log', service: this.service, text, correlationId: this.message.correlationId, causationId: this.message.id };
    if (data !== undefined) event.data = data;
    this.port.trace(event);
  }

  emit(event: DomainTraceEvent): void {
    // A copy (the caller keeps its object), onto a literal with the engine's fields: Object.assign
    // keeps to shapes V8 has seen, where a spread of the many domain event shapes went megamorphic.
    const correlationId = 'sagaId' in event ? event.sagaId : this.message.correlationId;
    const full = Object.assign({ seq: 0, time: 0, service: this.service, correlationId, causationId: this.message.id }, event) as TraceEvent;
    this.port.trace(full);
  }
}

const DEFAULT_REQUEST = { timeoutMs: 200, retries: 2, backoffMs: 50 };
/** Most events a subscriber receives in one batch. */
const MAX_BATCH = 1024;

/**
 * One deterministic run of a scenario. Construct through createSimulation().
 * Handlers run one at a time; virtual time stands still while a handler awaits its stores,
 * so the same seed, scenario and fault plan always give the same trace.
 */
export class Simulation {
  readonly seed: number | string;
  readonly scenario: Scenario;
  readonly faultPlan: FaultPlan;
  private readonly options: Required<Pick<SimulationOptions, 'redeliveryMs' | 'maxDeliveryAttempts' | 'traceLimit'>>;
  private readonly defs = new Map<ServiceName, ServiceDefinition>();
  private readonly subscribers = new Map<string, ServiceName[]>();
  private readonly storesByService = new Map<ServiceName, Record<string, StoreBase>>();
  private readonly allStores = new Map<string, StoreBase>();
  private readonly provider: StoreProvider;
  private readonly scheduler = new Scheduler<Work>();
  private rng: Rng;
  private state: LiveState;
  private traceEvents: TraceEvent[] = [];
  private traceDropped = 0;
  private batch: TraceEvent[] = [];
  private listeners = new Set<TraceListener>();
  /** The handler running now (its service and message), or null between handlers. */
  private running: ServiceContext | null = null;
  private linkParamsOf: NetworkState | null = null;
  private readonly linkParamsCache = new Map<ServiceName, Map<ServiceName, LinkParams>>();
  /** Serializes engine steps and inspector calls: stores are never used by two callers at once. */
  private lock: Promise<unknown> = Promise.resolve();
  private disposed = false;

  /** @internal use createSimulation */
  constructor(opts: SimulationOptions) {
    this.seed = opts.seed;
    this.scenario = opts.scenario;
    this.faultPlan = opts.faultPlan ?? { faults: [] };
    this.provider = opts.stores;
    this.options = {
      redeliveryMs: opts.redeliveryMs ?? 150,
      maxDeliveryAttempts: opts.maxDeliveryAttempts ?? 100,
      traceLimit: opts.traceLimit ?? 200_000,
    };
    this.rng = createRng(opts.seed);
    const services: Record<ServiceName, ServiceRuntime> = {};
    for (const def of opts.scenario.services) {
      if (this.defs.has(def.name)) throw new SimError('SCENARIO', `Service "${def.name}" is defined twice.`);
      if (def.name === CLIENT) throw new SimError('SCENARIO', `"${CLIENT}" is reserved for the outside world.`);
      this.defs.set(def.name, def);
      services[def.name] = { status: 'up', incarnation: 1, memory: {}, held: [] };
      for (const type of def.subscribes ?? []) {
        const list = this.subscribers.get(type) ?? [];
        list.push(def.name);
        this.subscribers.set(type, list);
      }
    }
    this.state = {
      now: 0,
      counters: { message: 0, request: 0, delivery: 0, timer: 0, input: 0 },
      network: createNetworkState(opts.scenario.network),
      services,
      pending: new Map(),
      deliveries: new Map(),
      clientReplies: [],
      traceSeq: 0,
      traceHash: new JsonHasher().hex(),
      hashedSeq: 0,
    };
  }

  /** @internal Creates stores, runs the scenario's setup and every service's onStart. */
  async init(): Promise<void> {
    // Stores start concurrently (PGlite instances take a while each); they are registered in
    // scenario order afterwards, so nothing observable depends on which finished first.
    const created = await Promise.all(
      this.scenario.services.flatMap((def) =>
        def.stores.map(async (spec) => {
          const name = `${def.name}.${spec.key}`;
          return { service: def.name, key: spec.key, name, store: await this.provider.create(spec, this.storeContext(def.name, name)) };
        }),
      ),
    );
    for (const def of this.scenario.services) this.storesByService.set(def.name, {});
    for (const c of created) {
      this.storesByService.get(c.service)![c.key] = c.store;
      this.allStores.set(c.name, c.store);
    }
    if (this.scenario.setup) await this.scenario.setup(Object.fromEntries(this.storesByService));
    for (const input of this.scenario.inputs) this.scheduler.push(input.at, { kind: 'input', input });
    for (const f of this.faultPlan.faults) this.scheduler.push(f.at, { kind: 'fault', action: f.action });
    for (const def of this.scenario.services) await this.startService(def.name);
    this.flush();
  }

  // ---------------------------------------------------------------- public API

  /** Virtual time now, ms. */
  get now(): VirtualTime {
    return this.state.now;
  }

  /** Names of the scenario's services, in scenario order. */
  get serviceNames(): ServiceName[] {
    return [...this.defs.keys()];
  }

  /** Virtual time of the next scheduled item, or undefined when nothing is left. */
  get nextTime(): VirtualTime | undefined {
    return this.scheduler.peekTime();
  }

  /** Processes the next scheduled item. Resolves false when nothing was left. */
  step(): Promise<boolean> {
    return this.exclusive(async () => {
      const next = this.scheduler.pop();
      if (next) await this.process(next);
      this.flush();
      return next !== undefined;
    });
  }

  /** Processes every item scheduled at or before `time`, then sets the clock to `time`. */
  runUntil(time: VirtualTime): Promise<void> {
    return this.exclusive(async () => {
      while (this.scheduler.size > 0 && this.scheduler.peekTime()! <= time) {
        const handling = this.process(this.scheduler.pop()!);
        if (handling) await handling;
        if (this.batch.length >= MAX_BATCH) this.flush();
      }
      if (time > this.state.now) this.state.now = time;
      this.flush();
    });
  }

  /**
   * Runs until nothing is scheduled (quiescent), or a limit is hit.
   * Resolves with whether the system went quiet, and the virtual time reached.
   */
  runToQuiescence(limits: { maxTime?: VirtualTime; maxSteps?: number } = {}): Promise<{ quiescent: boolean; time: VirtualTime; steps: number }> {
    const maxTime = limits.maxTime ?? Number.POSITIVE_INFINITY;
    const maxSteps = limits.maxSteps ?? 1_000_000;
    return this.exclusive(async () => {
      let steps = 0;
      while (this.scheduler.size > 0 && this.scheduler.peekTime()! <= maxTime && steps < maxSteps) {
        const handling = this.process(this.scheduler.pop()!);
        if (handling) await handling;
        if (this.batch.length >= MAX_BATCH) this.flush();
        steps++;
      }
      this.flush();
      return { quiescent: this.scheduler.size === 0, time: this.state.now, steps };
    });
  }

  /** Sends a request or event into the system now (the UI's "place an order"). */
  inject(input: Omit<ScenarioInput, 'at'>): Promise<void> {
    return this.exclusive(async () => {
      this.scheduler.push(this.state.now, { kind: 'input', input: { ...input, at: this.state.now } });
    });
  }

  /** Applies a fault now (the UI's partition/crash buttons). */
  applyFault(action: FaultAction): Promise<void> {
    return this.exclusive(async () => {
      await this.applyFaultUnlocked(action);
      this.flush();
    });
  }

  /** Schedules a fault at a future virtual time. */
  scheduleFault(at: VirtualTime, action: FaultAction): Promise<void> {
    return this.exclusive(async () => {
      this.scheduler.push(Math.max(at, this.state.now), { kind: 'fault', action });
    });
  }

  /**
   * Receives every trace event, in order, in batches: one at the end of each step or run call,
   * and, during a long run call, one between steps whenever MAX_BATCH events are waiting (so a
   * run does not hold every event past the trace limit until it returns). Listeners are never
   * called while a handler runs. Returns unsubscribe.
   */
  subscribe(listener: TraceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The trace kept in memory (at most traceLimit events, the newest). The same array grows as
   * the run goes on and is trimmed in place: copy it to keep a view of one instant.
   */
  trace(): readonly TraceEvent[] {
    return this.traceEvents;
  }

  /** A hash over every trace event ever emitted: equal runs give equal hashes. */
  traceHash(): string {
    this.foldHash(this.traceEvents.length);
    return this.state.traceHash;
  }

  /** Replies the outside world received, in order. */
  clientReplies(): EngineState['clientReplies'] {
    return this.state.clientReplies;
  }

  serviceStatus(service: ServiceName): 'up' | 'down' | 'paused' {
    const s = this.state.services[service];
    if (!s) throw new SimError('SCENARIO', `Unknown service "${service}".`);
    return s.status;
  }

  /** The network as it is now (cut links, per-link parameters). */
  network(): NetworkState {
    return this.state.network;
  }

  /** In-memory state of a service (what a crash loses). */
  memoryOf(service: ServiceName): Readonly<JsonObject> {
    return this.state.services[service]?.memory ?? {};
  }

  /** Items waiting in the scheduler, in the order they will run (for the UI's in-flight view). */
  scheduled(): ReadonlyArray<{ time: VirtualTime; kind: Work['kind']; message?: Message }> {
    return this.scheduler.items().map((e) => ({
      time: e.time,
      kind: e.item.kind,
      ...(e.item.kind === 'deliver' ? { message: e.item.message } : {}),
    }));
  }

  /**
   * Runs fn with privileged access to every store, between engine steps
   * (inspectors, the grader, scenario checks). Store calls made here are not traced.
   */
  inspect<T>(fn: (stores: Readonly<Record<ServiceName, Readonly<Record<string, StoreBase>>>>) => Promise<T> | T): Promise<T> {
    return this.exclusive(async () => fn(Object.fromEntries(this.storesByService)));
  }

  /** Freezes the whole simulation: engine state and every store's content. */
  snapshot(): Promise<SimulationSnapshot> {
    return this.exclusive(async () => {
      this.foldHash(this.traceEvents.length);
      const stores: Record<string, Json> = {};
      for (const [name, store] of this.allStores) stores[name] = await store.exportState();
      return { engine: this.engineState(), stores, traceLength: this.state.traceSeq };
    });
  }

  /** Puts the simulation back exactly as it was when the snapshot was taken. */
  restore(snapshot: SimulationSnapshot): Promise<void> {
    return this.exclusive(async () => {
      for (const [name, store] of this.allStores) {
        const content = snapshot.stores[name];
        if (content === undefined) throw new SimError('SCENARIO', `The snapshot has no content for store "${name}".`);
        await store.importState(content);
      }
      const e = deepClone(snapshot.engine);
      this.rng = createRng(e.rng);
      this.scheduler.importState(e.queue);
      const { queue: _q, rng: _r, pending, deliveries, ...rest } = e;
      this.state = { ...rest, pending: new Map(Object.entries(pending)), deliveries: new Map(Object.entries(deliveries)) };
      const keep = snapshot.traceLength - this.traceDropped;
      if (keep >= 0) this.traceEvents = this.traceEvents.slice(0, keep);
      else {
        // Trimmed past the snapshot since: none of the kept events is older than it. The
        // snapshot's hash covers everything before it, so the trace restarts empty there.
        this.traceEvents = [];
        this.traceDropped = snapshot.traceLength;
      }
      this.batch = [];
    });
  }

  /** Engine state as JSON (what snapshot() stores besides the stores). */
  engineState(): EngineState {
    const { pending, deliveries, ...rest } = this.state;
    return deepClone({
      ...rest,
      pending: Object.fromEntries(pending),
      deliveries: Object.fromEntries(deliveries),
      queue: this.scheduler.exportState(),
      rng: this.rng.state(),
    });
  }

  /** Releases the stores (back to the provider's pool). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.exclusive(async () => {
      this.disposed = true;
      for (const store of this.allStores.values()) {
        if (this.provider.release) await this.provider.release(store);
        else await store.close();
      }
    });
    this.listeners.clear();
  }

  // ---------------------------------------------------------------- engine

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new SimError('SCENARIO', 'The simulation was disposed.'));
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private storeContext(owner: ServiceName, name: string): StoreContext {
    return {
      owner,
      name,
      clock: { now: () => this.state.now },
      record: (report: StoreOpReport) => {
        // Inspector and setup calls are not part of the run: only handler calls are traced.
        const running = this.running;
        if (!running) return;
        const event: TraceEvent = {
          seq: 0,
          time: 0,
          type: 'store.op',
          service: owner,
          store: name,
          op: report.op,
          summary: report.summary,
          ok: report.ok,
          correlationId: running.message.correlationId,
          causationId: running.message.id,
        };
        if (report.count !== undefined) event.count = report.count;
        if (report.error) event.error = report.error;
        this.emitTrace(event);
      },
      checkAccess: () => {
        if (this.running && this.running.service !== owner) throw new ForeignStoreAccessError(this.running.service, owner, name);
      },
    };
  }

  /**
   * Advances the clock to one scheduled item and processes it. Returns a promise only when a
   * handler (or a fault's restart) runs: most items (a timeout whose reply came, a redelivery of
   * an acked event, a send) finish synchronously, and awaiting them would cost more than they do.
   */
  private process(next: Scheduled<Work>): Promise<unknown> | undefined {
    if (next.time > this.state.now) this.state.now = next.time;
    const work = next.item;
    switch (work.kind) {
      case 'input': {
        const { input } = work;
        const n = ++this.state.counters.input;
        const correlationId = input.correlationId ?? `req-${n}`;
        this.send({ id: this.nextMessageId(), kind: 'input', from: CLIENT, to: input.to, type: input.type, payload: input.payload, correlationId, causationId: null, requestId: `in-${n}` });
        return;
      }
      case 'fault':
        return this.applyFaultUnlocked(work.action);
      case 'deliver':
        return this.deliver(work.message);
      case 'timer': {
        const svc = this.state.services[work.service]!;
        if (svc.incarnation !== work.incarnation) return; // the crash lost it
        if (svc.status === 'paused') return void svc.held.push(work);
        if (svc.status === 'down') return;
        this.emitTrace({ seq: 0, time: 0, type: 'timer.fired', service: work.service, timer: work.type, correlationId: work.correlationId, causationId: work.causationId });
        const message: Message = { id: work.timerId, kind: 'timer', from: work.service, to: work.service, type: work.type, payload: work.payload, correlationId: work.correlationId, causationId: work.causationId };
        return this.runHandler(work.service, message);
      }
      case 'requestTimeout': {
        const p = this.state.pending.get(work.requestId);
        if (!p || p.attempt !== work.attempt) return;
        const svc = this.state.services[p.service]!;
        if (svc.status === 'paused') return void svc.held.push(work);
        const willRetry = p.attempt <= p.options.retries;
        this.emitTrace({ seq: 0, time: 0, type: 'request.timeout', service: p.service, requestId: p.requestId, requestType: p.type, attempt: p.attempt, target: p.to, willRetry, correlationId: p.correlationId, causationId: p.causationId });
        if (willRetry) {
          const backoff = p.options.backoffMs * 2 ** (p.attempt - 1);
          const jitter = Math.floor(this.rng.next() * (backoff / 2 + 1));
          this.scheduler.push(this.state.now + backoff + jitter, { kind: 'retry', requestId: p.requestId });
        } else {
          this.state.pending.delete(p.requestId);
          return this.deliverReplyToCaller(p, { ok: false, error: { code: 'TIMEOUT', message: `${p.to} did not answer ${p.type} after ${p.attempt} attempt(s) of ${p.options.timeoutMs} ms.` } }, null);
        }
        return;
      }
      case 'retry': {
        const p = this.state.pending.get(work.requestId);
        if (!p) return;
        p.attempt++;
        this.sendRequestAttempt(p);
        return;
      }
      case 'redeliver': {
        const d = this.state.deliveries.get(work.deliveryId);
        if (!d || d.acked) return;
        if (d.attempts >= this.options.maxDeliveryAttempts) {
          this.emitTrace({ seq: 0, time: 0, type: 'error', service: d.to, correlationId: d.correlationId, causationId: d.causationId, error: { code: 'DEAD_LETTER', message: `Event ${d.type} was not handled by ${d.to} after ${d.attempts} deliveries; moved to the dead-letter list.` } });
          this.state.deliveries.delete(d.deliveryId);
          return;
        }
        this.sendDelivery(d);
        return;
      }
    }
  }

  private deliver(message: Message): Promise<unknown> | undefined {
    if (isCut(this.state.network, message.from, message.to)) {
      this.traceMessageDropped(message, 'partition');
      return;
    }
    if (message.to === CLIENT) {
      this.traceMessageDelivered(message);
      if (message.kind === 'reply') this.state.clientReplies.push({ time: this.state.now, requestType: message.type, correlationId: message.correlationId, reply: message.payload as ReplyPayload });
      return;
    }
    const svc = this.state.services[message.to];
    if (!svc || svc.status === 'down') {
      this.traceMessageDropped(message, 'service-down');
      return;
    }
    if (svc.status === 'paused') {
      svc.held.push({ kind: 'deliver', message });
      return;
    }
    if (message.kind === 'reply') {
      const p = message.requestId ? this.state.pending.get(message.requestId) : undefined;
      if (!p || p.service !== message.to || p.incarnation !== svc.incarnation) {
        this.traceMessageDropped(message, 'late-reply');
        return;
      }
      this.traceMessageDelivered(message);
      this.state.pending.delete(p.requestId);
      return this.deliverReplyToCaller(p, message.payload as ReplyPayload, message);
    }
    this.traceMessageDelivered(message);
    return this.runHandler(message.to, message);
  }

  /** After its handler ran: a request or input is answered, an event handled without error is acked. */
  private respond(message: Message, reply: ReplyPayload): void {
    if (message.kind === 'request' || message.kind === 'input') {
      // Requests and inputs always carry the request id the reply answers.
      this.send({ id: this.nextMessageId(), kind: 'reply', from: message.to, to: message.from, type: message.type, payload: reply as unknown as Json, correlationId: message.correlationId, causationId: message.id, requestId: message.requestId! });
    } else if (message.kind === 'event' && message.deliveryId && reply.ok) {
      const d = this.state.deliveries.get(message.deliveryId);
      if (d) {
        d.acked = true;
        this.state.deliveries.delete(message.deliveryId);
      }
    }
  }

  private traceMessageDelivered(message: Message): void {
    this.emitTrace({ seq: 0, time: 0, type: 'message.delivered', messageId: message.id, from: message.from, to: message.to, messageType: message.type, kind: message.kind, correlationId: message.correlationId, causationId: message.causationId });
  }

  private traceMessageDropped(message: Message, reason: 'loss' | 'partition' | 'service-down' | 'late-reply'): void {
    this.emitTrace({ seq: 0, time: 0, type: 'message.dropped', messageId: message.id, from: message.from, to: message.to, messageType: message.type, reason, correlationId: message.correlationId, causationId: message.causationId });
  }

  private deliverReplyToCaller(p: PendingRequest, reply: ReplyPayload, replyMessage: Message | null): Promise<void> {
    const payload: ReplyMessagePayload = { reply, context: p.options.context ?? null, requestType: p.type, target: p.to, attempts: p.attempt };
    // The caller's onReply handler gets the reply as its own message type, carrying the request's context.
    const message: Message = {
      id: replyMessage ? replyMessage.id : `${p.requestId}-timeout`,
      kind: 'reply',
      from: p.to,
      to: p.service,
      type: p.options.onReply,
      payload: payload as unknown as Json,
      correlationId: replyMessage ? replyMessage.correlationId : p.correlationId,
      causationId: replyMessage ? replyMessage.causationId : p.causationId,
      requestId: p.requestId,
    };
    return this.runHandler(p.service, message);
  }

  /**
   * Runs one handler; what it returns or throws becomes the reply (a throw is also traced),
   * which then answers the message (see respond).
   */
  private async runHandler(service: ServiceName, message: Message): Promise<void> {
    const def = this.defs.get(service)!;
    const handler = def.handlers[message.type];
    if (!handler) {
      const error = { code: 'HANDLER', message: `Service "${service}" has no handler for "${message.type}".` };
      this.emitTrace({ seq: 0, time: 0, type: 'handler.error', service, messageId: message.id, messageType: message.type, error, correlationId: message.correlationId, causationId: message.id });
      this.respond(message, { ok: false, error });
      return;
    }
    const ctx = this.handlerContext(service, message);
    this.running = ctx;
    let reply: ReplyPayload;
    try {
      const value = await handler(message.payload, ctx);
      reply = { ok: true, value: value === undefined ? null : (value as Json) };
    } catch (e) {
      const err = toSimError(e);
      const error: { code: string; message: string; reason?: string } = { code: err.code, message: err.message };
      if (err.code === 'REJECTED') error.reason = String(err.details.reason);
      this.emitTrace({ seq: 0, time: 0, type: 'handler.error', service, messageId: message.id, messageType: message.type, error, correlationId: message.correlationId, causationId: message.id });
      reply = { ok: false, error };
    } finally {
      this.running = null;
    }
    this.respond(message, reply);
  }

  private handlerContext(service: ServiceName, message: Message): ServiceContext {
    const svc = this.state.services[service]!;
    return new ServiceContext(this.handlerPort, service, svc, this.state.now, this.storesByService.get(service) ?? {}, this.rng, message);
  }

  /** What handler contexts call back into: made once, so a context carries no closures of its own. */
  private readonly handlerPort: HandlerPort = {
    request: (ctx, to, type, payload, options) => {
      if (!this.defs.has(to)) throw new SimError('SCENARIO', `Service "${ctx.service}" sent ${type} to unknown service "${to}".`);
      const requestId = `r${++this.state.counters.request}`;
      const stored: PendingRequest['options'] = {
        timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST.timeoutMs,
        retries: options.retries ?? DEFAULT_REQUEST.retries,
        backoffMs: options.backoffMs ?? DEFAULT_REQUEST.backoffMs,
        onReply: options.onReply,
      };
      if (options.idempotencyKey !== undefined) stored.idempotencyKey = options.idempotencyKey;
      if (options.context !== undefined) stored.context = options.context;
      const p: PendingRequest = {
        requestId,
        service: ctx.service,
        incarnation: ctx.runtime.incarnation,
        to,
        type,
        payload,
        options: stored,
        attempt: 1,
        correlationId: options.correlationId ?? ctx.message.correlationId,
        causationId: ctx.message.id,
      };
      this.state.pending.set(requestId, p);
      this.sendRequestAttempt(p);
      return requestId;
    },
    publish: (ctx, type, payload, correlationId) => {
      const subscribers = this.subscribers.get(type);
      if (!subscribers) return;
      for (const to of subscribers) {
        const d: BrokerDelivery = {
          deliveryId: `d${++this.state.counters.delivery}`,
          from: ctx.service,
          to,
          type,
          payload,
          correlationId: correlationId ?? ctx.message.correlationId,
          causationId: ctx.message.id,
          attempts: 0,
          acked: false,
        };
        this.state.deliveries.set(d.deliveryId, d);
        this.sendDelivery(d);
      }
    },
    setTimer: (ctx, delayMs, type, payload, correlationId) => {
      const timerId = `t${++this.state.counters.timer}`;
      this.scheduler.push(this.state.now + Math.max(0, delayMs), {
        kind: 'timer',
        service: ctx.service,
        incarnation: ctx.runtime.incarnation,
        timerId,
        type,
        payload,
        correlationId: correlationId ?? ctx.message.correlationId,
        causationId: ctx.message.id,
      });
    },
    trace: (event) => this.emitTrace(event),
  };

  private sendRequestAttempt(p: PendingRequest): void {
    const message: Message = {
      id: this.nextMessageId(),
      kind: 'request',
      from: p.service,
      to: p.to,
      type: p.type,
      payload: p.payload,
      correlationId: p.correlationId,
      causationId: p.causationId,
      requestId: p.requestId,
      attempt: p.attempt,
    };
    if (p.options.idempotencyKey) (message as { idempotencyKey?: string }).idempotencyKey = p.options.idempotencyKey;
    this.send(message);
    this.scheduler.push(this.state.now + p.options.timeoutMs, { kind: 'requestTimeout', requestId: p.requestId, attempt: p.attempt });
  }

  private sendDelivery(d: BrokerDelivery): void {
    d.attempts++;
    this.send({ id: this.nextMessageId(), kind: 'event', from: d.from, to: d.to, type: d.type, payload: d.payload, correlationId: d.correlationId, causationId: d.causationId, deliveryId: d.deliveryId });
    // The broker only learns of success through the ack; without one it tries again.
    this.scheduler.push(this.state.now + this.options.redeliveryMs, { kind: 'redeliver', deliveryId: d.deliveryId });
  }

  private nextMessageId(): string {
    return `m${++this.state.counters.message}`;
  }

  private send(message: Message): void {
    const plan = planDelivery(this.paramsOfLink(message.from, message.to), message.from, message.to, this.state.now, this.rng);
    this.emitTrace({ seq: 0, time: 0, type: 'message.sent', service: message.from, message, deliverAt: plan.arrivals[0] ?? -1, correlationId: message.correlationId, causationId: message.causationId });
    if (plan.lost) {
      this.traceMessageDropped(message, 'loss');
      return;
    }
    for (let i = 0; i < plan.arrivals.length; i++) {
      const at = plan.arrivals[i]!;
      if (i > 0) this.emitTrace({ seq: 0, time: 0, type: 'message.duplicated', messageId: message.id, deliverAt: at, correlationId: message.correlationId, causationId: message.causationId });
      this.scheduler.push(at, { kind: 'deliver', message });
    }
  }

  /** Parameters of the link from → to, merged once per network state rather than per message. */
  private paramsOfLink(from: ServiceName, to: ServiceName): LinkParams {
    if (this.linkParamsOf !== this.state.network) {
      this.linkParamsOf = this.state.network;
      this.linkParamsCache.clear();
    }
    let byReceiver = this.linkParamsCache.get(from);
    if (!byReceiver) this.linkParamsCache.set(from, (byReceiver = new Map()));
    let params = byReceiver.get(to);
    if (!params) byReceiver.set(to, (params = linkParams(this.state.network, from, to)));
    return params;
  }

  private async applyFaultUnlocked(action: FaultAction): Promise<void> {
    const net = this.state.network;
    const known = (s: ServiceName) => {
      if (s !== CLIENT && !this.state.services[s]) throw new SimError('FAULT_PLAN', `Unknown service "${s}" in fault ${action.kind}.`);
    };
    this.emitTrace({ seq: 0, time: 0, type: 'fault', action, ...('service' in action ? { service: action.service } : {}) });
    switch (action.kind) {
      case 'partition':
        action.links.flat().forEach(known);
        this.state.network = cutLinks(net, action.links, action.oneWay);
        return;
      case 'heal':
        action.links?.flat().forEach(known);
        this.state.network = healLinks(net, action.links, action.oneWay);
        return;
      case 'split':
        action.groups.flat().forEach(known);
        this.state.network = splitGroups(net, action.groups);
        return;
      case 'link':
        if (action.from) known(action.from);
        if (action.to) known(action.to);
        this.state.network = setLinkParams(net, action.from, action.to, action.params);
        return;
      case 'crash': {
        known(action.service);
        const svc = this.state.services[action.service]!;
        if (svc.status === 'down') return;
        svc.status = 'down';
        svc.incarnation++;
        svc.memory = {};
        svc.held = [];
        for (const [id, p] of this.state.pending) if (p.service === action.service) this.state.pending.delete(id);
        this.emitTrace({ seq: 0, time: 0, type: 'service.crashed', service: action.service });
        return;
      }
      case 'restart': {
        known(action.service);
        const svc = this.state.services[action.service]!;
        if (svc.status !== 'down') return;
        svc.status = 'up';
        svc.memory = {};
        this.emitTrace({ seq: 0, time: 0, type: 'service.restarted', service: action.service });
        await this.startService(action.service);
        return;
      }
      case 'pause': {
        known(action.service);
        const svc = this.state.services[action.service]!;
        if (svc.status !== 'up') return;
        svc.status = 'paused';
        this.emitTrace({ seq: 0, time: 0, type: 'service.paused', service: action.service });
        return;
      }
      case 'resume': {
        known(action.service);
        const svc = this.state.services[action.service]!;
        if (svc.status !== 'paused') return;
        svc.status = 'up';
        this.emitTrace({ seq: 0, time: 0, type: 'service.resumed', service: action.service });
        const held = svc.held;
        svc.held = [];
        for (const w of held) this.scheduler.push(this.state.now, w);
        return;
      }
    }
  }

  private async startService(service: ServiceName): Promise<void> {
    const def = this.defs.get(service)!;
    if (!def.onStart) return;
    const message: Message = { id: `start-${service}-${this.state.services[service]!.incarnation}`, kind: 'start', from: service, to: service, type: 'start', payload: null, correlationId: `start-${service}`, causationId: null };
    const ctx = this.handlerContext(service, message);
    this.running = ctx;
    try {
      await def.onStart(ctx);
    } catch (e) {
      const err = toSimError(e);
      this.emitTrace({ seq: 0, time: 0, type: 'handler.error', service, messageId: message.id, messageType: 'start', error: { code: err.code, message: err.message }, correlationId: message.correlationId, causationId: null });
    } finally {
      this.running = null;
    }
  }

  /**
   * Stamps an event with its position and time and appends it. Callers hand over a fresh object
   * whose `seq: 0, time: 0` are placeholders: stamped in place, an event stays one object
   * (copying it was the dearest part of tracing, and fields added after creation would go to a
   * separate property array: one more object per event to keep alive for the trace window).
   */
  private emitTrace(full: TraceEvent): void {
    full.seq = this.state.traceSeq++;
    full.time = this.state.now;
    this.traceEvents.push(full);
    // Trim in chunks of a quarter: trimming one event at a time would copy the array per event.
    // In place, so the array keeps its storage: a new one per trim was a large allocation each
    // time, and growing it again another.
    if (this.traceEvents.length > this.options.traceLimit * 1.25) {
      const cut = this.traceEvents.length - this.options.traceLimit;
      this.foldHash(cut);
      this.traceEvents.copyWithin(0, cut);
      this.traceEvents.length = this.options.traceLimit;
      this.traceDropped += cut;
    }
    if (this.listeners.size > 0) this.batch.push(full);
  }

  /**
   * Folds the retained events before index `upTo` into the rolling hash, if not yet folded.
   * Hashing is lazy (done when the hash is asked for, a snapshot taken, or events trimmed):
   * the same work in the end, but none in runs that never ask. Events are built with a fixed
   * key order, so walking them in key order is stable without sorting keys.
   */
  private foldHash(upTo: number): void {
    const from = this.state.hashedSeq - this.traceDropped;
    if (from >= upTo) return;
    const hasher = new JsonHasher(this.state.traceHash);
    for (let i = from; i < upTo; i++) hasher.value(this.traceEvents[i]);
    this.state.traceHash = hasher.hex();
    this.state.hashedSeq = upTo + this.traceDropped;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    for (const l of this.listeners) l(batch);
  }
}

/** Builds a simulation: creates the stores, runs setup and each service's start. */
export async function createSimulation(opts: SimulationOptions): Promise<Simulation> {
  const sim = new Simulation(opts);
  await sim.init();
  return sim;
}
