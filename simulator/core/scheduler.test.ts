import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { Scheduler } from './scheduler';

describe('Scheduler', () => {
  it('pops by time, then in insertion order, through any mix of pushes and pops', () => {
    const rng = createRng('scheduler');
    const s = new Scheduler<number>();
    const reference: Array<{ time: number; n: number }> = [];
    const popped: number[] = [];
    const expected: number[] = [];
    for (let n = 0; n < 2000; n++) {
      const time = rng.int(0, 50);
      s.push(time, n);
      reference.push({ time, n });
      if (rng.chance(0.4)) {
        reference.sort((a, b) => a.time - b.time || a.n - b.n);
        expected.push(reference.shift()!.n);
        popped.push(s.pop()!.item);
      }
    }
    reference.sort((a, b) => a.time - b.time || a.n - b.n);
    expect(s.items().map((e) => e.item)).toEqual(reference.map((r) => r.n));
    while (s.size > 0) popped.push(s.pop()!.item);
    expected.push(...reference.map((r) => r.n));
    expect(popped).toEqual(expected);
    expect(s.pop()).toBeUndefined();
  });
});
