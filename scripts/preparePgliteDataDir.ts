/**
 * Builds the pre-initialized PGlite data dir once and caches it under
 * .cache/pglite/<version>/datadir-v3.tgz (`npx tsx scripts/preparePgliteDataDir.ts`).
 * Tests and benches build it on first use anyway; this script makes that explicit
 * (CI warm-up, or copying the dump to public/ for the browser loader with `--out <file>`).
 */
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createNodePgliteRuntime, dataDirCachePath } from '../simulator/stores/sql/nodePgliteRuntime';

const outIdx = process.argv.indexOf('--out');
const out = outIdx >= 0 ? process.argv[outIdx + 1] : undefined;
const t0 = performance.now();
const runtime = await createNodePgliteRuntime();
const file = dataDirCachePath();
console.log(`data dir cache: ${file} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ready in ${Math.round(performance.now() - t0)} ms)`);
if (out) {
  // `.tgz`: copied as is (the browser gunzips it with DecompressionStream, natively);
  // anything else gets the plain tar (PGlite would gunzip a tgz in JS on every start).
  if (out.endsWith('.tgz')) fs.copyFileSync(file, out);
  else fs.writeFileSync(out, gunzipSync(fs.readFileSync(file)));
  console.log(`wrote ${out}`);
}
await runtime.close();
