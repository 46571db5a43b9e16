'use client';

import type { ReactNode } from 'react';

/** Loading, empty and error states in words: an inspector is never blank. */
export function StateNote({ kind, children }: { kind: 'loading' | 'empty' | 'error' | 'info' | 'ok'; children: ReactNode }) {
  const role = kind === 'error' ? 'alert' : 'status';
  const prefix = kind === 'error' ? 'Error: ' : kind === 'loading' ? '' : '';
  return (
    <p className={`insp-note insp-note--${kind}`} role={role}>
      {kind === 'error' ? <strong>{prefix}</strong> : null}
      {children}
    </p>
  );
}

/** A cell value as text: strings as they are, everything else as compact JSON. */
export function cellText(v: unknown): string {
  if (v === null) return 'NULL';
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** A table with a caption and column headers; long cells are cut visually, full text on hover. */
export function DataGrid({ caption, columns, rows, empty = 'No rows.', rowKey }: {
  caption: ReactNode;
  columns: readonly string[];
  rows: ReadonlyArray<Record<string, unknown>>;
  empty?: string;
  rowKey?: (row: Record<string, unknown>, i: number) => string;
}) {
  return (
    <div className="insp-grid-wrap" tabIndex={0} role="region" aria-label={typeof caption === 'string' ? caption : 'table'}>
      <table className="insp-grid">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={Math.max(1, columns.length)} className="insp-grid__empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((r, i) => (
              <tr key={rowKey ? rowKey(r, i) : i}>
                {columns.map((c) => {
                  const t = cellText(r[c]);
                  return (
                    <td key={c} title={t.length > 60 ? t : undefined} className={r[c] === null ? 'insp-null' : undefined}>
                      {t.length > 200 ? `${t.slice(0, 200)}…` : t}
                    </td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Pretty JSON in a scrollable, focusable block. */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="insp-json" tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
