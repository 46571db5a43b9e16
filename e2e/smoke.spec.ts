import path from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';

/** PGlite (one instance, a schema per store) starts before the workspace is ready: seconds on a quiet machine, much more on a loaded one. */
const STORES_READY_TIMEOUT = 180_000;

// Smoke tests of the production build: both pages render, are keyboard usable, pass axe
// without serious/critical violations, fetch nothing from another origin, and stay within
// the initial-JS budget. Full-page screenshots land in e2e/artifacts/ for a human to look at.

const CHAPTER_TITLES = [
  'Database per service & polyglot persistence',
  'Distributed transactions, 2PC, CAP, BASE vs ACID',
  'Sagas: orchestration, choreography, compensations',
  'Event sourcing & CQRS',
  'An e-commerce system across five services',
];
const SERVICES = ['User', 'Catalog', 'Inventory', 'Order', 'Payment'];
/** Initial JS budget, gzip, before the page is interactive (ARCHITECTURE.md: page budgets are measured). */
const JS_BUDGET_BYTES = 250 * 1024;

type PageWatch = { errors: string[]; foreignRequests: string[]; scripts: Array<Promise<{ path: string; size: number }>> };

/** Records console errors, uncaught exceptions, requests leaving the origin, and script sizes. */
function watch(page: Page, baseURL: string): PageWatch {
  const origin = new URL(baseURL).origin;
  const w: PageWatch = { errors: [], foreignRequests: [], scripts: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') w.errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) {
      w.foreignRequests.push(url);
    }
  });
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script') {
      const scriptPath = new URL(res.url()).pathname;
      w.scripts.push(res.body().then((body) => ({ path: scriptPath, size: gzipSync(body, { level: 9 }).length })));
    }
  });
  return w;
}

async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map(
    (v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, 'axe: serious or critical violations').toEqual([]);
}

/**
 * `initialScripts`: when the page lazy-loads more after it is interactive (the sandbox's engine
 * and canvas), only the scripts the HTML itself references count against the budget.
 */
async function expectCleanLoad(w: PageWatch, testInfo: TestInfo, name: string, initialScripts?: ReadonlySet<string>) {
  expect(w.errors, 'console errors / uncaught exceptions').toEqual([]);
  expect(w.foreignRequests, 'requests to another origin (CDN, fonts, telemetry…)').toEqual([]);
  const all = await Promise.all(w.scripts);
  const initial = initialScripts ? all.filter((s) => initialScripts.has(s.path)) : all;
  if (initialScripts) {
    const lazy = all.filter((s) => !initialScripts.has(s.path)).reduce((a, s) => a + s.size, 0);
    testInfo.annotations.push({ type: 'lazy JS', description: `${name}: ${(lazy / 1024).toFixed(1)} KB gzip loaded after interactive` });
  }
  const sizes = initial.map((s) => s.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  testInfo.annotations.push({
    type: 'initial JS',
    description: `${name}: ${sizes.length} scripts, ${(total / 1024).toFixed(1)} KB gzip`,
  });
  expect(sizes.length).toBeGreaterThan(0);
  expect(total, `initial JS of ${name} in gzip bytes`).toBeLessThanOrEqual(JS_BUDGET_BYTES);
}

function artifact(testInfo: TestInfo, file: string) {
  return path.join(testInfo.project.testDir, 'artifacts', file);
}

test.describe('home: the course map', () => {
  test('shows the five chapter cards, loads cleanly, and is accessible', async ({ page, baseURL }, testInfo) => {
    const w = watch(page, baseURL!);
    await page.goto('/', { waitUntil: 'load' });

    await expect(page).toHaveTitle('Data management in microservices');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Data management in microservices');

    const map = page.getByRole('region', { name: 'Course map' });
    const cards = map.getByRole('article');
    await expect(cards).toHaveCount(5);
    for (const [i, title] of CHAPTER_TITLES.entries()) {
      const card = cards.nth(i);
      await expect(card.getByRole('heading', { level: 3 })).toHaveText(title);
      // Every card carries its progress slot; nothing is started yet.
      await expect(card.getByRole('progressbar')).toBeAttached();
      await expect(card.locator('[data-slot="progress"]')).toContainText('Not started');
    }
    await expect(cards.nth(4)).toContainText('50');
    await expect(cards.nth(4)).toContainText('75');
    await expect(cards.nth(4)).toContainText('100');

    await expectCleanLoad(w, testInfo, 'home');
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: artifact(testInfo, 'home.png'), fullPage: true });
  });

  test('is keyboard navigable: skip link first, Tab reaches the nav links with a visible focus ring', async ({
    page,
  }) => {
    await page.goto('/');

    const reached: string[] = [];
    for (let i = 0; i < 8 && !reached.includes('Sandbox'); i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(reached[0]).toBe('Skip to content');
    expect(reached).toContain('Course');
    expect(reached).toContain('Sandbox');

    const sandboxLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sandbox' });
    await expect(sandboxLink).toBeFocused();
    const outline = await sandboxLink.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);

    await expect(page.getByRole('link', { name: 'Course' })).toHaveAttribute('aria-current', 'page');

    // Enter on the focused nav link navigates to the sandbox.
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/sandbox\/$/);
    await expect(page.getByRole('region', { name: 'Sandbox workspace' })).toBeVisible();
  });

  test('the skip link moves focus to the main content', async ({ page }) => {
    await page.goto('/');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();
  });
});

test.describe('sandbox', () => {
  test('serves the labelled placeholder, swaps in the live workspace, loads cleanly, and is accessible', async ({
    page,
    request,
    baseURL,
  }, testInfo) => {
    // The static HTML carries the cheap placeholder (drawn from the same service names).
    const html = await (await request.get('/sandbox/')).text();
    expect(html).toContain('Loading the sandbox…');
    const initialScripts = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => new URL(m[1]!, baseURL).pathname));
    for (const name of SERVICES) expect(html).toContain(`>${name}<`);

    const w = watch(page, baseURL!);
    await page.goto('/sandbox/', { waitUntil: 'load' });

    await expect(page).toHaveTitle('Sandbox · Data management in microservices');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sandbox');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sandbox' })).toHaveAttribute(
      'aria-current',
      'page',
    );

    const workspace = page.getByRole('region', { name: 'Sandbox workspace' });
    await expect(workspace).toBeVisible();
    // The live workspace replaces the placeholder once its chunk and the engine are ready.
    await expect(workspace.getByTestId('live-workspace')).toHaveAttribute('data-status', 'ready', { timeout: STORES_READY_TIMEOUT });
    for (const name of SERVICES) {
      await expect(workspace.getByTestId(`service-node-${name.toLowerCase()}`)).toContainText(name);
    }

    await expectCleanLoad(w, testInfo, 'sandbox', initialScripts);
    await expectNoSeriousA11yViolations(page);
  });

  test('while its stores start, the workspace says how many are ready', async ({ page }) => {
    // Hold PostgreSQL's file bundle back, so the start stays at "0 of n" long enough to look at.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/pglite/pglite.data', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/sandbox/');
    const starting = page.getByTestId('stores-starting');
    await expect(starting).toContainText(/Starting the services and their stores… 0 of \d+ ready/, { timeout: 60_000 });
    const bar = starting.getByRole('progressbar', { name: 'Stores ready' });
    await expect(bar).toHaveAttribute('value', '0');
    const total = Number(/0 of (\d+) ready/.exec((await starting.textContent()) ?? '')![1]);
    expect(total).toBeGreaterThan(5);
    await expect(bar).toHaveAttribute('max', String(total));
    release();
    await page.getByTestId('live-workspace').and(page.locator('[data-status="ready"]')).waitFor({ timeout: STORES_READY_TIMEOUT });
    await expect(starting).toHaveCount(0);
  });

  test('the HTML starts the engine thread while it is parsed, and the workspace adopts that thread', async ({ page, request, baseURL }) => {
    // The build writes the thread's URL into the page's head (scripts/earlyEngineThread.mjs).
    const html = await (await request.get('/sandbox/')).text();
    const meta = /<meta name="sandbox-engine-thread" content="([^"]+)">/.exec(html);
    expect(meta, 'the engine thread’s meta in /sandbox/’s HTML').not.toBeNull();
    const threadUrl = new URL(meta![1]!.replace(/&amp;/g, '&'), baseURL).href;
    const started: string[] = [];
    page.on('worker', (w) => started.push(w.url()));
    await page.goto('/sandbox/');
    await page.getByTestId('live-workspace').and(page.locator('[data-status="ready"]')).waitFor({ timeout: STORES_READY_TIMEOUT });
    await expect(page.getByTestId('service-map')).toContainText('PostgreSQL · PGlite');
    // One thread, the HTML's: had the workspace started its own, there would be two.
    expect(started).toEqual([threadUrl]);
  });

  test('PGlite’s code loads in the engine thread only, not in the page’s own thread', async ({ page }) => {
    // The page imports a few values from simulator/index.ts; package.json's sideEffects lets the
    // bundler drop the rest of the index (PGlite, the stores), about 700 KB the page would parse.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const pageScripts: Array<{ requestId: string; url: string }> = [];
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Script') pageScripts.push({ requestId: e.requestId, url: e.response.url });
    });
    await page.goto('/sandbox/');
    await page.getByTestId('live-workspace').and(page.locator('[data-status="ready"]')).waitFor({ timeout: STORES_READY_TIMEOUT });
    // The engine thread runs the real stores (the map labels them by engine).
    await expect(page.getByTestId('service-map')).toContainText('PostgreSQL · PGlite');
    expect(pageScripts.length).toBeGreaterThan(3);
    const withPglite: string[] = [];
    for (const s of pageScripts) {
      const { body, base64Encoded } = (await cdp.send('Network.getResponseBody', { requestId: s.requestId })) as { body: string; base64Encoded: boolean };
      const text = base64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
      // An error message of PGlite's own code: present in its bundle whatever the minifier renames.
      if (text.includes('PGlite is closed')) withPglite.push(new URL(s.url).pathname);
    }
    expect(withPglite, 'scripts of the page’s own thread that carry PGlite').toEqual([]);
  });

  test('/sandbox without the trailing slash resolves to the same page', async ({ page }) => {
    const res = await page.goto('/sandbox');
    expect(res?.status()).toBe(200);
    await expect(page).toHaveURL(/\/sandbox\/$/);
    await expect(page.getByRole('region', { name: 'Sandbox workspace' })).toBeVisible();
  });

  test('honours prefers-reduced-motion: the placeholder skeleton does not keep animating', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    // Keep the placeholder on screen: no scripts, so the live workspace never replaces it.
    await page.route('**/*.js', (route) => route.abort());
    await page.goto('/sandbox/');
    const iterations = await page
      .locator('.skeleton-bar')
      .first()
      .evaluate((el) => getComputedStyle(el).animationIterationCount);
    expect(iterations).toBe('1');
  });
});

test.describe('static assets', () => {
  test('PGlite assets are served from this origin with the right types', async ({ request }) => {
    const wasm = await request.head('/pglite/pglite.wasm');
    expect(wasm.status()).toBe(200);
    expect(wasm.headers()['content-type']).toBe('application/wasm');

    const initdb = await request.head('/pglite/initdb.wasm');
    expect(initdb.status()).toBe(200);
    expect(initdb.headers()['content-type']).toBe('application/wasm');

    const data = await request.head('/pglite/pglite.data');
    expect(data.status()).toBe(200);
    expect(Number(data.headers()['content-length'])).toBeGreaterThan(1_000_000);

    const manifest = await (await request.get('/pglite/manifest.json')).json();
    expect(manifest.package).toBe('@electric-sql/pglite');
    expect(Object.keys(manifest.files).sort()).toEqual(['initdb.wasm', 'pglite.data', 'pglite.wasm']);
  });

  test('an unknown page answers 404 with the app’s not-found page', async ({ page }) => {
    const res = await page.goto('/no-such-page/');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  });
});
