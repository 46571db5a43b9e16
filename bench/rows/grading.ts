/**
 * `grade-in-page`: grading a lesson's reference solution in headless Chromium on the
 * production build, the way the lesson page's Grade button and `npm run grade` do it
 * (the /grade/ page's worker: QuickJS for the learner's code, real PGlite and Dexie stores).
 * Value: the slowest lesson, in seconds, from the call to the report, on a page whose
 * worker has not graded anything yet (first grade of a visit: PGlite starts inside it).
 * Baseline: the issue's budget of 10 s per lesson, so ratio = budget / value (≥ 1 meets it).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
// Declares window.__grade / __gradeReady.
import type {} from '../../components/lesson/GradeHarness';
import { parseLessonIndex } from '../../scripts/grade/lessonIndex';
import { createStaticServer } from '../../scripts/serveStatic.mjs';
import type { Row } from '../harness';
import { settledPage } from '../settledPage';

export const names = ['grade-in-page'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUDGET_S = 10;

export async function run(): Promise<Row[]> {
  const indexFile = path.join(root, 'out', 'grade', 'lessons.json');
  if (!fs.existsSync(indexFile)) throw new Error('No production build in out/: run `npm run build` first.');
  const index = parseLessonIndex(fs.readFileSync(indexFile, 'utf8'));
  const server = createStaticServer({ root: path.join(root, 'out') });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const times: { lesson: string; seconds: number; score: string }[] = [];
  try {
    for (const lesson of index.lessons) {
      for (const ex of lesson.exercises) {
        // A fresh page per lesson: the first grade of a visit pays for starting the stores.
        const page = await settledPage(browser);
        await page.goto(`${base}/grade/`, { waitUntil: 'load' });
        await page.waitForFunction(() => window.__gradeReady === true, undefined, { timeout: 60_000 });
        const files = Object.fromEntries(ex.files.map((f) => [f.name, f.readOnly ? f.starter : f.solution]));
        const { seconds, report } = await page.evaluate(
          async ([l, e, f]) => {
            const t0 = performance.now();
            const report = await window.__grade!(l, e, f);
            return { seconds: (performance.now() - t0) / 1000, report };
          },
          [lesson.id, ex.id, files] as const,
        );
        if (report.score !== report.max) throw new Error(`${lesson.id}/${ex.id}: the reference solution earned ${report.score}/${report.max}`);
        times.push({ lesson: `${lesson.id}/${ex.id}`, seconds, score: `${report.score}/${report.max}` });
        await page.context().close();
      }
    }
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  const slowest = Math.max(...times.map((t) => t.seconds));
  return [
    {
      name: 'grade-in-page',
      value: slowest,
      baseline: BUDGET_S,
      unit: 's',
      ratio: BUDGET_S / slowest,
      goal: 1,
      note: `reference solutions, first grade on a fresh page: ${times.map((t) => `${t.lesson} ${t.seconds.toFixed(1)} s`).join(', ')}; baseline = budget`,
    },
  ];
}
