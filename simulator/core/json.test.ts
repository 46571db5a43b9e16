import { describe, expect, it } from 'vitest';
import { deepClone } from './json';

describe('deepClone', () => {
  it('copies JSON values deeply, as a JSON round trip does', () => {
    const value = { a: 1, b: 'two', c: [1, { d: null, e: [true, false] }], f: { g: { h: 'deep' } }, '2': 'integer-like key', z: -1.5 };
    const copy = deepClone(value);
    expect(copy).toEqual(value);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(JSON.parse(JSON.stringify(value))));
    expect(copy.c).not.toBe(value.c);
    expect(copy.c[1]).not.toBe(value.c[1]);
    expect(copy.f.g).not.toBe(value.f.g);
  });

  it('drops undefined properties and turns undefined array items into null, like JSON', () => {
    const copy = deepClone({ a: undefined, b: [undefined, 1] } as Record<string, unknown>);
    expect(copy).toStrictEqual({ b: [null, 1] });
    expect(deepClone(undefined)).toBeUndefined();
    expect(deepClone('text')).toBe('text');
  });
});
