/// <reference lib="webworker" />
/**
 * Grading off the main thread: the lesson engine (QuickJS), PGlite and the simulations run
 * here, so the lesson page keeps scrolling, typing and painting its progress bar while a
 * grade takes its seconds. Created by lessonRuntime.ts, one per page, kept warm between runs
 * (PGlite's compiled module is reused).
 */
import { gradeExercise, runExercise } from '@/lessons';
import { createRealStoreProvider, type StoreProvider } from '@/simulator';
import { loadBrowserPglite } from '@/components/sandbox/engine/loadBrowserPglite';
import type { WorkerRequest, WorkerResponse } from './gradeWorkerProtocol';

declare const self: DedicatedWorkerGlobalScope;

let storesPromise: Promise<() => StoreProvider> | null = null;
function realStores(): Promise<() => StoreProvider> {
  if (!storesPromise) {
    storesPromise = loadBrowserPglite().then((pglite) => () => createRealStoreProvider({ pglite, indexedDB, IDBKeyRange }));
    storesPromise.catch(() => (storesPromise = null));
  }
  return storesPromise;
}

const post = (m: WorkerResponse) => self.postMessage(m);

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, kind, lessonId, exerciseId, files } = e.data;
  try {
    const stores = await realStores();
    if (kind === 'grade') {
      const report = await gradeExercise({
        lessonId,
        exerciseId,
        files,
        stores,
        onProgress: (done, total, label) => post({ id, type: 'progress', done, total, label }),
      });
      post({ id, type: 'grade', report });
    } else {
      post({ id, type: 'run', report: await runExercise({ lessonId, exerciseId, files, stores }) });
    }
  } catch (err) {
    post({ id, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
