'use client';

import { useId, useState, type KeyboardEvent } from 'react';
import type { SqlRun } from '../data/storeReaders';
import { DataGrid, StateNote } from '../ui';
import type { StoreViewProps } from './common';

/**
 * A psql-like console on one PGlite store. The statement runs between engine steps through
 * the simulation's inspect (not traced). A failing statement shows PostgreSQL's message and position; PGlite
 * rolls it back, so the next statement runs on an intact database.
 */
export function SqlConsole({ source, service, storeKey, storeName, onRan, initial }: StoreViewProps & { onRan?: () => void; initial?: string }) {
  const id = useId();
  const [text, setText] = useState(initial ?? 'SELECT table_name FROM information_schema.tables WHERE table_schema = \'public\';');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ run: SqlRun; sql: string } | null>(null);
  const [previousFailed, setPreviousFailed] = useState(false);

  const run = async () => {
    if (busy) return;
    setBusy(true);
    const sql = text;
    try {
      const r = await source.request<SqlRun>({ kind: 'runSql', service, storeKey, sql });
      setPreviousFailed(result !== null && !result.run.ok);
      setResult({ run: r, sql });
      onRan?.();
    } catch (e) {
      setResult({ run: { ok: false, error: { message: e instanceof Error ? e.message : String(e), position: null, line: null, column: null, statement: sql, pointer: null, sqlState: null } }, sql });
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    }
  };

  return (
    <div className="insp-sql" data-testid={`sql-console-${storeName}`}>
      <label htmlFor={`${id}-sql`} className="insp-label">
        SQL on {storeName} <span className="muted">(Ctrl/⌘ + Enter runs it)</span>
      </label>
      <textarea
        id={`${id}-sql`}
        className="insp-textarea"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        rows={4}
        spellCheck={false}
        aria-describedby={`${id}-out`}
      />
      <div className="insp-row">
        <button type="button" className="button button--primary" onClick={() => void run()} disabled={busy} aria-keyshortcuts="Control+Enter Meta+Enter">
          {busy ? 'Running…' : 'Run'}
        </button>
      </div>
      <div id={`${id}-out`} aria-live="polite">
        {result === null ? (
          <StateNote kind="info">Nothing run yet. Statements run on the real PostgreSQL (PGlite) of this service, between simulation steps.</StateNote>
        ) : result.run.ok ? (
          <div className="insp-sql__ok" data-testid="sql-result">
            <StateNote kind="ok">
              OK: {result.run.results.length} statement{result.run.results.length === 1 ? '' : 's'} ran
              {previousFailed ? ' — the previous error left the database intact.' : '.'}
            </StateNote>
            {result.run.results.map((r, i) =>
              r.columns.length > 0 ? (
                <DataGrid key={i} caption={`Result ${i + 1}: ${r.rows.length} row${r.rows.length === 1 ? '' : 's'}`} columns={r.columns} rows={r.rows} />
              ) : (
                <p key={i} className="muted">
                  Statement {i + 1}: {r.affectedRows} row{r.affectedRows === 1 ? '' : 's'} affected.
                </p>
              ),
            )}
          </div>
        ) : (
          <div className="insp-sql__error" role="alert" data-testid="sql-error">
            <p>
              {/* Only PostgreSQL's own errors carry a SQLSTATE; the store's access rules and an empty box speak for themselves. */}
              <strong>{result.run.error.sqlState ? 'PostgreSQL error:' : 'Error:'}</strong> {result.run.error.message}
              {result.run.error.sqlState ? <span className="muted"> (SQLSTATE {result.run.error.sqlState})</span> : null}
            </p>
            {result.run.error.position !== null ? (
              <p>
                At position {result.run.error.position} (line {result.run.error.line}, column {result.run.error.column}):
              </p>
            ) : null}
            {result.run.error.pointer ? <pre className="insp-pointer">{result.run.error.pointer}</pre> : null}
            <p className="insp-label">Statement</p>
            <pre className="insp-pointer">{result.run.error.statement}</pre>
            <p className="muted">The failed statement was rolled back; the store is unchanged and the next statement runs normally.</p>
          </div>
        )}
      </div>
    </div>
  );
}
