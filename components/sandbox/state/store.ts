import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { FaultPlan, NetworkState, ServiceName } from '@/simulator';
import type { InFlightMessage, Problem, ServiceInfo, ServiceStatus } from '../model';
import type { XY } from '../map/toFlow';
import type { Speed } from './pacing';
import { emptyFold, type TraceFold } from './foldTrace';

/**
 * The sandbox's UI store: slices combined once per workspace (never module-global, see
 * zustand's Next.js guide). Engine commands live in SandboxController; the store only holds
 * what the UI draws, folded from the engine once per animation frame.
 */

// ---- run: what is being simulated, and whether it started
export type RunStatus = 'loading' | 'ready' | 'error';

export interface RunState {
  scenarioId: string;
  seed: number;
  /** The plan the run was created with (and replays with). */
  faultPlan: FaultPlan;
  /** Faults and orders applied by hand during the run: replayed at the same point. */
  liveActionCount: number;
  status: RunStatus;
  /** While loading: how many of the run's stores are ready, once the engine thread has said. */
  storesReady: { done: number; total: number } | null;
  /** Why the run could not start, in words. */
  error: string | null;
  /** Problems of the UI itself (a restore that failed, a saved state that was unreadable). */
  uiProblems: Problem[];
  /** Whether SQL runs on PGlite (true) or memory tables (false, until the real provider lands). */
  realStores: boolean;
  /** Increments with every new Simulation (reset, replay, scenario change). */
  runId: number;
  /** How the last "run to the end" finished. */
  finished: { quiescent: boolean; time: number } | null;
  /** Inject an order every this many virtual ms while playing (a load generator), or null. */
  orderStreamMs: number | null;
  /** Why play stopped by itself (the run is over, or a long quiet gap is next). */
  idleNote: string | null;
}
export interface RunActions {
  setRun(patch: Partial<RunState>): void;
  addUiProblem(p: Omit<Problem, 'key'>): void;
  clearUiProblems(): void;
}
export type RunSlice = RunState & RunActions;

let uiProblemCounter = 0;
export const createRunSlice: StateCreator<SandboxStore, [], [], RunSlice> = (set) => ({
  scenarioId: 'order-happy',
  seed: 1,
  faultPlan: { faults: [] },
  liveActionCount: 0,
  status: 'loading',
  storesReady: null,
  error: null,
  uiProblems: [],
  realStores: false,
  runId: 0,
  finished: null,
  orderStreamMs: null,
  idleNote: null,
  setRun: (patch) => set(patch),
  addUiProblem: (p) => set((s) => ({ uiProblems: [...s.uiProblems, { ...p, key: `ui${++uiProblemCounter}` }].slice(-50) })),
  clearUiProblems: () => set({ uiProblems: [] }),
});

// ---- timeline: virtual time, speed, checkpoints
export interface CheckpointMark {
  id: number;
  time: number;
  seq: number;
}
export interface TimelineState {
  /** Display time, virtual ms (fractional while messages travel): moves every frame while playing. */
  time: number;
  /**
   * The display time as the clock and the scrubber show it: the same as `time` when paused, and
   * a few times a second while playing (nobody reads a clock changing 60 times a second, and
   * the scrubber's repaint is not free).
   */
  clock: number;
  /** Furthest virtual time this run has reached (the scrubber's end). */
  reached: number;
  speed: Speed;
  playing: boolean;
  /** Where step-back can return to (the snapshots themselves stay in the controller). */
  checkpoints: CheckpointMark[];
  /** An engine command (step, seek, run to end) is running. */
  busy: boolean;
}
export interface TimelineActions {
  setTimeline(patch: Partial<TimelineState>): void;
}
export type TimelineSlice = TimelineState & TimelineActions;
export const createTimelineSlice: StateCreator<SandboxStore, [], [], TimelineSlice> = (set) => ({
  time: 0,
  clock: 0,
  reached: 0,
  speed: 1,
  playing: false,
  checkpoints: [],
  busy: false,
  setTimeline: (patch) => set(patch),
});

// ---- view: selection, layout, overlays
export type SidePanelTab = 'faults' | 'plan' | `inspector:${string}`;
export interface ViewState {
  selectedService: ServiceName | null;
  selectedLink: string | null;
  focusedSaga: string | null;
  positions: Record<ServiceName, XY>;
  helpOpen: boolean;
  sideTab: SidePanelTab;
}
export interface ViewActions {
  selectService(name: ServiceName | null): void;
  selectLink(id: string | null): void;
  focusSaga(id: string | null): void;
  moveNode(name: ServiceName, at: XY): void;
  setPositions(p: Record<ServiceName, XY>): void;
  setHelpOpen(open: boolean): void;
  setSideTab(tab: SidePanelTab): void;
}
export type ViewSlice = ViewState & ViewActions;
export const createViewSlice: StateCreator<SandboxStore, [], [], ViewSlice> = (set) => ({
  selectedService: null,
  selectedLink: null,
  focusedSaga: null,
  positions: {},
  helpOpen: false,
  sideTab: 'faults',
  selectService: (name) => set({ selectedService: name, selectedLink: null, ...(name ? { sideTab: 'faults' as const } : {}) }),
  selectLink: (id) => set({ selectedLink: id, selectedService: null, ...(id ? { sideTab: 'faults' as const } : {}) }),
  focusSaga: (id) => set({ focusedSaga: id }),
  moveNode: (name, at) => set((s) => ({ positions: { ...s.positions, [name]: at } })),
  setPositions: (positions) => set({ positions }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  setSideTab: (sideTab) => set({ sideTab }),
});

// ---- engine view: what the engine looked like at the last frame
export interface EngineViewState {
  services: ServiceInfo[];
  statuses: Record<ServiceName, ServiceStatus>;
  network: NetworkState | null;
  inFlight: InFlightMessage[];
  /** The same messages by undirected link ('a|b'); a link's array is kept while its messages do not change. */
  inFlightByLink: Readonly<Record<string, readonly InFlightMessage[]>>;
  fold: TraceFold;
  /** Links known before any traffic (orchestrator ↔ the services its sagas call). */
  topology: string[];
  /** Moves when trace events were applied: at once after a command, at most a few times a second while playing (InspectorProps.tick). */
  tick: number;
  /** Trace events emitted so far in this run. */
  traceCount: number;
  /** The engine's hash over the whole trace: equal runs have equal hashes (replay check). */
  traceHash: string;
  /** Errors a learner's replayed code threw in this run (first few); empty for catalogue scenarios. */
  learnerErrors: string[];
}
export interface EngineViewActions {
  setEngineView(patch: Partial<EngineViewState>): void;
}
export type EngineViewSlice = EngineViewState & EngineViewActions;
export const createEngineViewSlice: StateCreator<SandboxStore, [], [], EngineViewSlice> = (set) => ({
  services: [],
  statuses: {},
  network: null,
  inFlight: [],
  inFlightByLink: {},
  fold: emptyFold(),
  topology: [],
  tick: 0,
  traceCount: 0,
  traceHash: '',
  learnerErrors: [],
  setEngineView: (patch) => set(patch),
});

export type SandboxStore = RunSlice & TimelineSlice & ViewSlice & EngineViewSlice;

export function createSandboxStore(initial: Partial<RunState & TimelineState & ViewState> = {}): StoreApi<SandboxStore> {
  const store = createStore<SandboxStore>()((...a) => ({
    ...createRunSlice(...a),
    ...createTimelineSlice(...a),
    ...createViewSlice(...a),
    ...createEngineViewSlice(...a),
  }));
  if (Object.keys(initial).length > 0) store.setState(initial);
  return store;
}
