/**
 * "Replay in sandbox" reproduces the failing run: a criterion's recorded run, built again with
 * the same learner code, seed and fault plan, gives the same trace (hash and length) on the same
 * kind of stores as in grading; other code gives another trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealStoreProvider, createSimulation, type FaultPlan, type PgliteRuntime } from '@/simulator';
import { getNodePgliteRuntime } from '@/simulator/stores/sql/nodePgliteRuntime';
import { LESSONS, createReplay, gradeExercise, ReplayError, type CriterionReplay, type TraceSummary } from '../index';
import { traceSummary } from './rubric';

let pglite: PgliteRuntime;
beforeAll(async () => {
  pglite = await getNodePgliteRuntime({ maxIdle: 6 });
});
afterAll(async () => {
  await pglite?.close();
});
const stores = () => createRealStoreProvider({ pglite });

function filesOf(lessonId: string, exerciseId: string, side: 'starter' | 'solution'): Record<string, string> {
  const ex = LESSONS.find((l) => l.id === lessonId)!.exercises.find((e) => e.id === exerciseId)!;
  return Object.fromEntries(ex.files.map((f) => [f.name, f[side]]));
}

/** Runs a recorded run again with these files, as the sandbox does, to the end. */
async function replayRun(lessonId: string, exerciseId: string, files: Record<string, string>, replay: CriterionReplay): Promise<TraceSummary & { errors: string[] }> {
  // Through JSON, as the record goes through IndexedDB.
  const stored = JSON.parse(JSON.stringify(replay)) as CriterionReplay;
  const r = await createReplay({ lessonId, exerciseId, files, input: stored.run!.input, seed: stored.seed });
  const sim = await createSimulation({ seed: stored.seed, scenario: r.scenario, ...(stored.faultPlan ? { faultPlan: stored.faultPlan as FaultPlan } : {}), stores: stores() });
  r.attach(sim);
  try {
    await sim.runToQuiescence({ maxTime: 60_000 });
    return { ...traceSummary(sim), errors: r.errors() };
  } finally {
    await sim.dispose();
    r.dispose();
  }
}

const exercises = LESSONS.flatMap((l) => l.exercises.map((e) => ({ lesson: l.id, exercise: e.id })));

describe.each(exercises)('$lesson / $exercise', ({ lesson, exercise }) => {
  it('every failed criterion of the starter replays to the very trace it was graded on', async () => {
    const files = filesOf(lesson, exercise, 'starter');
    const report = await gradeExercise({ lessonId: lesson, exerciseId: exercise, files, stores });
    const failed = report.criteria.filter((c) => !c.passed);
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) {
      const run = c.replay?.run;
      expect(run, `${c.id} records its run`).toBeDefined();
      expect(run!.title.length).toBeGreaterThan(5);
      expect(run!.trace.events).toBeGreaterThan(0);
      const again = await replayRun(lesson, exercise, files, c.replay!);
      expect({ id: c.id, hash: again.hash, events: again.events, endTime: again.endTime }).toEqual({ id: c.id, ...run!.trace });
    }
    // The comparison can fail: the reference solution, replayed on the same runs, leaves another
    // trace on at least one of them (not on all: a projection's output is in the stores, not the trace).
    const solution = filesOf(lesson, exercise, 'solution');
    const differs: string[] = [];
    for (const c of failed) if ((await replayRun(lesson, exercise, solution, c.replay!)).hash !== c.replay!.run!.trace.hash) differs.push(c.id);
    expect(differs.length).toBeGreaterThan(0);
  });
});

describe('createReplay refuses what it cannot build, in words', () => {
  it('an unknown exercise', async () => {
    await expect(createReplay({ lessonId: 'no-such', exerciseId: 'x', files: {}, input: null, seed: 1 })).rejects.toThrow(ReplayError);
  });

  it('a record that is not this exercise’s run', async () => {
    const files = filesOf('sagas-hotel-booking', 'booking-saga', 'solution');
    await expect(createReplay({ lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files, input: { trips: 'nope' }, seed: 1 })).rejects.toThrow(/does not describe the trips/);
    const order = filesOf('event-sourced-order', 'event-sourced-order', 'solution');
    await expect(createReplay({ lessonId: 'event-sourced-order', exerciseId: 'event-sourced-order', files: order, input: { inputs: [{}] }, seed: 1 })).rejects.toThrow(/does not describe the commands/);
  });

  it('code that does not compile', async () => {
    const files = { 'saga.ts': 'export const bookingSaga = ;' };
    await expect(createReplay({ lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files, input: { trips: [] }, seed: 1 })).rejects.toThrow(/does not compile: saga.ts:1/);
  });
});

describe('a replay stepped back', () => {
  it('restarts the learner’s code, so the way forward is the same run: module variables and Math.random', async () => {
    // The starter with a module-level call counter and a random nonce in every CreateBooking: the
    // trace now depends on both, and neither is in an engine snapshot.
    const starter = filesOf('sagas-hotel-booking', 'booking-saga', 'starter');
    const files = { ...starter, 'saga.ts': 'let calls = 0;\n' + starter['saga.ts']!.replace('customer: d.customer })', 'customer: d.customer, nonce: Math.random(), call: ++calls })') };
    expect(files['saga.ts']).toContain('++calls');
    const report = await gradeExercise({ lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files, stores });
    const replay = report.criteria.find((c) => !c.passed && c.replay?.run)!.replay!;
    const r = await createReplay({ lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files, input: replay.run!.input, seed: replay.seed });
    const sim = await createSimulation({ seed: replay.seed, scenario: r.scenario, ...(replay.faultPlan ? { faultPlan: replay.faultPlan as FaultPlan } : {}), stores: stores() });
    r.attach(sim);
    try {
      // Before any saga has started: every call is still ahead.
      const snapshot = await sim.snapshot();
      await sim.runToQuiescence({ maxTime: 60_000 });
      const end = traceSummary(sim);
      expect(r.errors()).toEqual([]);

      // Back to the snapshot with the learner restarted: the very same run again.
      await sim.restore(snapshot);
      await r.restart();
      await sim.runToQuiescence({ maxTime: 60_000 });
      expect(traceSummary(sim)).toEqual(end);

      // Back with the stores only: the counter and the nonces go on, and the trace differs.
      await sim.restore(snapshot);
      await sim.runToQuiescence({ maxTime: 60_000 });
      expect(traceSummary(sim).hash).not.toBe(end.hash);
    } finally {
      await sim.dispose();
      r.dispose();
    }
  });
});
