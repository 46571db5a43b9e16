/// <reference lib="webworker" />
/**
 * Grading off the main thread: the lesson engine (QuickJS), PGlite and the simulations run
 * here, so the lesson page keeps scrolling, typing and painting its progress bar while a
 * grade takes its seconds. Created by lessonRuntime.ts, one per page, kept warm between runs
 * (PGlite's compiled module and its started instance are reused).
 *
 * The worker gets ready as soon as it exists, not when the first request arrives: it loads
 * QuickJS and PGlite, starts the PGlite instance a simulation takes from the pool, and warms
 * the engine up (`warmUpGrader`: one lesson-agnostic simulation on the real stores, clean and
 * with faults, and a throwaway sandbox), then answers `prepare` with `ready`. A page creates
 * it early (the lesson page once the exercise's editor is up, the /grade/ page at once), so a
 * learner who presses Grade minutes later does not wait for any of that. A Run or Grade that
 * arrives during the warm-up stops it at the next slice.
 */
import { gradeExercise, preloadLessonRuntime, runExercise, warmUpGrader } from '@/lessons';
import { createRealStoreProvider, type StoreProvider } from '@/simulator';
import { loadBrowserPglite } from '@/components/sandbox/engine/loadBrowserPglite';
import type { WorkerRequest, WorkerResponse } from './gradeWorkerProtocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (m: WorkerResponse) => self.postMessage(m);
const started = performance.now();

/** Grade and Run requests received and not answered yet: the warm-up yields to them. */
let waiting = 0;

let storesPromise: Promise<() => StoreProvider> | null = null;

/** QuickJS and PGlite loaded, one instance started (idle in the pool), the engine warmed up. Retried after a failure. */
function realStores(): Promise<() => StoreProvider> {
  if (!storesPromise) {
    storesPromise = Promise.all([loadBrowserPglite(), preloadLessonRuntime()]).then(async ([pglite]) => {
      await pglite.prestart();
      const stores = () => createRealStoreProvider({ pglite, indexedDB, IDBKeyRange });
      const warm = await warmUpGrader({ stores, shouldStop: () => waiting > 0 });
      console.info(
        `[grade.worker] ready after ${Math.round(performance.now() - started)} ms; warm-up: ${warm.steps.map((s) => `${s.step} ${s.ms} ms${s.error ? ` (failed: ${s.error})` : ''}`).join(', ') || 'none'}${warm.stopped ? ` (stopped: ${warm.stopped})` : ''}`,
      );
      return stores;
    });
    storesPromise.catch(() => (storesPromise = null));
  }
  return storesPromise;
}


// Get ready now; a failure here is reported to (and retried by) the first request.
realStores().catch(() => undefined);

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  const { id } = req;
  const urgent = req.kind !== 'prepare';
  if (urgent) waiting++;
  try {
    const stores = await realStores();
    if (req.kind === 'prepare') {
      post({ id, type: 'ready', ms: Math.round(performance.now() - started) });
      return;
    }
    const { lessonId, exerciseId, files } = req;
    if (req.kind === 'grade') {
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
  } finally {
    if (urgent) waiting--;
  }
};
