'use client';

import { useId, useMemo, useState } from 'react';
import { describeArrow, toSequence, type SequenceArrow } from './data/sequence';
import type { InspectorProps } from './types';
import { JsonBlock, StateNote } from './ui';
import './inspectors.css';

const COL_W = 100;
const LEFT = 70;
const TOP = 34;
const ROW = 16;
const LIMITS = [25, 50, 100, 200] as const;

/**
 * A sequence diagram over virtual time: one lifeline per service, one arrow per copy of a
 * message. Time runs down; rows are the distinct instants (a long quiet gap takes no room).
 */
export function MessagesTab({ source, trace, tick, onFocus }: InspectorProps) {
  const id = useId();
  const [limit, setLimit] = useState<number>(50);
  const [saga, setSaga] = useState('');
  const [active, setActive] = useState<string | null>(null);
  const seq = useMemo(() => toSequence(trace, { limit, ...(saga ? { correlationId: saga } : {}), order: source.serviceNames }), [trace, trace.length, tick, limit, saga, source]);
  const allCorrelations = useMemo(() => toSequence(trace, { limit: 0 }).correlations, [trace, trace.length, tick]);

  const times = useMemo(() => {
    const set = new Set<number>();
    for (const a of seq.arrows) {
      set.add(a.sentAt);
      if (a.endAt !== null) set.add(a.endAt);
    }
    return [...set].sort((a, b) => a - b);
  }, [seq]);
  const rank = useMemo(() => new Map(times.map((t, i) => [t, i])), [times]);
  const y = (t: number) => TOP + (rank.get(t) ?? 0) * ROW + ROW / 2;
  const xOf = (s: string) => LEFT + seq.lifelines.indexOf(s) * COL_W + COL_W / 2;
  const width = LEFT + seq.lifelines.length * COL_W + 10;
  const height = TOP + Math.max(1, times.length) * ROW + 10;
  const current = seq.arrows.find((a) => a.key === active) ?? null;
  const counts = {
    delivered: seq.arrows.filter((a) => a.status === 'delivered').length,
    dropped: seq.arrows.filter((a) => a.status === 'dropped').length,
    dup: seq.arrows.filter((a) => a.duplicate).length,
    flight: seq.arrows.filter((a) => a.status === 'in-flight').length,
  };

  return (
    <div className="insp insp-messages">
      <div className="insp-row">
        <label htmlFor={`${id}-n`} className="insp-label">
          Show
        </label>
        <select id={`${id}-n`} className="insp-input" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {LIMITS.map((n) => (
            <option key={n} value={n}>
              last {n} messages
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-s`} className="insp-label">
          Saga / request
        </label>
        <select
          id={`${id}-s`}
          className="insp-input"
          value={saga}
          onChange={(e) => {
            setSaga(e.target.value);
            if (e.target.value) onFocus?.({ sagaId: e.target.value });
          }}
        >
          <option value="">all</option>
          {allCorrelations.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <span className="muted" aria-live="polite">
          {seq.arrows.length} shown: {counts.delivered} delivered, {counts.dropped} dropped, {counts.dup} duplicate copies, {counts.flight} in flight
        </span>
      </div>
      <ul className="insp-legend" aria-label="Legend">
        <li>→ solid: delivered</li>
        <li>⇢ dashed, “dup”: a duplicate copy</li>
        <li>✗ red cross: dropped (reason written beside it)</li>
        <li>⋯ dotted: still in flight</li>
      </ul>
      {seq.arrows.length === 0 ? (
        <StateNote kind="empty">{saga ? `No message of ${saga} yet.` : 'No message has been sent yet. Start the simulation to see services talk.'}</StateNote>
      ) : (
        <div className="insp-seq">
          <div className="insp-svg-wrap insp-svg-wrap--tall">
            <svg width={width} height={height} className="insp-svg insp-svg--fixed" role="group" aria-label={`Sequence diagram of ${seq.arrows.length} messages between ${seq.lifelines.join(', ')}`}>
              <defs>
                <marker id="seq-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" className="seq-head" />
                </marker>
              </defs>
              {seq.lifelines.map((s) => (
                <g key={s} aria-hidden="true">
                  <text x={xOf(s)} y={16} textAnchor="middle" className="seq-lifeline__name">
                    {s}
                  </text>
                  <line x1={xOf(s)} x2={xOf(s)} y1={22} y2={height} className="seq-lifeline" />
                </g>
              ))}
              {seq.arrows.map((a) => {
                const x1 = xOf(a.from);
                const x2full = xOf(a.to);
                const y1 = y(a.sentAt);
                const lost = a.status === 'dropped' && a.endAt === null;
                const x2 = lost ? x1 + (x2full - x1) * 0.45 : x2full;
                const y2 = lost ? y1 + ROW * 0.6 : a.endAt !== null ? y(a.endAt) : y1;
                const self = a.from === a.to;
                const label = describeArrow(a);
                const mid = { x: (x1 + x2) / 2, y: (y1 + y2) / 2 };
                return (
                  <g
                    key={a.key}
                    tabIndex={0}
                    role="button"
                    aria-label={label}
                    aria-pressed={active === a.key}
                    className={`seq-arrow seq-arrow--${a.status}${a.duplicate ? ' seq-arrow--dup' : ''}${active === a.key ? ' seq-arrow--active' : ''}`}
                    onMouseEnter={() => setActive(a.key)}
                    onFocus={() => setActive(a.key)}
                    onClick={() => setActive(a.key)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        // Keep Space from reaching the workspace's play/pause shortcut.
                        e.stopPropagation();
                        setActive(a.key);
                      }
                    }}
                  >
                    <title>{label}</title>
                    {self ? (
                      <path d={`M${x1},${y1} h30 V${y2 + 4} h-30`} className="seq-line" markerEnd={a.status === 'dropped' ? undefined : 'url(#seq-head)'} fill="none" />
                    ) : (
                      <line x1={x1} y1={y1} x2={x2} y2={y2} className="seq-line" markerEnd={a.status === 'dropped' ? undefined : 'url(#seq-head)'} />
                    )}
                    {/* A wide transparent stroke makes the thin arrow easy to hover. */}
                    <line x1={x1} y1={y1} x2={self ? x1 + 30 : x2} y2={y2} className="seq-hit" />
                    <text x={mid.x} y={mid.y - 3} textAnchor="middle" className="seq-label">
                      {a.type}
                      {a.duplicate ? ' (dup)' : ''}
                    </text>
                    {a.status === 'dropped' ? (
                      <g className="seq-cross">
                        <path d={`M${x2 - 5},${y2 - 5} L${x2 + 5},${y2 + 5} M${x2 - 5},${y2 + 5} L${x2 + 5},${y2 - 5}`} />
                        <text x={x2 + 8} y={y2 + 4} className="seq-drop-reason">
                          ✗ {a.dropReason}
                        </text>
                      </g>
                    ) : null}
                  </g>
                );
              })}
              {times.map((t) => (
                <text key={t} x={4} y={y(t) + 4} className="insp-axis-text" aria-hidden="true">
                  {t} ms
                </text>
              ))}
            </svg>
          </div>
          <aside className="insp-seq__detail" aria-live="polite" aria-label="Message details">
            {current ? <ArrowDetail a={current} /> : <p className="muted">Hover or focus (Tab) an arrow to see its payload.</p>}
          </aside>
        </div>
      )}
    </div>
  );
}

function ArrowDetail({ a }: { a: SequenceArrow }) {
  return (
    <div>
      <h4>
        {a.type} <span className="muted">({a.kind})</span>
      </h4>
      <dl className="insp-dl">
        <dt>route</dt>
        <dd>
          {a.from} → {a.to}
        </dd>
        <dt>message</dt>
        <dd>
          {a.messageId}
          {a.duplicate ? ' — duplicate copy' : ''}
          {a.attempt && a.attempt > 1 ? ` — attempt ${a.attempt}` : ''}
        </dd>
        <dt>sent</dt>
        <dd>{a.sentAt} ms</dd>
        <dt>fate</dt>
        <dd>
          {a.status === 'delivered' ? `delivered at ${a.endAt} ms` : a.status === 'dropped' ? `✗ dropped: ${a.dropReason}${a.endAt !== null ? ` at ${a.endAt} ms` : ''}` : `in flight${a.endAt !== null ? `, due ${a.endAt} ms` : ''}`}
        </dd>
        <dt>saga / request</dt>
        <dd>{a.correlationId}</dd>
      </dl>
      <JsonBlock value={a.payload} label={`Payload of ${a.messageId}`} />
    </div>
  );
}
