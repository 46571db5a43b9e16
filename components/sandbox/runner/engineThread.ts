/**
 * The sandbox's engine thread (a module worker bundled with the page), created as early as the
 * page can afford: the workspace's placeholder starts it right after the page is interactive, so
 * the worker fetches and compiles PGlite while the page loads the rest of the workspace. The
 * controller then takes that thread instead of starting a cold one.
 */

import { takeEarlyAssets, type PgliteAssetsMessage } from '../engine/pgliteAssets';

let waiting: Worker | null = null;

function create(): Worker {
  const worker = new Worker(new URL('./sandbox.worker.ts', import.meta.url), { type: 'module', name: 'sandbox.engine' });
  // The thread's first message: what the page's early start got of PGlite (the compiled module,
  // the fs bundle, the data dir), so the thread does not fetch and compile it all again.
  void takeEarlyAssets().then((assets) => {
    const message: PgliteAssetsMessage = { type: 'pglite-assets', assets };
    try {
      worker.postMessage(message);
    } catch {
      // A browser that cannot send a compiled module to a worker: the thread compiles its own.
      worker.postMessage({ type: 'pglite-assets', assets: { ...assets, wasmModule: undefined } });
    }
  });
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
