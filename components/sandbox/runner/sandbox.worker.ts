/// <reference lib="webworker" />
/**
 * The sandbox's engine thread: the simulation with its real stores (PGlite, Dexie on this
 * origin's IndexedDB, the KV, the search index) runs here, so the page keeps drawing at its
 * frame rate while the engine works through a thousand trace events a second.
 * Created by the workspace's controller (state/controller.ts), one per workspace.
 */
import { createStoreProvider } from '../engine/createStoreProvider';
import { createYield, EngineHost } from './EngineHost';
import type { CommandMessage, HostMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const host = new EngineHost({
  createStores: createStoreProvider,
  post: (m: HostMessage) => self.postMessage(m),
  wallNow: () => performance.now(),
  yieldToEvents: createYield(),
});

self.onmessage = (e: MessageEvent<CommandMessage>) => host.handle(e.data);
