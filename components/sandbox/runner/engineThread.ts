/**
 * The sandbox's engine thread (a worker bundled with the page). In a production build the page's
 * early-start script creates it while the HTML is parsed (`EARLY_START_SCRIPT`), so it evaluates
 * its code and boots PostgreSQL while the page hydrates; the workspace adopts that thread. Where
 * there is none (`next dev`, a client-side navigation, a second workspace), the workspace's
 * placeholder starts one right after the page is interactive. The controller then takes that
 * thread instead of starting a cold one.
 */

import { takeEarlyStart, type PgliteAssetsMessage } from '../engine/pgliteAssets';

let waiting: Worker | null = null;

function create(): Worker {
  const early = takeEarlyStart();
  if (early?.thread) return early.thread;
  // The name stays a literal (ENGINE_THREAD_NAME): the build finds this call by it (scripts/earlyEngineThread.mjs).
  const worker = new Worker(new URL('./sandbox.worker.ts', import.meta.url), { type: 'module', name: 'sandbox.engine' });
  // The thread's first message: what the page's early start got of PGlite (the compiled module,
  // the fs bundle, the data dir), so the thread does not fetch and compile it all again.
  if (early) early.handOver(worker);
  else worker.postMessage({ type: 'pglite-assets', assets: {} } satisfies PgliteAssetsMessage);
  return worker;
}

/** Starts the engine thread ahead of need. Returns a function that ends it if nobody took it. */
export function prewarmEngineThread(): () => void {
  if (typeof Worker === 'undefined') return () => undefined;
  waiting ??= create();
  const mine = waiting;
  return () => {
    if (waiting === mine) {
      mine.terminate();
      waiting = null;
    }
  };
}

/** The prewarmed engine thread if there is one (it is then the caller's), else a new one. */
export function takeEngineThread(): Worker {
  const w = waiting ?? create();
  waiting = null;
  return w;
}
