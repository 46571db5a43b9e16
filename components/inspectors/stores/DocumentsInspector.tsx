'use client';

import { useId, useMemo, useState } from 'react';
import { parseFilter, parseLimit, parseSort } from '../data/queryParsing';
import type { DocQuery } from '../data/storeReaders';
import { useInspected } from '../useInspected';
import { JsonBlock, StateNote } from '../ui';
import type { StoreViewProps } from './common';

/** A collection picker and a Mongo-style find: filter, sort, limit, validated before the store sees them. */
export function DocumentsInspector({ source, tick, service, storeKey, storeName, collections }: StoreViewProps & { collections: readonly string[] }) {
  const id = useId();
  const [collection, setCollection] = useState(collections[0] ?? '');
  const [filterText, setFilterText] = useState('{}');
  const [sortText, setSortText] = useState('');
  const [limitText, setLimitText] = useState('50');
  // What runs: only changed by the Find button (or Ctrl/⌘+Enter), so typing does not query.
  const [applied, setApplied] = useState({ filter: '{}', sort: '', limit: '50' });

  const parsed = useMemo(() => {
    const f = parseFilter(applied.filter);
    const s = parseSort(applied.sort);
    const l = parseLimit(applied.limit);
    return { f, s, l };
  }, [applied]);
  const draftError = useMemo(() => {
    for (const p of [parseFilter(filterText), parseSort(sortText), parseLimit(limitText)]) if (!p.ok) return p.error;
    return null;
  }, [filterText, sortText, limitText]);

  const valid = parsed.f.ok && parsed.s.ok && parsed.l.ok;
  const result = useInspected<DocQuery | null>(
    source,
    tick,
    valid && collection && parsed.f.ok && parsed.s.ok && parsed.l.ok
      ? { kind: 'queryDocuments', service, storeKey, collection, filter: parsed.f.value, ...(parsed.s.value ? { sort: parsed.s.value } : {}), limit: parsed.l.value }
      : null,
    [service, storeKey, collection, applied],
  );

  const submit = () => setApplied({ filter: filterText, sort: sortText, limit: limitText });

  if (collections.length === 0) return <StateNote kind="empty">{storeName} declares no collections.</StateNote>;

  return (
    <div className="insp-docs" data-testid={`docs-${storeName}`}>
      <form
        className="insp-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="insp-row">
          <label htmlFor={`${id}-c`} className="insp-label">
            Collection
          </label>
          <select id={`${id}-c`} className="insp-input" value={collection} onChange={(e) => setCollection(e.target.value)}>
            {collections.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-l`} className="insp-label">
            Limit
          </label>
          <input id={`${id}-l`} className="insp-input insp-input--short" inputMode="numeric" value={limitText} onChange={(e) => setLimitText(e.target.value)} />
        </div>
        <label htmlFor={`${id}-f`} className="insp-label">
          Filter (MongoDB-style JSON, e.g. {'{"price": {"$lt": 40}}'})
        </label>
        <textarea
          id={`${id}-f`}
          className="insp-textarea"
          rows={3}
          spellCheck={false}
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              submit();
            }
          }}
          aria-invalid={draftError !== null}
          aria-describedby={`${id}-err`}
        />
        <label htmlFor={`${id}-s`} className="insp-label">
          Sort (optional, e.g. {'{"price": -1}'})
        </label>
        <input id={`${id}-s`} className="insp-input" value={sortText} onChange={(e) => setSortText(e.target.value)} spellCheck={false} />
        <div className="insp-row">
          <button type="submit" className="button button--primary">
            Find
          </button>
          <span id={`${id}-err`} className={draftError ? 'insp-inline-error' : 'muted'} aria-live="polite">
            {draftError ?? 'The filter is valid JSON.'}
          </span>
        </div>
      </form>
      {!parsed.f.ok ? (
        <StateNote kind="error">{parsed.f.error}</StateNote>
      ) : !parsed.s.ok ? (
        <StateNote kind="error">{parsed.s.error}</StateNote>
      ) : !parsed.l.ok ? (
        <StateNote kind="error">{parsed.l.error}</StateNote>
      ) : result.loading ? (
        <StateNote kind="loading">Querying {collection}…</StateNote>
      ) : result.error ? (
        <StateNote kind="error">{result.error}</StateNote>
      ) : !result.data ? (
        <StateNote kind="info">Pick a collection and press Find.</StateNote>
      ) : !result.data.ok ? (
        <StateNote kind="error">The store refused the query: {result.data.error}</StateNote>
      ) : result.data.docs.length === 0 ? (
        <StateNote kind="empty">
          No document of {collection} matches ({result.data.total} in the collection).
        </StateNote>
      ) : (
        <div>
          <p className="muted" aria-live="polite">
            {result.data.matched} of {result.data.total} documents match; showing {result.data.docs.length}.
          </p>
          <ol className="insp-doclist">
            {result.data.docs.map((d) => (
              <li key={String(d._id)}>
                <JsonBlock value={d} label={`Document ${String(d._id)}`} />
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
