/// <reference lib="webworker" />
/**
 * The sandbox's engine thread: the simulation with its real stores (PGlite, Dexie on this
 * origin's IndexedDB, the KV, the search index) runs here, so the page keeps drawing at its
 * frame rate while the engine works through a thousand trace events a second.
 * Created by the workspace's controller (state/controller.ts), one per workspace.
 */
import { createStoreProvider } from '../engine/createStoreProvider';
import { loadBrowserPglite } from '../engine/loadBrowserPglite';
import { isPgliteAssetsMessage, type EarlyPgliteAssets, type PgliteAssetsMessage } from '../engine/pgliteAssets';
import { createYield, EngineHost } from './EngineHost';
import { buildLearnerScenario } from './learnerScenario';
import type { CommandMessage, HostMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** How long the thread waits for the page's early assets before fetching PGlite itself. */
const EARLY_ASSETS_WAIT_MS = 20_000;

const host = new EngineHost({
  createStores: createStoreProvider,
  post: (m: HostMessage) => self.postMessage(m),
  wallNow: () => performance.now(),
  yieldToEvents: createYield(),
  buildLearnerScenario,
});

// The page's early start fetched PGlite's files and compiled its wasm while the page loaded, and
// hands them over in this thread's first message: the early-start script itself when it started
// this thread, else the page when it creates it (runner/engineThread.ts). Start PGlite from
// them at once (the runtime is kept per thread, so the run's stores get it from here); whatever
// the page could not get is fetched here. A failure here is reported by the run's start, which asks again.
let handOver: (assets: EarlyPgliteAssets) => void = () => undefined;
const early = new Promise<EarlyPgliteAssets>((resolve) => {
  handOver = resolve;
  // A page that never says (it should) must not leave the thread waiting forever.
  setTimeout(() => resolve({}), EARLY_ASSETS_WAIT_MS);
});
// The run's instance starts as soon as the runtime is there: the run's stores take it (or wait for it).
loadBrowserPglite(early)
  .then((pglite) => pglite.prestart())
  .catch(() => undefined);

self.onmessage = (e: MessageEvent<CommandMessage | PgliteAssetsMessage>) => {
  if (isPgliteAssetsMessage(e.data)) handOver(e.data.assets);
  else host.handle(e.data);
};
