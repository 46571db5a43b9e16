'use client';

import { useEffect, useRef } from 'react';
import { SHORTCUTS } from '../controls/ControlBar';
import { useSim } from '../state/SimProvider';
import styles from '../Workspace.module.css';

/** The keyboard shortcuts, in a modal dialog (native <dialog>: focus trap and Esc for free). */
export function HelpOverlay() {
  const open = useSim((s) => s.helpOpen);
  const setHelpOpen = useSim((s) => s.setHelpOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className={styles.help} aria-labelledby="help-title" onClose={() => setHelpOpen(false)}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table className={styles.helpTable}>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={styles.helpNote}>
        Click a link on the map to cut or tune it, a service to crash, restart or pause it. Every fault you apply is
        recorded at its point in the run, so <strong>Replay</strong> repeats it exactly.
      </p>
      <form method="dialog">
        <button type="submit" className={styles.primary}>
          Close
        </button>
      </form>
    </dialog>
  );
}
