import { describe, expect, it } from 'vitest';
import { createMemoryStoreProvider } from '@/simulator';
import type { Exercise } from '../types';
import { runRubric, type ExerciseChecks } from './rubric';

const exercise: Exercise = {
  id: 'fake',
  title: 'Fake',
  brief: '',
  files: [{ name: 'main.ts', starter: '', solution: '' }],
  apiDeclarations: '',
  hints: [],
  criteria: [
    { id: 'doubles', title: 'Doubles a number', points: 30 },
    { id: 'throws-nothing', title: 'Never throws', points: 20 },
    { id: 'no-check', title: 'Has no check', points: 5 },
  ],
};

const checks: ExerciseChecks = {
  checks: {
    async doubles(ctx) {
      const sb = await ctx.sandbox();
      const v = sb.call('main.ts', ['double'], [21]);
      return v === 42 ? { passed: true, explanation: 'double(21) is 42' } : { passed: false, explanation: `double(21) returned ${JSON.stringify(v)}`, seed: 9, scenario: 'hotel-happy' };
    },
    async 'throws-nothing'(ctx) {
      const sb = await ctx.sandbox();
      sb.call('main.ts', ['risky'], []); // a learner error escapes the check: the rubric engine turns it into a failure
      return { passed: true, explanation: 'fine' };
    },
  },
  async demo() {
    return { ok: true, outcome: 'demo' };
  },
  async replay() {
    throw new Error('not replayable');
  },
};

const stores = () => createMemoryStoreProvider();

describe('the rubric engine', () => {
  it('runs each criterion’s check, awards points, and reports progress', async () => {
    const progress: string[] = [];
    const r = await runRubric({
      exercise,
      checks,
      files: { 'main.ts': "export const double = (n: number) => n * 2;\nexport function risky() {\n  console.log('about to fail');\n  throw new Error('oops');\n}\n" },
      stores,
      onProgress: (d, n, l) => progress.push(`${d}/${n} ${l}`),
    });
    expect(r.criteria.map((c) => [c.id, c.earned, c.passed])).toEqual([
      ['doubles', 30, true],
      ['throws-nothing', 0, false],
      ['no-check', 0, false],
    ]);
    expect(r.criteria[1]!.explanation).toBe('your code threw: main.ts:4: oops');
    expect(r.criteria[2]!.explanation).toMatch(/no check is defined for criterion "no-check"/);
    expect(r.console).toEqual([{ time: null, level: 'log', text: 'about to fail' }]);
    expect(progress).toEqual(['0/3 Doubles a number', '1/3 Never throws', '2/3 Has no check', '3/3 done']);
  });

  it('a failure carries the seed, the scenario and the replay', async () => {
    const r = await runRubric({ exercise, checks, files: { 'main.ts': 'export const double = (n: number) => n + 2;\nexport const risky = () => 1;\n' }, stores });
    expect(r.criteria[0]).toMatchObject({ passed: false, earned: 0, seed: 9, replay: { scenario: 'hotel-happy', seed: 9 }, explanation: 'double(21) returned 23' });
    expect(r.criteria[1]).toMatchObject({ passed: true, earned: 20 });
  });

  it('a compile error earns nothing, once, with line and column', async () => {
    const r = await runRubric({ exercise, checks, files: { 'main.ts': 'export const double = (n: number) =>;\n' }, stores });
    expect(r.diagnostics).toEqual([{ file: 'main.ts', line: 1, column: 35, message: expect.stringMatching(/^Unexpected token/) }]);
    expect(r.criteria.every((c) => c.earned === 0 && c.explanation.startsWith('The code did not compile: main.ts:1:35'))).toBe(true);
  });

  it('learner code cannot change its score: results are copied as primitives and checks decide', async () => {
    const r = await runRubric({
      exercise,
      checks,
      files: {
        'main.ts':
          "(globalThis as any).passed = true; (Object.prototype as any).earned = 30;\nexport const double = () => ({ passed: true, earned: 999, explanation: 'trust me' });\nexport const risky = () => { throw { name: 'Error', get message() { return 'x'.repeat(10); } }; };\n",
      },
      stores,
    });
    expect(r.criteria.map((c) => c.earned)).toEqual([0, 0, 0]);
    expect(r.criteria[0]!.explanation).toMatch(/^double\(21\) returned \{"passed":true/);
  });

  it('an endless loop at load time earns nothing and says why', async () => {
    const started = Date.now();
    const r = await runRubric({ exercise, checks, files: { 'main.ts': 'while (true) {}\n' }, stores });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.criteria.every((c) => c.earned === 0 && /did not finish/.test(c.explanation))).toBe(true);
  });
});
