'use client';

import { useMemo } from 'react';
import { computeMetrics, type Metrics } from '@/simulator';
import { layoutBars, linearScale, niceTicks, stepPath, timeTicks } from './data/chartScale';
import type { InspectorProps } from './types';
import { StateNote } from './ui';
import './inspectors.css';

// About the side panel's width, so 10px text stays 10px there; wider panels scale it up.
const W = 320;
const H = 190;
const PAD = { left: 36, right: 8, top: 14, bottom: 42 };

/** Every chart is computed from the trace alone (computeMetrics), drawn as plain SVG with its numbers as text. */
export function MetricsTab({ trace, tick }: InspectorProps) {
  // The workspace may hand the same (growing) array every time: tick and length say it changed.
  const m = useMemo(() => computeMetrics(trace), [trace, trace.length, tick]);
  if (trace.length === 0) return <StateNote kind="empty">No trace yet: the metrics appear as soon as the simulation runs.</StateNote>;
  return (
    <div className="insp insp-metrics">
      <Counters m={m} />
      <div className="insp-charts">
        <figure className="insp-chart">
          <figcaption>
            Saga latency (finished sagas): p50 {fmt(m.latency.p50)}, p95 {fmt(m.latency.p95)}, max {fmt(m.latency.max)}
          </figcaption>
          {m.latency.histogram.length === 0 ? (
            <StateNote kind="empty">No saga has finished yet.</StateNote>
          ) : (
            <BarChart title="Saga latency histogram" unit="sagas" values={m.latency.histogram.map((b) => ({ label: `${b.from}–${b.to}`, value: b.count }))} xLabel="latency, ms (virtual)" />
          )}
        </figure>
        <figure className="insp-chart">
          <figcaption>
            Messages per saga: mean {m.messagesPerSaga.mean === null ? '—' : m.messagesPerSaga.mean.toFixed(1)}, max {m.messagesPerSaga.max ?? '—'}
          </figcaption>
          {m.sagas.length === 0 ? (
            <StateNote kind="empty">No saga yet.</StateNote>
          ) : (
            <BarChart title="Messages per saga" unit="messages" values={m.sagas.map((s) => ({ label: s.sagaId, value: s.messages }))} xLabel="saga" />
          )}
        </figure>
        <figure className="insp-chart">
          <figcaption>Projection lag over virtual time (ms between an event and its projection)</figcaption>
          {m.projectionLag.length === 0 ? <StateNote kind="empty">No projection has applied an event yet.</StateNote> : <LagChart lag={m.projectionLag} />}
        </figure>
      </div>
    </div>
  );
}

function fmt(v: number | null): string {
  return v === null ? '—' : `${v} ms`;
}

function Counters({ m }: { m: Metrics }) {
  const items: Array<[string, number]> = [
    ['messages sent', m.messages.sent],
    ['delivered', m.messages.delivered],
    ['dropped', m.messages.dropped],
    ['duplicated', m.messages.duplicated],
    ['compensations', m.compensations],
    ['sagas', m.sagas.length],
    ['completed', m.sagas.filter((s) => s.outcome === 'COMPLETED').length],
    ['compensated', m.sagas.filter((s) => s.outcome === 'COMPENSATED').length],
    ['stuck', m.sagas.filter((s) => s.outcome === 'STUCK').length],
  ];
  return (
    <dl className="insp-counters" aria-label="Counters">
      {items.map(([k, v]) => (
        <div key={k} className="insp-counter" data-testid={`counter-${k.replace(/\s+/g, '-')}`}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function BarChart({ title, values, unit, xLabel }: { title: string; values: Array<{ label: string; value: number }>; unit: string; xLabel: string }) {
  const area = { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom };
  const { bars, ticks, scaleY } = layoutBars(values, area);
  const rotate = values.length > 6;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="insp-svg" role="img" aria-label={`${title}: ${values.map((v) => `${v.label} ${v.value} ${unit}`).join('; ')}`}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={area.x} x2={area.x + area.width} y1={scaleY(t)} y2={scaleY(t)} className="insp-gridline" />
          <text x={area.x - 6} y={scaleY(t) + 4} textAnchor="end" className="insp-axis-text">
            {t}
          </text>
        </g>
      ))}
      {bars.map((b) => (
        <g key={b.label}>
          <title>{`${b.label}: ${b.value} ${unit}`}</title>
          <rect x={b.x} y={b.y} width={b.width} height={b.height} className="insp-bar" />
          {b.value > 0 ? (
            <text x={b.x + b.width / 2} y={b.y - 3} textAnchor="middle" className="insp-bar-value">
              {b.value}
            </text>
          ) : null}
          <text
            x={b.x + b.width / 2}
            y={area.y + area.height + 12}
            textAnchor={rotate ? 'end' : 'middle'}
            transform={rotate ? `rotate(-35 ${b.x + b.width / 2} ${area.y + area.height + 12})` : undefined}
            className="insp-axis-text"
          >
            {b.label}
          </text>
        </g>
      ))}
      <text x={area.x + area.width / 2} y={H - 2} textAnchor="middle" className="insp-axis-title">
        {xLabel}
      </text>
    </svg>
  );
}

const DASHES = ['', '6 3', '2 3', '10 3 2 3'];

function LagChart({ lag }: { lag: Metrics['projectionLag'] }) {
  const names = [...new Set(lag.map((l) => l.projection))].sort();
  const t0 = Math.min(...lag.map((l) => l.time));
  const t1 = Math.max(...lag.map((l) => l.time), t0 + 1);
  const yTicks = niceTicks(Math.max(...lag.map((l) => l.lagMs)));
  const area = { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom };
  const sx = linearScale([t0, t1], [area.x, area.x + area.width]);
  const sy = linearScale([0, yTicks[yTicks.length - 1]!], [area.y + area.height, area.y]);
  return (
    <>
      <svg viewBox={`0 0 ${W} ${H}`} className="insp-svg" role="img" aria-label={`Projection lag: ${names.map((n) => `${n} max ${Math.max(...lag.filter((l) => l.projection === n).map((l) => l.lagMs))} ms`).join('; ')}`}>
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={area.x} x2={area.x + area.width} y1={sy(t)} y2={sy(t)} className="insp-gridline" />
            <text x={area.x - 6} y={sy(t) + 4} textAnchor="end" className="insp-axis-text">
              {t}
            </text>
          </g>
        ))}
        {timeTicks(t0, t1, 4).map((t) => (
          <text key={t} x={sx(t)} y={area.y + area.height + 14} textAnchor="middle" className="insp-axis-text">
            {t}
          </text>
        ))}
        {names.map((n, i) => {
          const pts = lag.filter((l) => l.projection === n).map((l) => ({ x: sx(l.time), y: sy(l.lagMs) }));
          return (
            <g key={n} className={`insp-series insp-series--${i % 4}`}>
              <path d={stepPath(pts)} fill="none" strokeDasharray={DASHES[i % 4]} />
              {pts.map((p, j) => (
                <circle key={j} cx={p.x} cy={p.y} r={2.5} />
              ))}
            </g>
          );
        })}
        <text x={area.x + area.width / 2} y={H - 2} textAnchor="middle" className="insp-axis-title">
          virtual time, ms
        </text>
      </svg>
      <ul className="insp-legend">
        {names.map((n, i) => (
          <li key={n} className={`insp-series insp-series--${i % 4}`}>
            <svg width="28" height="8" aria-hidden="true">
              <line x1="0" x2="28" y1="4" y2="4" strokeDasharray={DASHES[i % 4]} />
            </svg>{' '}
            {n} ({lag.filter((l) => l.projection === n).length} samples)
          </li>
        ))}
      </ul>
    </>
  );
}
