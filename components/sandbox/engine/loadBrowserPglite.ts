import { createPgliteRuntime, type PgliteRuntime } from '@/simulator';
import { EARLY_START_GLOBAL, PGLITE_BASE as BASE, type EarlyStartHandles } from './pgliteAssets';

/**
 * Loads PGlite in the page from the assets scripts/prepareAssets.mjs copies into public/pglite/.
 *
 * We pass the compiled modules and the fs bundle ourselves instead of letting PGlite resolve
 * URLs relative to its bundle: bundlers rewrite those (Turbopack workers broke them before),
 * and nothing may be fetched from a CDN. Compiling `pglite.wasm` (9 MB) costs about a second,
 * so the promise is kept per page and every instance shares the compiled module.
 */

/** What prepareAssets.mjs writes next to the assets. */
interface PgliteManifest {
  package: string;
  version: string;
  files: Record<string, number>;
}

/** The smallest valid wasm module: magic number and version. */
const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

let runtimePromise: Promise<PgliteRuntime> | null = null;

/** What the page's early-start script began (taken once; undefined in a worker or after a client-side navigation). */
function takeEarlyStart(): EarlyStartHandles | undefined {
  const g = globalThis as unknown as Record<string, EarlyStartHandles | undefined>;
  const early = g[EARLY_START_GLOBAL];
  delete g[EARLY_START_GLOBAL];
  return early;
}

let early: EarlyStartHandles | undefined;

/** A response the early start already asked for (once), else a new fetch; either way a failure falls back to fetching. */
async function fetchEarlyOr(url: string): Promise<Response> {
  const started = early?.responses[url];
  if (started) {
    delete early!.responses[url];
    const res = await started.catch(() => undefined);
    if (res?.ok) return res;
  }
  return fetch(url);
}

async function fetchOk(url: string): Promise<Response> {
  const res = await fetchEarlyOr(url);
  if (!res.ok) throw new Error(`Could not load ${url}: the server answered ${res.status} ${res.statusText}.`);
  return res;
}

async function compile(url: string): Promise<WebAssembly.Module> {
  if (url === `${BASE}pglite.wasm` && early?.wasm) {
    const compiled = await early.wasm.catch(() => undefined);
    early.wasm = undefined;
    if (compiled) return compiled;
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url}: the server answered ${res.status} ${res.statusText}.`);
  // compileStreaming needs the application/wasm type; fall back to bytes when a server sends another.
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

async function load(): Promise<PgliteRuntime> {
  const manifest = (await (await fetchOk(`${BASE}manifest.json`)).json()) as PgliteManifest;
  for (const name of ['pglite.wasm', 'initdb.wasm', 'pglite.data']) {
    if (!(name in manifest.files)) throw new Error(`public/pglite/manifest.json does not list ${name}; run npm run prepare-assets.`);
  }
  const [wasmModule, fsBundle, dataDir] = await Promise.all([
    compile(`${BASE}pglite.wasm`),
    fetchOk(`${BASE}pglite.data`).then((r) => r.blob()),
    loadDataDir(),
  ]);
  // initdb only runs without a data dir. PGlite starts downloading initdb.wasm from a URL
  // next to its bundle when it is given no module, so it gets an empty one instead of
  // a 1 MB fetch and compile that would compete with pglite.wasm's.
  const initdbModule = dataDir ? new WebAssembly.Module(EMPTY_WASM) : await compile(`${BASE}initdb.wasm`);
  // A simulation holds one instance (a schema per store); keep two warm so a reset or replay reuses one.
  return createPgliteRuntime({ wasmModule, initdbModule, fsBundle, ...(dataDir ? { dataDir } : {}) }, { maxIdle: 2 });
}

/**
 * The pre-initialized data dir built at `npm run build` (scripts/preparePgliteDataDir.ts):
 * starting from it skips initdb (~2–3 s per page). Missing or unreadable: PGlite runs initdb once.
 */
async function loadDataDir(): Promise<Blob | undefined> {
  try {
    const res = await fetchEarlyOr(`${BASE}datadir.tgz`);
    if (!res.ok || !res.body || typeof DecompressionStream === 'undefined') return undefined;
    return await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).blob();
  } catch {
    return undefined;
  }
}

/** The page's PGlite runtime (assets fetched and compiled once per page). */
export function loadBrowserPglite(): Promise<PgliteRuntime> {
  if (!runtimePromise) {
    early = takeEarlyStart();
    runtimePromise = load();
    // A failed load (offline, missing asset) must not poison a later retry.
    runtimePromise.catch(() => {
      runtimePromise = null;
    });
  }
  return runtimePromise;
}
