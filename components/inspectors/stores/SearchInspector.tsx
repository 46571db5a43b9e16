'use client';

import { useId, useState } from 'react';
import type { SearchRun } from '../data/storeReaders';
import { useInspected } from '../useInspected';
import { StateNote, cellText } from '../ui';
import type { StoreViewProps } from './common';

/** Full-text search on the Catalog's index: facet counts (category) and hits with scores. */
export function SearchInspector({ source, tick, service, storeKey, storeName }: StoreViewProps) {
  const id = useId();
  const [term, setTerm] = useState('');
  const [category, setCategory] = useState('');
  const result = useInspected<SearchRun>(source, tick, { kind: 'search', service, storeKey, term, ...(category ? { category } : {}) }, [service, storeKey, term, category]);
  const facets = result.data?.ok ? result.data.facets.category ?? {} : {};

  return (
    <div className="insp-search" data-testid={`search-${storeName}`}>
      <div className="insp-row" role="search">
        <label htmlFor={`${id}-q`} className="insp-label">
          Search {storeName}
        </label>
        <input id={`${id}-q`} type="search" className="insp-input" value={term} onChange={(e) => setTerm(e.target.value)} placeholder="e.g. usb, mouse, mon" />
      </div>
      {result.loading ? (
        <StateNote kind="loading">Searching…</StateNote>
      ) : result.error ? (
        <StateNote kind="error">{result.error}</StateNote>
      ) : !result.data || !result.data.ok ? (
        <StateNote kind="error">The index refused the search: {result.data && !result.data.ok ? result.data.error : 'no answer'}</StateNote>
      ) : (
        <div className="insp-search__body">
          <fieldset className="insp-facets">
            <legend>Category ({Object.keys(facets).length} values)</legend>
            <label>
              <input type="radio" name={`${id}-cat`} checked={category === ''} onChange={() => setCategory('')} /> any
            </label>
            {Object.entries(facets).map(([v, n]) => (
              <label key={v}>
                <input type="radio" name={`${id}-cat`} checked={category === v} onChange={() => setCategory(v)} /> {v} <span className="insp-count">({n})</span>
              </label>
            ))}
          </fieldset>
          <div>
            <p className="muted" aria-live="polite">
              {result.data.count} hit{result.data.count === 1 ? '' : 's'}
              {term ? ` for “${term}”` : ''}
              {category ? ` in ${category}` : ''}.
            </p>
            {result.data.hits.length === 0 ? (
              <StateNote kind="empty">Nothing matches. The index is fed by catalog events, so a product created a moment ago may not be here yet.</StateNote>
            ) : (
              <table className="insp-grid">
                <caption>Hits, best first</caption>
                <thead>
                  <tr>
                    <th scope="col">id</th>
                    <th scope="col">score</th>
                    <th scope="col">name</th>
                    <th scope="col">category</th>
                    <th scope="col">price</th>
                  </tr>
                </thead>
                <tbody>
                  {result.data.hits.map((h) => (
                    <tr key={h.id}>
                      <th scope="row">{h.id}</th>
                      <td>{h.score.toFixed(3)}</td>
                      <td>{cellText(h.doc.name)}</td>
                      <td>{cellText(h.doc.category)}</td>
                      <td>{cellText(h.doc.price)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
