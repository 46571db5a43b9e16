import type { StoreApi } from 'zustand/vanilla';
import {
  createSimulation,
  findScenario,
  parseFaultPlan,
  type FaultAction,
  type FaultPlan,
  type Scenario,
  type ServiceName,
  type Simulation,
  type SimulationSnapshot,
  type TraceEvent,
} from '@/simulator';
import { createStoreProvider } from '../engine/createStoreProvider';
import type { InFlightMessage, ServiceInfo, ServiceStatus } from '../model';
import type { LiveAction } from '../persistence/savedState';
import { emptyFold, foldTrace, type TraceFold } from './foldTrace';
import { engineTarget, nextDisplayTime, previousCheckpoint, checkpointAtOrBefore, thinCheckpoints, type RunPoint } from './pacing';
import { knownTopology, liveOrderInput } from './scenarioInfo';
import type { SandboxStore } from './store';

/** What defines a run: the same config gives the same trace. */
export interface RunConfig {
  scenarioId: string;
  seed: number;
  faultPlan: FaultPlan;
  /** Hand-applied faults and orders to repeat at the same points (replay). */
  liveActions: LiveAction[];
}

/** A scenario the catalogue does not have (a learner's replay), built afresh for every run. */
export interface ExternalScenario {
  scenario: Scenario;
  /** Called once the run's simulation exists. */
  attach?(sim: Simulation): void;
  /** Called when the run ends (a new run starts, or the workspace closes). */
  release?(): void;
}

/** Resolves a run's scenario id outside the catalogue; null leaves it to the catalogue. */
export type ScenarioSource = (config: RunConfig) => Promise<ExternalScenario | null>;

interface Checkpoint extends RunPoint {
  id: number;
  snapshot: SimulationSnapshot;
}

/** "Run to the end" stops after this much virtual time even if timers keep the system busy. */
export const RUN_TO_END_MAX_MS = 60_000;
const MAX_CHECKPOINTS = 240;
const CHECKPOINT_EVERY_EVENTS = 50;
/** Snapshots copy every store; during fast play take at most one per this many wall ms. */
const CHECKPOINT_MIN_WALL_MS = 400;
/**
 * Play pauses by itself before a jump over this much quiet virtual time (a reservation's
 * 5-minute expiry timer, say): the interesting part of the run stays readable on the scrubber.
 */
export const IDLE_PAUSE_MS = 5_000;
/** Engine work per animation frame while playing, wall ms: the rest of the frame is for drawing. */
const FRAME_BUDGET_MS = 10;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Owns one Simulation at a time and drives it: the real-time pacing loop
 * (requestAnimationFrame, wall time × speed → virtual time → sim.runUntil), single steps,
 * checkpoints for step-back, seeks, and hand-applied faults recorded for replay.
 * Engine trace batches are buffered and folded into the UI store once per frame.
 *
 * Every engine command goes through `serial()`: the engine serializes its own calls too,
 * but the controller's bookkeeping (trace position, checkpoints) must see them in order.
 */
export class SandboxController {
  private sim: Simulation | null = null;
  private scenario: Scenario | null = null;
  private unsubscribe: (() => void) | null = null;
  private pending: TraceEvent[] = [];
  private fold: TraceFold = emptyFold();
  /** Trace events emitted so far in this run (the engine's traceSeq). */
  private seq = 0;
  private checkpoints: Checkpoint[] = [];
  private checkpointCounter = 0;
  private lastCheckpointWall = 0;
  /** Live actions of this run still to re-apply (replay, or forward again after a step back). */
  private replayQueue: LiveAction[] = [];
  /** Live actions applied in this run so far. */
  private applied: LiveAction[] = [];
  private liveOrders = 0;
  private nextStreamAt: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private raf: number | null = null;
  private lastFrame: number | null = null;
  private frameBusy = false;
  /** Engine time at which play paused before a long quiet gap; Play again crosses it. */
  private idlePausedAt: number | null = null;
  private generation = 0;
  private external: ExternalScenario | null = null;

  constructor(
    readonly store: StoreApi<SandboxStore>,
    private readonly scenarioSource: ScenarioSource | null = null,
  ) {}

  get simulation(): Simulation | null {
    return this.sim;
  }

  /** Hand-applied actions of the run (applied and still to replay), for saving. */
  liveActions(): LiveAction[] {
    return [...this.applied, ...this.replayQueue];
  }

  // ------------------------------------------------------------ lifecycle

  /** Creates a fresh simulation for a config. Errors end up in the store, in words. */
  start(config: RunConfig): Promise<void> {
    return this.serial(() => this.startUnlocked(config));
  }

  private async startUnlocked(config: RunConfig): Promise<void> {
    const gen = ++this.generation;
    this.stopLoop();
    await this.disposeSim();
    const set = this.store.getState();
    set.setTimeline({ playing: false, time: 0, reached: 0, checkpoints: [], busy: true });
    set.setRun({
      scenarioId: config.scenarioId,
      seed: config.seed,
      faultPlan: config.faultPlan,
      liveActionCount: config.liveActions.length,
      status: 'loading',
      error: null,
      finished: null,
      idleNote: null,
    });
    this.idlePausedAt = null;
    set.setEngineView({ fold: emptyFold(), inFlight: [], statuses: {}, network: null, services: [], topology: [], traceCount: 0 });
    this.fold = emptyFold();
    this.pending = [];
    this.seq = 0;
    this.checkpoints = [];
    this.applied = [];
    this.replayQueue = [...config.liveActions].sort((a, b) => a.seq - b.seq || a.at - b.at);
    this.liveOrders = 0;
    this.nextStreamAt = null;
    try {
      const external = this.scenarioSource ? await this.scenarioSource(config) : null;
      this.external = external;
      const scenario = external ? external.scenario : findScenario(config.scenarioId).build().scenario;
      const services = scenario.services.map((s) => s.name);
      // The editor validated the plan already; a saved plan may be stale (another scenario's services).
      const faultPlan = parseFaultPlan(config.faultPlan, services);
      const { provider, real } = await createStoreProvider();
      const sim = await createSimulation({ seed: config.seed, scenario, faultPlan, stores: provider });
      if (gen !== this.generation) {
        await sim.dispose();
        return;
      }
      external?.attach?.(sim);
      this.sim = sim;
      this.scenario = scenario;
      this.unsubscribe = sim.subscribe((batch) => {
        this.pending.push(...batch);
        this.seq += batch.length;
      });
      // Trace events emitted during init (before we subscribed) count too.
      this.seq = sim.trace().length;
      this.pending = [...sim.trace()];
      const infos: ServiceInfo[] = await sim.inspect((stores) =>
        scenario.services.map((def) => ({
          name: def.name,
          title: def.title,
          stores: Object.values(stores[def.name] ?? {}).map((st) => ({ name: st.name, kind: st.kind, engineLabel: st.engineLabel })),
        })),
      );
      set.setEngineView({ services: infos, topology: knownTopology(scenario) });
      set.setRun({ status: 'ready', realStores: real, runId: this.store.getState().runId + 1 });
      await this.checkpoint(true);
      this.sync(0);
    } catch (e) {
      if (gen !== this.generation) return;
      this.releaseExternal();
      set.setRun({ status: 'error', error: `The simulation could not start: ${messageOf(e)}` });
    } finally {
      if (gen === this.generation) set.setTimeline({ busy: false });
    }
  }

  /** Stops and releases the run. A later start() works again (React strict mode mounts twice). */
  async dispose(): Promise<void> {
    // A start still in flight sees the new generation and drops its simulation.
    this.generation++;
    this.stopLoop();
    this.store.getState().setTimeline({ playing: false });
    await this.serial(() => this.disposeSim());
  }

  private async disposeSim(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const sim = this.sim;
    this.sim = null;
    if (sim) await sim.dispose().catch(() => undefined);
    this.releaseExternal();
  }

  private releaseExternal(): void {
    const external = this.external;
    this.external = null;
    external?.release?.();
  }

  // ------------------------------------------------------------ play / pause (pacing adapter)

  play(): void {
    const s = this.store.getState();
    if (s.status !== 'ready' || s.playing) return;
    s.setTimeline({ playing: true });
    s.setRun({ idleNote: null });
    this.lastFrame = null;
    if (this.raf === null) this.raf = requestAnimationFrame(this.frame);
  }

  pause(): void {
    this.store.getState().setTimeline({ playing: false });
    this.stopLoop();
  }

  togglePlay(): void {
    if (this.store.getState().playing) this.pause();
    else this.play();
  }

  private stopLoop(): void {
    if (this.raf !== null) cancelAnimationFrame(this.raf);
    this.raf = null;
    this.lastFrame = null;
  }

  private frame = (wallNow: number): void => {
    this.raf = null;
    const s = this.store.getState();
    if (!s.playing || !this.sim) return;
    const wallDelta = this.lastFrame === null ? 0 : wallNow - this.lastFrame;
    this.lastFrame = wallNow;
    // While the engine is still working on the previous frame, skip: the map keeps drawing,
    // and the next frame catches up (wall time per frame is capped in nextDisplayTime).
    if (!this.frameBusy) {
      const next = this.nextInterestingTime();
      if (next === undefined && s.inFlight.length === 0 && this.store.getState().orderStreamMs === null) {
        // Nothing left to happen: stop instead of spinning the clock.
        this.pause();
        s.setRun({ idleNote: 'Nothing left to happen: the run is over.' });
        return;
      }
      if (next !== undefined && s.inFlight.length === 0 && next - s.time > IDLE_PAUSE_MS && this.idlePausedAt !== this.sim.now && s.orderStreamMs === null) {
        this.idlePausedAt = this.sim.now;
        this.pause();
        s.setRun({ idleNote: `Paused before a quiet gap: the next item is at ${(next / 1000).toFixed(1)} s (a timer). Press Play to jump there.` });
        return;
      }
      this.frameBusy = true;
      const display = nextDisplayTime({
        time: s.time,
        wallDeltaMs: wallDelta,
        speed: s.speed,
        nextItemTime: this.nextInterestingTime(),
        inFlight: s.inFlight.length,
      });
      this.serial(async () => {
        const reached = await this.advanceTo(engineTarget(display), FRAME_BUDGET_MS);
        // When the engine could not keep up, the clock shows where it really is (it lags, honestly).
        this.sync(reached === 'all' ? display : (this.sim?.now ?? display));
      })
        .catch((e) => this.reportEngineError(e))
        .finally(() => {
          this.frameBusy = false;
        });
    }
    this.raf = requestAnimationFrame(this.frame);
  };

  /** The next time something happens: an engine item, a live action to replay, a streamed order. */
  private nextInterestingTime(): number | undefined {
    const times = [this.sim?.nextTime, this.replayQueue[0]?.at, this.nextStreamAt ?? undefined].filter((t): t is number => t !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  // ------------------------------------------------------------ engine driving

  /**
   * Runs the engine to `target`, re-applying recorded live actions and streamed orders on the way.
   * With a budget (play), stops stepping after that many wall ms so frames keep coming under load.
   */
  private async advanceTo(target: number, budgetMs?: number): Promise<'all' | 'partial'> {
    const sim = this.sim;
    if (!sim) return 'all';
    const deadline = budgetMs === undefined ? Infinity : performance.now() + budgetMs;
    const stream = this.store.getState().orderStreamMs;
    if (stream !== null && this.nextStreamAt === null) this.nextStreamAt = Math.floor(sim.now) + 1;
    for (;;) {
      const replayAt = this.replayQueue[0]?.at;
      const streamAt = stream !== null ? this.nextStreamAt : null;
      const due = Math.min(replayAt ?? Infinity, streamAt ?? Infinity);
      if (due > target) break;
      if (replayAt !== undefined && replayAt <= (streamAt ?? Infinity)) {
        await this.applyReplayed(this.replayQueue.shift()!);
      } else if (streamAt !== null && stream !== null) {
        await sim.runUntil(streamAt);
        await this.perform({ kind: 'inject', order: this.liveOrders, seq: this.seq, at: sim.now });
        this.nextStreamAt = streamAt + stream;
      }
      await this.maybeCheckpoint();
      if (performance.now() > deadline) return 'partial';
    }
    if (deadline === Infinity) await sim.runUntil(target);
    else {
      while (sim.nextTime !== undefined && sim.nextTime <= target) {
        await sim.step();
        if (performance.now() > deadline) {
          await this.maybeCheckpoint();
          return 'partial';
        }
      }
      await sim.runUntil(target);
    }
    await this.maybeCheckpoint();
    return 'all';
  }

  /** Walks the engine to exactly where a live action was applied, then applies it again. */
  private async applyReplayed(a: LiveAction): Promise<void> {
    const sim = this.sim!;
    // Step, not runUntil: the action was applied between two particular steps.
    while (this.seq < a.seq) {
      const t = sim.nextTime;
      if (t === undefined || t > a.at) break;
      await sim.step();
    }
    if (sim.now < a.at) await sim.runUntil(a.at);
    await this.perform(a);
  }

  /** Applies a live action to the engine and records it. */
  private async perform(a: LiveAction): Promise<void> {
    const sim = this.sim!;
    const recorded: LiveAction = { ...a, seq: this.seq, at: sim.now };
    if (a.kind === 'fault') await sim.applyFault(a.fault);
    else {
      await sim.inject(liveOrderInput(this.scenario!, a.order, sim.now));
      this.liveOrders = Math.max(this.liveOrders, a.order + 1);
    }
    this.applied.push(recorded);
    this.store.getState().setRun({ liveActionCount: this.applied.length + this.replayQueue.length });
  }

  /** Applies a fault now (clicking a link, crashing a service) and records it for replay. */
  applyFault(fault: FaultAction): Promise<void> {
    return this.serial(async () => {
      if (!this.sim) return;
      this.rewriteFuture();
      await this.checkpoint(true);
      await this.perform({ kind: 'fault', fault, seq: this.seq, at: this.sim.now });
      this.sync(Math.max(this.store.getState().time, this.sim.now));
    }).catch((e) => this.reportEngineError(e));
  }

  /** Places one more order (order scenarios only). */
  injectOrder(): Promise<void> {
    return this.serial(async () => {
      if (!this.sim || !this.scenario) return;
      this.rewriteFuture();
      await this.checkpoint(true);
      await this.perform({ kind: 'inject', order: this.liveOrders, seq: this.seq, at: this.sim.now });
      this.sync(Math.max(this.store.getState().time, this.sim.now));
    }).catch((e) => this.reportEngineError(e));
  }

  /** A new hand-made action after a step back replaces the recorded future. */
  private rewriteFuture(): void {
    if (this.replayQueue.length === 0 && this.checkpoints.every((c) => c.seq <= this.seq)) return;
    this.replayQueue = [];
    this.checkpoints = this.checkpoints.filter((c) => c.seq <= this.seq);
    this.publishCheckpoints();
  }

  setOrderStream(everyMs: number | null): void {
    this.nextStreamAt = null;
    this.store.getState().setRun({ orderStreamMs: everyMs });
  }

  /** Processes exactly one engine item (pausing first). */
  step(): Promise<void> {
    this.pause();
    return this.serial(async () => {
      const sim = this.sim;
      if (!sim) return;
      // A live action recorded at this very point comes before the next item, as it did live.
      while (this.replayQueue[0] && this.replayQueue[0].seq <= this.seq && this.replayQueue[0].at <= sim.now) {
        await this.perform(this.replayQueue.shift()!);
      }
      await this.checkpoint(true);
      const next = sim.nextTime;
      const replayAt = this.replayQueue[0]?.at;
      if (replayAt !== undefined && (next === undefined || replayAt < next)) {
        await this.applyReplayed(this.replayQueue.shift()!);
      } else if (next !== undefined) {
        await sim.step();
      }
      this.sync(sim.now);
    }).catch((e) => this.reportEngineError(e));
  }

  /** Goes back to the previous checkpoint (one step, when single-stepping). */
  stepBack(): Promise<void> {
    this.pause();
    return this.serial(async () => {
      if (!this.sim) return;
      const cp = previousCheckpoint(this.checkpoints, { time: this.sim.now, seq: this.seq });
      if (!cp) return;
      await this.restoreTo(cp);
      this.sync(cp.time);
    }).catch((e) => this.reportEngineError(e));
  }

  /** Moves the run to virtual time `time`, backwards (restore + re-run) or forwards. */
  seek(time: number): Promise<void> {
    this.pause();
    return this.serial(async () => {
      const sim = this.sim;
      if (!sim) return;
      const target = Math.max(0, Math.floor(time));
      if (target < sim.now) {
        const cp = checkpointAtOrBefore(this.checkpoints, target);
        if (!cp) return;
        await this.restoreTo(cp);
      }
      this.store.getState().setTimeline({ busy: true });
      try {
        await this.advanceTo(target);
      } finally {
        this.store.getState().setTimeline({ busy: false });
      }
      this.sync(target);
    }).catch((e) => this.reportEngineError(e));
  }

  /** Runs until nothing is left to do (or RUN_TO_END_MAX_MS of virtual time), in chunks with checkpoints. */
  runToEnd(): Promise<void> {
    this.pause();
    return this.serial(async () => {
      const sim = this.sim;
      if (!sim) return;
      const set = this.store.getState();
      set.setTimeline({ busy: true });
      try {
        while (this.replayQueue.length > 0) {
          await this.applyReplayed(this.replayQueue.shift()!);
          await this.maybeCheckpoint();
        }
        const maxTime = sim.now + RUN_TO_END_MAX_MS;
        let result = { quiescent: false, time: sim.now, steps: 0 };
        do {
          result = await sim.runToQuiescence({ maxTime, maxSteps: 200 });
          await this.maybeCheckpoint(true);
          // Let the page breathe between chunks (input, paint).
          this.sync(sim.now);
          await new Promise((r) => setTimeout(r, 0));
        } while (!result.quiescent && result.steps > 0 && this.sim === sim);
        set.setRun({ finished: { quiescent: result.quiescent, time: sim.now } });
      } finally {
        set.setTimeline({ busy: false });
      }
      this.sync(sim.now);
    }).catch((e) => this.reportEngineError(e));
  }

  private async restoreTo(cp: Checkpoint): Promise<void> {
    const sim = this.sim!;
    await sim.restore(cp.snapshot);
    this.seq = cp.seq;
    this.pending = [];
    // The trace was cut back to the checkpoint: fold it again from scratch.
    this.fold = foldTrace(emptyFold(), sim.trace());
    // Actions applied after the checkpoint come back in the queue: going forward repeats them.
    const later = this.applied.filter((a) => a.seq > cp.seq || (a.seq === cp.seq && a.at > cp.time));
    this.applied = this.applied.filter((a) => !later.includes(a));
    this.replayQueue = [...later, ...this.replayQueue];
    this.liveOrders = this.applied.filter((a) => a.kind === 'inject').length;
    this.nextStreamAt = null;
    this.store.getState().setRun({ finished: null });
  }

  // ------------------------------------------------------------ checkpoints

  private async maybeCheckpoint(ignoreWallClock = false): Promise<void> {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && this.seq - last.seq < CHECKPOINT_EVERY_EVENTS) return;
    if (!ignoreWallClock && performance.now() - this.lastCheckpointWall < CHECKPOINT_MIN_WALL_MS) return;
    await this.checkpoint(false);
  }

  private async checkpoint(force: boolean): Promise<void> {
    const sim = this.sim;
    if (!sim) return;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.seq === this.seq && last.time === sim.now) return;
    if (!force && last && this.seq === last.seq) return;
    const snapshot = await sim.snapshot();
    this.lastCheckpointWall = performance.now();
    this.checkpoints.push({ id: ++this.checkpointCounter, time: sim.now, seq: this.seq, snapshot });
    this.checkpoints = thinCheckpoints(this.checkpoints, MAX_CHECKPOINTS);
    this.publishCheckpoints();
  }

  private publishCheckpoints(): void {
    this.store.getState().setTimeline({ checkpoints: this.checkpoints.map(({ id, time, seq }) => ({ id, time, seq })) });
  }

  // ------------------------------------------------------------ folding into the UI store

  /** Folds the buffered trace batches and the engine's state into the store (once per frame). */
  private sync(displayTime: number): void {
    const sim = this.sim;
    if (!sim) return;
    const events = this.pending;
    this.pending = [];
    if (events.length > 0) this.fold = foldTrace(this.fold, events);
    const names = sim.serviceNames;
    const statuses: Record<ServiceName, ServiceStatus> = {};
    for (const n of names) statuses[n] = sim.serviceStatus(n);
    const inFlight: InFlightMessage[] = [];
    for (const item of sim.scheduled()) {
      const m = item.message;
      if (item.kind !== 'deliver' || !m || m.from === m.to) continue;
      const sentAt = this.fold.sentAt[m.id] ?? item.time - 10;
      inFlight.push({
        key: `${m.id}@${item.time}`,
        id: m.id,
        type: m.type,
        kind: m.kind,
        from: m.from,
        to: m.to,
        sentAt,
        deliverAt: item.time,
        compensation: this.fold.compensationMessages[m.id] === true,
      });
    }
    const s = this.store.getState();
    const time = Math.max(displayTime, sim.now);
    s.setTimeline({ time, reached: Math.max(s.reached, time) });
    s.setEngineView({
      statuses: shallowEqualRecord(s.statuses, statuses) ? s.statuses : statuses,
      network: sim.network(),
      inFlight: inFlight.length === 0 && s.inFlight.length === 0 ? s.inFlight : inFlight,
      fold: this.fold,
      traceCount: this.seq,
      traceHash: sim.traceHash(),
      ...(events.length > 0 ? { tick: s.tick + 1 } : {}),
    });
  }

  private reportEngineError(e: unknown): void {
    this.pause();
    this.store.getState().addUiProblem({ level: 'error', time: this.sim?.now ?? null, service: null, code: 'ENGINE', message: messageOf(e) });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function shallowEqualRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
