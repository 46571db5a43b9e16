/**
 * PGlite start: from the shared compiled module + pre-initialized data dir (what the runtime
 * does) vs a cold `PGlite.create()` (initdb, own compile). Ratio = speed-up.
 * Plus resident memory per instance, from process RSS deltas.
 */
import { PGlite } from '@electric-sql/pglite';
import { createNodePgliteRuntime } from '../../simulator/stores/sql/nodePgliteRuntime';
import { median, sideBySide, type Row } from '../harness';

export const names = ['pglite-start', 'pglite-rss'];

export async function run(filter: (name: string) => boolean): Promise<Row[]> {
  const runtime = await createNodePgliteRuntime({ maxIdle: 0 });
  const rows: Row[] = [];
  if (filter('pglite-start')) {
    const r = await sideBySide({
      rounds: 3,
      warmup: 0,
      engine: async () => {
        const db = await runtime.createInstance();
        await db.query('SELECT 1');
        await db.close();
      },
      baseline: async () => {
        const db = await PGlite.create();
        await db.query('SELECT 1');
        await db.close();
      },
    });
    rows.push({
      name: 'pglite-start',
      value: r.engineMs,
      baseline: r.baselineMs,
      unit: 'ms',
      ratio: r.baselineMs / r.engineMs,
      note: 'shared module + loadDataDir vs cold create (initdb); ratio = speed-up',
    });
  }
  if (filter('pglite-rss')) {
    // An instance's memory is its wasm linear memory (PostgreSQL's heap, shared memory and the
    // in-memory data dir); process RSS deltas also count the garbage collector's moods (they came
    // out negative once the data dir shrank). Read through PGlite's Emscripten module.
    const sizes: number[] = [];
    const held = [];
    for (let i = 0; i < 3; i++) {
      const db = await runtime.createInstance();
      await db.query('SELECT 1');
      held.push(db);
      const heap = (db as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod?.HEAPU8;
      if (!heap) throw new Error('pglite-rss: PGlite no longer exposes its wasm memory (mod.HEAPU8)');
      sizes.push(heap.byteLength / 1e6);
    }
    await Promise.all(held.map((d) => d.close()));
    const perInstance = median(sizes);
    rows.push({ name: 'pglite-rss', value: perInstance, baseline: 200, unit: 'MB', ratio: 200 / perInstance, note: 'wasm memory per started instance (median of 3); baseline = the 200 MB STACK.md figure' });
  }
  await runtime.close();
  return rows;
}
