/**
 * A running 64-bit hash (two 32-bit lanes, murmur3-style mixing) over plain JSON values,
 * computed by walking the values: no string is built, so hashing a long trace allocates
 * nothing (the trace hash used to stringify every event, which cost more than the rest of
 * emitting it). It sees what JSON.stringify would: object keys in their order, array items,
 * strings, numbers, booleans and null; `undefined` properties are skipped. Deterministic
 * across runs and machines; not cryptographic.
 */
export class JsonHasher {
  private h1: number;
  private h2: number;

  /** Starts from a state returned by hex(), or from the initial state. */
  constructor(state: string = INITIAL_STATE) {
    if (!/^[0-9a-f]{16}$/.test(state)) throw new Error(`Not a JsonHasher state: "${state}".`);
    this.h1 = parseInt(state.slice(0, 8), 16) | 0;
    this.h2 = parseInt(state.slice(8), 16) | 0;
  }

  /** The running state as 16 hex digits (what a later JsonHasher can continue from). */
  hex(): string {
    return hex32(this.h1) + hex32(this.h2);
  }

  /** Folds one JSON value into the hash. */
  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.word(TAG_STRING);
        this.chars(v);
        return;
      case 'number':
        if ((v | 0) === v) {
          this.word(TAG_INT);
          this.word(v);
        } else {
          this.word(TAG_NUMBER);
          this.chars(String(v));
        }
        return;
      case 'boolean':
        this.word(v ? TAG_TRUE : TAG_FALSE);
        return;
      case 'object':
        if (v === null) this.word(TAG_NULL);
        else if (Array.isArray(v)) {
          this.word(TAG_ARRAY);
          this.word(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
        } else {
          this.word(TAG_OBJECT);
          const o = v as Record<string, unknown>;
          for (const key in o) {
            const x = o[key];
            if (x === undefined) continue;
            this.chars(key);
            this.value(x);
          }
          this.word(TAG_END);
        }
        return;
      default:
        // undefined, functions: JSON has no such values.
        this.word(TAG_OTHER);
    }
  }

  /**
   * A string two UTF-16 units per step, then its length (so "ab","c" differs from "a","bc").
   * The same mixing as {@link word}, with the lanes in locals: strings are most of a trace's words.
   */
  private chars(s: string): void {
    const n = s.length;
    let h1 = this.h1;
    let h2 = this.h2;
    // Words: the units two by two (the last one alone when n is odd), then the length.
    const units = (n + 1) >> 1;
    for (let w = 0; w <= units; w++) {
      const i = w * 2;
      const input = w === units ? n ^ TAG_LENGTH : i + 1 < n ? s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16) : s.charCodeAt(i);
      let k = Math.imul(input, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h1 ^= k;
      h1 = (h1 << 13) | (h1 >>> 19);
      h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
      h2 ^= Math.imul(k, 0x85ebca6b);
      h2 = (h2 << 17) | (h2 >>> 15);
      h2 = (Math.imul(h2, 9) + h1 + 0x52dce729) | 0;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  private word(input: number): void {
    let k = Math.imul(input, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let h1 = this.h1 ^ k;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    // The second lane takes the word differently and follows the first, so the two do not collide together.
    let h2 = this.h2 ^ Math.imul(k, 0x85ebca6b);
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + this.h1 + 0x52dce729) | 0;
  }
}

const INITIAL_STATE = '811c9dc5cbf29ce4';
const TAG_STRING = 0x5f1;
const TAG_INT = 0x5f2;
const TAG_NUMBER = 0x5f3;
const TAG_TRUE = 0x5f4;
const TAG_FALSE = 0x5f5;
const TAG_NULL = 0x5f6;
const TAG_ARRAY = 0x5f7;
const TAG_OBJECT = 0x5f8;
const TAG_END = 0x5f9;
const TAG_OTHER = 0x5fa;
const TAG_LENGTH = 0x7e000000;

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
