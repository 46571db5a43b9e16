'use client';

import { useId, useState } from 'react';
import { isCut } from '@/simulator';
import { capConflicts, capWrites, type CapStatus } from './data/scenarioStatus';
import type { InspectorProps } from './types';
import { useInspected } from './useInspected';
import { StateNote } from './ui';
import './inspectors.css';

/** CAP: three replicas of a stock counter, the links between them, CP/AP, writes' outcomes and conflicts. */
export function CapTab({ source, tick, onFocus }: InspectorProps) {
  const id = useId();
  const status = useInspected<CapStatus>(source, tick, { kind: 'capStatus' }, []);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [qty, setQty] = useState('2');
  const [target, setTarget] = useState('');
  const [writeSeq, setWriteSeq] = useState(1);

  if (status.loading) return <StateNote kind="loading">Reading the replicas…</StateNote>;
  if (status.error) return <StateNote kind="error">Could not read the replicas: {status.error}</StateNote>;
  const s = status.data!;
  if (s.replicas.length === 0) return <StateNote kind="empty">No replica found: this view needs the CAP scenario (services whose KV holds a “mode”).</StateNote>;

  const names = s.replicas.map((r) => r.replica);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) pairs.push([names[i]!, names[j]!]);
  const net = source.network();
  const mode = s.replicas[0]!.mode;
  const mixed = s.replicas.some((r) => r.mode !== mode);
  const products = [...new Set(s.replicas.flatMap((r) => Object.keys(r.stock)))].sort();
  const writes = capWrites(s);
  const conflicts = capConflicts(s);
  const to = target || names[0]!;

  const act = async (label: string, fn: () => Promise<void>) => {
    setBusy(label);
    setActionError(null);
    try {
      await fn();
      status.refresh();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const toggle = (a: string, b: string, cut: boolean) =>
    act(`${a}-${b}`, () => source.applyFault(cut ? { kind: 'heal', links: [[a, b]] } : { kind: 'partition', links: [[a, b]] }));
  const setMode = (m: 'CP' | 'AP') =>
    act('mode', async () => {
      for (const r of names) await source.inject({ to: r, type: 'SetMode', payload: { mode: m } });
    });
  const reserve = () =>
    act('reserve', async () => {
      const n = Number(qty);
      if (!Number.isSafeInteger(n) || n <= 0) throw new Error('The quantity must be a whole number above 0.');
      const opId = `ui-${writeSeq}`;
      setWriteSeq((k) => k + 1);
      await source.inject({ to, type: 'Reserve', payload: { opId, productId: products[0] ?? 'sku-1', quantity: n }, correlationId: opId });
    });

  return (
    <div className="insp insp-cap">
      <p>
        Replicas {s.converged ? <span className="insp-badge insp-badge--ok">✓ converged: same operations, same stock</span> : <span className="insp-badge insp-badge--warn">≠ diverged: replicas disagree</span>}
      </p>
      <ul className="insp-cards" aria-label="Replicas">
        {s.replicas.map((r) => (
          <li key={r.replica} className={`insp-card insp-card--${r.status}`}>
            <h4>
              <button type="button" className="insp-linklike" onClick={() => onFocus?.({ service: r.replica })}>
                {r.replica}
              </button>{' '}
              <span className="insp-badge">{r.status === 'up' ? '● up' : r.status === 'down' ? '✗ down' : '❚❚ paused'}</span>
            </h4>
            <p>Mode: {r.mode}</p>
            <dl className="insp-dl">
              {Object.entries(r.stock).map(([p, v]) => (
                <div key={p}>
                  <dt>stock {p}</dt>
                  <dd className={v < 0 ? 'insp-negative' : undefined} data-testid={`cap-stock-${r.replica}-${p}`}>
                    {v}
                    {v < 0 ? ' (oversold!)' : ''}
                  </dd>
                </div>
              ))}
            </dl>
            <p className="muted">
              {r.appliedOps.length} op(s) applied
              {Object.keys(r.locks).length ? ` · vote promised: ${Object.entries(r.locks).map(([p, op]) => `${p}→${op}`).join(', ')}` : ''}
            </p>
          </li>
        ))}
      </ul>

      <fieldset className="insp-fieldset">
        <legend>Links between replicas (checked = connected)</legend>
        {pairs.map(([a, b]) => {
          const cut = net !== null && (isCut(net, a, b) || isCut(net, b, a));
          return (
            <label key={`${a}-${b}`} className="insp-toggle">
              <input type="checkbox" checked={!cut} disabled={busy !== null} onChange={() => void toggle(a, b, cut)} />
              {a} ↔ {b}: {cut ? '✗ partitioned' : '✓ connected'}
            </label>
          );
        })}
        <button type="button" className="button insp-small" disabled={busy !== null} onClick={() => void act('heal', () => source.applyFault({ kind: 'heal' }))}>
          Heal every link
        </button>
      </fieldset>

      <fieldset className="insp-fieldset">
        <legend>Consistency mode {mixed ? '(replicas disagree on it)' : ''}</legend>
        {(['CP', 'AP'] as const).map((m) => (
          <label key={m} className="insp-toggle">
            <input type="radio" name={`${id}-mode`} checked={!mixed && mode === m} disabled={busy !== null} onChange={() => void setMode(m)} />
            {m === 'CP' ? 'CP — a write needs a majority; the minority refuses' : 'AP — accept locally, merge after the heal'}
          </label>
        ))}
        <p className="muted">The switch sends SetMode to every replica; it takes effect as the simulation runs.</p>
      </fieldset>

      <fieldset className="insp-fieldset">
        <legend>Send a write</legend>
        <div className="insp-row">
          <label htmlFor={`${id}-r`}>to</label>
          <select id={`${id}-r`} className="insp-input" value={to} onChange={(e) => setTarget(e.target.value)}>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
          <label htmlFor={`${id}-q`}>reserve units</label>
          <input id={`${id}-q`} className="insp-input insp-input--short" inputMode="numeric" value={qty} onChange={(e) => setQty(e.target.value)} />
          <button type="button" className="button" disabled={busy !== null} onClick={() => void reserve()}>
            Reserve
          </button>
        </div>
      </fieldset>
      {actionError ? <StateNote kind="error">{actionError}</StateNote> : null}

      <table className="insp-grid">
        <caption>Writes and their outcomes ({writes.length})</caption>
        <thead>
          <tr>
            <th scope="col">op</th>
            <th scope="col">entered at</th>
            <th scope="col">product</th>
            <th scope="col">units</th>
            <th scope="col">mode</th>
            <th scope="col">outcome</th>
            <th scope="col">reason</th>
          </tr>
        </thead>
        <tbody>
          {writes.length === 0 ? (
            <tr>
              <td colSpan={7} className="insp-grid__empty">
                No write yet.
              </td>
            </tr>
          ) : (
            writes.map((w) => (
              <tr key={w.opId}>
                <th scope="row">{w.opId}</th>
                <td>{w.replica}</td>
                <td>{w.productId}</td>
                <td>{w.quantity}</td>
                <td>{w.mode}</td>
                <td className={`insp-outcome--${w.outcome.toLowerCase()}`}>{w.outcome === 'ACCEPTED' ? '✓ accepted' : w.outcome === 'REFUSED' ? '✗ refused' : '… pending'}</td>
                <td>{w.reason ?? ''}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>

      <h4>Conflicts found when the logs merged</h4>
      {conflicts.length === 0 ? (
        <StateNote kind="empty">No conflict{products.length ? ` on ${products.join(', ')}` : ''}. In AP mode, writes on both sides of a partition show up here after the heal.</StateNote>
      ) : (
        <ul className="insp-conflicts">
          {conflicts.map((c) => (
            <li key={c.productId}>
              ⚠ {c.productId} oversold by {c.oversoldBy} unit(s) (found by {c.foundBy.join(', ')} at {c.detectedAt} ms): {c.ops.map((o) => `${o.opId} from ${o.origin} (${o.units} unit${o.units === 1 ? '' : 's'} uncovered)`).join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
