import { describe, expect, it } from 'vitest';
import { JsonHasher } from './jsonHasher';

const hashOf = (...values: unknown[]): string => {
  const h = new JsonHasher();
  for (const v of values) h.value(v);
  return h.hex();
};

describe('JsonHasher', () => {
  it('gives one value one hash, pinned so that a change of algorithm is deliberate', () => {
    const event = { seq: 3, time: 120, type: 'store.op', summary: 'GET res-done:o-1 → (nil)', ok: true, count: 1, amount: 12.5, error: null };
    expect(hashOf(event)).toBe(hashOf(JSON.parse(JSON.stringify(event))));
    expect(hashOf(event)).toMatchInlineSnapshot(`"6ed3ad53f211b01b"`);
  });

  it('continues from a saved state exactly as if it had never stopped', () => {
    const a = { type: 'a', n: [1, 2, { x: 'y' }] };
    const b = { type: 'b', s: 'two-byte ✓ text' };
    const first = new JsonHasher();
    first.value(a);
    const resumed = new JsonHasher(first.hex());
    resumed.value(b);
    expect(resumed.hex()).toBe(hashOf(a, b));
  });

  it('sees what JSON.stringify sees: undefined properties are skipped', () => {
    expect(hashOf({ a: 1, b: undefined })).toBe(hashOf({ a: 1 }));
  });

  it('tells apart values that differ only in type, split, order or nesting', () => {
    const variants: unknown[] = [
      1, '1', 1.5, 2 ** 40, 2 ** 40 + 1, -1, true, false, null, '', [], {},
      ['ab', 'c'], ['a', 'bc'], ['abc'], 'abc',
      { a: 1, b: 2 }, { b: 2, a: 1 }, { a: { b: 2 } }, { a: [2] }, { ab: 1 }, { a: 'b1' },
      [[1], 2], [1, [2]], [null], [1, 2, 3], [1, 2, 3, 0],
    ];
    const hashes = variants.map((v) => hashOf(v));
    expect(new Set(hashes).size).toBe(variants.length);
    expect(hashOf('x', 'y')).not.toBe(hashOf('y', 'x'));
  });

  it('rejects a state it did not produce', () => {
    expect(() => new JsonHasher('0')).toThrow(/Not a JsonHasher state/);
  });
});
