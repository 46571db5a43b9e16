import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SCENARIO_CATALOGUE } from '@/simulator';
import { EXERCISE_CHECKS } from '../registry';
import { LessonContentError, loadLessons, validateChecks } from './loadLessons';
import { parseLessonText } from './parseLesson';

const lessonsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scenarios = SCENARIO_CATALOGUE.map((s) => s.id);

describe('the real lesson folders', () => {
  it('load, validate, and match the registry of checks', () => {
    const lessons = loadLessons(lessonsDir, { scenarios });
    expect(lessons.map((l) => l.id)).toEqual(['sagas-hotel-booking', 'event-sourced-order']);
    expect(lessons.map((l) => l.chapter)).toEqual([3, 4]);
    const [l1, l2] = lessons;
    expect(l1!.blocks.filter((b) => b.kind === 'sandbox').map((b) => (b as { scenario: string }).scenario)).toEqual(['hotel-happy', 'order-choreography', 'hotel-no-room', 'hotel-payment-declined']);
    expect(l1!.exercises[0]!.files.map((f) => f.name)).toEqual(['saga.ts']);
    expect(l2!.exercises[0]!.files.map((f) => f.name)).toEqual(['order.ts', 'projection.ts', 'upcast.ts']);
    expect(l2!.blocks.some((b) => b.kind === 'sandbox' && b.scenario === 'order-orchestrated')).toBe(true);
    for (const l of lessons) for (const ex of l.exercises) expect(ex.criteria.reduce((s, c) => s + c.points, 0)).toBe(100);
    expect(() => validateChecks(lessons, EXERCISE_CHECKS)).not.toThrow();
  });
});

// ---- broken fixtures: a valid minimal lesson, each copy broken in exactly one way.
let tmp: string[] = [];
afterEach(() => {
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  tmp = [];
});

const LESSON_MD = `---\ntitle: A lesson\nchapter: 3\nsummary: Short.\n---\n\nText.\n\n::sandbox[hotel-happy]{caption="Look"}\n\n::exercise[ex-one]\n`;
const EXERCISE = { title: 'Ex', brief: 'Do it.', hints: ['h'], criteria: [{ id: 'works', title: 'It works', points: 10 }], sandboxScenario: 'hotel-happy' };

function fixture(mutate: (root: string, lesson: string, ex: string) => void): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lessons-'));
  tmp.push(root);
  const lesson = path.join(root, 'lessons', '01-a-lesson');
  const ex = path.join(lesson, 'exercises', 'ex-one');
  fs.mkdirSync(path.join(ex, 'starter'), { recursive: true });
  fs.mkdirSync(path.join(ex, 'solution'), { recursive: true });
  fs.writeFileSync(path.join(lesson, 'lesson.md'), LESSON_MD);
  fs.writeFileSync(path.join(ex, 'exercise.json'), JSON.stringify(EXERCISE));
  fs.writeFileSync(path.join(ex, 'api.d.ts'), 'export {};\n');
  fs.writeFileSync(path.join(ex, 'checks.ts'), 'export {};\n');
  fs.writeFileSync(path.join(ex, 'starter', 'main.ts'), 'export const x = 1;\n');
  fs.writeFileSync(path.join(ex, 'solution', 'main.ts'), 'export const x = 2;\n');
  mutate(root, lesson, ex);
  return path.join(root, 'lessons');
}

function errorOf(dir: string): LessonContentError {
  try {
    loadLessons(dir, { scenarios });
  } catch (e) {
    expect(e).toBeInstanceOf(LessonContentError);
    return e as LessonContentError;
  }
  throw new Error('expected the loader to throw');
}

const editJson = (ex: string, fn: (j: typeof EXERCISE & Record<string, unknown>) => void) => {
  const j = JSON.parse(fs.readFileSync(path.join(ex, 'exercise.json'), 'utf8'));
  fn(j);
  fs.writeFileSync(path.join(ex, 'exercise.json'), JSON.stringify(j));
};

describe('the loader rejects broken content with a message naming the file', () => {
  it('accepts the unbroken fixture', () => {
    const lessons = loadLessons(fixture(() => {}), { scenarios });
    expect(lessons[0]).toMatchObject({ id: 'a-lesson', order: 1, title: 'A lesson', chapter: 3 });
    expect(lessons[0]!.exercises[0]!.files[0]).toMatchObject({ name: 'main.ts', starter: 'export const x = 1;\n', solution: 'export const x = 2;\n' });
  });

  const cases: Array<[string, (root: string, lesson: string, ex: string) => void, RegExp]> = [
    ['missing lesson.md', (_r, l) => fs.rmSync(path.join(l, 'lesson.md')), /^lessons\/01-a-lesson\/lesson\.md: is missing\.$/],
    ['missing exercise.json', (_r, _l, ex) => fs.rmSync(path.join(ex, 'exercise.json')), /exercises\/ex-one\/exercise\.json: is missing/],
    ['missing api.d.ts', (_r, _l, ex) => fs.rmSync(path.join(ex, 'api.d.ts')), /ex-one\/api\.d\.ts: is missing/],
    ['missing checks.ts', (_r, _l, ex) => fs.rmSync(path.join(ex, 'checks.ts')), /ex-one\/checks\.ts: is missing/],
    ['missing solution/', (_r, _l, ex) => fs.rmSync(path.join(ex, 'solution'), { recursive: true }), /ex-one\/solution: is missing/],
    ['starter and solution file sets differ', (_r, _l, ex) => fs.writeFileSync(path.join(ex, 'solution', 'extra.ts'), ''), /ex-one: starter\/ and solution\/ must hold the same files \(extra\.ts only in solution\/\)/],
    ['invalid JSON', (_r, _l, ex) => fs.writeFileSync(path.join(ex, 'exercise.json'), '{ "title": '), /ex-one\/exercise\.json: is not valid JSON/],
    ['unknown exercise id in the text', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD + '\n::exercise[ex-two]\n'), /lesson\.md: ::exercise\[ex-two\] names no exercise of this lesson/],
    ['an exercise never placed in the text', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD.replace('::exercise[ex-one]', '')), /lesson\.md: exercise "ex-one" is never placed in the text/],
    ['unknown scenario in the text', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD.replace('hotel-happy', 'hotel-nope')), /lesson\.md: ::sandbox\[hotel-nope\] is not a known scenario/],
    ['unknown sandboxScenario', (_r, _l, ex) => editJson(ex, (j) => (j.sandboxScenario = 'nope')), /exercise\.json: sandboxScenario "nope" is not a known scenario/],
    ['criterion with zero points', (_r, _l, ex) => editJson(ex, (j) => (j.criteria[0]!.points = 0)), /exercise\.json: criterion "works" must have positive whole points \(got 0\)/],
    ['criterion with negative points', (_r, _l, ex) => editJson(ex, (j) => (j.criteria[0]!.points = -5)), /criterion "works" must have positive whole points \(got -5\)/],
    ['duplicate criterion ids', (_r, _l, ex) => editJson(ex, (j) => j.criteria.push({ id: 'works', title: 'Again', points: 5 })), /exercise\.json: two criteria have the id "works"/],
    ['front matter without a title', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD.replace('title: A lesson\n', '')), /lesson\.md: front matter has no "title"/],
    ['chapter out of range', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD.replace('chapter: 3', 'chapter: 9')), /lesson\.md: chapter must be a whole number from 1 to 5/],
    ['sandbox directive without caption', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD.replace('{caption="Look"}', '')), /lesson\.md: line 9: ::sandbox\[hotel-happy\] needs a caption/],
    ['unknown directive', (_r, l) => fs.writeFileSync(path.join(l, 'lesson.md'), LESSON_MD + '\n::video[intro]\n'), /lesson\.md: line \d+: unknown directive ::video/],
    ['a lesson folder without a prefix', (root) => fs.mkdirSync(path.join(root, 'lessons', '3-bad_name')), /lessons\/3-bad_name: a lesson folder is named NN-kebab-case-id/],
    [
      'duplicate lesson ids',
      (root, l) => fs.cpSync(l, path.join(root, 'lessons', '02-a-lesson'), { recursive: true }),
      /lessons\/02-a-lesson: the lesson id "a-lesson" is also used by lessons\/01-a-lesson/,
    ],
    [
      'duplicate titles',
      (root, l) => fs.cpSync(l, path.join(root, 'lessons', '02-other'), { recursive: true }),
      /lessons\/02-other\/lesson\.md: the title "A lesson" is also used by lessons\/01-a-lesson\/lesson\.md/,
    ],
    [
      'duplicate prefixes',
      (root, l) => {
        fs.cpSync(l, path.join(root, 'lessons', '01-other'), { recursive: true });
      },
      /lessons\/01-other: the prefix 01 is also used by lessons\/01-a-lesson/,
    ],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      expect(errorOf(fixture(mutate)).message).toMatch(message);
    });
  }

  it('checks that every criterion has a check and every check a criterion', () => {
    const lessons = loadLessons(fixture(() => {}), { scenarios });
    expect(() => validateChecks(lessons, {})).toThrow(/lessons\/registry\.ts: has no checks for "a-lesson\/ex-one"/);
    expect(() => validateChecks(lessons, { 'a-lesson/ex-one': { checks: {} } })).toThrow(/01-a-lesson\/exercises\/ex-one\/checks\.ts: has no check for criterion "works"/);
    expect(() => validateChecks(lessons, { 'a-lesson/ex-one': { checks: { works: () => {}, extra: () => {} } } })).toThrow(/checks\.ts: has a check "extra" that exercise\.json does not list/);
    expect(() => validateChecks(lessons, { 'a-lesson/ex-one': { checks: { works: () => {} } }, 'x/y': { checks: {} } })).toThrow(/registers "x\/y", which is no exercise/);
  });
});

describe('parseLessonText', () => {
  it('keeps directives inside code blocks as text and splits markdown around directives', () => {
    const r = parseLessonText('---\ntitle: T\nchapter: 4\nsummary: S\n---\nA\n```\n::exercise[not-me]\n```\n::sandbox[x]{caption="a \\"quoted\\" caption"}\nB\n', 'x.md');
    expect(r.blocks).toEqual([
      { kind: 'markdown', markdown: 'A\n```\n::exercise[not-me]\n```' },
      { kind: 'sandbox', scenario: 'x', caption: 'a "quoted" caption' },
      { kind: 'markdown', markdown: 'B' },
    ]);
  });
});
