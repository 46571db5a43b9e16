'use client';

import { useState } from 'react';
import type { ModelView } from '../data/inspectRequests';
import { errorText, type RebuildOutcome } from '../data/storeReaders';
import { useInspected } from '../useInspected';
import { StateNote } from '../ui';
import type { StoreViewProps } from './common';

/** A read model can hold thousands of documents after a load test: the table shows this many. */
export const MAX_DOCUMENT_ROWS = 200;

/** Each projection of an event store: status, documents, and a rebuild from position 0 that says if it came out the same. */
export function ReadModels({ source, tick, service, storeKey, storeName }: StoreViewProps) {
  const models = useInspected<ModelView[]>(source, tick, { kind: 'readModels', service, storeKey }, [service, storeKey]);
  if (models.loading) return <StateNote kind="loading">Reading the read models of {storeName}…</StateNote>;
  if (models.error) return <StateNote kind="error">Could not read the projections: {models.error}</StateNote>;
  if (!models.data || models.data.length === 0) return <StateNote kind="empty">{storeName} maintains no projections.</StateNote>;
  return (
    <div className="insp-models">
      {models.data.map((m) => (
        <ReadModel key={m.status.name} view={m} source={source} service={service} storeKey={storeKey} onDone={models.refresh} />
      ))}
    </div>
  );
}

function ReadModel({ view, source, service, storeKey, onDone }: { view: ModelView; source: StoreViewProps['source']; service: string; storeKey: string; onDone: () => void }) {
  const { status, docs } = view;
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<RebuildOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const allEntries = Object.entries(docs);
  // A load test makes thousands of orders: the table shows the newest documents only.
  const entries = allEntries.length > MAX_DOCUMENT_ROWS ? allEntries.slice(-MAX_DOCUMENT_ROWS) : allEntries;

  const rebuild = async () => {
    setRunning(true);
    setOutcome(null);
    setError(null);
    setProgress({ done: 0, total: status.head });
    try {
      const r = await source.request<RebuildOutcome>({ kind: 'rebuild', service, storeKey, name: status.name }, (done, total) => setProgress({ done, total }));
      setOutcome(r);
      onDone();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };

  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : progress ? 100 : 0;
  return (
    <section className="insp-model" aria-label={`Read model ${status.name}`} data-testid={`read-model-${status.name}`}>
      <h4>{status.name}</h4>
      <p>
        Position {status.position} of head {status.head}:{' '}
        {status.lag === 0 ? <span className="insp-badge insp-badge--ok">✓ up to date</span> : <span className="insp-badge insp-badge--warn">⏳ {status.lag} event{status.lag === 1 ? '' : 's'} behind</span>}
      </p>
      <div className="insp-row">
        <button type="button" className="button" onClick={() => void rebuild()} disabled={running}>
          {running ? 'Rebuilding…' : `Rebuild ${status.name}`}
        </button>
        {progress ? (
          <span className="insp-progress">
            <progress className="meter" max={Math.max(1, progress.total)} value={progress.total === 0 ? 1 : progress.done} aria-label={`Rebuild progress of ${status.name}`} data-testid="rebuild-progress" />
            <span aria-live="polite">
              {progress.done} / {progress.total} events ({pct}%)
            </span>
          </span>
        ) : null}
      </div>
      {error ? <StateNote kind="error">The rebuild failed: {error}</StateNote> : null}
      {outcome ? (
        <p role="status" data-testid="rebuild-outcome" className={outcome.equal ? 'insp-verdict insp-verdict--ok' : 'insp-verdict insp-verdict--bad'}>
          {outcome.equal
            ? `✓ Rebuilt from position 0: equal to the view before (${Object.keys(outcome.after).length} document${Object.keys(outcome.after).length === 1 ? '' : 's'}, sorted JSON compared).`
            : `✗ Rebuilt from position 0: NOT equal to the view before — ${outcome.differences.length} document(s) differ: ${outcome.differences.slice(0, 8).join(', ')}.`}
        </p>
      ) : null}
      {entries.length === 0 ? (
        <StateNote kind="empty">No documents in {status.name} yet.</StateNote>
      ) : (
        <div className="insp-grid-wrap" tabIndex={0} role="region" aria-label={`Documents of ${status.name}`}>
          <table className="insp-grid">
            <caption>
              {allEntries.length} document{allEntries.length === 1 ? '' : 's'} of {status.name}
              {entries.length < allEntries.length ? ` (the last ${entries.length} shown)` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">key</th>
                <th scope="col">document</th>
              </tr>
            </thead>
            <tbody>
              {entries.map(([k, d]) => (
                <tr key={k}>
                  <th scope="row" className="insp-mono">{k}</th>
                  <td className="insp-mono insp-cell-json">{JSON.stringify(d)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
