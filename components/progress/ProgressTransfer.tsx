'use client';

import { useId, useRef, useState } from 'react';
import type { CourseCatalogue } from './importFile';

/**
 * Export all progress and code as one JSON file, or import one. Dexie loads only when a
 * button is used, so the course map stays light.
 */
export function ProgressTransfer({ catalogue }: { catalogue: CourseCatalogue }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<{ ok: boolean; lines: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  async function exportFile() {
    setBusy(true);
    try {
      const [{ exportAll }, { exportFileName }] = await Promise.all([import('./progressDb'), import('./importFile')]);
      const now = new Date();
      const data = await exportAll(now);
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = exportFileName(now);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setResult({
        ok: true,
        lines: [`Exported ${data.progress.length} graded exercise${data.progress.length === 1 ? '' : 's'} and ${data.code.length} code file${data.code.length === 1 ? '' : 's'}.`],
      });
    } catch (err) {
      setResult({ ok: false, lines: [`Export failed: ${err instanceof Error ? err.message : String(err)}`] });
    } finally {
      setBusy(false);
    }
  }

  async function importFile(file: File) {
    setBusy(true);
    try {
      const { importAll } = await import('./progressDb');
      const outcome = await importAll(await file.text(), catalogue);
      setResult(
        outcome.ok
          ? {
              ok: true,
              lines: [
                outcome.progress + outcome.code === 0
                  ? `Imported ${file.name}: nothing new, this browser already has all of it.`
                  : `Imported ${file.name}: ${outcome.progress} progress record${outcome.progress === 1 ? '' : 's'} and ${outcome.code} code file${outcome.code === 1 ? '' : 's'} updated.`,
              ],
            }
          : { ok: false, lines: [`Nothing was imported from ${file.name}:`, ...outcome.errors] },
      );
    } catch (err) {
      setResult({ ok: false, lines: [`Import failed, nothing was imported: ${err instanceof Error ? err.message : String(err)}`] });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  }

  return (
    <div className="progress-transfer">
      <p className="muted progress-transfer__note">
        Your code and grades stay in this browser. Move them to another one with a file.
      </p>
      <div className="progress-transfer__actions">
        <button type="button" className="button button--small" onClick={exportFile} disabled={busy}>
          Export progress and code
        </button>
        <label htmlFor={`${id}-file`} className="button button--small progress-transfer__import">
          Import from a file…
        </label>
        <input
          ref={input}
          id={`${id}-file`}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          disabled={busy}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void importFile(f);
          }}
        />
      </div>
      <div role="status" aria-live="polite" data-testid="transfer-result">
        {result && (
          <div className={result.ok ? 'transfer-result' : 'transfer-result transfer-result--error'}>
            <p>{result.lines[0]}</p>
            {result.lines.length > 1 && (
              <ul>
                {result.lines.slice(1).map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
