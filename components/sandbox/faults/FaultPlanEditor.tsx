'use client';

import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useController, useSandboxStore, useSim } from '../state/SimProvider';
import { checkRows, describeFault, emptyRow, planToRows, ROW_KINDS, type PlanRow, type RowKind } from './faultPlanEdit';
import styles from '../Workspace.module.css';

/**
 * A timed list of faults, checked by the engine's parseFaultPlan as the learner types.
 * Applying it starts a new run with the plan (the plan is part of what defines a run, and is
 * saved with it and re-applied on replay).
 */
export function FaultPlanEditor() {
  const controller = useController();
  const store = useSandboxStore();
  const plan = useSim((s) => s.faultPlan);
  const runId = useSim((s) => s.runId);
  const services = useSim(useShallow((s) => s.services.map((x) => x.name)));
  const liveCount = useSim((s) => s.liveActionCount);
  const [rows, setRows] = useState<PlanRow[]>(() => planToRows(plan, services));
  // A new run (scenario change, reset, reload) shows its plan again.
  useEffect(() => setRows(planToRows(plan, services)), [plan, runId]); // eslint-disable-line react-hooks/exhaustive-deps

  const check = useMemo(() => checkRows(rows, services), [rows, services]);
  const dirty = check.ok ? JSON.stringify(check.plan.faults) !== JSON.stringify(plan.faults) : true;
  const update = (id: number, patch: Partial<PlanRow>) => setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const live = controller.liveActions();

  return (
    <div className={styles.plan}>
      <p className={styles.hint}>Faults at virtual times (ms). Applying the plan restarts the run with it.</p>
      {rows.length === 0 && <p className={styles.empty}>No planned faults.</p>}
      <ol className={styles.planRows}>
        {rows.map((r, i) => (
          <li key={r.id} className={styles.planRow}>
            <label className={styles.field}>
              <span>At (ms)</span>
              <input className={styles.narrow} inputMode="numeric" value={r.at} onChange={(e) => update(r.id, { at: e.target.value })} aria-label={`Fault ${i + 1} time in ms`} />
            </label>
            <label className={styles.field}>
              <span>Fault</span>
              <select value={r.kind} onChange={(e) => update(r.id, { kind: e.target.value as RowKind })} aria-label={`Fault ${i + 1} kind`}>
                {ROW_KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
            </label>
            <RowFields row={r} index={i} services={services} update={update} />
            <button type="button" className={styles.small} onClick={() => setRows((rs) => rs.filter((x) => x.id !== r.id))} aria-label={`Remove fault ${i + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <div className={styles.buttonRow}>
        <button type="button" onClick={() => setRows((rs) => [...rs, emptyRow(services, Math.round(store.getState().time))])}>
          Add fault
        </button>
        <button
          type="button"
          className={styles.primary}
          disabled={!check.ok || !dirty}
          onClick={() => {
            if (!check.ok) return;
            const s = store.getState();
            void controller.start({ scenarioId: s.scenarioId, seed: s.seed, faultPlan: check.plan, liveActions: [] });
          }}
        >
          Apply plan and restart
        </button>
      </div>
      {!check.ok && (
        <p className={styles.planError} role="alert" data-testid="plan-error">
          {check.error}
        </p>
      )}
      <h3 className={styles.selectionTitle}>Recorded during this run ({liveCount})</h3>
      {live.length === 0 ? (
        <p className={styles.empty}>Faults you apply from the map and orders you inject are recorded here and repeated by Replay.</p>
      ) : (
        <ul className={styles.liveList}>
          {live.slice(0, 30).map((a, i) => (
            <li key={i}>
              t={a.at} · {a.kind === 'fault' ? describeFault(a.fault) : `inject order #${a.order + 1}`}
            </li>
          ))}
          {live.length > 30 && <li>… and {live.length - 30} more</li>}
        </ul>
      )}
    </div>
  );
}

function RowFields({ row, index, services, update }: { row: PlanRow; index: number; services: string[]; update: (id: number, p: Partial<PlanRow>) => void }) {
  const serviceSelect = (key: 'service' | 'from' | 'to', label: string, allowAny: string | null) => (
    <label className={styles.field}>
      <span>{label}</span>
      <select value={row[key]} onChange={(e) => update(row.id, { [key]: e.target.value })} aria-label={`Fault ${index + 1} ${label}`}>
        {allowAny !== null && <option value="">{allowAny}</option>}
        {services.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </label>
  );
  switch (row.kind) {
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
      return serviceSelect('service', 'Service', null);
    case 'partition':
    case 'heal':
      return (
        <>
          {serviceSelect('from', 'From', row.kind === 'heal' ? 'all links' : null)}
          {serviceSelect('to', 'To', row.kind === 'heal' ? 'all links' : null)}
          <label className={styles.inlineCheck}>
            <input type="checkbox" checked={row.oneWay} onChange={(e) => update(row.id, { oneWay: e.target.checked })} /> one way
          </label>
        </>
      );
    case 'split':
      return (
        <label className={styles.field}>
          <span>Groups</span>
          <input value={row.groups} placeholder="orchestrator, order | payment" onChange={(e) => update(row.id, { groups: e.target.value })} aria-label={`Fault ${index + 1} groups, separated by |`} />
        </label>
      );
    case 'link':
      return (
        <>
          {serviceSelect('from', 'From', 'any')}
          {serviceSelect('to', 'To', 'any')}
          <label className={styles.field}>
            <span>Latency ms</span>
            <input className={styles.narrow} inputMode="numeric" value={row.latencyMs} onChange={(e) => update(row.id, { latencyMs: e.target.value })} aria-label={`Fault ${index + 1} latency in ms`} />
          </label>
          <label className={styles.field}>
            <span>Drop %</span>
            <input className={styles.narrow} inputMode="numeric" value={row.dropPercent} onChange={(e) => update(row.id, { dropPercent: e.target.value })} aria-label={`Fault ${index + 1} drop percent`} />
          </label>
        </>
      );
  }
}
