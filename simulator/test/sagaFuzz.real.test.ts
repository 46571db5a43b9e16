import { beforeAll, describe, expect, it } from 'vitest';
import { createRealStoreProvider } from '../stores/realProvider';
import { getNodePgliteRuntime } from '../stores/sql/nodePgliteRuntime';
import type { PgliteRuntime } from '../stores/sql/pgliteRuntime';
import { describeFailure, fuzzOnce } from './fuzzOrderSaga';

/** Seeds that once failed, kept as regression tests (none yet on real stores). */
const PINNED: number[] = [];

let pglite: PgliteRuntime;
beforeAll(async () => {
  pglite = await getNodePgliteRuntime();
});

/**
 * 200 random fault plans over the order saga on the real engines (PGlite for SQL and the
 * event store, Dexie on fake-indexeddb, the KV, the search index): 100 per saga style.
 * Invariants: no oversell, money conserved, every saga ends COMPLETED/COMPENSATED/STUCK
 * (never left running), read models equal their rebuild from the log.
 */
describe('order saga under random faults on real stores', () => {
  for (const style of ['orchestration', 'choreography'] as const) {
    it(`100 seeded fault plans keep every invariant (${style})`, async () => {
      const seeds = [...PINNED, ...Array.from({ length: 100 }, (_, i) => 5000 + i)];
      const stores = createRealStoreProvider({ pglite });
      let runs = 0;
      for (const seed of seeds) {
        const r = await fuzzOnce(seed, style, stores, 3);
        runs++;
        if (!r.report.ok || !r.quiescent) expect.fail(describeFailure(r));
      }
      expect(runs).toBe(seeds.length);
    }, 600_000);
  }
});
