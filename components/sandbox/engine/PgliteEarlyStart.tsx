import { EARLY_START_SCRIPT } from './pgliteAssets';

/**
 * Starts fetching PGlite's files and compiling its wasm as soon as the HTML is parsed (see
 * {@link EARLY_START_SCRIPT}). Render it in a page that starts stores. On a client-side
 * navigation React does not run it, and the loader fetches everything itself.
 */
export function PgliteEarlyStart() {
  return <script dangerouslySetInnerHTML={{ __html: EARLY_START_SCRIPT }} />;
}
