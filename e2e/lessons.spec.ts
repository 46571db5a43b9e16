import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
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

async function lessonAt(page: Page, index: number) {
  const res = await page.request.get('/grade/lessons.json');
  expect(res.ok()).toBe(true);
  const { lessons } = (await res.json()) as { lessons: IndexLesson[] };
  const lesson = [...lessons].sort((a, b) => a.order - b.order)[index]!;
  const exercise = lesson.exercises[0]!;
  const file = exercise.files.find((f) => !f.readOnly)!;
  const max = exercise.criteria.reduce((s, c) => s + c.points, 0);
  return { lesson, exercise, file, max };
}
const firstLesson = (page: Page) => lessonAt(page, 0);

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

test('the lesson page with the editor open passes axe without serious or critical violations', async ({ page }, testInfo) => {
  for (const index of [0, 1]) {
    const { lesson, exercise } = await lessonAt(page, index);
    await page.goto(`/lessons/${lesson.id}/`);
    const panel = await editorOf(page, exercise.id);
    await expect(panel.getByTestId('save-state')).toHaveText('Saved in this browser');
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n  ')}`);
    expect(serious, `axe on /lessons/${lesson.id}/ with the editor open`).toEqual([]);
    if (index === 0) await panel.screenshot({ path: artifact(testInfo, 'lesson-editor.png') });
  }
});

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

/**
 * The scripts the page and its workers (the sandbox's engine runs in one) have loaded that are
 * QuickJS (their code names the QTS_ functions of quickjs-emscripten). Read from each thread's
 * resource timing, then fetched to look inside.
 */
async function quickJsScripts(page: Page): Promise<string[]> {
  const list = () => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => new URL(n).pathname.endsWith('.js'));
  const urls = new Set<string>(await page.evaluate(list));
  for (const worker of page.workers()) for (const u of await worker.evaluate(list).catch(() => [] as string[])) urls.add(u);
  const found: string[] = [];
  for (const u of urls) {
    const body = await (await page.request.get(u)).text();
    if (body.includes('QTS_')) found.push(new URL(u).pathname);
  }
  return found;
}

/**
 * Opens a failed criterion's "Replay in sandbox" and checks the sandbox replays the learner's
 * graded code in that very run: the banner names the exercise, criterion and seed, and run to
 * its end the trace has the hash and length the grader recorded for the failure.
 */
async function replayInSandbox(page: Page, failed: ReturnType<Page['locator']>, exerciseTitle: string, testInfo: TestInfo, shot: string) {
  const title = (await failed.locator('.criterion-result__title').textContent())!;
  const repro = failed.locator('.criterion-result__repro');
  const gradedHash = await repro.getAttribute('data-trace-hash');
  const gradedEvents = Number(await repro.getAttribute('data-trace-events'));
  expect(gradedHash).toMatch(/^[0-9a-f]{16}$/);
  expect(gradedEvents).toBeGreaterThan(0);
  const link = failed.getByRole('link', { name: 'Replay in sandbox' });
  const url = new URL((await link.getAttribute('href'))!, 'http://x');
  expect(url.pathname).toBe('/sandbox/');
  expect(url.searchParams.get('replay')).toBeTruthy();
  const seed = url.searchParams.get('seed')!;
  expect(Number.isInteger(Number(seed))).toBe(true);

  await link.click();
  await expect(page).toHaveURL(/\/sandbox\/\?replay=/);
  const banner = page.getByTestId('replay-banner');
  await expect(banner.getByRole('heading', { level: 2 })).toContainText(`Replaying your solution: ${exerciseTitle}`, { timeout: 60_000 });
  await expect(banner.getByTestId('replay-criterion')).toHaveText(title);
  await expect(banner.getByTestId('replay-seed')).toHaveText(seed);
  await expect(page.getByTestId('live-workspace')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  await expect(banner).toHaveAttribute('data-replay-status', 'ready');
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue(`replay:${url.searchParams.get('replay')}`);
  await expect(page.getByTestId('seed-input')).toHaveValue(seed);
  expect((await quickJsScripts(page)).length, 'a replay loads QuickJS to run the learner code').toBeGreaterThan(0);


  await page.getByRole('button', { name: 'Run to end' }).click();
  await expect(banner.getByTestId('replay-compare')).toHaveAttribute('data-match', 'same', { timeout: 180_000 });
  // The same observable, read from the workspace itself: the run's trace hash and length.
  const stats = page.getByTestId('run-stats');
  await expect(stats).toHaveAttribute('data-trace-hash', gradedHash!);
  await expect(stats).toHaveAttribute('data-trace-count', String(gradedEvents));
  await page.screenshot({ path: artifact(testInfo, shot), fullPage: true });
}

test('a failing criterion\'s "replay in sandbox" opens the failing run of your code', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
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

  await replayInSandbox(page, failed.first(), exercise.title, testInfo, 'sandbox-replay.png');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(errors).toEqual([]);

  await test.step('a replay whose code is not in this browser says so, and the sandbox still works', async () => {
    await page.goto(`/sandbox/?replay=gone-123&lesson=${lesson.id}&exercise=${exercise.id}&criterion=happy-path&seed=1`);
    const banner = page.getByTestId('replay-banner');
    // The banner comes with the live workspace, which mounts once the page is idle: slow on a loaded 2-core machine.
    await expect(banner.getByRole('heading', { level: 2 })).toHaveText('Your solution could not be replayed', { timeout: 60_000 });
    await expect(banner.getByRole('alert')).toContainText('not saved in this browser');
    await expect(banner.getByRole('link', { name: 'Open the lesson' })).toHaveAttribute('href', `/lessons/${lesson.id}/`);
    await expect(page.getByTestId('live-workspace')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
    await page.screenshot({ path: artifact(testInfo, 'sandbox-replay-missing.png') });
    // QuickJS (~300 KB gzip) is for replays only: the sandbox without one never loads it.
    expect(await quickJsScripts(page)).toEqual([]);
  });
});

test('lesson 2: write the event-sourced order in three files, run, grade full marks; a broken upcaster fails with its reason', async ({ page }, testInfo) => {
  test.setTimeout(900_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const { lesson, exercise, max } = await lessonAt(page, 1);
  const editable = exercise.files.filter((f) => !f.readOnly);
  expect(editable.length).toBeGreaterThan(1);

  await page.goto(`/lessons/${lesson.id}/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lesson.title);
  const panel = await editorOf(page, exercise.id);
  await expect(panel.getByRole('heading', { level: 2, name: exercise.title })).toBeVisible();

  /** Writes every editable file through its tab: starter text, or the solution. */
  const write = async (pick: (f: IndexFile) => string) => {
    for (const f of editable) {
      await panel.getByRole('tab', { name: f.name }).click();
      await expect(panel.getByRole('tab', { name: f.name })).toHaveAttribute('aria-selected', 'true');
      await replaceCode(page, panel, pick(f));
      await expect.poll(() => modelText(page, lesson.id, exercise.id, f.name)).toBe(pick(f));
    }
    await expect(panel.getByTestId('save-state')).toHaveText('Saved in this browser');
  };
  await write((f) => f.solution);

  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.getByRole('button', { name: 'Run', exact: true })).toBeEnabled({ timeout: 120_000 });
  await expect(panel.getByTestId('exercise-status')).toContainText('OrderConfirmed');

  await panel.getByRole('button', { name: 'Grade', exact: true }).click();
  const report = panel.getByTestId('grade-report');
  await expect(report).toBeVisible({ timeout: 300_000 });
  await expect(report.getByRole('heading', { level: 3 })).toContainText(`${max} / ${max} points`);
  await expect(report.getByText('Full marks')).toBeVisible();
  await expect(report.locator('[data-passed="true"]')).toHaveCount(exercise.criteria.length);
  await expect(panel.getByTestId('exercise-progress')).toContainText(`Best ${max} / ${max}`);
  await report.screenshot({ path: artifact(testInfo, 'lesson2-full-marks.png') });

  // The failing variant: everything right but the upcaster, which passes old events through.
  const upcast = editable.find((f) => f.name === 'upcast.ts')!;
  await write((f) => (f === upcast ? f.starter : f.solution));
  await panel.getByRole('button', { name: 'Grade', exact: true }).click();
  await expect(report.getByRole('heading', { level: 3 })).not.toContainText(`${max} / ${max} points`, { timeout: 300_000 });
  const failed = report.locator('[data-passed="false"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toHaveAttribute('data-criterion', 'upcaster');
  // The explanation says what went wrong in words, with the values seen.
  await expect(failed.locator('.criterion-result__explanation')).toContainText("the v1 event { productId: 'lamp', quantity: 2, price: 25 } reads as");
  await expect(failed.locator('.criterion-result__explanation')).toContainText('expected unitPrice 25, currency EUR');
  await expect(failed.getByRole('link', { name: 'Replay in sandbox' })).toBeVisible();
  await expect(panel.getByTestId('exercise-progress')).toContainText(`Best ${max} / ${max}`);
  await report.screenshot({ path: artifact(testInfo, 'lesson2-upcaster-failing.png') });

  // The page with a failing report passes axe too.
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await replayInSandbox(page, failed, exercise.title, testInfo, 'sandbox-replay-lesson2.png');
  expect(errors).toEqual([]);
});

test('grading shows its progress per criterion and can be cancelled; the next grade starts clean', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const { lesson, exercise } = await firstLesson(page);
  // Every worker of the page, by the name it was created with (Monaco has its own workers).
  const workers: Array<{ name: string | null; closed: boolean }> = [];
  page.on('worker', (w) => {
    const rec: { name: string | null; closed: boolean } = { name: null, closed: false };
    workers.push(rec);
    w.on('close', () => (rec.closed = true));
    w.evaluate(() => (self as unknown as { name: string }).name)
      .then((n) => (rec.name = n))
      .catch(() => undefined);
  });
  await page.goto(`/lessons/${lesson.id}/`);
  const panel = await editorOf(page, exercise.id);
  const gradeButton = panel.getByRole('button', { name: 'Grade', exact: true });
  const status = panel.getByTestId('exercise-status');

  await gradeButton.click();
  await expect(panel.getByRole('button', { name: 'Grading…' })).toBeDisabled();
  // Per criterion: which one runs, and a progress bar that counts them.
  await expect(status).toHaveText(new RegExp(`^Grading criterion \\d+ of ${exercise.criteria.length}: `), { timeout: 180_000 });
  await expect(panel.getByRole('progressbar', { name: /Grading progress: \d+ of \d+ criteria/ })).toBeVisible();
  const graders = () => workers.filter((w) => w.name === 'grade.worker');
  await expect.poll(() => graders().filter((w) => !w.closed).length).toBe(1);
  const grading = graders().find((w) => !w.closed)!;
  const top = (await panel.locator('.exercise__actions').boundingBox())!;
  const bottom = (await panel.locator('.grade-progress').boundingBox())!;
  await page.screenshot({ path: artifact(testInfo, 'lesson-grading-progress.png'), clip: { x: top.x, y: top.y, width: top.width, height: bottom.y + bottom.height - top.y } });

  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(status).toHaveText('Grading cancelled: nothing was recorded.');
  await expect(gradeButton).toBeEnabled();
  await expect(panel.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(panel.getByRole('progressbar', { name: /Grading progress/ })).toHaveCount(0);
  await expect(panel.getByTestId('grade-report')).toHaveCount(0);
  await expect(panel.getByTestId('exercise-progress')).not.toContainText('Last ');
  // The grading worker was stopped, not left running in the background (the panel starts a fresh
  // one at once, getting it ready for the next attempt: counting open graders would race it).
  await expect.poll(() => grading.closed).toBe(true);

  // The next grade runs on that fresh worker and finishes.
  await gradeButton.click();
  const report = panel.getByTestId('grade-report');
  await expect(report).toBeVisible({ timeout: 300_000 });
  await expect(report.locator('[data-passed]')).toHaveCount(exercise.criteria.length);
  expect(graders()).toHaveLength(2);
  await expect(panel.getByTestId('exercise-progress')).toContainText('Last ');
});
