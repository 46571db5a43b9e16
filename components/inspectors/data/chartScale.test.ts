import { describe, expect, it } from 'vitest';
import { layoutBars, linearScale, niceStep, niceTicks, stepPath, timeTicks } from './chartScale';

describe('chart scaling', () => {
  it('maps a domain linearly, and a zero-width domain to the range start', () => {
    const s = linearScale([0, 100], [200, 0]);
    expect(s(0)).toBe(200);
    expect(s(50)).toBe(100);
    expect(s(100)).toBe(0);
    expect(linearScale([5, 5], [10, 20])(5)).toBe(10);
  });

  it('picks nice steps and ticks covering the maximum', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(0.3, 3)).toBe(0.1);
    expect(niceTicks(87)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(1, 5, 0, true)).toEqual([0, 1]);
    expect(niceTicks(3, 5, 0, true)).toEqual([0, 1, 2, 3]);
    expect(timeTicks(213, 866, 6)).toEqual([400, 600, 800]);
    expect(timeTicks(0, 1000, 5)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(timeTicks(5, 5)).toEqual([5]);
  });

  it('lays out bars in equal slots with heights on the nice scale', () => {
    const { bars, ticks } = layoutBars(
      [
        { label: 'a', value: 0 },
        { label: 'b', value: 5 },
        { label: 'c', value: 10 },
      ],
      { x: 0, y: 0, width: 300, height: 100 },
      0.2,
    );
    expect(ticks).toEqual([0, 2, 4, 6, 8, 10]);
    expect(bars.map((b) => [b.x, b.width, b.height, b.y])).toEqual([
      [10, 80, 0, 100],
      [110, 80, 50, 50],
      [210, 80, 100, 0],
    ]);
  });

  it('draws a step line through points', () => {
    expect(stepPath([])).toBe('');
    expect(stepPath([{ x: 0, y: 10 }, { x: 5.555, y: 3 }])).toBe('M0,10 H5.56 V3');
  });
});
