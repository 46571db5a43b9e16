'use client';

import { useMemo } from 'react';
import { blockedParticipants, participantPhase, twoPhaseEvents, type TwoPhaseStatus } from './data/scenarioStatus';
import type { InspectorProps } from './types';
import { useInspected } from './useInspected';
import { StateNote, cellText } from './ui';
import './inspectors.css';

/** Two-phase commit: the coordinator's decision log, each participant's phase and locks, and who is blocked. */
export function TwoPhaseTab({ source, tick, trace, onFocus }: InspectorProps) {
  const status = useInspected<TwoPhaseStatus>(source, tick, { kind: 'twoPhaseStatus' }, []);
  const events = useMemo(() => twoPhaseEvents(trace), [trace, trace.length, tick]);
  if (status.loading) return <StateNote kind="loading">Reading the coordinator and participants…</StateNote>;
  if (status.error) return <StateNote kind="error">Could not read the 2PC stores: {status.error}</StateNote>;
  const s = status.data!;
  const blocked = blockedParticipants(s);
  const c = s.coordinator;

  return (
    <div className="insp insp-2pc">
      {blocked.length > 0 ? (
        <div role="alert" className="insp-blocked" data-testid="2pc-blocked">
          <strong>⚠ Blocked: {blocked.length} participant(s) can neither commit nor abort.</strong>
          <ul>
            {blocked.map((b) => (
              <li key={`${b.participant}-${b.txId}`}>
                {b.participant} holds {b.locks.length ? b.locks.join(', ') : 'its locks'} for {b.txId} since {b.since} ms — {b.why}.
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <StateNote kind="ok">No participant is blocked.</StateNote>
      )}

      <section aria-labelledby="twopc-coord">
        <h4 id="twopc-coord">
          <button type="button" className="insp-linklike" onClick={() => onFocus?.({ service: c.name })}>
            {c.name}
          </button>{' '}
          <span className="insp-badge">{c.status === 'up' ? '● up' : c.status === 'down' ? '✗ down (crashed)' : '❚❚ paused'}</span> — decision log
        </h4>
        <table className="insp-grid">
          <caption>Coordinator log (one row per transaction)</caption>
          <thead>
            <tr>
              <th scope="col">tx</th>
              <th scope="col">transfer</th>
              <th scope="col">state</th>
              <th scope="col">votes</th>
              <th scope="col">acks</th>
              <th scope="col">started / decided / ended</th>
              <th scope="col">reason</th>
            </tr>
          </thead>
          <tbody>
            {c.log.length === 0 ? (
              <tr>
                <td colSpan={7} className="insp-grid__empty">
                  The log is empty: no transaction has reached the coordinator yet.
                </td>
              </tr>
            ) : (
              c.log.map((l) => (
                <tr key={l.txId}>
                  <th scope="row">{l.txId}</th>
                  <td>
                    {l.from} → {l.to}: {l.amount}
                  </td>
                  <td>{l.state === 'PREPARING' ? '⏳ PREPARING (no decision)' : l.state === 'COMMIT' ? '✓ COMMIT' : l.state === 'ABORT' ? '✗ ABORT' : l.state}</td>
                  <td>{Object.entries(l.votes).map(([p, v]) => `${p}: ${v}`).join(', ') || '—'}</td>
                  <td>{Object.entries(l.acks).map(([p, t]) => `${p} @${t}`).join(', ') || '—'}</td>
                  <td>
                    {l.startedAt} / {l.decidedAt ?? '—'} / {l.endedAt ?? '—'} ms
                  </td>
                  <td>{l.reason ?? ''}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </section>

      <ul className="insp-cards" aria-label="Participants">
        {s.participants.map((p) => (
          <li key={p.name} className={`insp-card insp-card--${p.status}`}>
            <h4>
              <button type="button" className="insp-linklike" onClick={() => onFocus?.({ service: p.name })}>
                {p.name}
              </button>{' '}
              <span className="insp-badge">{p.status === 'up' ? '● up' : p.status === 'down' ? '✗ down' : '❚❚ paused'}</span>
            </h4>
            <p>
              <strong>Phase per transaction:</strong>
            </p>
            <ul>
              {[...new Set([...c.log.map((l) => l.txId), ...p.staged.map((t) => t.txId), ...p.outcomes.map((o) => o.txId)])].map((tx) => (
                <li key={tx}>
                  {tx}: {participantPhase(s, p.name, tx)}
                </li>
              ))}
            </ul>
            <p>
              <strong>Locks held:</strong> {p.locks.length === 0 ? 'none' : p.locks.map((l) => `🔒 ${l.resource} by ${l.txId}`).join(', ')}
            </p>
            {p.staged.length ? (
              <p>
                <strong>Staged:</strong> {p.staged.map((t) => `${t.txId}: ${t.change} (prepared at ${t.preparedAt} ms)`).join('; ')}
              </p>
            ) : null}
            <details>
              <summary>Data ({Object.keys(p.data).length} keys)</summary>
              <dl className="insp-dl">
                {Object.entries(p.data).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{cellText(v)}</dd>
                  </div>
                ))}
              </dl>
            </details>
          </li>
        ))}
      </ul>

      <h4>Protocol events</h4>
      {events.length === 0 ? (
        <StateNote kind="empty">No 2PC event in the trace yet.</StateNote>
      ) : (
        <ol className="insp-events">
          {events.slice(-60).map((e, i) => (
            <li key={i}>
              <span className="insp-mono">{e.time} ms</span> {e.service}: {e.name} {e.data !== undefined ? <span className="insp-mono muted">{JSON.stringify(e.data)}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
