import { CapTab } from './CapTab';
import { MessagesTab } from './MessagesTab';
import { MetricsTab } from './MetricsTab';
import { SagasTab } from './SagasTab';
import { StoresTab } from './StoresTab';
import { TwoPhaseTab } from './TwoPhaseTab';
import type { InspectorTab } from './types';

export type { InspectorProps, InspectorTab, InspectSource } from './types';
export { localInspectSource } from './types';
export { runInspectRequest, type InspectRequest } from './data/inspectRequests';

/** CAP scenarios: 'cap…' (the engine names them cap-replicas-cp / cap-replicas-ap). */
export const isCapScenario = (id: string) => id.startsWith('cap');
/** 2PC scenarios: '2pc…', and the engine's current ids 'two-phase-commit…'. */
export const isTwoPhaseScenario = (id: string) => id.startsWith('2pc') || id.startsWith('two-phase-commit');

/** The workspace's inspector tabs, in display order. */
export const INSPECTOR_TABS: InspectorTab[] = [
  { id: 'stores', label: 'Stores', Component: StoresTab },
  { id: 'sagas', label: 'Sagas', appliesTo: (id) => !isCapScenario(id) && !isTwoPhaseScenario(id), Component: SagasTab },
  { id: 'messages', label: 'Messages', Component: MessagesTab },
  { id: 'metrics', label: 'Metrics', Component: MetricsTab },
  { id: 'cap', label: 'CAP', appliesTo: isCapScenario, Component: CapTab },
  { id: '2pc', label: '2PC', appliesTo: isTwoPhaseScenario, Component: TwoPhaseTab },
];

/** The tabs that apply to a scenario. */
export function tabsFor(scenarioId: string): InspectorTab[] {
  return INSPECTOR_TABS.filter((t) => !t.appliesTo || t.appliesTo(scenarioId));
}
