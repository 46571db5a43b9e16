'use client';

import { useShallow } from 'zustand/react/shallow';
import type { SagaView } from '../model';
import { useSim } from '../state/SimProvider';
import type { TraceFold } from '../state/foldTrace';
import styles from '../Workspace.module.css';

const STATUS_LABEL = {
  RUNNING: 'running',
  COMPENSATING: 'compensating',
  COMPLETED: 'completed',
  COMPENSATED: 'compensated',
  STUCK: 'stuck',
} as const;

/** Sagas listed one by one; older ones are summarised by status (a load test starts hundreds). */
const MAX_LISTED = 8;

const countsByFold = new WeakMap<TraceFold, Record<string, number>>();

/** Sagas per status; selectors run on every store update (every frame), so once per fold. */
function statusCounts(fold: TraceFold): Record<string, number> {
  let c = countsByFold.get(fold);
  if (!c) {
    c = {};
    for (const id of fold.sagaOrder) c[fold.sagas[id]!.status] = (c[fold.sagas[id]!.status] ?? 0) + 1;
    countsByFold.set(fold, c);
  }
  return c;
}

/** The run's sagas with their state; a stuck saga shows why. */
export function SagaStrip() {
  const sagas = useSim(useShallow((s) => s.fold.sagaOrder.slice(-MAX_LISTED).map((id) => s.fold.sagas[id]!)));
  const counts = useSim(useShallow((s) => statusCounts(s.fold)));
  const total = useSim((s) => s.fold.sagaOrder.length);
  const focused = useSim((s) => s.focusedSaga);
  const focusSaga = useSim((s) => s.focusSaga);
  return (
    <section className={styles.sagas} aria-labelledby="sagas-title">
      <h2 id="sagas-title" className={styles.panelTitle}>
        Sagas
      </h2>
      {total > MAX_LISTED && (
        <p className={styles.sagaSummary} data-testid="saga-summary">
          {total} sagas: {Object.entries(counts).map(([k, v]) => `${v} ${STATUS_LABEL[k as keyof typeof STATUS_LABEL]}`).join(', ')}. The latest {MAX_LISTED}:
        </p>
      )}
      {sagas.length === 0 ? (
        <p className={styles.empty}>No saga has started yet. Press Play (Space) to run the scenario.</p>
      ) : (
        <ul className={styles.sagaList}>
          {sagas.map((g) => (
            <li key={g.sagaId} className={styles.saga} data-status={g.status} data-focused={focused === g.sagaId || undefined}>
              <button type="button" className={styles.sagaButton} onClick={() => focusSaga(focused === g.sagaId ? null : g.sagaId)} aria-pressed={focused === g.sagaId}>
                <span className={styles.sagaId}>{g.sagaId}</span>
                <span className={styles.sagaBadge} data-status={g.status} data-testid={`saga-status-${g.sagaId}`}>
                  {g.status}
                </span>
                <span className="visually-hidden">{STATUS_LABEL[g.status]}</span>
              </button>
              <SagaDetail g={g} />
            </li>
          ))}
        </ul>
      )}
      <p className="visually-hidden" aria-live="polite">
        {sagas
          .filter((g) => g.status !== 'RUNNING')
          .map((g) => `Saga ${g.sagaId} ${STATUS_LABEL[g.status]}.`)
          .join(' ')}
      </p>
    </section>
  );
}

function SagaDetail({ g }: { g: SagaView }) {
  const text =
    (g.step ? `${g.phase === 'compensation' ? 'compensating' : 'step'} ${g.step}${g.activeService ? ` → ${g.activeService}` : ''}` : `${g.stepsDone} steps done`) +
    (g.reason && g.status !== 'COMPLETED' ? ` · ${g.reason}` : '');
  return (
    <span className={styles.sagaDetail} title={text}>
      {text}
    </span>
  );
}
