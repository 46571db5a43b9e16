#!/usr/bin/env node
// Writes a gzipped copy (`name.gz`, best compression) beside every file of the exported site
// that scripts/serveStatic.mjs would gzip, so the server sends those bytes instead of
// compressing the same 9 MB of pglite.wasm (and the scripts) again for every visitor.
// Static hosts that serve precompressed files (nginx's gzip_static and the like) use them too.
//
//   node scripts/precompress.mjs        # out/
//   node scripts/precompress.mjs dir    # another directory
//
// A `.gz` already newer than its file is kept, so a second run does no work.

import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { filesUnder } from './filesUnder.mjs';
import { contentTypeFor, precompressedOf, worthGzipping } from './serveStatic.mjs';

const gzipBest = promisify(gzip);

/**
 * Gzips every file under `root` the server would gzip (`worthGzipping`) into `file.gz`.
 * @param {string} root
 * @returns {Promise<{ written: number, kept: number, bytesIn: number, bytesOut: number }>}
 */
export async function precompress(root) {
  const totals = { written: 0, kept: 0, bytesIn: 0, bytesOut: 0 };
  for await (const file of filesUnder(path.resolve(root))) {
    if (file.endsWith('.gz')) continue;
    const original = await stat(file);
    if (!worthGzipping(contentTypeFor(file), original.size)) continue;
    if (await precompressedOf(file, original.mtimeMs)) {
      totals.kept++;
      continue;
    }
    const zipped = await gzipBest(await readFile(file), { level: constants.Z_BEST_COMPRESSION });
    await writeFile(file + '.gz', zipped);
    totals.written++;
    totals.bytesIn += original.size;
    totals.bytesOut += zipped.length;
  }
  return totals;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(process.argv[2] ?? path.join(here, '..', 'out'));
  precompress(root).then(
    (t) => {
      const mb = (n) => (n / 1e6).toFixed(1);
      console.log(`precompress: ${t.written} file(s) gzipped (${mb(t.bytesIn)} MB → ${mb(t.bytesOut)} MB), ${t.kept} up to date`);
    },
    (err) => {
      console.error(`precompress: ${err.message}`);
      process.exit(1);
    },
  );
}
