import { describe, expect, it } from 'vitest';
import { checkpointAtOrBefore, engineTarget, faster, MAX_FRAME_MS, nextDisplayTime, previousCheckpoint, slower, thinCheckpoints, VIRTUAL_MS_PER_WALL_MS } from './pacing';

describe('nextDisplayTime', () => {
  it('moves virtual time by wall time × speed while messages travel', () => {
    const t = nextDisplayTime({ time: 100, wallDeltaMs: 16, speed: 4, nextItemTime: 500, inFlight: 2 });
    expect(t).toBeCloseTo(100 + 16 * 4 * VIRTUAL_MS_PER_WALL_MS);
  });

  it('caps a long frame (background tab) so time does not leap', () => {
    const t = nextDisplayTime({ time: 0, wallDeltaMs: 10_000, speed: 1, nextItemTime: undefined, inFlight: 1 });
    expect(t).toBeCloseTo(MAX_FRAME_MS * VIRTUAL_MS_PER_WALL_MS);
  });

  it('skips quiet time to just before the next item when nothing is on the wire', () => {
    expect(nextDisplayTime({ time: 10, wallDeltaMs: 16, speed: 1, nextItemTime: 200, inFlight: 0 })).toBe(199.5);
    // …but never backwards, and not past an item that is close.
    expect(nextDisplayTime({ time: 10, wallDeltaMs: 16, speed: 64, nextItemTime: 10.2, inFlight: 0 })).toBeCloseTo(10 + 16 * 64 * VIRTUAL_MS_PER_WALL_MS);
  });

  it('runs the engine only to whole milliseconds', () => {
    expect(engineTarget(12.9)).toBe(12);
  });
});

describe('speeds', () => {
  it('steps through 0.25× … 64× and stops at the ends', () => {
    expect(faster(1)).toBe(2);
    expect(faster(64)).toBe(64);
    expect(slower(0.25)).toBe(0.25);
    expect(slower(1)).toBe(0.5);
  });
});

describe('checkpoints', () => {
  const cps = [
    { time: 0, seq: 0 },
    { time: 10, seq: 5 },
    { time: 10, seq: 9 },
    { time: 30, seq: 20 },
  ];
  it('step back picks the latest checkpoint strictly before the current point', () => {
    expect(previousCheckpoint(cps, { time: 30, seq: 20 })).toEqual({ time: 10, seq: 9 });
    expect(previousCheckpoint(cps, { time: 10, seq: 9 })).toEqual({ time: 10, seq: 5 });
    expect(previousCheckpoint(cps, { time: 0, seq: 0 })).toBeUndefined();
  });
  it('a seek picks the latest checkpoint at or before the time', () => {
    expect(checkpointAtOrBefore(cps, 25)).toEqual({ time: 10, seq: 9 });
    expect(checkpointAtOrBefore(cps, 30)).toEqual({ time: 30, seq: 20 });
  });
  it('thinning keeps the first and the recent half', () => {
    const many = Array.from({ length: 10 }, (_, i) => i);
    expect(thinCheckpoints(many, 8)).toEqual([0, 1, 3, 5, 6, 7, 8, 9]);
    expect(thinCheckpoints(many, 20)).toEqual(many);
  });
});
