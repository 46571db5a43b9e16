/**
 * Headless grading: `npm run grade -- --lesson <id> --solution <file or folder>`.
 *
 * Grades with the same code as the lesson page's Grade button by driving the production
 * build (out/) in Debian's Chromium: serves out/ on a free port, opens /grade/, and calls
 * `window.__grade(lessonId, exerciseId, files)` (components/lesson/GradeHarness.tsx).
 * See `npm run grade -- --help`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { GradeReport } from '../lessons/types';
import { createStaticServer } from './serveStatic.mjs';
import { parseGradeArgs, USAGE, UsageError, type GradeCommand, type GradeSource } from './grade/args';
import { parseLessonIndex, type LessonIndex, type LessonIndexEntry } from './grade/lessonIndex';
import {
  combineReports,
  formatText,
  toJsonGrade,
  toJUnitXml,
  toSubmissionsReport,
  type SubmissionResult,
} from './grade/report';
import { resolveSolution, type ExerciseOutline, type SolutionInput } from './grade/solution';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'out');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** One exercise's grading in the page (several simulations on real PGlite). */
const GRADE_TIMEOUT_MS = Number(process.env.GRADE_TIMEOUT_MS ?? 5 * 60_000);

/** Bad input: printed as is, exit code 2. */
class InputError extends Error {}

async function loadIndex(): Promise<LessonIndex> {
  const file = path.join(OUT, 'grade', 'lessons.json');
  if (!existsSync(path.join(OUT, 'index.html')) || !existsSync(file) || !existsSync(path.join(OUT, 'grade', 'index.html'))) {
    throw new InputError(`No production build with the grader in ${path.relative(process.cwd(), OUT) || 'out'}/. Run \`npm run build\` first.`);
  }
  return parseLessonIndex(await readFile(file, 'utf8'));
}

function pickLesson(index: LessonIndex, id: string, exercise?: string): { lesson: LessonIndexEntry; exercises: LessonIndexEntry['exercises'] } {
  const lesson = index.lessons.find((l) => l.id === id);
  if (!lesson) {
    throw new InputError(`Unknown lesson "${id}". Lessons: ${index.lessons.map((l) => l.id).join(', ') || '(none)'}.`);
  }
  if (!exercise) return { lesson, exercises: lesson.exercises };
  const ex = lesson.exercises.find((e) => e.id === exercise);
  if (!ex) {
    throw new InputError(`Lesson "${id}" has no exercise "${exercise}". Exercises: ${lesson.exercises.map((e) => e.id).join(', ')}.`);
  }
  return { lesson, exercises: [ex] };
}

const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_FILE_BYTES = 1_000_000;

/** Every text file under a folder, by relative path with forward slashes. */
async function readFolder(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, await readFolder(full, rel));
    else if (entry.isFile() && (await stat(full)).size <= MAX_FILE_BYTES) out[rel] = await readFile(full, 'utf8');
  }
  return out;
}

async function readSolution(p: string): Promise<SolutionInput> {
  const abs = path.resolve(p);
  const s = await stat(abs).catch(() => null);
  if (!s) throw new InputError(`Solution not found: ${p} (no such file or folder).`);
  if (s.isDirectory()) return { kind: 'folder', files: await readFolder(abs) };
  if (s.size > MAX_FILE_BYTES) throw new InputError(`Solution file too large: ${p} (${s.size} bytes).`);
  return { kind: 'file', name: path.basename(abs), content: await readFile(abs, 'utf8') };
}

/** Files per exercise for a source, and warnings to print. */
async function filesFor(exercises: ExerciseOutline[], source: GradeSource): Promise<{ files: Record<string, Record<string, string>>; warnings: string[] }> {
  if (source.kind === 'reference' || source.kind === 'starter') {
    const key = source.kind === 'reference' ? 'solution' : 'starter';
    return {
      files: Object.fromEntries(exercises.map((e) => [e.id, Object.fromEntries(e.files.map((f) => [f.name, f.readOnly ? f.starter : f[key]]))])),
      warnings: [],
    };
  }
  const resolved = resolveSolution(exercises, await readSolution(source.path));
  if (!resolved.ok) throw new InputError(resolved.error);
  return resolved;
}

/** A served build and a browser page on /grade/, started once per CLI run. */
class Grader {
  private constructor(
    private server: ReturnType<typeof createStaticServer>,
    private browser: Browser,
    private page: Page,
    readonly base: string,
    private errors: string[],
  ) {}

  static async start(): Promise<Grader> {
    if (!existsSync(CHROMIUM)) {
      throw new InputError(`Chromium not found at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    }
    const server = createStaticServer({ root: OUT });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const g = new Grader(server, browser, page, base, errors);
    await g.open();
    return g;
  }

  /** (Re)opens the grading page: a fresh page per submission, so nothing leaks between learners. */
  async open() {
    await this.page.goto(`${this.base}/grade/`, { waitUntil: 'load' });
    await this.page.waitForFunction(() => window.__gradeReady === true, undefined, { timeout: 30_000 });
  }

  async grade(lessonId: string, exerciseId: string, files: Record<string, string>): Promise<GradeReport> {
    this.errors.length = 0;
    try {
      return await Promise.race([
        this.page.evaluate(([l, e, f]) => window.__grade!(l, e, f), [lessonId, exerciseId, files] as const),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`grading ${lessonId}/${exerciseId} took longer than ${GRADE_TIMEOUT_MS / 1000} s`)), GRADE_TIMEOUT_MS).unref(),
        ),
      ]);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new Error(`${msg}${this.errors.length ? `\npage errors:\n  ${this.errors.join('\n  ')}` : ''}`);
    }
  }

  async close() {
    await this.browser.close().catch(() => undefined);
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

async function gradeLesson(grader: Grader, lesson: LessonIndexEntry, exercises: LessonIndexEntry['exercises'], files: Record<string, Record<string, string>>) {
  const reports: GradeReport[] = [];
  for (const ex of exercises) reports.push(await grader.grade(lesson.id, ex.id, files[ex.id]!));
  return combineReports(lesson.id, reports);
}

async function main(argv: string[]): Promise<number> {
  let cmd: GradeCommand;
  try {
    cmd = parseGradeArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`grade: ${err.message}\nRun \`npm run grade -- --help\` for usage.`);
      return 2;
    }
    throw err;
  }
  if (cmd.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  const index = await loadIndex();
  if (cmd.kind === 'list') {
    for (const l of index.lessons) console.log(l.id);
    return 0;
  }
  const { lesson, exercises } = pickLesson(index, cmd.lesson, cmd.exercise);
  if (exercises.length === 0) throw new InputError(`Lesson "${lesson.id}" has no exercises to grade.`);

  if (cmd.kind === 'grade') {
    const { files, warnings } = await filesFor(exercises, cmd.source);
    for (const w of warnings) console.error(`grade: ${w}`);
    const grader = await Grader.start();
    try {
      const g = await gradeLesson(grader, lesson, exercises, files);
      if (cmd.json) process.stdout.write(JSON.stringify(toJsonGrade(g)) + '\n');
      else console.log(formatText(g, { color: process.stdout.isTTY }));
      return 0;
    } finally {
      await grader.close();
    }
  }

  // --submissions: one subfolder per learner.
  const folder = path.resolve(cmd.folder);
  const s = await stat(folder).catch(() => null);
  if (!s?.isDirectory()) throw new InputError(`Submissions folder not found: ${cmd.folder}`);
  const subs = (await readdir(folder, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  if (subs.length === 0) throw new InputError(`No submissions in ${cmd.folder}: expected one subfolder per learner.`);
  const results: SubmissionResult[] = [];
  const grader = await Grader.start();
  try {
    for (const [i, name] of subs.entries()) {
      if (!cmd.json) process.stderr.write(`[${i + 1}/${subs.length}] ${name}… `);
      try {
        const { files, warnings } = await filesFor(exercises, { kind: 'solution', path: path.join(folder, name) });
        if (i > 0) await grader.open();
        const g = await gradeLesson(grader, lesson, exercises, files);
        results.push({ submission: name, grade: toJsonGrade(g) });
        if (!cmd.json) process.stderr.write(`${g.score} / ${g.max}${warnings.length ? ` (${warnings.join(' ')})` : ''}\n`);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        results.push({ submission: name, error: msg });
        if (!cmd.json) process.stderr.write(`not graded: ${msg}\n`);
      }
    }
  } finally {
    await grader.close();
  }
  const report = toSubmissionsReport(lesson.id, results, new Date());
  await mkdir(path.resolve(cmd.out), { recursive: true });
  const jsonPath = path.join(path.resolve(cmd.out), 'grade-report.json');
  const xmlPath = path.join(path.resolve(cmd.out), 'grade-report.junit.xml');
  await writeFile(jsonPath, JSON.stringify(report, null, 2) + '\n');
  await writeFile(xmlPath, toJUnitXml(report));
  if (cmd.json) process.stdout.write(JSON.stringify(report) + '\n');
  else console.log(`Graded ${results.filter((r) => 'grade' in r).length} of ${results.length} submissions.\n  ${path.relative(process.cwd(), jsonPath)}\n  ${path.relative(process.cwd(), xmlPath)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof InputError) {
      console.error(`grade: ${err.message}`);
      process.exit(2);
    }
    console.error(`grade: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
