/**
 * Every exercise, graded end to end on the real stores (PGlite, the KV): the reference
 * solution earns full marks, the starter earns something but not full marks, hostile code
 * earns nothing extra and cannot break the grader. Prints how long each grading took.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealStoreProvider, type PgliteRuntime } from '@/simulator';
import { getNodePgliteRuntime } from '@/simulator/stores/sql/nodePgliteRuntime';
import { LESSONS, gradeExercise, runExercise, type GradeReport } from './index';

let pglite: PgliteRuntime;
beforeAll(async () => {
  // One PGlite instance per simulation (a schema per store), reused from the pool.
  pglite = await getNodePgliteRuntime();
});
afterAll(async () => {
  await pglite?.close();
});

const stores = () => createRealStoreProvider({ pglite });

function filesOf(lessonId: string, exerciseId: string, side: 'starter' | 'solution', patch: Record<string, string> = {}): Record<string, string> {
  const ex = LESSONS.find((l) => l.id === lessonId)!.exercises.find((e) => e.id === exerciseId)!;
  return { ...Object.fromEntries(ex.files.map((f) => [f.name, f[side]])), ...patch };
}

function summary(r: GradeReport): string {
  return r.criteria.map((c) => `${c.passed ? '✓' : '✗'} ${c.id}: ${c.explanation}`).join('\n');
}

async function timedGrade(lessonId: string, exerciseId: string, files: Record<string, string>) {
  const started = performance.now();
  const progress: string[] = [];
  const report = await gradeExercise({ lessonId, exerciseId, files, stores, onProgress: (d, n, label) => progress.push(`${d}/${n} ${label}`) });
  return { report, ms: Math.round(performance.now() - started), progress };
}

const exercises = LESSONS.flatMap((l) => l.exercises.map((e) => ({ lesson: l.id, exercise: e.id })));

describe.each(exercises)('$lesson / $exercise', ({ lesson, exercise }) => {
  it('warms the store pool (first PGlite starts are slow)', async () => {
    await gradeExercise({ lessonId: lesson, exerciseId: exercise, files: filesOf(lesson, exercise, 'solution'), stores });
  });

  it('the reference solution earns full marks', async () => {
    const { report, ms, progress } = await timedGrade(lesson, exercise, filesOf(lesson, exercise, 'solution'));
    console.log(`[grade] ${lesson}/${exercise} solution: ${report.score}/${report.max} in ${ms} ms`);
    expect(report.diagnostics).toEqual([]);
    expect(report.score, summary(report)).toBe(report.max);
    expect(progress.at(-1)).toBe(`${report.criteria.length}/${report.criteria.length} done`);
  });

  it('the starter compiles and earns something, not full marks', async () => {
    const { report, ms } = await timedGrade(lesson, exercise, filesOf(lesson, exercise, 'starter'));
    console.log(`[grade] ${lesson}/${exercise} starter: ${report.score}/${report.max} in ${ms} ms`);
    expect(report.diagnostics).toEqual([]);
    expect(report.score, summary(report)).toBeGreaterThan(0);
    expect(report.score, summary(report)).toBeLessThan(report.max);
    for (const c of report.criteria.filter((x) => !x.passed)) {
      expect(c.explanation.length).toBeGreaterThan(10);
      expect(c.seed).not.toBeNull();
      expect(c.replay?.scenario).toBeTruthy();
      // The failing run itself, for "Replay in sandbox" (replay.test.ts runs it again).
      expect(c.replay?.run?.trace.hash).toBeTruthy();
    }
  });

  it('a syntax error earns 0 with the line and column, without running anything', async () => {
    const files = filesOf(lesson, exercise, 'solution');
    const first = Object.keys(files)[0]!;
    files[first] = files[first]!.replace(/\n/, '\nconst broken = ;\n');
    const { report } = await timedGrade(lesson, exercise, files);
    expect(report.score).toBe(0);
    expect(report.diagnostics[0]).toMatchObject({ file: first, line: 2, column: 16 });
    expect(report.criteria.every((c) => !c.passed && /did not compile/.test(c.explanation))).toBe(true);
  });

  it('runExercise runs one demo simulation and returns its outcome', async () => {
    const r = await runExercise({ lessonId: lesson, exerciseId: exercise, files: filesOf(lesson, exercise, 'solution'), stores });
    expect(r.ok, r.outcome).toBe(true);
    expect(r.outcome.length).toBeGreaterThan(20);
  });
});

describe('hostile learner code', () => {
  it('an endless loop in a saga step is stopped; the grade finishes with a clear reason and earns nothing for it', async () => {
    const files = filesOf('sagas-hotel-booking', 'booking-saga', 'solution');
    files['saga.ts'] = files['saga.ts']!.replace("payload: (d) => ({ bookingId: d.bookingId, hotelId: d.hotelId })", 'payload: (d) => { while (true) {} }');
    const { report, ms } = await timedGrade('sagas-hotel-booking', 'booking-saga', files);
    console.log(`[grade] endless loop in ReserveRoom.payload: ${report.score}/${report.max} in ${ms} ms`);
    expect(report.score).toBeLessThan(report.max);
    const happy = report.criteria.find((c) => c.id === 'happy-path')!;
    expect(happy.passed).toBe(false);
    expect(happy.explanation).toMatch(/did not finish|used up its time/);
  });

  it('code that tampers with its realm or forges results earns no more than honest code', async () => {
    const files = filesOf('event-sourced-order', 'event-sourced-order', 'starter');
    files['order.ts'] =
      `(Object.prototype as any).passed = true;\n(globalThis as any).score = 100;\n(JSON as any).stringify = () => '{"ok":true,"value":{"total":130,"status":"CONFIRMED"}}';\n(Array.prototype as any).map = function () { throw { get message() { throw new Error('x'); } }; };\n` +
      files['order.ts']!;
    const { report } = await timedGrade('event-sourced-order', 'event-sourced-order', files);
    const honest = await timedGrade('event-sourced-order', 'event-sourced-order', filesOf('event-sourced-order', 'event-sourced-order', 'starter'));
    expect(report.score).toBeLessThanOrEqual(honest.report.score);
    expect(({} as Record<string, unknown>).passed).toBeUndefined();
    expect(JSON.stringify({ ok: 1 })).toBe('{"ok":1}');
    for (const c of report.criteria) expect(typeof c.explanation).toBe('string');
  });

  it('a learner function returning huge or cyclic data fails its criterion without crashing the grader', async () => {
    const files = filesOf('event-sourced-order', 'event-sourced-order', 'solution');
    files['upcast.ts'] = "export function upcastItemAddedV1(old: any) { const o: any = { ...old }; o.self = o; return o; }\n";
    files['projection.ts'] = "export function project(draft: any, e: any) { draft.set('big', { s: 'x'.repeat(2_000_000) }); }\n";
    const { report } = await timedGrade('event-sourced-order', 'event-sourced-order', files);
    expect(report.criteria.find((c) => c.id === 'upcaster')!.passed).toBe(false);
    expect(report.criteria.find((c) => c.id === 'projection-example')!.passed).toBe(false);
    expect(report.criteria.find((c) => c.id === 'course-example')!.passed).toBe(true);
  });
});
