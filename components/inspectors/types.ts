import type { ComponentType } from 'react';
import type { FaultAction, NetworkState, ScenarioInput, Simulation, TraceEvent } from '@/simulator';
import { runInspectRequest, type InspectRequest } from './data/inspectRequests';

/**
 * What an inspector sees of the running simulation. The sandbox runs its simulation in a Web
 * Worker, so this is data and requests, never the Simulation object: reads are plain
 * `InspectRequest`s answered next to the simulation (between steps, not traced).
 */
export interface InspectSource {
  /** The scenario's services, in scenario order. */
  readonly serviceNames: readonly string[];
  serviceStatus(service: string): 'up' | 'down' | 'paused';
  /** Virtual time the simulation has reached, ms. */
  readonly now: number;
  network(): NetworkState | null;
  /** Answers a read; `onProgress` follows a rebuild. */
  request<T>(req: InspectRequest, onProgress?: (done: number, total: number) => void): Promise<T>;
  /** Applies a fault now (the workspace records it for replay, as a fault applied on the map). */
  applyFault(fault: FaultAction): Promise<void>;
  /** Sends an input into the system now (the CAP view's mode switch and writes). */
  inject(input: Omit<ScenarioInput, 'at'>): Promise<void>;
}

/**
 * What every inspector tab receives from the sandbox workspace.
 * Inspectors read stores only through `source.request(...)` and re-read when `tick` changes.
 */
export interface InspectorProps {
  source: InspectSource;
  /** Changes when the run moved on: at most a few times a second while playing, at once after a command. */
  tick: number;
  /** The trace so far (the newest events last). */
  trace: readonly TraceEvent[];
  /** Scenario id, so a tab can hide itself where it means nothing (the CAP view outside CAP). */
  scenarioId: string;
  /** Asks the workspace to highlight a service or a saga on the map. */
  onFocus?: (target: { service?: string; sagaId?: string }) => void;
}

export interface InspectorTab {
  id: string;
  label: string;
  /** Whether the tab applies to a scenario (default: always). */
  appliesTo?: (scenarioId: string) => boolean;
  Component: ComponentType<InspectorProps>;
}

/** An InspectSource over a Simulation in this thread (tests, or a host without workers). */
export function localInspectSource(sim: Simulation): InspectSource {
  return {
    get serviceNames() {
      return sim.serviceNames;
    },
    serviceStatus: (s) => sim.serviceStatus(s),
    get now() {
      return sim.now;
    },
    network: () => sim.network(),
    request: <T,>(req: InspectRequest, onProgress?: (done: number, total: number) => void) => runInspectRequest(sim, req, onProgress) as Promise<T>,
    applyFault: (f) => sim.applyFault(f),
    inject: (input) => sim.inject(input),
  };
}
