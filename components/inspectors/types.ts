import type { ComponentType } from 'react';
import type { Simulation, TraceEvent } from '@/simulator';

/**
 * What every inspector tab receives from the sandbox workspace.
 * Inspectors read stores only through `sim.inspect(...)` (it waits for the engine to be
 * between steps) and re-read when `tick` changes.
 */
export interface InspectorProps {
  sim: Simulation;
  /** Increments every time the workspace applied a batch of trace events (once per frame at most). */
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
