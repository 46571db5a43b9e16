/**
 * sandbox-fps: frames per second of the sandbox page while the engine works through about a
 * thousand trace events a second, in headless Chromium (Debian's) on the production build in
 * out/ (run `npm run build` first).
 *
 * The page opens on the shop's order saga with every store on its real engine (one PGlite
 * instance with a schema per store, IndexedDB, the KV, the search index), streams an order every 20 virtual ms at 16×
 * and plays. After a warm-up (PGlite's wasm is still being optimised by the browser in the
 * first seconds), frames are counted with requestAnimationFrame over a few windows, and the
 * engine's trace count is read before and after each. Value: median frames per second;
 * baseline: the budget (50 fps), so the ratio reads "fraction of the budget"; the note gives the
 * trace events per second reached in the same windows (the load the page stood up to) and
 * the machine's load average, since these 2-core machines are shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { median, type Row } from '../harness';

export const names = ['sandbox-fps'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUDGET_FPS = 50;
const WARM_UP_MS = 8_000;
const WINDOWS = 3;
const WINDOW_MS = 3_000;
/** Load: one order every this many virtual ms, at this speed (about 2,000 trace events/s asked for). */
const ORDER_EVERY_MS = '20';
const SPEED = '16';

/** A port nobody listens on (other worktrees run their own servers on fixed ports). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  if (!fs.existsSync(path.join(root, 'out', 'index.html'))) throw new Error('No production build in out/: run `npm run build` first.');
  const server = spawn(process.execPath, [path.join(root, 'scripts', 'serveStatic.mjs')], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error('The static server did not start.');
}

const traceCount = async (page: Page) => Number(await page.getByTestId('run-stats').getAttribute('data-trace-count'));

/**
 * Counts animation frames for `ms` of wall time, in the page. Given as source text: tsx names
 * functions with a helper (__name) that does not exist in the page.
 */
function countFrames(page: Page, ms: number): Promise<{ frames: number; elapsed: number }> {
  return page.evaluate(`new Promise((resolve) => {
    let frames = 0;
    let t0 = null;
    const tick = (now) => {
      if (t0 === null) t0 = now;
      else frames++;
      if (now - t0 < ${Number(ms)}) requestAnimationFrame(tick);
      else resolve({ frames, elapsed: now - t0 });
    };
    requestAnimationFrame(tick);
  })`);
}

export async function run(filter: (name: string) => boolean): Promise<Row[]> {
  if (!filter('sandbox-fps')) return [];
  const port = await freePort();
  const server = await startServer(port);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/sandbox/`);
    await page.getByTestId('live-workspace').and(page.locator('[data-status="ready"]')).waitFor({ timeout: 180_000 });
    await page.getByTestId('order-stream').selectOption(ORDER_EVERY_MS);
    await page.getByTestId('speed').selectOption(SPEED);
    await page.getByTestId('play').click();
    await page.waitForTimeout(WARM_UP_MS);
    const fps: number[] = [];
    const eps: number[] = [];
    for (let i = 0; i < WINDOWS; i++) {
      const before = await traceCount(page);
      const { frames, elapsed } = await countFrames(page, WINDOW_MS);
      const events = (await traceCount(page)) - before;
      fps.push((frames / elapsed) * 1000);
      eps.push((events / elapsed) * 1000);
      console.log(`  window ${i + 1}: ${fps[i]!.toFixed(1)} fps at ${eps[i]!.toFixed(0)} trace events/s`);
    }
    if ((await page.getByTestId('play').textContent()) !== 'Pause') throw new Error('The sandbox stopped playing during the measurement.');
    if (errors.length > 0) throw new Error(`The page reported errors: ${errors.join('; ')}`);
    const value = median(fps);
    const load = os.loadavg()[0]!;
    return [
      {
        name: 'sandbox-fps',
        value,
        baseline: BUDGET_FPS,
        unit: 'fps',
        ratio: value / BUDGET_FPS,
        goal: 1,
        note: `${median(eps).toFixed(0)} trace events/s (windows: ${fps.map((f, i) => `${f.toFixed(0)} fps/${eps[i]!.toFixed(0)} ev/s`).join(', ')}); an order every ${ORDER_EVERY_MS} virtual ms at ${SPEED}×, real stores, ${WARM_UP_MS / 1000} s warm-up; load average ${load.toFixed(1)} on ${os.cpus().length} cores; baseline = budget`,
      },
    ];
  } finally {
    await browser.close();
    server.kill();
  }
}
