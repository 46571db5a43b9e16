import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealStoreProvider, TRIP_STORIES, type FaultPlan, type PgliteRuntime } from '@/simulator';
import { getNodePgliteRuntime } from '@/simulator/stores/sql/nodePgliteRuntime';
import { LESSONS } from '@/lessons';
import { replayLink, saveReplays, type ReplayRecord } from './replayRecords';
import { ReplaySession } from './replaySession';
import { buildLearnerScenario } from '../runner/learnerScenario';
import { createPage } from '../runner/testPage';

const exercise = LESSONS.find((l) => l.id === 'sagas-hotel-booking')!.exercises.find((e) => e.id === 'booking-saga')!;
const solution = exercise.files.find((f) => f.name === 'saga.ts')!.solution;
const plan: FaultPlan = { faults: [{ at: 45, action: { kind: 'crash', service: 'orchestrator' } }, { at: 600, action: { kind: 'restart', service: 'orchestrator' } }] };

function record(id: string, files: Record<string, string>): ReplayRecord {
  return {
    id,
    lessonId: 'sagas-hotel-booking',
    exerciseId: 'booking-saga',
    exerciseTitle: exercise.title,
    criterionId: 'crash-recovery',
    criterionTitle: 'An orchestrator crash mid-saga is recovered',
    explanation: 'Alice was not booked.',
    files,
    seed: 3,
    faultPlan: plan,
    run: { title: "Alice's trip b-1", input: { trips: [TRIP_STORIES.happy] } as never, trace: { hash: 'x', events: 1, endTime: 0 } },
    savedAt: 1,
  };
}

// The hotel scenario runs on real stores (PGlite), as in the page.
let pglite: PgliteRuntime;
beforeAll(async () => {
  pglite = await getNodePgliteRuntime({ maxIdle: 6 });
});
afterAll(async () => {
  await pglite?.close();
});

const search = (r: ReplayRecord) => new URL(replayLink(r), 'http://x').search;

describe('the sandbox’s replay session', () => {
  it('opens the graded run from its link and builds the scenario with the learner’s code in it', async () => {
    // The learner's ReserveRoom payload throws: if the replay ran the reference saga, nothing would.
    const broken = solution.replace(/payload: \(d\) => \(\{ bookingId: d\.bookingId, hotelId: d\.hotelId \}\)/, "payload: (d) => { throw new Error('my bug in ReserveRoom') }");
    expect(broken).not.toBe(solution);
    const rec = record('crash-recovery-1', { 'saga.ts': broken });
    await saveReplays([rec]);

    const session = new ReplaySession();
    const run = await session.begin(search(rec));
    expect(run).toEqual({ scenarioId: 'replay:crash-recovery-1', seed: 3, faultPlan: plan });
    expect(session.store.getState()).toMatchObject({ status: 'loading', record: { id: 'crash-recovery-1' } });
    expect(session.isGradedRun(run!)).toBe(true);
    expect(session.isGradedRun({ ...run!, seed: 4 })).toBe(false);

    const config = { ...run!, liveActions: [] };
    const code = session.learnerCode(config);
    expect(code).toEqual({ lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files: { 'saga.ts': broken }, input: rec.run.input });
    expect(session.store.getState().status).toBe('building');

    // The engine thread builds the scenario from that code and runs it on real stores.
    const page = createPage({ createStores: async () => ({ provider: createRealStoreProvider({ pglite }), real: true }), buildLearnerScenario });
    const started = await page.send({ type: 'start', config, learner: code! });
    session.settle({ status: 'ready' });
    expect(session.store.getState().status).toBe('ready');
    expect((started.result as { services: Array<{ name: string }> }).services.map((s) => s.name)).toEqual(expect.arrayContaining(['booking', 'hotel', 'car', 'payment', 'orchestrator']));
    await page.send({ type: 'runToEnd', maxMs: 60_000 });
    expect(page.learnerErrors().join('\n')).toMatch(/my bug in ReserveRoom/);
    await page.send({ type: 'dispose' });
  });

  it('catalogue ids are not its business; a link without a replay is no replay', async () => {
    const session = new ReplaySession();
    expect(await session.begin('?scenario=hotel-happy&seed=2')).toBeNull();
    expect(session.store.getState().status).toBe('none');
    expect(session.learnerCode({ scenarioId: 'hotel-happy', seed: 1, faultPlan: { faults: [] }, liveActions: [] })).toBeNull();
  });

  it('a link whose record is not in this browser says so, and builds nothing', async () => {
    const session = new ReplaySession();
    const rec = record('never-saved', { 'saga.ts': solution });
    expect(await session.begin(search(rec))).toBeNull();
    expect(session.store.getState()).toMatchObject({ status: 'missing', request: { key: 'never-saved', exerciseId: 'booking-saga', criterionId: 'crash-recovery', seed: 3 } });
    expect(() => session.learnerCode({ scenarioId: 'replay:never-saved', seed: 3, faultPlan: { faults: [] }, liveActions: [] })).toThrow(/not available/);
  });

  it('code that cannot be set up is an error in words, not a blank run', async () => {
    const rec = record('bad-code', { 'saga.ts': 'export const bookingSaga = { name: "x", steps: "nope" };' });
    await saveReplays([rec]);
    const session = new ReplaySession();
    const run = await session.begin(search(rec));
    const config = { ...run!, liveActions: [] };
    const page = createPage({ buildLearnerScenario });
    await expect(page.send({ type: 'start', config, learner: session.learnerCode(config)! })).rejects.toThrow(/could not be set up.*steps|steps.*could not be set up/s);
    session.settle({ status: 'error', message: 'The simulation could not start: steps' });
    expect(session.store.getState()).toMatchObject({ status: 'error', message: expect.stringMatching(/steps/) });
  });
});
