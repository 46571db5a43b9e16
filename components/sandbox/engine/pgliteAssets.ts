/** Where scripts/prepareAssets.mjs puts PGlite's files in the exported site. */
export const PGLITE_BASE = '/pglite/';

/** The global an early start leaves its promises on (see {@link EARLY_START_SCRIPT}). */
export const EARLY_START_GLOBAL = '__pgliteEarlyStart';

/** What the early-start script leaves on `window[EARLY_START_GLOBAL]`. */
export interface EarlyStartHandles {
  /** pglite.wasm, compiled while the page's scripts load (cleared once taken). */
  wasm?: Promise<WebAssembly.Module>;
  /** Responses by URL, each to be consumed once. */
  responses: Record<string, Promise<Response>>;
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
 * An inline script for the HTML of a page that starts stores: it fetches PGlite's files and
 * compiles pglite.wasm (off the main thread) while the page's own scripts download and
 * hydrate, instead of seconds later when the engine thread would ask for them. The page hands
 * what it got to the engine thread (`takeEarlyAssets`), which fetches whatever is missing or
 * failed itself. Plain ES5, no imports: it runs before any bundle.
 */
export const EARLY_START_SCRIPT = `(function () {
  try {
    var base = ${JSON.stringify(PGLITE_BASE)};
    var responses = {};
    ['pglite.wasm', 'datadir.tgz', 'pglite.data'].forEach(function (f) {
      responses[base + f] = fetch(base + f);
      responses[base + f].catch(function () {});
    });
    var wasm = responses[base + 'pglite.wasm'].then(function (r) {
      if (!r.ok) throw new Error('pglite.wasm: ' + r.status);
      var wasmType = (r.headers.get('content-type') || '').indexOf('application/wasm') === 0;
      return wasmType && WebAssembly.compileStreaming ? WebAssembly.compileStreaming(r) : r.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
    });
    wasm.catch(function () {});
    delete responses[base + 'pglite.wasm'];
    window[${JSON.stringify(EARLY_START_GLOBAL)}] = { wasm: wasm, responses: responses };
  } catch (e) {}
})();`;

/**
 * Takes what this page's early start left (once; later calls and pages without one get nothing),
 * waits for it, and returns what succeeded, ready to post to the engine thread.
 */
export async function takeEarlyAssets(): Promise<EarlyPgliteAssets> {
  const g = globalThis as unknown as Record<string, EarlyStartHandles | undefined>;
  const early = g[EARLY_START_GLOBAL];
  delete g[EARLY_START_GLOBAL];
  if (!early) return {};
  const blobOf = (file: string): Promise<Blob | undefined> =>
    (early.responses[PGLITE_BASE + file] ?? Promise.reject(new Error('not fetched'))).then((r) => (r.ok ? r.blob() : undefined)).catch(() => undefined);
  const [wasmModule, fsBundle, dataDirGz] = await Promise.all([
    early.wasm?.catch(() => undefined),
    blobOf('pglite.data'),
    blobOf('datadir.tgz'),
  ]);
  return { ...(wasmModule ? { wasmModule } : {}), ...(fsBundle ? { fsBundle } : {}), ...(dataDirGz ? { dataDirGz } : {}) };
}
