'use client';

import type { EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useSim } from '../state/SimProvider';
import { messageProgress, NODE_WIDTH, type LinkFlowEdge } from './toFlow';
import { useReducedMotion } from './useReducedMotion';
import type { InFlightMessage } from '../model';
import styles from './ServiceMap.module.css';

/** Half the size of a node, to start and end messages at node borders, not centres. */
const HALF_W = NODE_WIDTH / 2 + 4;
const HALF_H = 52;

/** Fraction of the centre-to-centre line hidden under a node at one end. */
function hiddenFraction(dx: number, dy: number): number {
  const len = Math.hypot(dx, dy);
  if (len === 0) return 0.5;
  const t = Math.min(dx === 0 ? Infinity : HALF_W / Math.abs(dx), dy === 0 ? Infinity : HALF_H / Math.abs(dy));
  return Math.min(0.45, t);
}

function kindClass(m: InFlightMessage): string {
  if (m.compensation) return styles.msgCompensation!;
  if (m.kind === 'reply') return styles.msgReply!;
  if (m.kind === 'event') return styles.msgEvent!;
  return styles.msgRequest!;
}

function Messages({ messages, sx, sy, tx, ty, source }: { messages: InFlightMessage[]; sx: number; sy: number; tx: number; ty: number; source: string }) {
  // Display time moves every frame: only the message layer subscribes to it.
  const time = useSim((s) => s.time);
  const dx = tx - sx;
  const dy = ty - sy;
  const skip = hiddenFraction(dx, dy);
  const angle = (Math.atan2(dy, dx) * 180) / Math.PI;
  return (
    <g>
      {messages.map((m) => {
        const forward = m.from === source;
        const p = messageProgress(m, time);
        const along = skip + (1 - 2 * skip) * (forward ? p : 1 - p);
        const x = sx + dx * along;
        const y = sy + dy * along;
        // The chevron points the way the message travels.
        const rot = forward ? angle : angle + 180;
        return (
          <g key={m.key} transform={`translate(${x} ${y}) rotate(${rot})`} className={`${styles.msg} ${kindClass(m)}`}>
            <title>{`${m.type} (${m.kind}${m.compensation ? ', compensation' : ''}) ${m.from} → ${m.to}`}</title>
            <path d="M -6 -5 L 5 0 L -6 5 Z" />
          </g>
        );
      })}
    </g>
  );
}

/** With reduced motion: counts per direction at the middle of the link, no movement. */
function StillMessages({ messages, x, y, a, b }: { messages: InFlightMessage[]; x: number; y: number; a: string; b: string }) {
  const ab = messages.filter((m) => m.from === a);
  const ba = messages.filter((m) => m.from === b);
  const comp = messages.filter((m) => m.compensation).length;
  const text = [ab.length ? `${ab.length} → ${b}` : '', ba.length ? `${ba.length} → ${a}` : ''].filter(Boolean).join(' · ');
  return (
    <text x={x} y={y - 10} textAnchor="middle" className={comp ? styles.stillCountComp : styles.stillCount}>
      {text}
      {comp ? ` (${comp} compensation)` : ''}
    </text>
  );
}

function LinkEdgeView({ id, source, sourceX, sourceY, targetX, targetY, data }: EdgeProps<LinkFlowEdge>) {
  const reduced = useReducedMotion();
  if (!data) return null;
  const { link, messages, active, activePhase, selected } = data;
  const cutBoth = link.cutAtoB && link.cutBtoA;
  const cutOne = !cutBoth && (link.cutAtoB || link.cutBtoA);
  const mx = (sourceX + targetX) / 2;
  const my = (sourceY + targetY) / 2;
  const d = `M ${sourceX} ${sourceY} L ${targetX} ${targetY}`;
  const cls = [
    styles.link,
    cutBoth || cutOne ? styles.linkCut : '',
    active ? (activePhase === 'compensation' ? styles.linkActiveComp : styles.linkActive) : '',
    selected ? styles.linkSelected : '',
    link.tuned ? styles.linkTuned : '',
  ].join(' ');
  const cutLabel = cutBoth ? '✕ cut' : link.cutAtoB ? `✕ ${link.a} → ${link.b} cut` : link.cutBtoA ? `✕ ${link.b} → ${link.a} cut` : null;
  const tunedLabel =
    link.tuned && !cutLabel ? `${link.params.latencyMs} ms${link.params.dropRate > 0 ? ` · ${Math.round(link.params.dropRate * 100)}% drop` : ''}` : null;
  return (
    <g data-testid={`link-${id}`} data-cut={cutBoth ? 'both' : cutOne ? 'one-way' : 'no'}>
      <path d={d} className={cls} fill="none" />
      {/* A wide invisible stroke makes the link easy to click. */}
      <path d={d} className={styles.linkHit} fill="none" />
      {cutLabel && (
        <text x={mx} y={my + 4} textAnchor="middle" className={styles.cutLabel}>
          {cutLabel}
        </text>
      )}
      {tunedLabel && (
        <text x={mx} y={my + 4} textAnchor="middle" className={styles.tunedLabel}>
          {tunedLabel}
        </text>
      )}
      {messages.length > 0 &&
        (reduced ? (
          <StillMessages messages={messages} x={mx} y={my} a={link.a} b={link.b} />
        ) : (
          <Messages messages={messages} sx={sourceX} sy={sourceY} tx={targetX} ty={targetY} source={source} />
        ))}
    </g>
  );
}

export const LinkEdge = memo(LinkEdgeView);
