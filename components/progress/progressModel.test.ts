import { describe, expect, it } from 'vitest';
import {
  chapterProgress,
  lessonProgress,
  mergeCode,
  mergeProgress,
  planImport,
  recordAttempt,
  type CodeRecord,
  type ProgressRecord,
} from './progressModel';

const rec = (over: Partial<ProgressRecord> = {}): ProgressRecord => ({
  lessonId: 'l1',
  exerciseId: 'e1',
  bestScore: 5,
  lastScore: 5,
  max: 10,
  lastAttemptAt: 1000,
  attempts: 1,
  ...over,
});
const code = (over: Partial<CodeRecord> = {}): CodeRecord => ({
  lessonId: 'l1',
  exerciseId: 'e1',
  file: 'saga.ts',
  content: 'a',
  updatedAt: 1000,
  ...over,
});

describe('recordAttempt', () => {
  it('starts a record on the first attempt', () => {
    expect(recordAttempt(undefined, { lessonId: 'l1', exerciseId: 'e1', score: 4, max: 10, at: 7 })).toEqual(
      rec({ bestScore: 4, lastScore: 4, lastAttemptAt: 7 }),
    );
  });
  it('keeps the best score when a later attempt does worse', () => {
    const r = recordAttempt(rec({ bestScore: 8 }), { lessonId: 'l1', exerciseId: 'e1', score: 3, max: 10, at: 2000 });
    expect(r).toMatchObject({ bestScore: 8, lastScore: 3, lastAttemptAt: 2000, attempts: 2 });
  });
});

describe('mergeProgress', () => {
  it('takes the incoming record when there is none locally', () => {
    expect(mergeProgress(undefined, rec())).toEqual(rec());
  });
  it('keeps the higher best score and the later last attempt', () => {
    const local = rec({ bestScore: 9, lastScore: 2, lastAttemptAt: 5000, attempts: 4 });
    const incoming = rec({ bestScore: 7, lastScore: 7, lastAttemptAt: 3000, attempts: 2 });
    expect(mergeProgress(local, incoming)).toEqual(local);
    expect(mergeProgress(incoming, local)).toEqual({ ...local });
  });
  it('is idempotent: importing the same record twice changes nothing', () => {
    const once = mergeProgress(rec({ attempts: 3 }), rec({ attempts: 3 }));
    expect(mergeProgress(once, rec({ attempts: 3 }))).toEqual(once);
  });
});

describe('mergeCode', () => {
  it('lets the newer edit win and keeps local text on a tie', () => {
    const local = code({ content: 'local', updatedAt: 10 });
    expect(mergeCode(local, code({ content: 'newer', updatedAt: 11 })).content).toBe('newer');
    expect(mergeCode(local, code({ content: 'older', updatedAt: 9 })).content).toBe('local');
    expect(mergeCode(local, code({ content: 'tie', updatedAt: 10 })).content).toBe('local');
  });
});

describe('planImport', () => {
  it('writes only records that change something', () => {
    const local = { progress: [rec()], code: [code({ updatedAt: 50 })] };
    const plan = planImport(local, {
      progress: [rec(), rec({ exerciseId: 'e2', bestScore: 1, lastScore: 1 })],
      code: [code({ updatedAt: 10, content: 'old' }), code({ file: 'b.ts' })],
    });
    expect(plan.changed).toEqual({ progress: 1, code: 1 });
    expect(plan.progress[0]!.exerciseId).toBe('e2');
    expect(plan.code[0]!.file).toBe('b.ts');
  });
});

describe('lessonProgress / chapterProgress', () => {
  const lessons = [
    { id: 'l1', chapter: 3, exercises: [{ id: 'e1', max: 10 }, { id: 'e2', max: 20 }] },
    { id: 'l2', chapter: 3, exercises: [{ id: 'e1', max: 10 }] },
    { id: 'l3', chapter: 4, exercises: [{ id: 'e1', max: 10 }] },
  ];
  it('sums best scores, capped at each maximum', () => {
    expect(lessonProgress(lessons[0]!, [rec({ bestScore: 10 }), rec({ exerciseId: 'e2', bestScore: 25, max: 30 })])).toEqual({
      earned: 30,
      max: 30,
      attempted: 2,
      completed: 2,
      exercises: 2,
    });
  });
  it('phrases a chapter in points and says nothing for an untouched chapter', () => {
    expect(chapterProgress(3, lessons, [rec({ bestScore: 7.5 })])).toEqual({ value: 7.5, max: 40, label: '7.5 / 40 points' });
    expect(chapterProgress(4, lessons, [rec()])).toBeUndefined();
    expect(chapterProgress(1, lessons, [rec()])).toBeUndefined();
  });
});
