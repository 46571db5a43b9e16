import path from 'node:path';
import { expect, test, type Page, type TestInfo } from '@playwright/test';

// The learning loop on the production build: open lesson 1, write the reference solution
// in Monaco, Run, Grade, read the report, reload and find the code, replay a failure in the
// sandbox, and see the progress on the course map. Lesson data comes from the build's own
// /grade/lessons.json, so this follows whatever lesson 1 is.

type IndexFile = { name: string; starter: string; solution: string; readOnly?: boolean };
type IndexLesson = {
  id: string;
  title: string;
  order: number;
  exercises: Array<{ id: string; title: string; criteria: Array<{ id: string; points: number }>; files: IndexFile[] }>;
};

const artifact = (testInfo: TestInfo, file: string) => path.join(testInfo.project.testDir, 'artifacts', file);

async function firstLesson(page: Page) {
  const res = await page.request.get('/grade/lessons.json');
  expect(res.ok()).toBe(true);
  const { lessons } = (await res.json()) as { lessons: IndexLesson[] };
  const lesson = [...lessons].sort((a, b) => a.order - b.order)[0]!;
  const exercise = lesson.exercises[0]!;
  const file = exercise.files.find((f) => !f.readOnly)!;
  const max = exercise.criteria.reduce((s, c) => s + c.points, 0);
  return { lesson, exercise, file, max };
}

/** The exercise's editor, once Monaco has replaced the plain-text placeholder. */
async function editorOf(page: Page, exerciseId: string) {
  const panel = page.locator(`[data-exercise="${exerciseId}"]`);
  await expect(panel.locator('.monaco-editor')).toBeVisible({ timeout: 60_000 });
  return panel;
}

/** Replaces the active file's text as a learner pasting it would: through the clipboard, Ctrl+V. */
async function replaceCode(page: Page, panel: ReturnType<Page['locator']>, code: string) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await panel.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
}

/** The text Monaco holds for a file, read from its model (CodeEditor exposes a read-only hook). */
function modelText(page: Page, lessonId: string, exerciseId: string, file: string) {
  return page.evaluate(
    ([l, e, f]) =>
      (window as unknown as { __lessonEditorText?: (l: string, e: string, f: string) => string | null }).__lessonEditorText?.(l, e, f) ??
      null,
    [lessonId, exerciseId, file] as const,
  );
}

test.describe.configure({ mode: 'serial' });

test('lesson 1: write, run, grade, report, reload keeps the code', async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const { lesson, exercise, file, max } = await firstLesson(page);

  await page.goto(`/lessons/${lesson.id}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lesson.title);
  const panel = await editorOf(page, exercise.id);
  await expect(panel.getByRole('heading', { level: 2, name: exercise.title })).toBeVisible();
  await expect(panel.getByRole('list', { name: 'Criteria' }).getByRole('listitem')).toHaveCount(exercise.criteria.length);
  await page.screenshot({ path: artifact(testInfo, 'lesson.png') });
  await panel.screenshot({ path: artifact(testInfo, 'lesson-exercise.png') });

  // Hints open one at a time; the solution needs a confirmation.
  const hintButton = panel.getByRole('button', { name: /Show a hint/ });
  if (await hintButton.count()) {
    await hintButton.click();
    await expect(panel.locator('.hints__item')).toHaveCount(1);
  }
  await panel.getByRole('button', { name: 'Show the reference solution…' }).click();
  await expect(panel.getByRole('heading', { name: 'Reference solution' })).toHaveCount(0);
  await expect(panel.getByRole('group', { name: 'Show the solution?' })).toBeVisible();
  await panel.getByRole('button', { name: 'Not yet' }).click();

  await replaceCode(page, panel, file.solution);
  await expect(panel.getByTestId('save-state')).toHaveText('Saved in this browser');
  expect(await modelText(page, lesson.id, exercise.id, file.name)).toBe(file.solution);

  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.getByRole('status').filter({ hasText: /Ran|Running/ }).first()).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Run', exact: true })).toBeEnabled({ timeout: 120_000 });

  await panel.getByRole('button', { name: 'Grade', exact: true }).click();
  const report = panel.getByTestId('grade-report');
  await expect(report).toBeVisible({ timeout: 300_000 });
  await expect(report.getByRole('heading', { level: 3 })).toContainText(`${max} / ${max} points`);
  await expect(report.locator('[data-passed="false"]')).toHaveCount(0);
  await expect(panel.getByTestId('exercise-progress')).toContainText(`Best ${max} / ${max}`);
  await report.screenshot({ path: artifact(testInfo, 'grade-report.png') });

  await page.reload();
  const again = await editorOf(page, exercise.id);
  await expect.poll(() => modelText(page, lesson.id, exercise.id, file.name)).toBe(file.solution);
  await expect(again.getByTestId('exercise-progress')).toContainText(`Best ${max} / ${max}`);
  expect(errors).toEqual([]);

  // Playwright gives every test a fresh browser profile, so what needs saved progress lives here.
  await test.step('the course map shows the progress and links the lesson', async () => {
    await page.goto('/');
    const card = page.locator(`[data-lesson="${lesson.id}"]`);
    await expect(card).toContainText(`${max} / ${max} points`);
    await card.getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/lessons/${lesson.id}/$`));
  });

  await test.step('export downloads JSON; a bad import file is refused with a clear message', async () => {
    await page.goto('/');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export progress and code' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^dm-course-progress-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
    expect(exported.format).toBe('dm-course-progress');
    expect(exported.progress.length).toBeGreaterThan(0);

    const input = page.locator('input[type="file"]');
    await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{ not json') });
    await expect(page.getByTestId('transfer-result')).toContainText('Nothing was imported from broken.json');
    await expect(page.getByTestId('transfer-result')).toContainText('not valid JSON');

    const unknown = { ...exported, progress: [{ ...exported.progress[0], lessonId: 'no-such-lesson' }] };
    await input.setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(unknown)) });
    await expect(page.getByTestId('transfer-result')).toContainText('unknown lesson "no-such-lesson"');
    await page.screenshot({ path: artifact(testInfo, 'import-error.png') });

    await input.setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
    await expect(page.getByTestId('transfer-result')).toContainText('Imported mine.json: nothing new');
  });
});

test('a failing criterion replays in the sandbox', async ({ page }, testInfo) => {
  test.setTimeout(480_000);
  const { lesson, exercise } = await firstLesson(page);
  await page.goto(`/lessons/${lesson.id}/`);
  const panel = await editorOf(page, exercise.id);

  await panel.getByRole('button', { name: 'Reset to starter…' }).click();
  await panel.getByRole('button', { name: 'Reset', exact: true }).click();
  await panel.getByRole('button', { name: 'Grade', exact: true }).click();
  const report = panel.getByTestId('grade-report');
  await expect(report).toBeVisible({ timeout: 300_000 });
  const failed = report.locator('[data-passed="false"]');
  expect(await failed.count()).toBeGreaterThan(0);
  await expect(panel.getByTestId('exercise-progress')).toContainText('Last ');
  await report.screenshot({ path: artifact(testInfo, 'grade-report-failing.png') });

  const replay = failed.getByRole('link', { name: 'Replay in sandbox' }).first();
  const href = await replay.getAttribute('href');
  const url = new URL(href!, 'http://x');
  expect(url.pathname).toBe('/sandbox/');
  expect(url.searchParams.get('scenario')).toBeTruthy();
  expect(Number.isInteger(Number(url.searchParams.get('seed')))).toBe(true);
  const plan = url.searchParams.get('plan');
  if (plan) expect(Array.isArray(JSON.parse(plan).faults)).toBe(true);
  await replay.click();
  await expect(page).toHaveURL(/\/sandbox\/\?scenario=/);
  await expect(page.getByRole('region', { name: 'Sandbox workspace' })).toBeVisible();
  // The workspace opens the failing run: its scenario and seed, not the saved one.
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(url.searchParams.get('scenario')!, { timeout: 180_000 });
  await expect(page.getByTestId('live-workspace')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
});

