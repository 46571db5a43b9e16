import {
  createSimulation,
  findScenario,
  parseFaultPlan,
  type FaultPlan,
  type Scenario,
  type ServiceName,
  type Simulation,
  type SimulationSnapshot,
  type StoreProvider,
  type TraceEvent,
} from '@/simulator';
import { runInspectRequest } from '@/components/inspectors/data/inspectRequests';
import type { InFlightMessage, ServiceInfo, ServiceStatus } from '../model';
import type { LiveAction } from '../persistence/savedState';
import { emptyFold, foldTrace, type TraceFold } from '../state/foldTrace';
import { checkpointAtOrBefore, previousCheckpoint, thinCheckpoints, type RunPoint } from '../state/pacing';
import { knownTopology, liveOrderInput } from '../state/scenarioInfo';
import type { CheckpointMark, CommandMessage, EngineView, HostCommand, HostMessage, LearnerCode, RunConfig, StartResult } from './protocol';

interface Checkpoint extends RunPoint {
  id: number;
  snapshot: SimulationSnapshot;
  /**
   * How many live actions the run had applied when the snapshot was taken. Its position alone
   * cannot say: a checkpoint is taken just before a hand-applied action, and an order placed
   * writes no trace event until it is delivered, so one taken after it can share its position.
   */
  actions: number;
}

const MAX_CHECKPOINTS = 240;
const CHECKPOINT_EVERY_EVENTS = 50;
/** Snapshots copy every store; during play take at most one per this many wall ms… */
const CHECKPOINT_MIN_WALL_MS = 400;
/**
 * …and leave at least this many times a snapshot's own cost between two, so snapshots take at
 * most about a tenth of the engine's time however large the stores grow (one costs 0.1–0.7 s
 * with the shop's six PostgreSQL stores on a loaded machine).
 */
const CHECKPOINT_COST_FACTOR = 9;
/** Engine work between two looks at the message queue (new play targets, commands, reads), wall ms. */
const SLICE_MS = 15;
/**
 * While playing, a view goes to the page at most this often, wall ms. The page moves messages
 * every frame from the last view; new sagas, problems and messages at 30 a second are plenty,
 * and each view costs the page a fold and a render.
 */
const VIEW_EVERY_MS = 32;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The scenario and fault plan of a run. The one place a run's config becomes a Scenario (the
 * catalogue's, or `learner`'s when given); the editor validated the plan already, but a saved
 * plan may be stale (another scenario's services).
 */
export function resolveRun(config: RunConfig, learner?: Scenario): { scenario: Scenario; faultPlan: FaultPlan } {
  const scenario = learner ?? findScenario(config.scenarioId).build().scenario;
  const faultPlan = parseFaultPlan(config.faultPlan, scenario.services.map((s) => s.name));
  return { scenario, faultPlan };
}

/** A scenario built around a learner's code, with the learner's sandboxes it needs while it runs. */
export interface LearnerScenario {
  scenario: Scenario;
  /** Points the learner's code at the run's simulation (its clock, its console). */
  attach(sim: Simulation): void;
  /** Errors the learner's code threw so far (first few, in words). */
  errors(): string[];
  /**
   * Starts the learner's code again as it was at the run's start (module-level variables,
   * Math.random). No snapshot holds what lives in the learner's sandbox: a step back restores the
   * run's first checkpoint, restarts the learner, and walks forward.
   */
  restart(): Promise<void>;
  /** Frees the learner's sandboxes. */
  dispose(): void;
}

export interface EngineHostDeps {
  /** The stores a run gets (the real engines in the page). */
  createStores(): Promise<{ provider: StoreProvider; real: boolean }>;
  /** Sends a message to the page. */
  post(message: HostMessage): void;
  /** Wall clock, ms: the pacing adapter's, never the engine's. */
  wallNow(): number;
  /** Resolves after messages waiting in the thread's queue had their turn. */
  yieldToEvents(): Promise<void>;
  /** Builds the scenario of a learner's graded code (a replay); absent, replays fail in words. */
  buildLearnerScenario?(code: LearnerCode, seed: number): Promise<LearnerScenario>;
}

/**
 * Owns one Simulation at a time and drives it for the sandbox, away from the page's thread:
 * runs toward the play target the page sets every frame, single steps, checkpoints for step
 * back, seeks, run to the end, hand-applied faults and orders recorded for replay, and the
 * inspectors' reads. After work it sends the page a view (trace events since the last view,
 * what is on the wire, statuses), at most about once per frame while playing.
 *
 * Every engine command goes through `serial()`: the engine serializes its own calls too,
 * but the host's bookkeeping (trace position, checkpoints) must see them in order.
 */
export class EngineHost {
  private sim: Simulation | null = null;
  private scenario: Scenario | null = null;
  /** The learner's code the run runs, if it is a replay. */
  private learner: LearnerScenario | null = null;
  private learnerErrorsSent = 0;
  private unsubscribe: (() => void) | null = null;
  /** Trace events not sent to the page yet. */
  private pending: TraceEvent[] = [];
  /** The host's own fold, of the wire only: what in-flight messages need (send times, compensations). */
  private fold: TraceFold = emptyFold();
  /** Trace events emitted so far in this run (the engine's traceSeq). */
  private seq = 0;
  private checkpoints: Checkpoint[] = [];
  private checkpointCounter = 0;
  private lastCheckpointWall = -Infinity;
  private lastSnapshotMs = 0;
  /** Live actions of this run still to re-apply (replay, or forward again after a step back). */
  private replayQueue: LiveAction[] = [];
  /** Live actions applied in this run so far. */
  private applied: LiveAction[] = [];
  private liveOrders = 0;
  private stream: number | null = null;
  private nextStreamAt: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Counts starts; views carry it. */
  private generation = 0;
  /** Play target (virtual ms), null when not playing. */
  private target: number | null = null;
  private reachedTarget = true;
  private pumping = false;
  private lastViewWall = -Infinity;
  private checkpointsChanged = false;
  private liveActionsChanged = false;
  /** The live actions as the page last heard of them. */
  private liveSent: LiveAction[] = [];

  constructor(private readonly deps: EngineHostDeps) {}

  /** The running simulation (tests). */
  get simulation(): Simulation | null {
    return this.sim;
  }

  /** Handles one message from the page. */
  handle({ id, command }: CommandMessage): void {
    if (command.type === 'target') {
      this.target = command.time;
      this.reachedTarget = false;
      if (command.time === null) {
        // Answered after the slice in progress: the view then is where play really stopped.
        void this.serial(async () => this.viewNow()).then((view) => this.deps.post({ type: 'done', id, ...(view ? { view } : {}) }));
      } else this.pump();
      return;
    }
    // Commands that move the clock stop play first (the page paused already); a fault, an order
    // or a read goes in between two slices of play, as a click on the map did before.
    if (command.type === 'step' || command.type === 'stepBack' || command.type === 'seek' || command.type === 'runToEnd' || command.type === 'start' || command.type === 'dispose') this.target = null;
    this.run(command, (done, total) => this.deps.post({ type: 'progress', id, done, total })).then(
      ({ result, view }) => this.deps.post({ type: 'done', id, ...(result !== undefined ? { result } : {}), ...(view ? { view } : {}) }),
      (e: unknown) => {
        const view = this.viewNow();
        this.deps.post({ type: 'failed', id, message: messageOf(e), ...(view ? { view } : {}) });
      },
    );
  }

  private async run(command: Exclude<HostCommand, { type: 'target' }>, onProgress: (done: number, total: number) => void): Promise<{ result?: unknown; view?: EngineView | null }> {
    switch (command.type) {
      case 'start':
        return this.start(command.config, command.learner, onProgress);
      case 'step':
        return { view: await this.serial(() => this.stepUnlocked()) };
      case 'stepBack':
        return { view: await this.serial(() => this.stepBackUnlocked()) };
      case 'seek':
        return { view: await this.serial(() => this.seekUnlocked(command.time)) };
      case 'runToEnd':
        return this.serial(() => this.runToEndUnlocked(command.maxMs));
      case 'fault':
        return { view: await this.serial(() => this.liveUnlocked((seq, at) => ({ kind: 'fault', fault: command.fault, seq, at }))) };
      case 'injectOrder':
        return { view: await this.serial(() => this.liveUnlocked((seq, at) => ({ kind: 'inject', order: this.liveOrders, seq, at }))) };
      case 'inject':
        // Not a recorded live action (the CAP view's writes and mode switches), as before.
        return {
          view: await this.serial(async () => {
            await this.sim?.inject(command.input);
            return this.viewNow();
          }),
        };
      case 'orderStream':
        this.stream = command.everyMs;
        this.nextStreamAt = null;
        return {};
      case 'read': {
        const sim = this.sim;
        if (!sim) throw new Error('The simulation is starting.');
        return { result: await runInspectRequest(sim, command.request, onProgress) };
      }
      case 'dispose':
        this.generation++;
        await this.serial(() => this.disposeSim());
        return {};
    }
  }

  // ------------------------------------------------------------ lifecycle

  /** Starts a run; `onProgress` hears how many of the run's stores are ready (0 of n first). */
  private start(config: RunConfig, code: LearnerCode | undefined, onProgress: (done: number, total: number) => void): Promise<{ result?: StartResult; view?: EngineView | null }> {
    const gen = ++this.generation;
    return this.serial(async () => {
      await this.disposeSim();
      if (gen !== this.generation) return {};
      this.fold = emptyFold();
      this.pending = [];
      this.seq = 0;
      this.checkpoints = [];
      this.checkpointsChanged = true;
      this.lastCheckpointWall = -Infinity;
      this.lastSnapshotMs = 0;
      this.applied = [];
      this.replayQueue = [...config.liveActions].sort((a, b) => a.seq - b.seq || a.at - b.at);
      this.liveActionsChanged = true;
      this.liveSent = [];
      this.liveOrders = 0;
      this.nextStreamAt = null;
      let learner: LearnerScenario | null = null;
      if (code) {
        if (!this.deps.buildLearnerScenario) throw new Error('This sandbox cannot run a learner’s code.');
        learner = await this.deps.buildLearnerScenario(code, config.seed);
      }
      let sim: Simulation;
      let real: boolean;
      try {
        const { scenario, faultPlan } = resolveRun(config, learner?.scenario);
        const total = scenario.services.reduce((n, def) => n + def.stores.length, 0);
        onProgress(0, total);
        const stores = await this.deps.createStores();
        real = stores.real;
        sim = await createSimulation({ seed: config.seed, scenario, faultPlan, stores: countingStores(stores.provider, total, onProgress) });
      } catch (e) {
        learner?.dispose();
        throw e;
      }
      if (gen !== this.generation) {
        await sim.dispose();
        learner?.dispose();
        return {};
      }
      learner?.attach(sim);
      this.learner = learner;
      this.learnerErrorsSent = 0;
      const scenario = sim.scenario;
      this.sim = sim;
      this.scenario = scenario;
      this.unsubscribe = sim.subscribe((batch) => {
        for (const e of batch) this.pending.push(e);
        this.seq += batch.length;
      });
      // Trace events emitted during init (before we subscribed) count too.
      this.seq = sim.trace().length;
      this.pending = [...sim.trace()];
      const services: ServiceInfo[] = await sim.inspect((stores) =>
        scenario.services.map((def) => ({
          name: def.name,
          title: def.title,
          stores: Object.values(stores[def.name] ?? {}).map((st) => ({ name: st.name, kind: st.kind, engineLabel: st.engineLabel })),
        })),
      );
      // The first checkpoint (a snapshot of every store) is taken right after the page hears the
      // run is ready, before any other command: the workspace shows a run a few hundred ms sooner.
      void this.serial(() => (this.sim === sim ? this.checkpoint(true) : Promise.resolve()));
      return { result: { services, topology: knownTopology(scenario), realStores: real }, view: this.viewNow(0) };
    });
  }

  private async disposeSim(): Promise<void> {
    this.target = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    const sim = this.sim;
    this.sim = null;
    this.scenario = null;
    if (sim) await sim.dispose().catch(() => undefined);
    this.learner?.dispose();
    this.learner = null;
  }

  // ------------------------------------------------------------ play (toward the page's target)

  /** Runs toward the play target in slices, looking at the message queue in between. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const gen = this.generation;
    void (async () => {
      try {
        while (this.target !== null && this.sim && gen === this.generation) {
          const target = this.target;
          const reached = await this.serial(() => this.advanceTo(target, SLICE_MS));
          if (gen !== this.generation) break;
          const caughtUp = reached === 'all' && this.target === target;
          this.reachedTarget = caughtUp;
          if (caughtUp || this.deps.wallNow() - this.lastViewWall >= VIEW_EVERY_MS) {
            const view = this.viewNow();
            if (view) this.deps.post({ type: 'view', view });
          }
          if (caughtUp) break;
          await this.deps.yieldToEvents();
        }
      } catch (e) {
        this.target = null;
        this.deps.post({ type: 'engineError', message: messageOf(e), time: this.sim?.now ?? null });
        const view = this.viewNow();
        if (view) this.deps.post({ type: 'view', view });
      } finally {
        this.pumping = false;
      }
    })();
  }

  /** The next time something happens: an engine item, a live action to replay, a streamed order. */
  private nextInterestingTime(): number | undefined {
    const times = [this.sim?.nextTime, this.replayQueue[0]?.at, this.stream !== null ? (this.nextStreamAt ?? undefined) : undefined].filter((t): t is number => t !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  // ------------------------------------------------------------ engine driving

  /**
   * Runs the engine to `target`, re-applying recorded live actions and streamed orders on the way.
   * With a budget (play), stops stepping after that many wall ms so messages are looked at.
   */
  private async advanceTo(target: number, budgetMs?: number): Promise<'all' | 'partial'> {
    const sim = this.sim;
    if (!sim) return 'all';
    const deadline = budgetMs === undefined ? Infinity : this.deps.wallNow() + budgetMs;
    const stream = this.stream;
    if (stream !== null && this.nextStreamAt === null) this.nextStreamAt = Math.floor(sim.now) + 1;
    for (;;) {
      const replayAt = this.replayQueue[0]?.at;
      const streamAt = stream !== null ? this.nextStreamAt : null;
      const due = Math.min(replayAt ?? Infinity, streamAt ?? Infinity);
      if (due > target) break;
      if (replayAt !== undefined && replayAt <= (streamAt ?? Infinity)) {
        await this.applyReplayed(this.replayQueue.shift()!);
      } else if (streamAt !== null && stream !== null) {
        if ((await this.runWithin(sim, streamAt, deadline)) === 'partial') return 'partial';
        await this.perform({ kind: 'inject', order: this.liveOrders, seq: this.seq, at: sim.now });
        this.nextStreamAt = streamAt + stream;
      }
      await this.maybeCheckpoint();
      if (this.deps.wallNow() > deadline) return 'partial';
    }
    if ((await this.runWithin(sim, target, deadline)) === 'partial') return 'partial';
    await this.maybeCheckpoint();
    return 'all';
  }

  /**
   * Runs the engine to `time`; with a wall-clock deadline, one step at a time, stopping (with a
   * checkpoint if one is due) once the deadline passed.
   */
  private async runWithin(sim: Simulation, time: number, deadline: number): Promise<'all' | 'partial'> {
    if (deadline !== Infinity) {
      while (sim.nextTime !== undefined && sim.nextTime <= time) {
        await sim.step();
        if (this.deps.wallNow() > deadline) {
          await this.maybeCheckpoint();
          return 'partial';
        }
      }
    }
    await sim.runUntil(time);
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
    // A replayed action lands where it was recorded: keep the object, so the page is not sent it again.
    const recorded: LiveAction = a.seq === this.seq && a.at === sim.now ? a : { ...a, seq: this.seq, at: sim.now };
    if (a.kind === 'fault') await sim.applyFault(a.fault);
    else {
      await sim.inject(liveOrderInput(this.scenario!, a.order, sim.now));
      this.liveOrders = Math.max(this.liveOrders, a.order + 1);
    }
    this.applied.push(recorded);
    this.liveActionsChanged = true;
  }

  /** Applies a fault or places an order now (a click in the page), recorded for replay. */
  private async liveUnlocked(action: (seq: number, at: number) => LiveAction): Promise<EngineView | null> {
    const sim = this.sim;
    if (!sim || !this.scenario) return null;
    this.rewriteFuture();
    await this.checkpoint(true);
    await this.perform(action(this.seq, sim.now));
    return this.viewNow();
  }

  /** A new hand-made action after a step back replaces the recorded future. */
  private rewriteFuture(): void {
    // Checkpoints of the old future go: those past this position, and those at it taken after an action of that future.
    const present = (c: Checkpoint) => c.seq <= this.seq && c.actions <= this.applied.length;
    if (this.replayQueue.length === 0 && this.checkpoints.every(present)) return;
    this.replayQueue = [];
    this.liveActionsChanged = true;
    this.checkpoints = this.checkpoints.filter(present);
    this.checkpointsChanged = true;
  }

  /** Processes exactly one engine item. */
  private async stepUnlocked(): Promise<EngineView | null> {
    const sim = this.sim;
    if (!sim) return null;
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
    return this.viewNow(sim.now);
  }

  /** Goes back to the previous checkpoint (one step, when single-stepping). */
  private async stepBackUnlocked(): Promise<EngineView | null> {
    const sim = this.sim;
    if (!sim) return null;
    const cp = previousCheckpoint(this.checkpoints, { time: sim.now, seq: this.seq });
    if (!cp) return this.viewNow();
    await this.restoreTo(cp);
    return this.viewNow(cp.time);
  }

  /** Moves the run to virtual time `time`, backwards (restore + re-run) or forwards. */
  private async seekUnlocked(time: number): Promise<EngineView | null> {
    const sim = this.sim;
    if (!sim) return null;
    const target = Math.max(0, Math.floor(time));
    if (target < sim.now) {
      const cp = checkpointAtOrBefore(this.checkpoints, target);
      if (!cp) return this.viewNow();
      await this.restoreTo(cp);
    }
    await this.advanceTo(target);
    return this.viewNow(target);
  }

  /** Runs until nothing is left to do (or `maxMs` of virtual time), in chunks with checkpoints. */
  private async runToEndUnlocked(maxMs: number): Promise<{ result?: { quiescent: boolean; time: number }; view?: EngineView | null }> {
    const sim = this.sim;
    if (!sim) return {};
    while (this.replayQueue.length > 0) {
      await this.applyReplayed(this.replayQueue.shift()!);
      await this.maybeCheckpoint(true);
    }
    const maxTime = sim.now + maxMs;
    let result = { quiescent: false, time: sim.now, steps: 0 };
    do {
      result = await sim.runToQuiescence({ maxTime, maxSteps: 200 });
      await this.maybeCheckpoint(true);
      // The page follows the run as it goes.
      if (this.deps.wallNow() - this.lastViewWall >= 100) {
        const view = this.viewNow(sim.now);
        if (view) this.deps.post({ type: 'view', view });
      }
      await this.deps.yieldToEvents();
    } while (!result.quiescent && result.steps > 0 && this.sim === sim);
    return { result: { quiescent: result.quiescent, time: sim.now }, view: this.viewNow(sim.now) };
  }

  /**
   * Puts the run back at a checkpoint. A replay of learner code cannot be put back there directly
   * (its module-level variables are inside QuickJS): it goes back to the run's first checkpoint
   * with the learner's code restarted, and walks forward to `cp`, live actions included.
   */
  private async restoreTo(cp: Checkpoint): Promise<void> {
    const first = this.checkpoints[0];
    if (!this.learner || !first) return this.restoreSnapshot(cp);
    await this.restoreSnapshot(first);
    await this.learner.restart();
    if (cp !== first) await this.walkTo(cp);
  }

  /** Walks the engine forward to exactly a checkpoint, replaying the live actions taken before it. */
  private async walkTo(cp: Checkpoint): Promise<void> {
    const sim = this.sim!;
    while (this.applied.length < cp.actions && this.replayQueue.length > 0) await this.applyReplayed(this.replayQueue.shift()!);
    while (this.seq < cp.seq) {
      const t = sim.nextTime;
      if (t === undefined || t > cp.time) break;
      await sim.step();
    }
    if (sim.now < cp.time) await sim.runUntil(cp.time);
  }

  private async restoreSnapshot(cp: Checkpoint): Promise<void> {
    const sim = this.sim!;
    await sim.restore(cp.snapshot);
    this.seq = cp.seq;
    // The page learns of the cut from the next view (its events start at or before the cut, or its count says so).
    this.pending = [];
    this.fold = foldTrace(emptyFold(), sim.trace(), 'wire');
    // Actions applied after the checkpoint come back in the queue: going forward repeats them.
    const later = this.applied.slice(cp.actions);
    this.applied = this.applied.slice(0, cp.actions);
    this.replayQueue = [...later, ...this.replayQueue];
    this.liveActionsChanged = true;
    this.liveOrders = this.applied.filter((a) => a.kind === 'inject').length;
    this.nextStreamAt = null;
  }

  // ------------------------------------------------------------ checkpoints

  private async maybeCheckpoint(ignoreWallClock = false): Promise<void> {
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && this.seq - last.seq < CHECKPOINT_EVERY_EVENTS) return;
    const gap = Math.max(ignoreWallClock ? 0 : CHECKPOINT_MIN_WALL_MS, CHECKPOINT_COST_FACTOR * this.lastSnapshotMs);
    if (this.deps.wallNow() - this.lastCheckpointWall < gap) return;
    await this.checkpoint(false);
  }

  private async checkpoint(force: boolean): Promise<void> {
    const sim = this.sim;
    if (!sim) return;
    const last = this.checkpoints[this.checkpoints.length - 1];
    if (last && last.seq === this.seq && last.time === sim.now) return;
    if (!force && last && this.seq === last.seq) return;
    const t0 = this.deps.wallNow();
    const snapshot = await sim.snapshot();
    this.lastCheckpointWall = this.deps.wallNow();
    this.lastSnapshotMs = this.lastCheckpointWall - t0;
    this.checkpoints.push({ id: ++this.checkpointCounter, time: sim.now, seq: this.seq, snapshot, actions: this.applied.length });
    this.checkpoints = thinCheckpoints(this.checkpoints, MAX_CHECKPOINTS);
    this.checkpointsChanged = true;
  }

  // ------------------------------------------------------------ views

  /** What the page draws, with the trace events since the last view. */
  private viewNow(display?: number): EngineView | null {
    const sim = this.sim;
    if (!sim) return null;
    const events = this.pending;
    this.pending = [];
    if (events.length > 0) this.fold = foldTrace(this.fold, events, 'wire');
    const statuses: Record<ServiceName, ServiceStatus> = {};
    for (const n of sim.serviceNames) statuses[n] = sim.serviceStatus(n);
    const inFlight: InFlightMessage[] = [];
    for (const item of sim.scheduled()) {
      const m = item.message;
      if (item.kind !== 'deliver' || !m || m.from === m.to) continue;
      inFlight.push({
        key: `${m.id}@${item.time}`,
        id: m.id,
        type: m.type,
        kind: m.kind,
        from: m.from,
        to: m.to,
        sentAt: this.fold.sentAt[m.id] ?? item.time - 10,
        deliverAt: item.time,
        compensation: this.fold.compensationMessages[m.id] === true,
      });
    }
    const checkpoints: CheckpointMark[] | undefined = this.checkpointsChanged ? this.checkpoints.map(({ id, time, seq }) => ({ id, time, seq })) : undefined;
    let live: EngineView['live'];
    if (this.liveActionsChanged) {
      const list = [...this.applied, ...this.replayQueue];
      const old = this.liveSent;
      let from = 0;
      while (from < old.length && from < list.length && old[from] === list[from]) from++;
      live = { from, add: list.slice(from) };
      this.liveSent = list;
    }
    let learnerErrors: string[] | undefined;
    if (this.learner) {
      const errors = this.learner.errors();
      if (errors.length !== this.learnerErrorsSent) learnerErrors = errors;
      this.learnerErrorsSent = errors.length;
    }
    this.checkpointsChanged = false;
    this.liveActionsChanged = false;
    this.lastViewWall = this.deps.wallNow();
    const next = this.nextInterestingTime();
    return {
      run: this.generation,
      now: sim.now,
      ...(display !== undefined ? { display } : {}),
      traceCount: this.seq,
      traceHash: sim.traceHash(),
      events,
      statuses,
      network: sim.network(),
      inFlight,
      nextTime: next ?? null,
      idle: this.target === null || this.reachedTarget,
      ...(checkpoints ? { checkpoints } : {}),
      ...(live ? { live } : {}),
      ...(learnerErrors ? { learnerErrors } : {}),
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Resolves on the next turn of the event loop (a message channel: no timer clamping). */
export function createYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: Array<() => void> = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

/** The provider, telling `onReady` how many of the `total` stores it has created so far. */
function countingStores(provider: StoreProvider, total: number, onReady: (done: number, total: number) => void): StoreProvider {
  let done = 0;
  return {
    create: async (spec, ctx) => {
      const store = await provider.create(spec, ctx);
      onReady(++done, total);
      return store;
    },
    ...(provider.release ? { release: (store) => provider.release!(store) } : {}),
  };
}
