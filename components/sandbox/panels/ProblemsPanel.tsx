'use client';

import { useState } from 'react';
import { useSim } from '../state/SimProvider';
import styles from '../Workspace.module.css';

/**
 * Engine and store errors in words: failed handlers, failed store operations, dead letters,
 * stuck sagas, a run that could not start, a saved state that could not be read.
 * Business refusals (a declined card) are listed apart: they are how sagas are meant to fail.
 */
export function ProblemsPanel() {
  const runError = useSim((s) => s.error);
  const engine = useSim((s) => s.fold.problems);
  const ui = useSim((s) => s.uiProblems);
  const clearUi = useSim((s) => s.clearUiProblems);
  const [showInfo, setShowInfo] = useState(false);
  const all = [...ui, ...engine];
  const serious = all.filter((p) => p.level !== 'info');
  const info = all.filter((p) => p.level === 'info');
  const shown = showInfo ? all : serious;
  return (
    <section className={styles.problems} aria-labelledby="problems-title" data-testid="problems">
      <div className={styles.panelHead}>
        <h2 id="problems-title" className={styles.panelTitle}>
          Problems {serious.length > 0 ? <span className={styles.count}>{serious.length}</span> : null}
        </h2>
        {info.length > 0 && (
          <label className={styles.inlineCheck}>
            <input type="checkbox" checked={showInfo} onChange={(e) => setShowInfo(e.target.checked)} /> show {info.length} business refusal{info.length === 1 ? '' : 's'}
          </label>
        )}
        {ui.length > 0 && (
          <button type="button" className={styles.small} onClick={clearUi}>
            Dismiss notes
          </button>
        )}
      </div>
      {runError && (
        <p className={styles.runError} role="alert">
          {runError}
        </p>
      )}
      {shown.length === 0 && !runError ? (
        <p className={styles.empty}>No errors so far.</p>
      ) : (
        <ul className={styles.problemList} role="log" aria-live="polite">
          {shown.slice(-40).map((p) => (
            <li key={p.key} data-level={p.level}>
              <span className={styles.problemMeta}>
                {p.time !== null ? `t=${p.time} ` : ''}
                {p.service ? `${p.service} ` : ''}
                <code>{p.code}</code>
              </span>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
