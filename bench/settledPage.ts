/**
 * A new tab in a browser that has finished setting it up.
 *
 * Debian's Chromium is the full browser in headless mode: each new window (Playwright opens one
 * per context) costs it 1.5–2.5 s of CPU in its own processes (the window's WebUI, the omnibox
 * popup's renderer) over the next second or so. On a 2-core machine a page loaded meanwhile gets
 * about half the CPU it would get in a learner's browser, where the tab was open before they
 * typed our address. Timed rows therefore open the tab, wait for the browser to go quiet, and
 * only then navigate.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

/** Quiet: the browser's processes together used less than 10% of a core over 250 ms, twice in a row. */
const SAMPLE_MS = 250;
const QUIET_CPU_SECONDS = 0.025;
const MAX_WAIT_MS = 15_000;

async function waitForQuietBrowser(browser: Browser): Promise<void> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const cpuSeconds = async () => {
      const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ cpuTime: number }> };
      return info.processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
    };
    const deadline = Date.now() + MAX_WAIT_MS;
    let before = await cpuSeconds();
    let quietSamples = 0;
    while (quietSamples < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
      const now = await cpuSeconds();
      quietSamples = now - before < QUIET_CPU_SECONDS ? quietSamples + 1 : 0;
      before = now;
    }
  } finally {
    await cdp.detach();
  }
}

/** A page in a new context (no cache, no storage), returned once the browser is quiet. */
export async function settledPage(browser: Browser, options?: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await waitForQuietBrowser(browser);
  return page;
}
