/**
 * Reads lessons/NN-name/ folders (Node only: the build script and tests) into validated
 * Lesson records. Every problem throws a LessonContentError that names the file.
 *
 *     lessons/01-sagas-hotel-booking/
 *       lesson.md                              front matter + text + ::sandbox / ::exercise directives
 *       exercises/booking-saga/
 *         exercise.json                        title, brief, hints, criteria (id, title, points), sandboxScenario
 *         starter/saga.ts  solution/saga.ts    the same file names on both sides
 *         api.d.ts                             what the learner's code may import from '@lesson/api'
 *         checks.ts                            the rubric's checks (imported through lessons/registry.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Exercise, Lesson } from '../types';
import { LessonContentError, parseLessonText } from './parseLesson';

export { LessonContentError } from './parseLesson';

const LESSON_DIR = /^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const EXERCISE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface LoadOptions {
  /** Scenario ids the sandbox offers (SCENARIO_CATALOGUE). */
  scenarios: readonly string[];
  /** Paths in messages are relative to this (default: the parent of the lessons dir). */
  relativeTo?: string;
}

function readDirNames(dir: string, kind: 'dir' | 'file'): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => (kind === 'dir' ? d.isDirectory() : d.isFile()) && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function loadExercise(dir: string, id: string, rel: (p: string) => string, scenarios: readonly string[]): Exercise {
  const jsonPath = path.join(dir, 'exercise.json');
  for (const required of ['exercise.json', 'api.d.ts', 'checks.ts', 'starter', 'solution']) {
    if (!fs.existsSync(path.join(dir, required))) throw new LessonContentError(rel(path.join(dir, required)), 'is missing.');
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new LessonContentError(rel(jsonPath), `is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const where = rel(jsonPath);
  const str = (k: string) => {
    if (typeof raw[k] !== 'string' || !(raw[k] as string).trim()) throw new LessonContentError(where, `"${k}" must be a non-empty string.`);
    return raw[k] as string;
  };
  const title = str('title');
  const brief = str('brief');
  const hints = raw.hints ?? [];
  if (!Array.isArray(hints) || hints.some((h) => typeof h !== 'string' || !h.trim())) throw new LessonContentError(where, '"hints" must be a list of non-empty strings.');
  if (!Array.isArray(raw.criteria) || raw.criteria.length === 0) throw new LessonContentError(where, '"criteria" must be a non-empty list.');
  const seen = new Set<string>();
  const criteria = raw.criteria.map((c: unknown, i: number) => {
    const o = c as Record<string, unknown>;
    if (!o || typeof o.id !== 'string' || !EXERCISE_ID.test(o.id)) throw new LessonContentError(where, `criterion ${i + 1} needs an id in kebab-case.`);
    if (seen.has(o.id)) throw new LessonContentError(where, `two criteria have the id "${o.id}".`);
    seen.add(o.id);
    if (typeof o.title !== 'string' || !o.title.trim()) throw new LessonContentError(where, `criterion "${o.id}" needs a title.`);
    if (typeof o.points !== 'number' || !Number.isInteger(o.points) || o.points <= 0) throw new LessonContentError(where, `criterion "${o.id}" must have positive whole points (got ${JSON.stringify(o.points)}).`);
    return { id: o.id, title: o.title, points: o.points };
  });
  let sandboxScenario: string | undefined;
  if (raw.sandboxScenario !== undefined) {
    sandboxScenario = str('sandboxScenario');
    if (!scenarios.includes(sandboxScenario)) throw new LessonContentError(where, `sandboxScenario "${sandboxScenario}" is not a known scenario (known: ${scenarios.join(', ')}).`);
  }
  const readOnly = raw.readOnly ?? [];
  if (!Array.isArray(readOnly) || readOnly.some((f) => typeof f !== 'string')) throw new LessonContentError(where, '"readOnly" must be a list of file names.');

  const starterDir = path.join(dir, 'starter');
  const solutionDir = path.join(dir, 'solution');
  const starter = readDirNames(starterDir, 'file');
  const solution = readDirNames(solutionDir, 'file');
  if (starter.length === 0) throw new LessonContentError(rel(starterDir), 'has no files.');
  const onlyStarter = starter.filter((f) => !solution.includes(f));
  const onlySolution = solution.filter((f) => !starter.includes(f));
  if (onlyStarter.length > 0 || onlySolution.length > 0) {
    throw new LessonContentError(
      rel(dir),
      `starter/ and solution/ must hold the same files (${[...onlyStarter.map((f) => `${f} only in starter/`), ...onlySolution.map((f) => `${f} only in solution/`)].join(', ')}).`,
    );
  }
  for (const f of readOnly as string[]) if (!starter.includes(f)) throw new LessonContentError(where, `readOnly names "${f}", which is not a file of starter/.`);
  return {
    id,
    title,
    brief,
    files: starter.map((name) => ({
      name,
      starter: fs.readFileSync(path.join(starterDir, name), 'utf8'),
      solution: fs.readFileSync(path.join(solutionDir, name), 'utf8'),
      ...((readOnly as string[]).includes(name) ? { readOnly: true } : {}),
    })),
    apiDeclarations: fs.readFileSync(path.join(dir, 'api.d.ts'), 'utf8'),
    hints: hints as string[],
    criteria,
    ...(sandboxScenario ? { sandboxScenario } : {}),
  };
}

/** Loads and validates every lesson folder under `lessonsDir`, in prefix order. */
export function loadLessons(lessonsDir: string, opts: LoadOptions): Lesson[] {
  const base = opts.relativeTo ?? path.dirname(lessonsDir);
  const rel = (p: string) => path.relative(base, p).split(path.sep).join('/');
  const lessons: Lesson[] = [];
  const ids = new Map<string, string>();
  const orders = new Map<number, string>();
  const titles = new Map<string, string>();
  for (const name of readDirNames(lessonsDir, 'dir')) {
    if (!/^\d/.test(name)) continue; // loader/, runtime/, grader/, generated/ …
    const dir = path.join(lessonsDir, name);
    const m = LESSON_DIR.exec(name);
    if (!m) throw new LessonContentError(rel(dir), 'a lesson folder is named NN-kebab-case-id (e.g. 01-sagas-hotel-booking).');
    const order = Number(m[1]);
    const id = m[2]!;
    if (ids.has(id)) throw new LessonContentError(rel(dir), `the lesson id "${id}" is also used by ${ids.get(id)}.`);
    if (orders.has(order)) throw new LessonContentError(rel(dir), `the prefix ${m[1]} is also used by ${orders.get(order)}.`);
    ids.set(id, rel(dir));
    orders.set(order, rel(dir));
    const mdPath = path.join(dir, 'lesson.md');
    if (!fs.existsSync(mdPath)) throw new LessonContentError(rel(mdPath), 'is missing.');
    const text = parseLessonText(fs.readFileSync(mdPath, 'utf8'), rel(mdPath));
    if (titles.has(text.title)) throw new LessonContentError(rel(mdPath), `the title "${text.title}" is also used by ${titles.get(text.title)}.`);
    titles.set(text.title, rel(mdPath));

    const exDir = path.join(dir, 'exercises');
    const exerciseIds = fs.existsSync(exDir) ? readDirNames(exDir, 'dir') : [];
    const exercises = exerciseIds.map((exId) => {
      if (!EXERCISE_ID.test(exId)) throw new LessonContentError(rel(path.join(exDir, exId)), 'an exercise folder is named in kebab-case.');
      return loadExercise(path.join(exDir, exId), exId, rel, opts.scenarios);
    });
    const placed = new Set<string>();
    for (const b of text.blocks) {
      if (b.kind === 'exercise') {
        if (!exerciseIds.includes(b.exerciseId)) throw new LessonContentError(rel(mdPath), `::exercise[${b.exerciseId}] names no exercise of this lesson (known: ${exerciseIds.join(', ') || 'none'}).`);
        if (placed.has(b.exerciseId)) throw new LessonContentError(rel(mdPath), `::exercise[${b.exerciseId}] is placed twice.`);
        placed.add(b.exerciseId);
      }
      if (b.kind === 'sandbox' && !opts.scenarios.includes(b.scenario)) throw new LessonContentError(rel(mdPath), `::sandbox[${b.scenario}] is not a known scenario (known: ${opts.scenarios.join(', ')}).`);
    }
    for (const exId of exerciseIds) if (!placed.has(exId)) throw new LessonContentError(rel(mdPath), `exercise "${exId}" is never placed in the text (add a line ::exercise[${exId}]).`);
    lessons.push({ id, order, title: text.title, chapter: text.chapter, summary: text.summary, blocks: text.blocks, exercises });
  }
  return lessons.sort((a, b) => a.order - b.order);
}

/** Every exercise has a checks module in the registry, with one check per criterion and none extra. */
export function validateChecks(lessons: readonly Lesson[], registry: Record<string, { checks: Record<string, unknown> }>, lessonsDirName = 'lessons'): void {
  const expected = new Set<string>();
  for (const l of lessons) {
    for (const ex of l.exercises) {
      const key = `${l.id}/${ex.id}`;
      expected.add(key);
      const folder = `${lessonsDirName}/${String(l.order).padStart(2, '0')}-${l.id}/exercises/${ex.id}`;
      const mod = registry[key];
      if (!mod) throw new LessonContentError(`${lessonsDirName}/registry.ts`, `has no checks for "${key}" (import ${folder}/checks.ts there).`);
      for (const c of ex.criteria) if (typeof mod.checks[c.id] !== 'function') throw new LessonContentError(`${folder}/checks.ts`, `has no check for criterion "${c.id}".`);
      for (const k of Object.keys(mod.checks)) if (!ex.criteria.some((c) => c.id === k)) throw new LessonContentError(`${folder}/checks.ts`, `has a check "${k}" that exercise.json does not list as a criterion.`);
    }
  }
  for (const key of Object.keys(registry)) if (!expected.has(key)) throw new LessonContentError(`${lessonsDirName}/registry.ts`, `registers "${key}", which is no exercise of any lesson.`);
}
