/**
 * The sandbox's engine thread (a module worker bundled with the page), created as early as the
 * page can afford: the workspace's placeholder starts it right after the page is interactive, so
 * the worker fetches and compiles PGlite while the page loads the rest of the workspace. The
 * controller then takes that thread instead of starting a cold one.
 */

let waiting: Worker | null = null;

function create(): Worker {
  return new Worker(new URL('./sandbox.worker.ts', import.meta.url), { type: 'module', name: 'sandbox.engine' });
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
