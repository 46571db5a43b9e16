'use client';

import { EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';
import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import { useSandboxStore, useSim } from '../state/SimProvider';
import { messageProgress, NODE_WIDTH, type LinkFlowEdge } from './toFlow';
import { useReducedMotion } from './useReducedMotion';
import type { InFlightMessage } from '../model';
import styles from './ServiceMap.module.css';

/** At most this many messages are drawn moving on one link; the rest are counted (a load test puts dozens there). */
export const MAX_DRAWN_PER_LINK = 12;
const NONE: readonly InFlightMessage[] = [];

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

/** Where a message is drawn at a display time: its CSS transform, in the flow's coordinates. */
function placement(m: InFlightMessage, time: number, g: { sx: number; sy: number; dx: number; dy: number; skip: number; angle: number; source: string }): string {
  const forward = m.from === g.source;
  const p = messageProgress(m, time);
  const along = g.skip + (1 - 2 * g.skip) * (forward ? p : 1 - p);
  // The chevron points the way the message travels; it is 12 × 10 px, centred on its place.
  return `translate(${(g.sx + g.dx * along - 6).toFixed(1)}px, ${(g.sy + g.dy * along - 5).toFixed(1)}px) rotate(${(forward ? g.angle : g.angle + 180).toFixed(1)}deg)`;
}

/**
 * Messages moving along one link, as small HTML elements over the map (React Flow's edge-label
 * layer). React draws them when the set of messages changes; as the display time moves (every
 * frame) a store subscription only sets their transforms. Each has a compositor layer of its
 * own, so moving them repaints nothing. At most MAX_DRAWN_PER_LINK are drawn.
 */
function Messages({ id, messages, sx, sy, tx, ty, source }: { id: string; messages: readonly InFlightMessage[]; sx: number; sy: number; tx: number; ty: number; source: string }) {
  const store = useSandboxStore();
  const selectLink = useSim((s) => s.selectLink);
  const drawn = useMemo(() => (messages.length > MAX_DRAWN_PER_LINK ? messages.slice(0, MAX_DRAWN_PER_LINK) : messages), [messages]);
  const refs = useRef<Array<HTMLDivElement | null>>([]);
  const moreRef = useRef<HTMLDivElement>(null);
  const geometry = useMemo(() => {
    const dx = tx - sx;
    const dy = ty - sy;
    return { sx, sy, dx, dy, skip: hiddenFraction(dx, dy), angle: (Math.atan2(dy, dx) * 180) / Math.PI, source };
  }, [sx, sy, tx, ty, source]);

  useLayoutEffect(() => {
    const place = (time: number) => {
      // The engine runs a frame or two ahead of the clock: a message sent after the shown time is not on the wire yet.
      drawn.forEach((m, i) => {
        const el = refs.current[i];
        if (!el) return;
        const hidden = m.sentAt > time;
        if (hidden !== (el.style.visibility === 'hidden')) el.style.visibility = hidden ? 'hidden' : '';
        if (!hidden) el.style.transform = placement(m, time, geometry);
      });
      let more = 0;
      for (let i = drawn.length; i < messages.length; i++) if (messages[i]!.sentAt <= time) more++;
      const label = moreRef.current;
      const text = more > 0 ? `+${more} more` : '';
      if (label && label.textContent !== text) label.textContent = text;
    };
    place(store.getState().time);
    return store.subscribe((s, prev) => {
      if (s.time !== prev.time) place(s.time);
    });
  }, [store, drawn, messages, geometry]);

  return (
    <EdgeLabelRenderer>
      <div className={styles.messages} data-testid={`messages-${id}`}>
        <div ref={moreRef} className={styles.moreMessages} style={{ transform: `translate(${sx + geometry.dx / 2}px, ${sy + geometry.dy / 2 - 22}px) translateX(-50%)` }} />
        {drawn.map((m, i) => (
          <div
            key={m.key}
            ref={(el) => {
              refs.current[i] = el;
            }}
            className={`${styles.msg} ${kindClass(m)}`}
            data-message={m.kind}
            title={`${m.type} (${m.kind}${m.compensation ? ', compensation' : ''}) ${m.from} → ${m.to}`}
            aria-hidden="true"
            // Like clicking the link under it.
            onClick={() => selectLink(id)}
          />
        ))}
      </div>
    </EdgeLabelRenderer>
  );
}

/** With reduced motion: counts per direction at the middle of the link, no movement. */
function StillMessages({ messages, x, y, a, b }: { messages: readonly InFlightMessage[]; x: number; y: number; a: string; b: string }) {
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
  const messages = useSim((s) => s.inFlightByLink[id]) ?? NONE;
  if (!data) return null;
  const { link, active, activePhase, selected } = data;
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
          <Messages id={id} messages={messages} sx={sourceX} sy={sourceY} tx={targetX} ty={targetY} source={source} />
        ))}
    </g>
  );
}

export const LinkEdge = memo(LinkEdgeView);
