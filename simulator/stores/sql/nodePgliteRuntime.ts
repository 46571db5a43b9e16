/**
 * Node loader for the PGlite runtime (tests, benchmarks, the headless grader).
 *
 * Reads `pglite.wasm`, `initdb.wasm` and `pglite.data` from node_modules, compiles
 * them once per process, and keeps the pre-initialized data dir on disk under
 * `.cache/pglite/<pglite version>/datadir.tgz` so that only the first process on a
 * machine pays for initdb. The browser has its own loader; this file is Node-only.
 */
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { createPgliteRuntime, type PgliteRuntime, type PgliteRuntimeOptions } from './pgliteRuntime';

export interface NodePgliteRuntimeOptions extends PgliteRuntimeOptions {
  /** Where the data-dir dump is cached. Default: `<repo>/.cache/pglite`. */
  cacheDir?: string;
}

/** Where the installed @electric-sql/pglite lives, and its version. */
export function locatePglite(): { distDir: string; version: string; repoRoot: string } {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@electric-sql/pglite');
  const distDir = path.dirname(entry);
  const pkgDir = path.dirname(distDir);
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const idx = pkgDir.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  const repoRoot = idx >= 0 ? pkgDir.slice(0, idx) : process.cwd();
  return { distDir, version, repoRoot };
}

/** Path of the cached data-dir dump for the installed PGlite version. */
export function dataDirCachePath(cacheDir?: string): string {
  const { version, repoRoot } = locatePglite();
  // The file name changes with the way the dump is made (v2: no template databases, WAL trimmed;
  // v3: the WAL holds one fresh segment).
  return path.join(cacheDir ?? path.join(repoRoot, '.cache', 'pglite'), version, 'datadir-v3.tgz');
}

/**
 * Builds (or loads from the disk cache) the pre-initialized data dir and writes it
 * to the cache. Safe with concurrent processes: written to a temp file, then renamed.
 * @returns the cache file path.
 */
export async function ensureDataDirCache(runtime: PgliteRuntime, cacheDir?: string): Promise<string> {
  const file = dataDirCachePath(cacheDir);
  if (fs.existsSync(file)) return file;
  const blob = await runtime.dataDir();
  const tar = new Uint8Array(await blob.arrayBuffer());
  // Stored gzipped (40 MB → ~5 MB); node's zlib unpacks it in ~100 ms at load.
  const gz = gzipSync(tar, { level: 6 });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, gz);
  fs.renameSync(tmp, file);
  return file;
}

const GLOBAL_KEY = Symbol.for('dataManagementSandbox.nodePgliteRuntime');
type GlobalSlot = { [GLOBAL_KEY]?: Promise<PgliteRuntime> };

/**
 * The process-wide Node runtime: modules compiled once, data dir from the disk cache
 * (built with one initdb and cached if missing). Later calls return the same runtime,
 * so its pool is shared by every test file of a worker.
 *
 * The memo lives on globalThis (not a module variable) because test runners may load
 * this module more than once per process; it holds no simulation state.
 */
export function getNodePgliteRuntime(options: NodePgliteRuntimeOptions = {}): Promise<PgliteRuntime> {
  const slot = globalThis as GlobalSlot;
  if (!slot[GLOBAL_KEY]) {
    slot[GLOBAL_KEY] = createNodePgliteRuntime(options);
    slot[GLOBAL_KEY].catch(() => delete slot[GLOBAL_KEY]);
  }
  return slot[GLOBAL_KEY];
}

/**
 * A new Node runtime (its own pool). Prefer {@link getNodePgliteRuntime} unless a
 * separate pool is wanted (benchmarks measuring cold starts).
 */
export async function createNodePgliteRuntime(options: NodePgliteRuntimeOptions = {}): Promise<PgliteRuntime> {
  const { distDir } = locatePglite();
  const [wasmModule, initdbModule] = await Promise.all([
    WebAssembly.compile(fs.readFileSync(path.join(distDir, 'pglite.wasm'))),
    WebAssembly.compile(fs.readFileSync(path.join(distDir, 'initdb.wasm'))),
  ]);
  const fsBundle = new Blob([fs.readFileSync(path.join(distDir, 'pglite.data'))]);
  const cacheFile = dataDirCachePath(options.cacheDir);
  let dataDir: Blob | undefined;
  if (fs.existsSync(cacheFile)) {
    try {
      // Hand PGlite the plain tar: it would otherwise gunzip in JS on every start.
      dataDir = new Blob([gunzipSync(fs.readFileSync(cacheFile))]);
    } catch {
      dataDir = undefined; // a truncated cache file is rebuilt below
    }
  }
  const runtime = createPgliteRuntime({ wasmModule, initdbModule, fsBundle, dataDir }, options);
  if (!dataDir) {
    if (fs.existsSync(cacheFile)) fs.rmSync(cacheFile, { force: true });
    await ensureDataDirCache(runtime, options.cacheDir);
  }
  return runtime;
}
