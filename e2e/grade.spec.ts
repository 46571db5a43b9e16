import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

// The headless grader (`npm run grade`) against the production build in out/. It starts its
// own static server on a free port and its own Chromium, so it does not use the test's page.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
type Run = { code: number; stdout: string; stderr: string };

function grade(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/grade.ts', ...args],
      { cwd: ROOT, timeout: 540_000, maxBuffer: 10 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

type IndexLesson = {
  id: string;
  order: number;
  exercises: Array<{ id: string; criteria: Array<{ id: string; points: number }>; files: Array<{ name: string; solution: string; readOnly?: boolean }> }>;
};

async function lessons(): Promise<IndexLesson[]> {
  return (JSON.parse(await readFile(path.join(ROOT, 'out/grade/lessons.json'), 'utf8')) as { lessons: IndexLesson[] }).lessons;
}

test.describe.configure({ mode: 'serial' });
test.setTimeout(600_000);

test('--list prints the lesson ids, one per line', async () => {
  const r = await grade(['--list']);
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n')).toEqual((await lessons()).map((l) => l.id));
});

test('--reference earns full marks, exit 0, and --json prints exactly one object of the documented shape', async () => {
  const [lesson] = await lessons();
  const r = await grade(['--lesson', lesson!.id, '--reference', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out)).toEqual(['lesson', 'score', 'max', 'criteria']);
  expect(out.lesson).toBe(lesson!.id);
  const max = lesson!.exercises.flatMap((e) => e.criteria).reduce((s, c) => s + c.points, 0);
  expect(out.max).toBe(max);
  expect(out.score).toBe(max);
  for (const c of out.criteria) {
    expect(Object.keys(c)).toEqual(['id', 'title', 'points', 'earned', 'passed', 'explanation', 'seed']);
    expect(c.passed).toBe(true);
  }
});

test('a solution file: readable report; a starter: not full marks, still exit 0', async () => {
  const [lesson] = await lessons();
  const exercise = lesson!.exercises[0]!;
  const file = exercise.files.find((f) => !f.readOnly)!;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'grade-'));
  const editable = exercise.files.filter((f) => !f.readOnly);
  let args: string[];
  if (lesson!.exercises.length === 1 && editable.length === 1) {
    await writeFile(path.join(dir, file.name), file.solution);
    args = ['--solution', path.join(dir, file.name)];
  } else {
    for (const ex of lesson!.exercises) {
      await mkdir(path.join(dir, ex.id), { recursive: true });
      for (const f of ex.files.filter((x) => !x.readOnly)) await writeFile(path.join(dir, ex.id, f.name), f.solution);
    }
    args = ['--solution', dir];
  }
  const r = await grade(['--lesson', lesson!.id, ...args]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Lesson ${lesson!.id}: (\\d+) / \\1 points`));
  expect(r.stdout).toContain('✓');

  const s = await grade(['--lesson', lesson!.id, '--starter', '--json']);
  expect(s.code).toBe(0);
  const out = JSON.parse(s.stdout);
  expect(out.score).toBeLessThan(out.max);
  expect(out.criteria.some((c: { passed: boolean; seed: unknown }) => !c.passed)).toBe(true);
});

test('bad input exits 2 with a clear message', async () => {
  const [lesson] = await lessons();
  const missing = await grade(['--lesson', lesson!.id, '--solution', 'no/such/file.ts']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('Solution not found: no/such/file.ts');

  const unknown = await grade(['--lesson', 'no-such-lesson', '--reference']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('Unknown lesson "no-such-lesson"');

  const usage = await grade(['--lesson', lesson!.id]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('Say what to grade');
});

test('--submissions grades every subfolder and writes JSON and JUnit reports', async () => {
  const [lesson] = await lessons();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'subs-'));
  for (const [who, key] of [
    ['alice', 'solution'],
    ['bob', 'starter'],
  ] as const) {
    for (const ex of lesson!.exercises) {
      await mkdir(path.join(dir, who, ex.id), { recursive: true });
      for (const f of ex.files.filter((x) => !x.readOnly)) {
        await writeFile(path.join(dir, who, ex.id, f.name), key === 'solution' ? f.solution : (f as unknown as { starter: string }).starter);
      }
    }
  }
  await mkdir(path.join(dir, 'carol')); // empty: cannot be graded, reported as an error
  const r = await grade(['--lesson', lesson!.id, '--submissions', dir]);
  expect(r.code).toBe(0);
  const report = JSON.parse(await readFile(path.join(dir, 'grade-report.json'), 'utf8'));
  expect(report.submissions.map((s: { submission: string }) => s.submission)).toEqual(['alice', 'bob', 'carol']);
  expect(report.submissions[0].score).toBe(report.submissions[0].max);
  expect(report.submissions[1].score).toBeLessThan(report.submissions[1].max);
  expect(report.submissions[2].error).toMatch(/No exercise file found/);
  const xml = await readFile(path.join(dir, 'grade-report.junit.xml'), 'utf8');
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="grade /);
  expect(xml).toContain('<testsuite name="alice"');
  expect(xml).toContain('<failure ');
  expect(xml).toContain('<error message=');
});
