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

/**
 * An inline script for the HTML of a page that starts stores: it fetches PGlite's files and
 * compiles pglite.wasm (off the main thread) while the page's own scripts download and
 * hydrate, instead of ~3 s later when the workspace's lazy chunk asks for them.
 * `loadBrowserPglite` takes what it left and falls back to its own fetches when it is
 * missing or failed. Plain ES5, no imports: it runs before any bundle.
 */
export const EARLY_START_SCRIPT = `(function () {
  try {
    var base = ${JSON.stringify(PGLITE_BASE)};
    var responses = {};
    ['pglite.wasm', 'datadir.tgz', 'pglite.data', 'manifest.json'].forEach(function (f) {
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
