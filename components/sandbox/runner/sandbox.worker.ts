/// <reference lib="webworker" />
/**
 * The sandbox's engine thread: the simulation with its real stores (PGlite, Dexie on this
 * origin's IndexedDB, the KV, the search index) runs here, so the page keeps drawing at its
 * frame rate while the engine works through a thousand trace events a second.
 * Created by the workspace's controller (state/controller.ts), one per workspace.
 */
import { createStoreProvider } from '../engine/createStoreProvider';
import { loadBrowserPglite } from '../engine/loadBrowserPglite';
import { createYield, EngineHost } from './EngineHost';
import { buildLearnerScenario } from './learnerScenario';
import type { CommandMessage, HostMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const host = new EngineHost({
  createStores: createStoreProvider,
  post: (m: HostMessage) => self.postMessage(m),
  wallNow: () => performance.now(),
  yieldToEvents: createYield(),
  buildLearnerScenario,
});

self.onmessage = (e: MessageEvent<CommandMessage>) => host.handle(e.data);

// The page may start this thread before the workspace asks for a run: fetch and compile PGlite
// now (the runtime is kept per thread, so the run's stores get it from here). A failure here is
// reported by the run's start, which asks again.
loadBrowserPglite().catch(() => undefined);
