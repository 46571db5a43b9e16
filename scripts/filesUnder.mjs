// The files below a directory, depth first: what the post-build steps walk the export with.

import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every regular file under `dir` (links and other entries are skipped).
 * @param {string} dir
 * @returns {AsyncGenerator<string>} absolute or relative paths, as `dir` was given
 */
export async function* filesUnder(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(p);
    else if (entry.isFile()) yield p;
  }
}
