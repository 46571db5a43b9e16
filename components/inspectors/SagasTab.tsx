'use client';

import { useMemo, useState } from 'react';
import { linearScale, timeTicks } from './data/chartScale';
import { describeBar, toSagaLanes, type SagaBar, type SagaLane } from './data/sagaLanes';
import type { InspectorProps } from './types';
import { StateNote } from './ui';
import './inspectors.css';

const LABEL_W = 112;
const PLOT_W = 560;
const ROW_H = 16;
const LANE_H = ROW_H * 2 + 14;
const AXIS_H = 26;

const OUTCOME_TEXT: Record<SagaLane['outcome'], string> = {
  RUNNING: '… running',
  COMPLETED: '✓ completed',
  COMPENSATED: '↺ compensated',
  STUCK: '⚠ STUCK',
};

function barClass(b: SagaBar): string {
  return `saga-bar saga-bar--${b.phase} saga-bar--${b.status}`;
}

/** Glyph drawn in the bar so the status never rests on colour alone. */
function glyph(b: SagaBar): string {
  return b.status === 'succeeded' ? '✓' : b.status === 'failed' ? '✗' : b.status === 'retrying' ? '↻' : '…';
}

/** One lane per saga on the virtual-time axis: actions on top, compensations (hatched) below. */
export function SagasTab({ source, trace, tick, onFocus }: InspectorProps) {
  // The workspace may hand the same (growing) array every time: tick and length say it changed.
  const lanes = useMemo(() => toSagaLanes(trace), [trace, trace.length, tick]);
  const [selected, setSelected] = useState<string | null>(null);
  if (lanes.lanes.length === 0) return <StateNote kind="empty">No saga has started yet. Run the simulation (or place an order) and the sagas appear here, one lane each.</StateNote>;

  const to = Math.max(lanes.to, source.now, lanes.from + 1);
  const x = linearScale([lanes.from, to], [LABEL_W, LABEL_W + PLOT_W]);
  const ticks = timeTicks(lanes.from, to);
  const height = AXIS_H + lanes.lanes.length * LANE_H + 4;
  const stuck = lanes.lanes.filter((l) => l.outcome === 'STUCK');

  return (
    <div className="insp insp-sagas">
      {stuck.length > 0 ? (
        <StateNote kind="error">
          {stuck.length} saga{stuck.length === 1 ? ' is' : 's are'} STUCK: {stuck.map((l) => `${l.sagaId} — ${l.reason}`).join('; ')}
        </StateNote>
      ) : null}
      <Legend />
      <div className="insp-svg-wrap">
        <svg width={LABEL_W + PLOT_W + 10} height={height} viewBox={`0 0 ${LABEL_W + PLOT_W + 10} ${height}`} className="insp-svg insp-svg--fixed" role="group" aria-label={`Saga timeline: ${lanes.lanes.length} sagas from ${lanes.from} to ${to} ms of virtual time`}>
          <defs>
            <pattern id="saga-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="saga-hatch-bg" />
              <line x1="0" y1="0" x2="0" y2="6" className="saga-hatch-line" />
            </pattern>
          </defs>
          <g aria-hidden="true">
            {ticks.map((t) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} className="insp-gridline" />
                <text x={x(t)} y={AXIS_H - 8} textAnchor="middle" className="insp-axis-text">
                  {t} ms
                </text>
              </g>
            ))}
          </g>
          {lanes.lanes.map((lane, i) => {
            const y0 = AXIS_H + i * LANE_H;
            const endX = x(lane.endedAt ?? to);
            const isSel = selected === lane.sagaId;
            return (
              <g key={lane.sagaId} className={`saga-lane saga-lane--${lane.outcome.toLowerCase()}${isSel ? ' saga-lane--selected' : ''}`}>
                <rect x={0} y={y0} width={LABEL_W + PLOT_W + 10} height={LANE_H - 2} className="saga-lane__bg" />
                <a
                  href={`#saga-${lane.sagaId}`}
                  onClick={(e) => {
                    e.preventDefault();
                    setSelected(lane.sagaId);
                    onFocus?.({ sagaId: lane.sagaId });
                  }}
                  aria-label={`Saga ${lane.sagaId} (${lane.saga}): ${lane.outcome}${lane.reason ? `, ${lane.reason}` : ''}. Select to focus it on the map.`}
                >
                  <text x={6} y={y0 + 16} className="saga-lane__id">
                    {lane.sagaId}
                  </text>
                  <text x={6} y={y0 + 32} className={`saga-lane__outcome saga-outcome--${lane.outcome.toLowerCase()}`}>
                    {OUTCOME_TEXT[lane.outcome]}
                  </text>
                </a>
                <line x1={x(lane.startedAt)} x2={endX} y1={y0 + LANE_H / 2 - 1} y2={y0 + LANE_H / 2 - 1} className="saga-lane__span" aria-hidden="true" />
                {lane.bars.map((b, j) => {
                  const bx = x(b.start);
                  const bw = Math.max(3, x(b.end ?? to) - bx);
                  const by = y0 + 4 + (b.phase === 'compensation' ? ROW_H + 2 : 0);
                  const label = describeBar(b);
                  return (
                    <g key={j} tabIndex={0} role="img" aria-label={`${lane.sagaId}: ${label}`} className={barClass(b)}>
                      <title>{label}</title>
                      <rect x={bx} y={by} width={bw} height={ROW_H} rx={3} fill={b.phase === 'compensation' ? 'url(#saga-hatch)' : undefined} />
                      {bw > 40 ? (
                        <text x={bx + 4} y={by + ROW_H - 4} className="saga-bar__text">
                          {glyph(b)} {b.step}
                        </text>
                      ) : (
                        <text x={bx + bw / 2} y={by + ROW_H - 4} textAnchor="middle" className="saga-bar__text">
                          {glyph(b)}
                        </text>
                      )}
                    </g>
                  );
                })}
                {lane.outcome === 'STUCK' ? (
                  <text x={Math.min(endX + 4, LABEL_W + PLOT_W - 260)} y={y0 + LANE_H - 6} className="saga-stuck-text">
                    ⚠ {lane.reason}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      <div className="insp-grid-wrap" tabIndex={0} role="region" aria-label="Sagas as text">
      <table className="insp-grid">
        <caption>Sagas as text</caption>
        <thead>
          <tr>
            <th scope="col">saga</th>
            <th scope="col">outcome</th>
            <th scope="col">started</th>
            <th scope="col">ended</th>
            <th scope="col">steps</th>
            <th scope="col">reason</th>
          </tr>
        </thead>
        <tbody>
          {lanes.lanes.map((l) => (
            <tr key={l.sagaId} id={`saga-${l.sagaId}`} aria-current={selected === l.sagaId ? 'true' : undefined}>
              <th scope="row">
                {l.sagaId} <span className="muted">({l.saga})</span>
              </th>
              <td className={`saga-outcome--${l.outcome.toLowerCase()}`}>{OUTCOME_TEXT[l.outcome]}</td>
              <td>{l.startedAt} ms</td>
              <td>{l.endedAt === null ? '—' : `${l.endedAt} ms`}</td>
              <td>{l.bars.map((b) => `${b.phase === 'compensation' ? '↺ ' : ''}${b.step} ${glyph(b)}`).join(', ')}</td>
              <td>{l.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </div>
  );
}

function Legend() {
  return (
    <ul className="insp-legend" aria-label="Legend">
      <li>
        <span className="swatch saga-bar--action saga-bar--succeeded" aria-hidden="true" /> ✓ step succeeded
      </li>
      <li>
        <span className="swatch saga-bar--action saga-bar--failed" aria-hidden="true" /> ✗ step failed
      </li>
      <li>
        <span className="swatch saga-bar--action saga-bar--running" aria-hidden="true" /> … waiting for an answer
      </li>
      <li>
        <span className="swatch saga-bar--action saga-bar--retrying" aria-hidden="true" /> ↻ retrying
      </li>
      <li>
        <span className="swatch swatch--hatch" aria-hidden="true" /> hatched, lower row: compensation
      </li>
    </ul>
  );
}
