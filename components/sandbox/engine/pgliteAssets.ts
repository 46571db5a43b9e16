/** Where scripts/prepareAssets.mjs puts PGlite's files in the exported site. */
export const PGLITE_BASE = '/pglite/';

/** The global an early start leaves its promises on (see {@link EARLY_START_SCRIPT}). */
export const EARLY_START_GLOBAL = '__pgliteEarlyStart';

/** The engine thread's name (what devtools list it as, and how the build finds where the page creates it). */
export const ENGINE_THREAD_NAME = 'sandbox.engine';

/**
 * The name of the `<meta>` in the page's head that gives the engine thread's script URL. The build
 * writes it (scripts/earlyEngineThread.mjs: the bundler knows the URL only once the chunks exist);
 * under `next dev` there is none, and the page creates the thread itself after hydration.
 */
export const ENGINE_THREAD_META = 'sandbox-engine-thread';

/** What the early-start script leaves on `window[EARLY_START_GLOBAL]`. */
export interface EarlyStartHandles {
  /** Sends a thread what the early start got of PGlite, as its first message, once it is all in. */
  handOver(thread: Worker): void;
  /** The engine thread the HTML started (already handed the assets), for the page to adopt. */
  thread?: Worker;
}

/** PGlite's files as a page's early start got them, handed to the engine thread (each may be missing). */
export interface EarlyPgliteAssets {
  wasmModule?: WebAssembly.Module;
  /** pglite.data. */
  fsBundle?: Blob;
  /** datadir.tgz, still gzipped. */
  dataDirGz?: Blob;
}

/** Page → engine thread: what the early start got. The page sends exactly one, first. */
export interface PgliteAssetsMessage {
  type: 'pglite-assets';
  assets: EarlyPgliteAssets;
}

export function isPgliteAssetsMessage(m: unknown): m is PgliteAssetsMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'pglite-assets';
}

/**
 * An inline script for the HTML of a page that starts stores. While the page's own scripts
 * download and hydrate, it fetches PGlite's files, compiles pglite.wasm (off the main thread) and,
 * in a production build, starts the engine thread and hands it all: the thread evaluates its
 * megabyte of code and boots PostgreSQL during hydration instead of after it (stores ready about
 * 0.2 s sooner on a 2-core machine). Where it started no thread, the page hands what it got to the
 * thread it creates (`takeEarlyStart`). The thread fetches whatever is missing or failed itself.
 * Plain ES5, no imports: it runs before any bundle.
 */
export const EARLY_START_SCRIPT = `(function () {
  try {
    var base = ${JSON.stringify(PGLITE_BASE)};
    var meta = document.querySelector('meta[name="${ENGINE_THREAD_META}"]');
    var threadUrl = meta && meta.getAttribute('content');
    var none = function () { return undefined; };
    var fetched = function (f) { return fetch(base + f); };
    var blobOf = function (response) { return response.then(function (r) { return r.ok ? r.blob() : undefined; }).catch(none); };
    var wasm = fetched('pglite.wasm').then(function (r) {
      if (!r.ok) throw new Error('pglite.wasm: ' + r.status);
      var wasmType = (r.headers.get('content-type') || '').indexOf('application/wasm') === 0;
      return wasmType && WebAssembly.compileStreaming ? WebAssembly.compileStreaming(r) : r.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
    }).catch(none);
    var got = Promise.all([wasm, blobOf(fetched('pglite.data')), blobOf(fetched('datadir.tgz'))]).then(function (a) {
      var assets = {};
      if (a[0]) assets.wasmModule = a[0];
      if (a[1]) assets.fsBundle = a[1];
      if (a[2]) assets.dataDirGz = a[2];
      return assets;
    });
    var handOver = function (thread) {
      got.then(function (assets) {
        try {
          thread.postMessage({ type: 'pglite-assets', assets: assets });
        } catch (e) {
          // A browser that cannot send a compiled module to a worker: the thread compiles its own.
          thread.postMessage({ type: 'pglite-assets', assets: { fsBundle: assets.fsBundle, dataDirGz: assets.dataDirGz } });
        }
      });
    };
    var handles = { handOver: handOver };
    if (threadUrl && typeof Worker === 'function') {
      try {
        handles.thread = new Worker(threadUrl, { name: ${JSON.stringify(ENGINE_THREAD_NAME)} });
        handOver(handles.thread);
      } catch (e) {}
    }
    window[${JSON.stringify(EARLY_START_GLOBAL)}] = handles;
  } catch (e) {}
})();`;

/** Takes what this page's early start left (once: later calls, and pages without one, get nothing). */
export function takeEarlyStart(): EarlyStartHandles | undefined {
  const g = globalThis as unknown as Record<string, EarlyStartHandles | undefined>;
  const early = g[EARLY_START_GLOBAL];
  delete g[EARLY_START_GLOBAL];
  return early;
}
