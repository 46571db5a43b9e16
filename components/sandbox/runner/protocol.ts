/**
 * Messages between the workspace (main thread) and the engine host (a Web Worker).
 *
 * The engine with its real stores costs about a millisecond of CPU per trace event, so at
 * a thousand events a second it cannot share a thread with drawing. The host runs it in a
 * worker; the page only draws. Everything that crosses is plain data (structured clone).
 */
import type { FaultAction, FaultPlan, Json, NetworkState, ScenarioInput, ServiceName, TraceEvent } from '@/simulator';
import type { InspectRequest } from '@/components/inspectors/data/inspectRequests';
import type { InFlightMessage, ServiceInfo, ServiceStatus } from '../model';
import type { LiveAction } from '../persistence/savedState';

/** What defines a run: the same config gives the same trace. */
export interface RunConfig {
  scenarioId: string;
  seed: number;
  faultPlan: FaultPlan;
  /** Hand-applied faults and orders to repeat at the same points (replay). */
  liveActions: LiveAction[];
}

/**
 * A learner's graded code to run instead of a catalogue scenario ("Replay in sandbox"): the host
 * builds the scenario from it with the lesson's checks, the code running in QuickJS.
 */
export interface LearnerCode {
  lessonId: string;
  exerciseId: string;
  /** The exercise's files as they were graded. */
  files: Record<string, string>;
  /** The graded run's scenario input. */
  input: Json;
}

export interface CheckpointMark {
  id: number;
  time: number;
  seq: number;
}

/** Commands, main → host. Each gets exactly one `done` or `failed` answer with its id. */
export type HostCommand =
  | { type: 'start'; config: RunConfig; learner?: LearnerCode }
  /**
   * Play: run the engine up to `time` (virtual ms), as fast as it can, while views flow back.
   * A newer target replaces an older one. `time: null` stops; its answer carries the final view.
   */
  | { type: 'target'; time: number | null }
  | { type: 'step' }
  | { type: 'stepBack' }
  | { type: 'seek'; time: number }
  | { type: 'runToEnd'; maxMs: number }
  | { type: 'fault'; fault: FaultAction }
  | { type: 'injectOrder' }
  | { type: 'inject'; input: Omit<ScenarioInput, 'at'> }
  | { type: 'orderStream'; everyMs: number | null }
  | { type: 'read'; request: InspectRequest }
  | { type: 'dispose' };

export interface CommandMessage {
  id: number;
  command: HostCommand;
}

/** What the engine looks like now. Sent after work, at most about once per frame while playing. */
export interface EngineView {
  /** The run it belongs to (counts starts): views of an older run are dropped. */
  run: number;
  /** Engine virtual time. */
  now: number;
  /**
   * Where the clock should show after a command that decides it (a step, a step back, a seek);
   * absent after play slices and faults.
   */
  display?: number;
  /** Trace events emitted so far in this run. */
  traceCount: number;
  traceHash: string;
  /**
   * Trace events since the previous view, in order. Those with a seq at or after the first
   * one's replace what the page held (a step back cuts the trace), and nothing at or after
   * `traceCount` is kept.
   */
  events: TraceEvent[];
  statuses: Record<ServiceName, ServiceStatus>;
  network: NetworkState;
  inFlight: InFlightMessage[];
  /** The next time something happens (an engine item, a replayed action, a streamed order). */
  nextTime: number | null;
  /** Caught up with the play target (or not playing): nothing is being worked on. */
  idle: boolean;
  /** Present when they changed. */
  checkpoints?: CheckpointMark[];
  /** Errors the learner's code threw in this run (first few), when a learner's code runs and they changed. */
  learnerErrors?: string[];
  /**
   * Hand-applied actions (applied, then still to replay), when they changed: the page keeps its
   * first `from` and appends `add` (an order stream records one per order: thousands).
   */
  live?: { from: number; add: LiveAction[] };
}

/** What a started run reports. */
export interface StartResult {
  services: ServiceInfo[];
  topology: string[];
  realStores: boolean;
}

/** Answers and events, host → main. */
export type HostMessage =
  | { type: 'view'; view: EngineView }
  | { type: 'done'; id: number; result?: unknown; view?: EngineView }
  | { type: 'failed'; id: number; message: string; view?: EngineView }
  | { type: 'progress'; id: number; done: number; total: number }
  /** An error while playing (no command to answer): shown as a problem, play stops. */
  | { type: 'engineError'; message: string; time: number | null };
