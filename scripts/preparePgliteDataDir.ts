/**
 * Builds the pre-initialized PGlite data dir once and caches it under
 * .cache/pglite/<version>/datadir-v3.tgz (`npx tsx scripts/preparePgliteDataDir.ts`).
 * Tests and benches build it on first use anyway; this script makes that explicit (CI warm-up).
 *
 * With `--out <file>` it also writes the data dir the browser starts from: the cached one plus
 * the schemas and tables of the stores the sandbox opens with, made ahead (`premakeStoreSchemas`).
 * Once PostgreSQL is up, creating those tables was most of the page's wait for its stores.
 */
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import { defaultSavedState } from '../components/sandbox/persistence/savedState';
import { findScenario } from '../simulator/scenarios/catalogue';
import { premakeStoreSchemas } from '../simulator/stores/realProvider';
import { dumpDataDir } from '../simulator/stores/sql/pgliteRuntime';
import { createNodePgliteRuntime, dataDirCachePath } from '../simulator/stores/sql/nodePgliteRuntime';

const outIdx = process.argv.indexOf('--out');
const out = outIdx >= 0 ? process.argv[outIdx + 1] : undefined;
const t0 = performance.now();
const runtime = await createNodePgliteRuntime();
const file = dataDirCachePath();
console.log(`data dir cache: ${file} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ready in ${Math.round(performance.now() - t0)} ms)`);
if (out) {
  const scenarioId = defaultSavedState().scenarioId;
  const db = await runtime.createInstance();
  try {
    const made = await premakeStoreSchemas(db, findScenario(scenarioId).build().scenario);
    const tar = new Uint8Array(await (await dumpDataDir(db)).arrayBuffer());
    // `.tgz`: the browser gunzips it with DecompressionStream, natively; anything else gets the
    // plain tar (PGlite would gunzip a tgz in JS on every start).
    fs.writeFileSync(out, out.endsWith('.tgz') ? gzipSync(tar, { level: 9 }) : tar);
    console.log(`wrote ${out} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB) with ${made.length} store schemas of "${scenarioId}" made ahead: ${made.join(', ')}`);
  } finally {
    await db.close();
  }
}
await runtime.close();
