'use client';

import { useEffect, useId, useState } from 'react';
import { ttlText, type KvRow } from '../data/storeReaders';
import { useInspected } from '../useInspected';
import { StateNote } from '../ui';
import type { StoreViewProps } from './common';

/** Virtual time, polled: the clock may move (runUntil) without a trace event. */
function useVirtualNow(source: StoreViewProps['source']): number {
  const [now, setNow] = useState(source.now);
  useEffect(() => {
    const t = setInterval(() => setNow(source.now), 250);
    return () => clearInterval(t);
  }, [source]);
  return Math.max(now, source.now);
}

/** Every live key of a Redis-style KV: type, value, and a TTL counting down in virtual time. */
export function KvInspector({ source, tick, service, storeKey, storeName }: StoreViewProps) {
  const id = useId();
  const [filter, setFilter] = useState('');
  const rows = useInspected<KvRow[]>(source, tick, { kind: 'kvRows', service, storeKey }, [service, storeKey]);
  const now = useVirtualNow(source);
  // The first TTL seen per key, so the bar shows how much of it is left.
  const [firstTtl] = useState(() => new Map<string, number>());

  if (rows.loading) return <StateNote kind="loading">Reading the keys of {storeName}…</StateNote>;
  if (rows.error) return <StateNote kind="error">Could not read {storeName}: {rows.error}</StateNote>;
  const all = rows.data ?? [];
  const shown = filter ? all.filter((r) => r.key.includes(filter)) : all;

  return (
    <div className="insp-kv" data-testid={`kv-${storeName}`}>
      <div className="insp-row">
        <label htmlFor={`${id}-f`} className="insp-label">
          Keys containing
        </label>
        <input id={`${id}-f`} className="insp-input" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. inv:" />
        <span className="muted" aria-live="polite">
          {shown.length} of {all.length} key{all.length === 1 ? '' : 's'} · virtual time {now} ms
        </span>
      </div>
      {all.length === 0 ? (
        <StateNote kind="empty">No keys in {storeName} yet.</StateNote>
      ) : shown.length === 0 ? (
        <StateNote kind="empty">No key contains “{filter}”.</StateNote>
      ) : (
        <div className="insp-grid-wrap" tabIndex={0} role="region" aria-label={`Keys of ${storeName}`}>
          <table className="insp-grid">
            <caption>Keys of {storeName}</caption>
            <thead>
              <tr>
                <th scope="col">key</th>
                <th scope="col">type</th>
                <th scope="col">value</th>
                <th scope="col">TTL</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => {
                if (r.expiresAt !== null && r.ttlMs !== null && !firstTtl.has(r.key)) firstTtl.set(r.key, r.ttlMs);
                const left = r.expiresAt === null ? null : Math.max(0, r.expiresAt - now);
                const total = firstTtl.get(r.key) ?? r.ttlMs ?? 1;
                return (
                  <tr key={r.key}>
                    <th scope="row" className="insp-mono">{r.key}</th>
                    <td>{r.type}</td>
                    <td className="insp-mono">
                      {r.fields ? (
                        <dl className="insp-hash">
                          {Object.entries(r.fields).map(([f, v]) => (
                            <div key={f}>
                              <dt>{f}</dt>
                              <dd>{v}</dd>
                            </div>
                          ))}
                        </dl>
                      ) : (
                        r.value
                      )}
                    </td>
                    <td>
                      {left === null ? (
                        <span className="muted">no expiry</span>
                      ) : (
                        <span className="insp-ttl">
                          <progress className="meter" max={Math.max(total, left)} value={left} aria-label={`TTL of ${r.key}`} />
                          <span>{ttlText(r.expiresAt, now)}</span>
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
