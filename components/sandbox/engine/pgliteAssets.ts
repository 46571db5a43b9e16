/** Where scripts/prepareAssets.mjs puts PGlite's files in the exported site. */
export const PGLITE_BASE = '/pglite/';

/**
 * What a page that starts stores fetches first, most needed first. `PglitePreload` asks the
 * browser for them while the page's scripts load; `loadBrowserPglite` fetches the same URLs
 * in the same mode, so it gets the preloaded responses.
 */
export const PGLITE_ASSETS = ['pglite.wasm', 'datadir.tgz', 'pglite.data', 'manifest.json'].map((f) => PGLITE_BASE + f);
