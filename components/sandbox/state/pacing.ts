/**
 * Real-time pacing math: how far virtual time moves for a frame of wall time. Pure, so it is
 * tested without a browser; the requestAnimationFrame loop in usePacing.ts only calls it.
 * It lives in components/: the engine never sees a wall clock.
 */

/** Virtual ms per wall ms at 1×: a 10 ms network hop takes a quarter of a second to watch. */
export const VIRTUAL_MS_PER_WALL_MS = 0.04;

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64] as const;
export type Speed = (typeof SPEEDS)[number];

/** A frame longer than this (a background tab, a debugger) counts as this long. */
export const MAX_FRAME_MS = 100;

export function isSpeed(v: unknown): v is Speed {
  return typeof v === 'number' && (SPEEDS as readonly number[]).includes(v);
}

export function faster(s: Speed): Speed {
  const i = SPEEDS.indexOf(s);
  return SPEEDS[Math.min(SPEEDS.length - 1, i + 1)]!;
}

export function slower(s: Speed): Speed {
  const i = SPEEDS.indexOf(s);
  return SPEEDS[Math.max(0, i - 1)]!;
}

export interface PaceInput {
  /** Display time now (virtual ms, may be fractional). */
  time: number;
  /** Wall ms since the previous frame. */
  wallDeltaMs: number;
  speed: number;
  /** Virtual time of the next scheduled engine item, if any. */
  nextItemTime: number | undefined;
  /** Messages on the wire now (something to watch). */
  inFlight: number;
}

/**
 * The display time after one frame. When nothing is on the wire, the clock jumps to just
 * before the next scheduled item: waiting through a 150 ms timeout at 1× would be 4 s of an
 * empty map. While messages travel, time moves at the chosen speed.
 */
export function nextDisplayTime(p: PaceInput): number {
  const wall = Math.min(Math.max(0, p.wallDeltaMs), MAX_FRAME_MS);
  const advanced = p.time + wall * p.speed * VIRTUAL_MS_PER_WALL_MS;
  if (p.inFlight === 0 && p.nextItemTime !== undefined && p.nextItemTime > advanced) {
    // Land a little before the item, so whatever it sends is seen leaving.
    return Math.max(advanced, p.nextItemTime - 0.5);
  }
  return advanced;
}

/** The engine runs items up to whole milliseconds; the fraction only places messages on the map. */
export function engineTarget(displayTime: number): number {
  return Math.floor(displayTime);
}

/** Checkpoint policy for step-back: every `every` trace events, or forced (a single step). */
export function shouldCheckpoint(eventsSinceLast: number, every = 50): boolean {
  return eventsSinceLast >= every;
}

/** A point of the run: virtual time and how many trace events had been emitted. */
export interface RunPoint {
  time: number;
  seq: number;
}

/** Orders run points: by trace position (time never goes back as the trace grows). */
export function isBefore(a: RunPoint, b: RunPoint): boolean {
  return a.seq < b.seq || (a.seq === b.seq && a.time < b.time);
}

/** The checkpoint to restore for "step back": the latest one strictly before the current point. */
export function previousCheckpoint<T extends RunPoint>(checkpoints: readonly T[], current: RunPoint): T | undefined {
  let best: T | undefined;
  for (const c of checkpoints) if (isBefore(c, current) && (!best || isBefore(best, c))) best = c;
  return best;
}

/** The checkpoint to restore to reach virtual time `time` exactly: the latest one at or before it. */
export function checkpointAtOrBefore<T extends RunPoint>(checkpoints: readonly T[], time: number): T | undefined {
  let best: T | undefined;
  for (const c of checkpoints) if (c.time <= time && (!best || isBefore(best, c))) best = c;
  return best;
}

/**
 * Keeps at most `max` checkpoints by dropping every other one of the older half, so recent
 * history stays fine-grained and old history coarse (a seek restores and re-runs forward anyway).
 */
export function thinCheckpoints<T>(checkpoints: readonly T[], max: number): T[] {
  if (checkpoints.length <= max) return [...checkpoints];
  const half = Math.floor(checkpoints.length / 2);
  const older = checkpoints.slice(0, half).filter((_, i) => i === 0 || i % 2 === 1);
  return [...older, ...checkpoints.slice(half)];
}
