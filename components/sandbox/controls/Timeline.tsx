'use client';

import { useEffect, useRef, useState } from 'react';
import { useController, useSim } from '../state/SimProvider';
import styles from '../Workspace.module.css';

// One formatter: toLocaleString() builds a new one on every call, and this renders every frame.
const COUNT = new Intl.NumberFormat('en');

function formatTime(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/**
 * The scrubber: virtual time from 0 to the furthest point reached. Moving it back restores
 * the nearest checkpoint and re-runs forward (the run is deterministic, so this is exact).
 */
export function Timeline() {
  const controller = useController();
  // The clock (a few times a second while playing), not the per-frame display time.
  const time = useSim((s) => s.clock);
  const reached = useSim((s) => s.reached);
  const checkpoints = useSim((s) => s.checkpoints.length);
  const traceCount = useSim((s) => s.traceCount);
  const finished = useSim((s) => s.finished);
  const ready = useSim((s) => s.status === 'ready');
  const busy = useSim((s) => s.busy);
  const idleNote = useSim((s) => s.idleNote);
  // While dragging, show where the thumb is; seek once per animation frame at most.
  const [dragValue, setDragValue] = useState<number | null>(null);
  const pendingSeek = useRef<number | null>(null);
  const seeking = useRef(false);

  const flush = () => {
    if (seeking.current || pendingSeek.current === null) return;
    const target = pendingSeek.current;
    pendingSeek.current = null;
    seeking.current = true;
    void controller.seek(target).finally(() => {
      seeking.current = false;
      if (pendingSeek.current !== null) flush();
      else setDragValue(null);
    });
  };
  useEffect(() => () => void (pendingSeek.current = null), []);

  const max = Math.max(1, Math.ceil(reached));
  const value = dragValue ?? Math.min(max, Math.round(time));
  return (
    <div className={styles.timeline}>
      <label className={styles.timelineLabel} htmlFor="timeline-scrubber">
        Virtual time
      </label>
      <output className={styles.clock} data-testid="virtual-time" data-time={time.toFixed(1)} aria-live="off">
        t = {formatTime(time)}
      </output>
      <input
        id="timeline-scrubber"
        className={styles.scrubber}
        type="range"
        min={0}
        max={max}
        step={1}
        value={value}
        disabled={!ready}
        aria-valuetext={`${formatTime(value)} of ${formatTime(max)}`}
        onChange={(e) => {
          const v = Number(e.target.value);
          setDragValue(v);
          pendingSeek.current = v;
          flush();
        }}
        data-testid="timeline"
      />
      <span className={styles.timelineMeta}>
        {COUNT.format(traceCount)} {traceCount === 1 ? 'event' : 'events'} · {checkpoints} {checkpoints === 1 ? 'checkpoint' : 'checkpoints'}
        {busy ? ' · working…' : ''}
        {idleNote ? ` · ${idleNote}` : ''}
        {finished ? (finished.quiescent ? ' · finished: nothing left to do' : ` · stopped at ${formatTime(finished.time)}: only timers beyond the run-to-end limit are left`) : ''}
      </span>
    </div>
  );
}
