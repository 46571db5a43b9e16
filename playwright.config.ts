import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// E2E tests run against the production build in out/ (`npm run build` first; `npm test`
// does it), served by scripts/serveStatic.mjs, in Debian's Chromium. Playwright's own
// browser downloads cannot work on these machines: never `npx playwright install`.

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(
    `Chromium not found at ${chromium}. Install Debian's: apt-get update && apt-get install -y chromium ` +
      `(or set CHROMIUM_PATH).`,
  );
}
if (!existsSync('out/index.html')) {
  throw new Error('out/index.html not found: run `npm run build` before `npm run test:e2e`.');
}

// Not 3000, so a `npm start` left running is never mistaken for the build under test.
const port = Number(process.env.E2E_PORT ?? 4310);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  // Generous: the sandbox starts PGlite (wasm compile + data dir) before it is ready (slow on a loaded 2-core machine).
  timeout: 300_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'node scripts/serveStatic.mjs out',
    url: `${baseURL}/`,
    env: { PORT: String(port) },
    reuseExistingServer: !process.env.CI,
    timeout: 15_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
