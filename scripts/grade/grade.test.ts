import { describe, expect, it } from 'vitest';
import { parseGradeArgs, UsageError } from './args';
import { combineReports, formatText, toJsonGrade, toJUnitXml, toSubmissionsReport } from './report';
import { resolveSolution, type ExerciseOutline } from './solution';
import type { GradeReport } from '../../lessons/types';

describe('parseGradeArgs', () => {
  it('grades a solution, a reference or a starter', () => {
    expect(parseGradeArgs(['--lesson', 'l1', '--solution', 'a.ts'])).toEqual({
      kind: 'grade',
      lesson: 'l1',
      source: { kind: 'solution', path: 'a.ts' },
      json: false,
    });
    expect(parseGradeArgs(['--lesson=l1', '--reference', '--json', '--exercise', 'e'])).toEqual({
      kind: 'grade',
      lesson: 'l1',
      exercise: 'e',
      source: { kind: 'reference' },
      json: true,
    });
    expect(parseGradeArgs(['--starter', '--lesson', 'l1'])).toMatchObject({ source: { kind: 'starter' } });
  });
  it('lists, helps, and grades submissions', () => {
    expect(parseGradeArgs(['--list'])).toEqual({ kind: 'list' });
    expect(parseGradeArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseGradeArgs(['--lesson', 'l1', '--submissions', 'subs'])).toEqual({
      kind: 'submissions',
      lesson: 'l1',
      folder: 'subs',
      json: false,
      out: 'subs',
    });
  });
  it.each([
    [[], /Missing --lesson/],
    [['--lesson'], /--lesson needs a value/],
    [['--lesson', '--reference'], /--lesson needs a value/],
    [['--lesson', 'l1'], /Say what to grade/],
    [['--lesson', 'l1', '--reference', '--starter'], /Choose one of --reference, --starter/],
    [['--lesson', 'l1', '--bogus'], /Unknown argument: --bogus/],
    [['--list', '--json'], /--list takes no other options/],
    [['--lesson', 'l1', '--reference', '--out', 'x'], /--out is only for --submissions/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseGradeArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseGradeArgs(argv as string[])).toThrow(message);
  });
});

const report = (over: Partial<GradeReport> = {}): GradeReport => ({
  lesson: 'l1',
  exercise: 'e1',
  score: 30,
  max: 50,
  criteria: [
    { id: 'a', title: 'Compensates', points: 30, earned: 30, passed: true, explanation: 'All good.', seed: null },
    {
      id: 'b',
      title: 'Idempotent <refund>',
      points: 20,
      earned: 0,
      passed: false,
      explanation: 'refund ran twice & "money" was lost',
      seed: 7,
      replay: { scenario: 'hotel-happy', seed: 7, faultPlan: { faults: [] } },
    },
  ],
  diagnostics: [],
  console: [],
  ...over,
});

describe('report formatting', () => {
  it('combines exercises and prints exactly the JSON keys', () => {
    const g = combineReports('l1', [report(), report({ exercise: 'e2', score: 50 })]);
    expect(g.score).toBe(80);
    expect(g.max).toBe(100);
    expect(g.criteria.map((c) => c.id)).toEqual(['e1/a', 'e1/b', 'e2/a', 'e2/b']);
    const json = toJsonGrade(g);
    expect(Object.keys(json)).toEqual(['lesson', 'score', 'max', 'criteria']);
    expect(Object.keys(json.criteria[1]!)).toEqual(['id', 'title', 'points', 'earned', 'passed', 'explanation', 'seed']);
    expect(combineReports('l1', [report()]).criteria[0]!.id).toBe('a');
  });
  it('reads well as text', () => {
    const text = formatText(
      combineReports('l1', [report({ diagnostics: [{ file: 'saga.ts', line: 3, column: 5, message: "';' expected." }] })]),
    );
    expect(text).toContain('Lesson l1: 30 / 50 points');
    expect(text).toContain("error saga.ts:3:5  ';' expected.");
    expect(text).toMatch(/✓ 30\/30 {2}Compensates/);
    expect(text).toMatch(/✗ {2}0\/20 {2}Idempotent <refund>/);
    expect(text).toContain('seed 7  replay: /sandbox/?scenario=hotel-happy&seed=7');
  });
  it('writes JUnit XML with failures, errors and escaping', () => {
    const g = combineReports('l1', [report()]);
    const xml = toJUnitXml(
      toSubmissionsReport('l1', [{ submission: 'alice', grade: g }, { submission: 'bob', error: 'no files <here>' }], new Date(0)),
    );
    expect(xml).toContain('<testsuites name="grade l1" tests="3" failures="1" errors="1">');
    expect(xml).toContain('<testsuite name="alice" tests="2" failures="1" errors="0" timestamp="1970-01-01T00:00:00">');
    expect(xml).toContain('name="Idempotent &lt;refund&gt; (0/20)"');
    expect(xml).toContain('<failure message="refund ran twice &amp; &quot;money&quot; was lost" type="criterion">');
    expect(xml).toContain('seed 7</failure>');
    expect(xml).toContain('<error message="no files &lt;here&gt;"/>');
  });
});

describe('resolveSolution', () => {
  const ex = (id: string, names: string[]): ExerciseOutline => ({
    id,
    files: [...names.map((name) => ({ name, starter: `starter ${name}`, solution: `solution ${name}` })), { name: 'given.ts', starter: 'given', solution: 'given', readOnly: true }],
  });
  it('maps one file onto the single editable file', () => {
    expect(resolveSolution([ex('e1', ['saga.ts'])], { kind: 'file', name: 'my.ts', content: 'mine' })).toEqual({
      ok: true,
      files: { e1: { 'saga.ts': 'mine', 'given.ts': 'given' } },
      warnings: ['my.ts graded as e1/saga.ts.'],
    });
  });
  it('refuses one file for several editable files', () => {
    const r = resolveSolution([ex('e1', ['a.ts', 'b.ts'])], { kind: 'file', name: 'a.ts', content: '' });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/has 2 editable files \(e1: a\.ts, b\.ts\)/) });
  });
  it('reads a folder flat or by exercise, starters for what is missing', () => {
    const r = resolveSolution([ex('e1', ['a.ts', 'b.ts']), ex('e2', ['a.ts'])], {
      kind: 'folder',
      files: { 'b.ts': 'B', 'e2/a.ts': 'A2' },
    });
    expect(r).toEqual({
      ok: true,
      files: { e1: { 'a.ts': 'starter a.ts', 'b.ts': 'B', 'given.ts': 'given' }, e2: { 'a.ts': 'A2', 'given.ts': 'given' } },
      warnings: ['e1/a.ts not found in the folder: graded with the starter.'],
    });
  });
  it('says what it expected when the folder has nothing', () => {
    expect(resolveSolution([ex('e1', ['saga.ts'])], { kind: 'folder', files: { 'x.md': '' } })).toEqual({
      ok: false,
      error: 'No exercise file found in the folder. Expected saga.ts; found x.md.',
    });
  });
});
