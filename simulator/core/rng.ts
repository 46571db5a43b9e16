/**
 * A seeded pseudo-random generator (sfc32, seeded through splitmix32).
 * One instance belongs to one simulation; its state is four 32-bit words,
 * so it snapshots and restores exactly.
 */
export type RngState = readonly [number, number, number, number];

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  state(): RngState;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Seeds from a number or a string (strings are hashed with FNV-1a). */
export function seedToState(seed: number | string): RngState {
  let n: number;
  if (typeof seed === 'string') {
    n = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) n = Math.imul(n ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  } else {
    n = seed >>> 0;
  }
  const sm = splitmix32(n);
  return [sm(), sm(), sm(), sm()];
}

export function createRng(seedOrState: number | string | RngState): Rng {
  const restoring = Array.isArray(seedOrState);
  // The four words live in a typed array: as plain variables, every word ≥ 2^31 would be a
  // fresh heap number on each draw (the network draws five per message).
  const w = Uint32Array.from(restoring ? (seedOrState as RngState) : seedToState(seedOrState as number | string));
  const nextU32 = (): number => {
    const a = w[0]!, b = w[1]!, c = w[2]!, d = w[3]!;
    const t = (((a + b) >>> 0) + d) >>> 0;
    w[3] = d + 1;
    w[0] = b ^ (b >>> 9);
    w[1] = c + (c << 3);
    const c2 = (c << 21) | (c >>> 11);
    w[2] = c2 + t;
    return t;
  };
  // Discard the first outputs after seeding (sfc32 mixes poorly at first); a restored state is already mixed.
  if (!restoring) for (let i = 0; i < 12; i++) nextU32();
  const rng: Rng = {
    next: () => nextU32() / 4294967296,
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    chance: (p) => p > 0 && rng.next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(rng.next() * items.length)]!;
    },
    state: () => [w[0]!, w[1]!, w[2]!, w[3]!],
  };
  return rng;
}
