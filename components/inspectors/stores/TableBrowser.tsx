'use client';

import { useState } from 'react';
import type { Grid, TableSummary } from '../data/storeReaders';
import { useInspected } from '../useInspected';
import { DataGrid, StateNote } from '../ui';
import type { StoreViewProps } from './common';

/** Tables of a SQL store (PGlite or the memory stand-in) with row counts, and one table's rows. */
export function TableBrowser({ source, tick, service, storeKey, storeName, memory }: StoreViewProps & { memory: boolean }) {
  const [selected, setSelected] = useState<string | null>(null);
  const tables = useInspected<TableSummary[]>(source, tick, { kind: 'sqlTables', service, storeKey }, [service, storeKey]);
  const rows = useInspected<Grid | null>(source, tick, selected ? { kind: 'tableRows', service, storeKey, table: selected, limit: 100 } : null, [service, storeKey, selected]);

  return (
    <div className="insp-tables" data-testid={`table-browser-${storeName}`}>
      {tables.loading ? (
        <StateNote kind="loading">Reading the tables of {storeName}…</StateNote>
      ) : tables.error ? (
        <StateNote kind="error">Could not list the tables: {tables.error}</StateNote>
      ) : !tables.data || tables.data.length === 0 ? (
        <StateNote kind="empty">{memory ? 'No rows written yet: in-memory tables appear with their first row.' : 'This database has no tables.'}</StateNote>
      ) : (
        <table className="insp-grid insp-grid--compact">
          <caption>Tables of {storeName}</caption>
          <thead>
            <tr>
              <th scope="col">table</th>
              <th scope="col">rows</th>
              <th scope="col">
                <span className="visually-hidden">action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tables.data.map((t) => (
              <tr key={t.name} aria-current={selected === t.name ? 'true' : undefined}>
                <th scope="row">{t.name}</th>
                <td>{t.rows}</td>
                <td>
                  <button type="button" className="button insp-small" onClick={() => setSelected(selected === t.name ? null : t.name)} aria-pressed={selected === t.name}>
                    {selected === t.name ? `Hide ${t.name}` : `Show ${t.name}`}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected ? (
        rows.loading ? (
          <StateNote kind="loading">Reading {selected}…</StateNote>
        ) : rows.error ? (
          <StateNote kind="error">Could not read {selected}: {rows.error}</StateNote>
        ) : rows.data ? (
          <DataGrid caption={`${selected}: first ${rows.data.rows.length} row${rows.data.rows.length === 1 ? '' : 's'}`} columns={rows.data.columns} rows={rows.data.rows} empty={`${selected} is empty.`} />
        ) : null
      ) : null}
    </div>
  );
}
