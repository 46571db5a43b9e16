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

const messageTitle = (m: InFlightMessage) => `${m.type} (${m.kind}${m.compensation ? ', compensation' : ''}) ${m.from} → ${m.to}`;

/**
 * Messages moving along one link, as small HTML elements over the map (React Flow's edge-label
 * layer, one layer for all links). React draws only the container: the elements are pooled and
 * updated from a store subscription, when the link's messages change (a few dozen times a
 * second) and when the display time moves (every frame, transforms only). No render per
 * message or per frame. At most MAX_DRAWN_PER_LINK are drawn; "+N more" counts the rest.
 */
function Messages({ id, sx, sy, tx, ty, source }: { id: string; sx: number; sy: number; tx: number; ty: number; source: string }) {
  const store = useSandboxStore();
  const selectLink = useSim((s) => s.selectLink);
  const containerRef = useRef<HTMLDivElement>(null);
  const moreRef = useRef<HTMLDivElement>(null);
  const geometry = useMemo(() => {
    const dx = tx - sx;
    const dy = ty - sy;
    return { sx, sy, dx, dy, skip: hiddenFraction(dx, dy), angle: (Math.atan2(dy, dx) * 180) / Math.PI, source };
  }, [sx, sy, tx, ty, source]);

  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const pool: Array<{ el: HTMLDivElement; key: string | null }> = [];
    let messages: readonly InFlightMessage[] = NONE;

    // Fits the pooled elements to the link's messages (classes and titles only change with them).
    const sync = (next: readonly InFlightMessage[]) => {
      messages = next;
      const n = Math.min(next.length, MAX_DRAWN_PER_LINK);
      while (pool.length < n) {
        const el = document.createElement('div');
        el.setAttribute('aria-hidden', 'true');
        container.appendChild(el);
        pool.push({ el, key: null });
      }
      pool.forEach((slot, i) => {
        const m = i < n ? next[i]! : null;
        if (!m) {
          if (slot.key !== null) {
            slot.key = null;
            slot.el.style.display = 'none';
          }
          return;
        }
        if (slot.key === m.key) return;
        if (slot.key === null) slot.el.style.display = '';
        slot.key = m.key;
        slot.el.className = `${styles.msg} ${kindClass(m)}`;
        slot.el.dataset.message = m.kind;
        slot.el.title = messageTitle(m);
      });
    };
    const place = (time: number) => {
      const n = Math.min(messages.length, MAX_DRAWN_PER_LINK);
      for (let i = 0; i < n; i++) {
        const m = messages[i]!;
        const el = pool[i]!.el;
        // The engine runs a frame or two ahead of the clock: a message sent after the shown time is not on the wire yet.
        const hidden = m.sentAt > time;
        if (hidden !== (el.style.visibility === 'hidden')) el.style.visibility = hidden ? 'hidden' : '';
        if (!hidden) el.style.transform = placement(m, time, geometry);
      }
      let more = 0;
      for (let i = n; i < messages.length; i++) if (messages[i]!.sentAt <= time) more++;
      const label = moreRef.current;
      const text = more > 0 ? `+${more} more` : '';
      if (label && label.textContent !== text) label.textContent = text;
    };

    const s0 = store.getState();
    sync(s0.inFlightByLink[id] ?? NONE);
    place(s0.time);
    const unsubscribe = store.subscribe((s, prev) => {
      const next = s.inFlightByLink[id] ?? NONE;
      const changed = next !== messages;
      if (changed) sync(next);
      if (changed || s.time !== prev.time) place(s.time);
    });
    return () => {
      unsubscribe();
      for (const slot of pool) slot.el.remove();
    };
  }, [store, id, geometry]);

  return (
    <EdgeLabelRenderer>
      {/* A click on a message selects its link, as a click on the link does. */}
      <div ref={containerRef} className={styles.messages} data-testid={`messages-${id}`} onClick={() => selectLink(id)}>
        <div ref={moreRef} className={styles.moreMessages} style={{ transform: `translate(${sx + geometry.dx / 2}px, ${sy + geometry.dy / 2 - 22}px) translateX(-50%)` }} />
      </div>
    </EdgeLabelRenderer>
  );
}

/** Reduced motion: the link's messages as counts (a component of its own: it redraws when they change). */
function StillLinkMessages({ id, x, y, a, b }: { id: string; x: number; y: number; a: string; b: string }) {
  const messages = useSim((s) => s.inFlightByLink[id]) ?? NONE;
  return messages.length > 0 ? <StillMessages messages={messages} x={x} y={y} a={a} b={b} /> : null;
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
      {reduced ? (
        <StillLinkMessages id={id} x={mx} y={my} a={link.a} b={link.b} />
      ) : (
        <Messages id={id} sx={sourceX} sy={sourceY} tx={targetX} ty={targetY} source={source} />
      )}
    </g>
  );
}

export const LinkEdge = memo(LinkEdgeView);
