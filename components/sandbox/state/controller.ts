import type { StoreApi } from 'zustand/vanilla';
import type { FaultAction, ScenarioInput, TraceEvent } from '@/simulator';
import type { InspectRequest } from '@/components/inspectors/data/inspectRequests';
import type { InspectSource } from '@/components/inspectors/types';
import type { LiveAction } from '../persistence/savedState';
import { takeEngineThread } from '../runner/engineThread';
import type { CommandMessage, EngineView, HostCommand, HostMessage, LearnerCode, RunConfig, StartResult } from '../runner/protocol';
import { emptyFold, foldTrace, type TraceFold } from './foldTrace';
import { nextDisplayTime, VIRTUAL_MS_PER_WALL_MS } from './pacing';
import { updateTraceCopy } from './traceCopy';
import { messagesByLink } from '../map/toFlow';
import type { SandboxStore } from './store';

export type { RunConfig } from '../runner/protocol';

/** "Run to the end" stops after this much virtual time even if timers keep the system busy. */
export const RUN_TO_END_MAX_MS = 60_000;
/**
 * Play pauses by itself before a jump over this much quiet virtual time (a reservation's
 * 5-minute expiry timer, say): the interesting part of the run stays readable on the scrubber.
 */
export const IDLE_PAUSE_MS = 5_000;
/** While playing, the clock and the scrubber move at most this often (wall ms); messages move every frame. */
export const CLOCK_EVERY_MS = 100;
/** While playing, inspectors re-read at most this often (wall ms): they scan stores and the whole trace. */
export const INSPECTOR_TICK_MS = 400;
/** The page keeps the newest this many trace events (as the engine does by default). */
const TRACE_LIMIT = 200_000;
/** How far ahead of the clock the engine is asked to run, in frames of virtual time (it answers a frame later). */
const LOOKAHEAD_FRAMES = 3;
/** When the engine cannot keep up, the wanted clock runs at most this much wall time ahead of it. */
const MAX_LEAD_WALL_MS = 250;
const FRAME_MS = 1000 / 60;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What the last view said about the engine (for pacing). */
interface EngineFacts {
  now: number;
  nextTime: number | null;
  idle: boolean;
  inFlight: number;
}

interface Waiting {
  resolve(m: { result?: unknown; view?: EngineView }): void;
  reject(e: Error): void;
  onProgress?: (done: number, total: number) => void;
}

/** Creates the engine's thread (a module worker bundled with the page). */
export type EngineThreadFactory = () => Worker;

/**
 * The learner's graded code a run's scenario id stands for (a replay), or null for a catalogue
 * scenario. Throws, in words, when the id is a replay whose code is not available.
 */
export type LearnerCodeSource = (config: RunConfig) => LearnerCode | null;

export interface SandboxControllerOptions {
  createThread?: EngineThreadFactory;
  learnerCode?: LearnerCodeSource;
}


/**
 * The workspace's side of the engine. The simulation runs in a Web Worker (runner/EngineHost);
 * this class sends it commands and owns the real-time pacing adapter: every animation frame it
 * moves the wanted virtual time by wall time × speed, asks the engine to run a little ahead of
 * it, and folds whatever the engine reported since the last frame into the UI store, once.
 * When the engine cannot keep up the clock shows where it really is (it lags, honestly).
 *
 * The page keeps a copy of the trace (inspectors draw from it) and folds it into view state
 * (sagas, problems, links) with the same pure `foldTrace` as before.
 */
export class SandboxController {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  /** Views received and not drawn yet. */
  private inbox: EngineView[] = [];
  /** The run whose views are drawn (-1 while a start is on its way). */
  private run = -1;
  private starts = 0;
  private readonly traceCopy: TraceEvent[] = [];
  private fold: TraceFold = emptyFold();
  private live: LiveAction[] = [];
  private engine: EngineFacts = { now: 0, nextTime: null, idle: true, inFlight: 0 };
  /** Play as the learner sees it; the store's `playing` follows once the engine stopped. */
  private playing = false;
  /** Wanted virtual time while playing. */
  private desired = 0;
  private sentTarget = -Infinity;
  private raf: number | null = null;
  private lastFrame: number | null = null;
  /** Engine time at which play paused before a long quiet gap; Play again crosses it. */
  private idlePausedAt: number | null = null;
  private lastTickWall = -Infinity;
  private lastClockWall = -Infinity;
  private tickOwed = false;

  private readonly createThread: EngineThreadFactory;
  private readonly learnerCode: LearnerCodeSource | null;

  constructor(
    readonly store: StoreApi<SandboxStore>,
    options: SandboxControllerOptions = {},
  ) {
    this.createThread = options.createThread ?? takeEngineThread;
    this.learnerCode = options.learnerCode ?? null;
  }

  /** Hand-applied actions of the run (applied and still to replay), for saving. */
  liveActions(): LiveAction[] {
    return [...this.live];
  }

  /** The trace so far, as the page holds it (grows in place; read `.length`). */
  get trace(): readonly TraceEvent[] {
    return this.traceCopy;
  }

  /** What inspectors see of the simulation. */
  readonly inspectSource: InspectSource = this.createInspectSource();

  private createInspectSource(): InspectSource {
    const ctl = this;
    return {
      get serviceNames() {
        return ctl.store.getState().services.map((s) => s.name);
      },
      serviceStatus: (s) => ctl.store.getState().statuses[s] ?? 'up',
      get now() {
        return ctl.engine.now;
      },
      network: () => ctl.store.getState().network,
      request: <T>(request: InspectRequest, onProgress?: (done: number, total: number) => void) =>
        ctl.send({ type: 'read', request }, onProgress).then((m) => m.result as T),
      applyFault: (f) => ctl.applyFault(f),
      inject: (input) => ctl.inject(input),
    };
  }

  // ------------------------------------------------------------ the engine thread

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = this.createThread();
    w.onmessage = (e: MessageEvent<HostMessage>) => this.receive(e.data);
    w.onerror = (e) => {
      // The thread itself died (its script failed to load, out of memory): fail what waits, start afresh next time.
      e.preventDefault?.();
      const error = new Error(e.message || 'The engine thread stopped.');
      for (const p of this.waiting.values()) p.reject(error);
      this.waiting.clear();
      w.terminate();
      if (this.worker === w) this.worker = null;
      this.reportEngineError(error);
    };
    this.worker = w;
    return w;
  }

  private send(command: HostCommand, onProgress?: (done: number, total: number) => void): Promise<{ result?: unknown; view?: EngineView }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      this.thread().postMessage({ id, command } satisfies CommandMessage);
    });
  }

  private receive(m: HostMessage): void {
    switch (m.type) {
      case 'view':
        this.inbox.push(m.view);
        this.schedule();
        return;
      case 'progress':
        this.waiting.get(m.id)?.onProgress?.(m.done, m.total);
        return;
      case 'engineError':
        this.reportEngineError(new Error(m.message));
        return;
      case 'done':
      case 'failed': {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.view) this.inbox.push(m.view);
        if (m.type === 'done') p?.resolve({ ...(m.result !== undefined ? { result: m.result } : {}), ...(m.view ? { view: m.view } : {}) });
        else p?.reject(new Error(m.message));
        return;
      }
    }
  }

  // ------------------------------------------------------------ lifecycle

  /** Creates a fresh simulation for a config. Errors end up in the store, in words. */
  async start(config: RunConfig): Promise<void> {
    const mine = ++this.starts;
    this.stopPlay();
    this.run = -1;
    this.inbox = [];
    this.traceCopy.length = 0;
    this.fold = emptyFold();
    this.live = [...config.liveActions].sort((a, b) => a.seq - b.seq || a.at - b.at);
    this.engine = { now: 0, nextTime: null, idle: true, inFlight: 0 };
    this.idlePausedAt = null;
    const set = this.store.getState();
    set.setTimeline({ playing: false, time: 0, clock: 0, reached: 0, checkpoints: [], busy: true });
    set.setRun({
      scenarioId: config.scenarioId,
      seed: config.seed,
      faultPlan: config.faultPlan,
      liveActionCount: config.liveActions.length,
      status: 'loading',
      storesReady: null,
      error: null,
      finished: null,
      idleNote: null,
    });
    set.setEngineView({ fold: emptyFold(), inFlight: [], inFlightByLink: {}, statuses: {}, network: null, services: [], topology: [], traceCount: 0, traceHash: '', learnerErrors: [] });
    try {
      const learner = this.learnerCode?.(config) ?? null;
      const answer = await this.send({ type: 'start', config, ...(learner ? { learner } : {}) }, (done, total) => {
        if (mine === this.starts) this.store.getState().setRun({ storesReady: { done, total } });
      });
      if (mine !== this.starts) return;
      const result = answer.result as StartResult | undefined;
      if (!result || !answer.view) return;
      this.run = answer.view.run;
      this.store.getState().setEngineView({ services: result.services, topology: result.topology });
      this.store.getState().setRun({ status: 'ready', realStores: result.realStores, runId: this.store.getState().runId + 1 });
      this.drain();
      const stream = this.store.getState().orderStreamMs;
      if (stream !== null) this.setOrderStream(stream);
    } catch (e) {
      if (mine !== this.starts) return;
      this.store.getState().setRun({ status: 'error', error: `The simulation could not start: ${messageOf(e)}` });
    } finally {
      if (mine === this.starts) this.store.getState().setTimeline({ busy: false });
    }
  }

  /** Stops and releases the run and its thread. A later start() works again (React strict mode mounts twice). */
  async dispose(): Promise<void> {
    this.starts++;
    this.stopPlay();
    this.store.getState().setTimeline({ playing: false });
    const w = this.worker;
    if (!w) return;
    try {
      await this.send({ type: 'dispose' });
    } catch {
      // The thread is going anyway.
    }
    if (this.worker === w) {
      w.terminate();
      this.worker = null;
    }
    for (const p of this.waiting.values()) p.reject(new Error('The sandbox was closed.'));
    this.waiting.clear();
  }

  // ------------------------------------------------------------ play / pause (pacing adapter)

  play(): void {
    const s = this.store.getState();
    if (s.status !== 'ready' || this.playing) return;
    this.playing = true;
    this.desired = s.time;
    this.sentTarget = -Infinity;
    this.lastFrame = null;
    s.setTimeline({ playing: true });
    s.setRun({ idleNote: null });
    this.schedule();
  }

  /** Pauses: the clock stops now; the store says "paused" once the engine finished its slice (its counts are then final). */
  pause(): void {
    if (!this.playing) return;
    this.stopPlay();
    this.send({ type: 'target', time: null })
      .then(() => {
        this.drain();
        if (!this.playing) this.store.getState().setTimeline({ playing: false });
      })
      .catch((e) => this.reportEngineError(e));
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  private stopPlay(): void {
    this.playing = false;
    this.lastFrame = null;
  }

  private schedule(): void {
    if (this.raf === null && typeof requestAnimationFrame === 'function') this.raf = requestAnimationFrame(this.frame);
  }

  /** One animation frame: fold what arrived, move the clock, ask the engine for more. */
  private frame = (wallNow: number): void => {
    this.raf = null;
    if (!this.playing) {
      this.drain();
      return;
    }
    const s = this.store.getState();
    const wallDelta = this.lastFrame === null ? 0 : wallNow - this.lastFrame;
    this.lastFrame = wallNow;
    this.absorb();
    const e = this.engine;
    if (e.idle && e.inFlight === 0 && s.orderStreamMs === null) {
      if (e.nextTime === null) {
        // Nothing left to happen: stop instead of spinning the clock.
        this.commit(wallNow, Math.max(s.time, e.now));
        this.pause();
        this.store.getState().setRun({ idleNote: 'Nothing left to happen: the run is over.' });
        return;
      }
      if (e.nextTime - s.time > IDLE_PAUSE_MS && this.idlePausedAt !== e.now) {
        this.idlePausedAt = e.now;
        this.commit(wallNow, Math.max(s.time, e.now));
        this.pause();
        this.store.getState().setRun({ idleNote: `Paused before a quiet gap: the next item is at ${(e.nextTime / 1000).toFixed(1)} s (a timer). Press Play to jump there.` });
        return;
      }
    }
    const perFrame = FRAME_MS * s.speed * VIRTUAL_MS_PER_WALL_MS;
    const maxLead = Math.max(2, MAX_LEAD_WALL_MS * s.speed * VIRTUAL_MS_PER_WALL_MS);
    this.desired = nextDisplayTime({
      time: Math.min(this.desired, e.now + maxLead),
      wallDeltaMs: wallDelta,
      speed: s.speed,
      nextItemTime: e.nextTime ?? undefined,
      inFlight: e.inFlight,
    });
    const target = Math.floor(this.desired + 2 + LOOKAHEAD_FRAMES * perFrame);
    if (target > this.sentTarget) {
      this.sentTarget = target;
      this.thread().postMessage({ id: 0, command: { type: 'target', time: target } } satisfies CommandMessage);
    }
    // Only as far as the engine has really run.
    this.commit(wallNow, Math.max(s.time, Math.min(this.desired, e.now)));
    this.schedule();
  };

  /** Applies waiting views outside play (command answers), and draws. While playing, the next frame draws them. */
  private drain(): void {
    if (this.playing) {
      this.schedule();
      return;
    }
    const changed = this.absorb();
    const s = this.store.getState();
    if (changed) this.commit(typeof performance !== 'undefined' ? performance.now() : 0, this.commandTime ?? Math.max(s.time, this.engine.now));
    this.commandTime = null;
  }

  /** The clock a command's view asked for (step, step back, seek), drawn with it. */
  private commandTime: number | null = null;

  // ------------------------------------------------------------ folding views into the store

  private pendingStore: Partial<SandboxStore> = {};
  private foldChanged = false;

  /** Folds waiting views into the page's trace copy and fold. Returns whether any was for this run. */
  private absorb(): boolean {
    if (this.inbox.length === 0) return false;
    const views = this.inbox;
    this.inbox = [];
    let any = false;
    for (const v of views) {
      if (v.run !== this.run) continue;
      any = true;
      // A step back cut the trace: what the page held past the cut goes, and the fold is rebuilt.
      if (updateTraceCopy(this.traceCopy, v.events, v.traceCount, TRACE_LIMIT)) {
        this.fold = foldTrace(emptyFold(), this.traceCopy, 'view');
        this.foldChanged = true;
      } else if (v.events.length > 0) {
        this.fold = foldTrace(this.fold, v.events, 'view');
        this.foldChanged = true;
      }
      this.engine = { now: v.now, nextTime: v.nextTime, idle: v.idle, inFlight: v.inFlight.length };
      if (v.display !== undefined) this.commandTime = Math.max(v.display, v.now);
      const p = this.pendingStore;
      p.statuses = v.statuses;
      p.network = v.network;
      p.inFlight = v.inFlight;
      p.traceCount = v.traceCount;
      p.traceHash = v.traceHash;
      if (v.checkpoints) p.checkpoints = v.checkpoints;
      if (v.learnerErrors) p.learnerErrors = v.learnerErrors;
      if (v.live) {
        this.live.length = Math.min(this.live.length, v.live.from);
        for (const a of v.live.add) this.live.push(a);
        p.liveActionCount = this.live.length;
      }
    }
    return any;
  }

  /** Writes the clock and everything absorbed to the store in one update (one render). */
  private commit(wallNow: number, time: number): void {
    this.absorb();
    const s = this.store.getState();
    const patch: Partial<SandboxStore> = { ...this.pendingStore, time };
    if (!this.playing || wallNow - this.lastClockWall >= CLOCK_EVERY_MS) {
      patch.clock = time;
      patch.reached = Math.max(s.reached, time);
      this.lastClockWall = wallNow;
    }
    this.pendingStore = {};
    if (patch.statuses && shallowEqualRecord(s.statuses, patch.statuses)) patch.statuses = s.statuses;
    if (patch.inFlight && patch.inFlight.length === 0 && s.inFlight.length === 0) patch.inFlight = s.inFlight;
    if (patch.inFlight && patch.inFlight !== s.inFlight) patch.inFlightByLink = messagesByLink(patch.inFlight, s.inFlightByLink);
    if (patch.network && JSON.stringify(patch.network) === JSON.stringify(s.network)) patch.network = s.network;
    if (this.foldChanged) {
      patch.fold = this.fold;
      this.foldChanged = false;
      this.tickOwed = true;
    }
    // Inspectors scan stores and the whole trace: while playing, a few times a second is plenty.
    if (this.tickOwed && (!this.playing || wallNow - this.lastTickWall >= INSPECTOR_TICK_MS)) {
      patch.tick = s.tick + 1;
      this.tickOwed = false;
      this.lastTickWall = wallNow;
    }
    this.store.setState(patch);
  }

  // ------------------------------------------------------------ commands

  /** Runs a command that decides the clock, with the workspace paused; its view is drawn at once. */
  private async command(command: HostCommand, busy = false): Promise<{ result?: unknown; view?: EngineView }> {
    const s = this.store.getState();
    if (busy) s.setTimeline({ busy: true });
    try {
      const answer = await this.send(command);
      this.drain();
      return answer;
    } finally {
      if (busy) this.store.getState().setTimeline({ busy: false });
    }
  }

  private guard<T>(p: Promise<T>): Promise<void> {
    return p.then(
      () => undefined,
      (e) => {
        this.drain();
        this.reportEngineError(e);
      },
    );
  }

  /** Applies a fault now (clicking a link, crashing a service) and records it for replay. */
  applyFault(fault: FaultAction): Promise<void> {
    if (!this.ready()) return Promise.resolve();
    return this.guard(this.command({ type: 'fault', fault }));
  }

  /** Places one more order (order scenarios only), recorded for replay. */
  injectOrder(): Promise<void> {
    if (!this.ready()) return Promise.resolve();
    return this.guard(this.command({ type: 'injectOrder' }));
  }

  /** Sends an input now without recording it (the CAP view's writes). */
  inject(input: Omit<ScenarioInput, 'at'>): Promise<void> {
    return this.command({ type: 'inject', input }).then(() => undefined);
  }

  setOrderStream(everyMs: number | null): void {
    this.store.getState().setRun({ orderStreamMs: everyMs });
    if (this.worker) this.send({ type: 'orderStream', everyMs }).catch((e) => this.reportEngineError(e));
  }

  /** Processes exactly one engine item (pausing first). */
  step(): Promise<void> {
    this.pause();
    if (!this.ready()) return Promise.resolve();
    return this.guard(this.command({ type: 'step' }));
  }

  /** Goes back to the previous checkpoint (one step, when single-stepping). */
  stepBack(): Promise<void> {
    this.pause();
    if (!this.ready()) return Promise.resolve();
    this.store.getState().setRun({ finished: null });
    return this.guard(this.command({ type: 'stepBack' }));
  }

  /** Moves the run to virtual time `time`, backwards (restore + re-run) or forwards. */
  seek(time: number): Promise<void> {
    this.pause();
    if (!this.ready()) return Promise.resolve();
    if (time < this.engine.now) this.store.getState().setRun({ finished: null });
    return this.guard(this.command({ type: 'seek', time }, true));
  }

  /** Runs until nothing is left to do (or RUN_TO_END_MAX_MS of virtual time), in chunks with checkpoints. */
  runToEnd(): Promise<void> {
    this.pause();
    if (!this.ready()) return Promise.resolve();
    return this.guard(
      this.command({ type: 'runToEnd', maxMs: RUN_TO_END_MAX_MS }, true).then((answer) => {
        const finished = answer.result as { quiescent: boolean; time: number } | undefined;
        if (finished) this.store.getState().setRun({ finished });
      }),
    );
  }

  private ready(): boolean {
    return this.worker !== null && this.run >= 0;
  }

  private reportEngineError(e: unknown): void {
    this.pause();
    this.store.getState().addUiProblem({ level: 'error', time: this.run >= 0 ? this.engine.now : null, service: null, code: 'ENGINE', message: messageOf(e) });
  }
}

function shallowEqualRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

