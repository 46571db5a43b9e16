'use client';

import { useCallback, useMemo, type KeyboardEvent } from 'react';
import { INSPECTOR_TABS, type InspectorProps } from '@/components/inspectors';
import { FaultPlanEditor } from '../faults/FaultPlanEditor';
import { FaultsPanel } from '../faults/FaultsPanel';
import { useController, useSim } from '../state/SimProvider';
import type { SidePanelTab } from '../state/store';
import styles from '../Workspace.module.css';

interface TabDef {
  id: SidePanelTab;
  label: string;
}

/** The right panel: fault tools, the fault plan, then the inspectors that apply to the scenario. */
export function SidePanel() {
  const scenarioId = useSim((s) => s.scenarioId);
  const tab = useSim((s) => s.sideTab);
  const setTab = useSim((s) => s.setSideTab);
  const inspectors = useMemo(() => INSPECTOR_TABS.filter((t) => !t.appliesTo || t.appliesTo(scenarioId)), [scenarioId]);
  const tabs: TabDef[] = [
    { id: 'faults', label: 'Faults' },
    { id: 'plan', label: 'Fault plan' },
    ...inspectors.map((t) => ({ id: `inspector:${t.id}` as const, label: t.label })),
  ];
  const current = tabs.some((t) => t.id === tab) ? tab : 'faults';

  // Arrow keys move between tabs (WAI-ARIA tabs pattern, automatic activation).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === current);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    e.stopPropagation();
    const t = tabs[(next + tabs.length) % tabs.length]!;
    setTab(t.id);
    document.getElementById(`tab-${t.id}`)?.focus();
  };

  return (
    <aside className={styles.side} aria-label="Faults and inspectors">
      <div role="tablist" aria-label="Panels" className={styles.tabs} onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            className={styles.tab}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${current}`} aria-labelledby={`tab-${current}`} className={styles.tabPanel} tabIndex={0}>
        {current === 'faults' && <FaultsPanel />}
        {current === 'plan' && <FaultPlanEditor />}
        {current.startsWith('inspector:') && <InspectorHost id={current.slice('inspector:'.length)} />}
      </div>
      {INSPECTOR_TABS.length === 0 && <p className={styles.note}>Inspectors loading: the store, saga and chart views will appear here as tabs.</p>}
    </aside>
  );
}

function InspectorHost({ id }: { id: string }) {
  const controller = useController();
  const tick = useSim((s) => s.tick);
  const runId = useSim((s) => s.runId);
  const scenarioId = useSim((s) => s.scenarioId);
  const focusSaga = useSim((s) => s.focusSaga);
  const selectService = useSim((s) => s.selectService);
  const onFocus = useCallback<NonNullable<InspectorProps['onFocus']>>(
    (t) => {
      if (t.sagaId) focusSaga(t.sagaId);
      if (t.service) selectService(t.service);
    },
    [focusSaga, selectService],
  );
  const status = useSim((s) => s.status);
  const tab = INSPECTOR_TABS.find((t) => t.id === id);
  if (!tab || status !== 'ready') return <p className={styles.empty}>The simulation is starting…</p>;
  const Component = tab.Component;
  // Remount per run: an inspector's state belongs to one simulation.
  return <Component key={runId} source={controller.inspectSource} tick={tick} trace={controller.trace} scenarioId={scenarioId} onFocus={onFocus} />;
}
