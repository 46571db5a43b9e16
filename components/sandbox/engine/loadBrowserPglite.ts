import { createPgliteRuntime, type PgliteRuntime } from '@/simulator';
import { PGLITE_BASE as BASE, type EarlyPgliteAssets } from './pgliteAssets';

/**
 * Loads PGlite in a browser thread (the sandbox's engine thread, the lesson's grading thread)
 * from the assets scripts/prepareAssets.mjs copies into public/pglite/.
 *
 * We pass the compiled modules and the fs bundle ourselves instead of letting PGlite resolve
 * URLs relative to its bundle: bundlers rewrite those (Turbopack workers broke them before),
 * and nothing may be fetched from a CDN. Compiling `pglite.wasm` (9 MB) costs about a second,
 * so the promise is kept per thread and every instance shares the compiled module.
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

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not load ${url}: the server answered ${res.status} ${res.statusText}.`);
  return res;
}

async function compile(url: string): Promise<WebAssembly.Module> {
  const res = await fetchOk(url);
  // compileStreaming needs the application/wasm type; fall back to bytes when a server sends another.
  if (typeof WebAssembly.compileStreaming === 'function' && res.headers.get('content-type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

async function load(earlyAssets: Promise<EarlyPgliteAssets> | undefined): Promise<PgliteRuntime> {
  const early = (await earlyAssets?.catch(() => undefined)) ?? {};
  const manifest = (await (await fetchOk(`${BASE}manifest.json`)).json()) as PgliteManifest;
  for (const name of ['pglite.wasm', 'initdb.wasm', 'pglite.data']) {
    if (!(name in manifest.files)) throw new Error(`public/pglite/manifest.json does not list ${name}; run npm run prepare-assets.`);
  }
  const [wasmModule, fsBundle, dataDir] = await Promise.all([
    early.wasmModule ?? compile(`${BASE}pglite.wasm`),
    early.fsBundle ?? fetchOk(`${BASE}pglite.data`).then((r) => r.blob()),
    loadDataDir(early.dataDirGz),
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
async function loadDataDir(gzipped: Blob | undefined): Promise<Blob | undefined> {
  try {
    if (typeof DecompressionStream === 'undefined') return undefined;
    let body: ReadableStream<Uint8Array<ArrayBuffer>> | null = gzipped ? gzipped.stream() : null;
    if (!body) {
      const res = await fetch(`${BASE}datadir.tgz`);
      if (!res.ok) return undefined;
      body = res.body;
    }
    if (!body) return undefined;
    return await new Response(body.pipeThrough(new DecompressionStream('gzip'))).blob();
  } catch {
    return undefined;
  }
}

/**
 * This thread's PGlite runtime (assets fetched and compiled once per thread). The first call
 * decides where the assets come from: `early` (what the page's early start got, see
 * `takeEarlyAssets`), with whatever is missing there fetched here.
 */
export function loadBrowserPglite(early?: Promise<EarlyPgliteAssets>): Promise<PgliteRuntime> {
  if (!runtimePromise) {
    runtimePromise = load(early);
    // A failed load (offline, missing asset) must not poison a later retry.
    runtimePromise.catch(() => {
      runtimePromise = null;
    });
  }
  return runtimePromise;
}
