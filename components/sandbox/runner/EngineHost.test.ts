import { describe, expect, it } from 'vitest';
import { gradeExercise, LESSONS } from '@/lessons';
import { createRealStoreProvider } from '@/simulator';
import { getNodePgliteRuntime } from '@/simulator/stores/sql/nodePgliteRuntime';
import { emptyFold, foldTrace } from '../state/foldTrace';
import type { RunConfig } from './protocol';
import { buildLearnerScenario } from './learnerScenario';
import { createPage } from './testPage';

const config = (liveActions: RunConfig['liveActions'] = []): RunConfig => ({ scenarioId: 'order-happy', seed: 1, faultPlan: { faults: [] }, liveActions });

describe('EngineHost', () => {
  it('starts a run and reports its services and the trace of its start', async () => {
    const page = createPage();
    const { result, view } = await page.send({ type: 'start', config: config() });
    expect(result).toMatchObject({ realStores: false, topology: expect.arrayContaining(['orchestrator|payment']) });
    expect((result as { services: Array<{ name: string }> }).services.map((s) => s.name)).toContain('payment');
    expect(view!.run).toBe(1);
    expect(view!.display).toBe(0);
    expect(page.trace.length).toBe(view!.traceCount);
    expect(view!.nextTime).not.toBeNull();
  });

  it('says how many of the run’s stores are ready while it starts: 0 of n first, then one by one', async () => {
    const page = createPage();
    const { result } = await page.send({ type: 'start', config: config() });
    const storeCount = (result as { services: Array<{ stores: unknown[] }> }).services.reduce((n, s) => n + s.stores.length, 0);
    expect(storeCount).toBeGreaterThan(5);
    const reports = page.progress();
    expect(reports.map((r) => r.done)).toEqual(Array.from({ length: storeCount + 1 }, (_, i) => i));
    expect(new Set(reports.map((r) => r.total))).toEqual(new Set([storeCount]));
  });

  it('plays toward a target and the page’s fold sees the saga complete', async () => {
    const page = createPage();
    await page.send({ type: 'start', config: config() });
    await page.playTo(2_000);
    const fold = foldTrace(emptyFold(), page.trace);
    expect(fold.sagas['o-1']?.status).toBe('COMPLETED');
    expect(page.trace.map((e) => e.seq)).toEqual(page.trace.map((_, i) => i));
    expect(page.view().traceCount).toBe(page.trace.length);
    expect(page.view().checkpoints?.length ?? 1).toBeGreaterThan(0);
  });

  it('steps one item, and a step back returns the trace copy to exactly where it was', async () => {
    const page = createPage();
    await page.send({ type: 'start', config: config() });
    await page.playTo(120);
    await page.send({ type: 'step' });
    const before = { count: page.trace.length, time: page.view().now, hash: page.view().traceHash };
    const { view } = await page.send({ type: 'step' });
    // One item: some (a stale timer) leave no trace, but the run moved.
    expect(view!.traceCount > before.count || view!.now > before.time).toBe(true);
    expect(view!.display).toBe(view!.now);
    const back = await page.send({ type: 'stepBack' });
    expect(back.view!.traceCount).toBe(before.count);
    expect(back.view!.display).toBe(before.time);
    expect(back.view!.traceHash).toBe(before.hash);
    expect(page.trace.length).toBe(before.count);
  });

  it('a seek back to the checkpoint a hand-applied fault took applies the fault again on the way forward', async () => {
    const page = createPage();
    await page.send({ type: 'start', config: config() });
    await page.playTo(150);
    // The fault first takes a checkpoint where it is applied, then applies itself.
    await page.send({ type: 'fault', fault: { kind: 'partition', links: [['orchestrator', 'payment']] } });
    const at = page.view().now;
    const end = await page.send({ type: 'runToEnd', maxMs: 60_000 });
    const { view } = await page.send({ type: 'seek', time: at });
    expect(view!.traceCount).toBeLessThan(end.view!.traceCount);
    const again = await page.send({ type: 'runToEnd', maxMs: 60_000 });
    expect(again.view!.traceHash).toBe(end.view!.traceHash);
    expect(page.live.map((a) => a.kind)).toEqual(['fault']);
  });

  it('replays hand-applied faults at the same point: the same trace hash', async () => {
    const page = createPage();
    await page.send({ type: 'start', config: config() });
    await page.playTo(150);
    await page.send({ type: 'fault', fault: { kind: 'partition', links: [['orchestrator', 'payment']] } });
    await page.send({ type: 'step' });
    await page.send({ type: 'fault', fault: { kind: 'heal' } });
    await page.send({ type: 'injectOrder' });
    const live = [...page.live];
    expect(live.map((a) => a.kind)).toEqual(['fault', 'fault', 'inject']);
    const first = await page.send({ type: 'runToEnd', maxMs: 60_000 });
    expect(first.result).toMatchObject({ time: expect.any(Number) });

    const again = createPage();
    await again.send({ type: 'start', config: config(live) });
    expect(again.live).toEqual(live);
    const second = await again.send({ type: 'runToEnd', maxMs: 60_000 });
    expect(second.view!.traceHash).toBe(first.view!.traceHash);
    // Replayed where they were recorded: the same actions, not sent again.
    expect(again.live).toEqual(live);
    expect(again.trace.length).toBe(page.trace.length);
  });

  it('seeks back through a checkpoint and forward again to the same place', async () => {
    const page = createPage();
    await page.send({ type: 'start', config: config() });
    const end = await page.send({ type: 'runToEnd', maxMs: 60_000 });
    const { view } = await page.send({ type: 'seek', time: 260 });
    expect(view!.now).toBe(260);
    expect(view!.display).toBe(260);
    expect(foldTrace(emptyFold(), page.trace).sagas['o-1']?.status).toBe('RUNNING');
    const back = await page.send({ type: 'runToEnd', maxMs: 60_000 });
    expect(back.view!.traceHash).toBe(end.view!.traceHash);
  });

  it('answers inspector reads next to the simulation', async () => {
    const page = createPage();
    await page.send({ type: 'start', config: config() });
    await page.send({ type: 'runToEnd', maxMs: 60_000 });
    const { result } = await page.send({ type: 'read', request: { kind: 'kvRows', service: 'inventory', storeKey: 'kv' } });
    expect((result as Array<{ key: string }>).map((r) => r.key)).toContain('inv:p1');
  });

  it('a replay of learner code with module-level state comes back to the same end after a seek back', async () => {
    // The booking saga's starter with a call counter at module level in each CreateBooking: the
    // trace depends on it, and it lives in QuickJS, outside any engine snapshot.
    const exercise = LESSONS.find((l) => l.id === 'sagas-hotel-booking')!.exercises.find((e) => e.id === 'booking-saga')!;
    const starter = Object.fromEntries(exercise.files.map((f) => [f.name, f.starter]));
    const files = { ...starter, 'saga.ts': 'let calls = 0;\n' + starter['saga.ts']!.replace('customer: d.customer })', 'customer: d.customer, call: ++calls })') };
    expect(files['saga.ts']).toContain('++calls');
    // The exercise's services use SQL: grading and the run both get PostgreSQL.
    const pglite = await getNodePgliteRuntime({ maxIdle: 2 });
    const stores = () => createRealStoreProvider({ pglite });
    try {
      const report = await gradeExercise({ lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files, stores });
      const failed = report.criteria.find((c) => !c.passed && c.replay?.run)!.replay!;
      const page = createPage({ buildLearnerScenario, createStores: async () => ({ provider: stores(), real: true }) });
      const learner = { lessonId: 'sagas-hotel-booking', exerciseId: 'booking-saga', files, input: failed.run!.input };
      const started = await page.send({ type: 'start', config: { ...config(), scenarioId: 'hotel-happy', seed: failed.seed }, learner });
      const firstCount = started.view!.traceCount;
      // Midway, a fault by hand: a checkpoint in the middle of the run, and a live action to replay.
      await page.send({ type: 'seek', time: 60 });
      await page.send({ type: 'fault', fault: { kind: 'heal' } });
      const end = await page.send({ type: 'runToEnd', maxMs: 60_000 });
      expect(end.view!.learnerErrors ?? []).toEqual([]);
      // Back past the middle checkpoint, to the start, and by one step: each time the way
      // forward is the very same run.
      for (const back of [{ type: 'seek', time: 100 }, { type: 'seek', time: 0 }, { type: 'stepBack' }] as const) {
        const { view } = await page.send(back);
        expect(view!.traceCount).toBeLessThan(end.view!.traceCount);
        // A step back lands on a checkpoint after the run's first (the fault's at the latest), not on the start.
        if (back.type === 'stepBack') expect(view!.traceCount).toBeGreaterThan(firstCount);
        const again = await page.send({ type: 'runToEnd', maxMs: 60_000 });
        expect(again.view!.traceCount).toBe(end.view!.traceCount);
        expect(again.view!.traceHash).toBe(end.view!.traceHash);
      }
      await page.send({ type: 'dispose' });
    } finally {
      await pglite.close();
    }
  });
});
