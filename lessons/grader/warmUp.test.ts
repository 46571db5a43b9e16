/**
 * The grading worker warms the engine up before the first grade. That must change nothing but
 * the time: a grade after the warm-up gives the same report, trace hashes included, as before it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRealStoreProvider, type PgliteRuntime } from '@/simulator';
import { getNodePgliteRuntime } from '@/simulator/stores/sql/nodePgliteRuntime';
import { LESSONS, gradeExercise, warmUpGrader } from '../index';

let pglite: PgliteRuntime;
beforeAll(async () => {
  pglite = await getNodePgliteRuntime();
});
afterAll(async () => {
  await pglite?.close();
});

const stores = () => createRealStoreProvider({ pglite });

it('runs its steps on the real stores, gives the instance back, and a grade after it reports exactly what it reported before', async () => {
  for (const lesson of LESSONS) {
    for (const ex of lesson.exercises) {
      const files = Object.fromEntries(ex.files.map((f) => [f.name, f.starter]));
      const before = await gradeExercise({ lessonId: lesson.id, exerciseId: ex.id, files, stores });
      const report = await warmUpGrader({ stores, budgetMs: 60_000 });
      expect(report.steps.map((s) => s.step)).toEqual(['sandbox', 'simulation', 'simulation with faults']);
      expect(report.steps.filter((s) => s.error)).toEqual([]);
      expect(report.stopped).toBeUndefined();
      // The simulations' PostgreSQL schemas are gone and the instance is back in the pool.
      expect(pglite.stats().idle).toBeGreaterThan(0);
      const after = await gradeExercise({ lessonId: lesson.id, exerciseId: ex.id, files, stores });
      expect(after).toEqual(before);
      // The starter fails some criteria: their recorded runs (trace hashes) are compared too.
      expect(after.criteria.some((c) => c.replay?.run?.trace.hash)).toBe(true);
    }
  }
});

it('yields at once to a waiting request', async () => {
  const report = await warmUpGrader({ stores, shouldStop: () => true });
  expect(report).toEqual({ steps: [], stopped: 'request' });
});
