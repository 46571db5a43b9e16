/**
 * The page's side of the grading worker: requests with ids, progress routed to the caller,
 * and cancellation. Cancelling terminates the worker (QuickJS, PGlite and the simulations
 * inside it stop at once, mid-check) and fails what was waiting with GradingCancelledError;
 * the next request starts a fresh worker, so nothing of the cancelled grade leaks into it.
 * The worker factory is injected so this logic is tested without a browser.
 */
import type { WorkerAsk, WorkerRequest, WorkerResponse } from './gradeWorkerProtocol';

/** The part of a Web Worker this uses. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((e: { data: WorkerResponse }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
}

export type GradeProgress = (done: number, total: number, label: string) => void;

/** The learner pressed Cancel. */
export class GradingCancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'GradingCancelledError';
  }
}

export interface GradingClient {
  ask(req: WorkerAsk, onProgress?: GradeProgress): Promise<WorkerResponse>;
  /** Stops the worker and fails every waiting request. False when nothing was running. */
  cancel(): boolean;
  /** Whether a request is waiting for its answer. */
  readonly busy: boolean;
}

export function createGradingClient(makeWorker: () => WorkerLike): GradingClient {
  let worker: WorkerLike | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve(v: WorkerResponse): void; reject(e: Error): void; onProgress?: GradeProgress }>();

  const failAll = (e: Error) => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) p.reject(e);
  };

  const current = (): WorkerLike => {
    if (worker) return worker;
    const w = makeWorker();
    w.onmessage = (e) => {
      if (worker !== w) return; // a cancelled worker's last words
      const m = e.data;
      const p = pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') return p.onProgress?.(m.done, m.total, m.label);
      pending.delete(m.id);
      p.resolve(m);
    };
    w.onerror = (e) => {
      if (worker !== w) return;
      // The worker itself died (failed to load, out of memory): fail what was waiting, start afresh next time.
      worker = null;
      w.terminate();
      failAll(new Error(e.message || 'The grading worker stopped.'));
    };
    worker = w;
    return w;
  };

  return {
    ask(req, onProgress) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
        current().postMessage({ ...req, id } as WorkerRequest);
      });
    },
    cancel() {
      if (pending.size === 0) return false;
      const w = worker;
      worker = null;
      w?.terminate();
      failAll(new GradingCancelledError());
      return true;
    },
    get busy() {
      return pending.size > 0;
    },
  };
}
