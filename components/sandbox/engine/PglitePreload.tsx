import { preload } from 'react-dom';
import { PGLITE_ASSETS } from './pgliteAssets';

/**
 * Starts downloading PGlite's assets as soon as the HTML is parsed, instead of after the
 * page's scripts have loaded and the workspace asked for them (about 3 s later on this
 * machine). Render it in a page that starts stores. Renders nothing.
 */
export function PglitePreload() {
  // crossOrigin 'anonymous' matches fetch()'s default mode and credentials, so the fetch reuses the preload.
  for (const href of PGLITE_ASSETS) preload(href, { as: 'fetch', crossOrigin: 'anonymous' });
  return null;
}
