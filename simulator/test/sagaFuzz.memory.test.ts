import { describe, expect, it } from 'vitest';
import { createMemoryStoreProvider } from '../stores/memoryProvider';
import { describeFailure, fuzzOnce } from './fuzzOrderSaga';

/** Seeds that once failed, kept forever as regression tests. */
const PINNED: number[] = [];

describe('order saga under random faults (memory stores, both styles)', () => {
  const seeds = [...PINNED, ...Array.from({ length: 60 }, (_, i) => 1000 + i)];
  for (const style of ['orchestration', 'choreography'] as const) {
    it(`${seeds.length} seeded fault plans keep every invariant (${style})`, async () => {
      const provider = createMemoryStoreProvider();
      for (const seed of seeds) {
        const r = await fuzzOnce(seed, style, provider);
        if (!r.report.ok || !r.quiescent) expect.fail(describeFailure(r));
      }
      expect(seeds.length).toBeGreaterThan(0);
    });
  }
});
