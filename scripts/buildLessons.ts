/**
 * Validates every lesson folder and writes lessons/generated/content.json, which the page
 * imports (the browser cannot read folders). Also checks that lessons/registry.ts has a
 * check for every criterion. Run: `npx tsx scripts/buildLessons.ts` (part of prepare-assets).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_CATALOGUE } from '../simulator/scenarios/catalogue';
import { loadLessons, validateChecks } from '../lessons/loader/loadLessons';
import { EXERCISE_CHECKS } from '../lessons/registry';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function buildLessons(): { file: string; lessons: number; exercises: number } {
  const lessonsDir = path.join(root, 'lessons');
  const lessons = loadLessons(lessonsDir, { scenarios: SCENARIO_CATALOGUE.map((s) => s.id), relativeTo: root });
  validateChecks(lessons, EXERCISE_CHECKS);
  const file = path.join(lessonsDir, 'generated', 'content.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const json = JSON.stringify({ lessons }, null, 1) + '\n';
  // Rewritten only when it changes, so watchers and caches stay quiet.
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== json) fs.writeFileSync(file, json);
  return { file: path.relative(root, file), lessons: lessons.length, exercises: lessons.reduce((n, l) => n + l.exercises.length, 0) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = buildLessons();
    console.log(`buildLessons: ${r.lessons} lessons, ${r.exercises} exercises → ${r.file}`);
  } catch (e) {
    console.error(`buildLessons: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
