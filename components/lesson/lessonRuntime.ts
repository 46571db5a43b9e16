'use client';

/**
 * The page's bridge to the lesson engine and the real stores. Everything heavy (QuickJS,
 * PGlite, the simulations) lives in a Web Worker, never on the main thread. The worker is
 * started by {@link prepareGrading} (the exercise panel calls it once the page is idle, the
 * /grade/ page at once) or else by the first Run or Grade, and gets ready in the background.
 */
import type { CodeDiagnostic, ConsoleLine, GradeReport } from '@/lessons/types';
import { createGradingClient, GradingCancelledError, type GradeProgress, type WorkerLike } from './gradingClient';

export { GradingCancelledError };

export interface RunOutcome {
  console: ConsoleLine[];
  diagnostics: CodeDiagnostic[];
  /** One line about what happened, from the engine. */
  summary?: string;
  /** Set when the code threw or the run failed (compile errors are in `diagnostics`). */
  error?: string;
  /** The scenario the run used, to open in the sandbox. */
  scenario?: string;
}

export type { GradeReport };

// ---- the grading worker

const client = createGradingClient(
  () => new Worker(new URL('./gradeWorker.ts', import.meta.url), { type: 'module', name: 'grade.worker' }) as unknown as WorkerLike,
);
const ask = client.ask;

/**
 * Starts the grading worker if it is not running, and resolves when it has loaded QuickJS
 * and PGlite and started the database a grade uses (with how long that took in the worker,
 * in ms). A learner reads the lesson meanwhile; Grade then starts on a ready engine.
 */
export async function prepareGrading(): Promise<number> {
  const m = await ask({ kind: 'prepare' });
  if (m.type === 'error') throw new Error(m.message);
  if (m.type !== 'ready') throw new Error(`Unexpected answer from the grading worker: ${m.type}`);
  return m.ms;
}

/**
 * Stops a grade or run in progress: the worker is terminated (its simulations stop mid-check)
 * and the waiting call fails with GradingCancelledError. The next call starts a fresh worker.
 * @returns false when nothing was running.
 */
export function cancelInPage(): boolean {
  return client.cancel();
}

/**
 * Grades with the real stores, in a Web Worker (the same code the headless CLI drives).
 * Measured on the main thread, a grade of lesson 1 blocked it for ~14 of 16 s in long tasks.
 */
export async function gradeInPage(opts: {
  lessonId: string;
  exerciseId: string;
  files: Record<string, string>;
  onProgress?: GradeProgress;
}): Promise<GradeReport> {
  const { onProgress, ...req } = opts;
  const m = await ask({ kind: 'grade', ...req }, onProgress);
  if (m.type === 'error') throw new Error(m.message);
  if (m.type !== 'grade') throw new Error(`Unexpected answer from the grading worker: ${m.type}`);
  return m.report;
}

/** Runs the learner's code once in a demo simulation (no grading), in the grading worker. */
export async function runInPage(opts: {
  lessonId: string;
  exerciseId: string;
  files: Record<string, string>;
}): Promise<RunOutcome> {
  const m = await ask({ kind: 'run', ...opts });
  if (m.type === 'error') throw new Error(m.message);
  if (m.type !== 'run') throw new Error(`Unexpected answer from the grading worker: ${m.type}`);
  const r = m.report;
  return {
    console: r.console,
    diagnostics: r.diagnostics,
    summary: r.outcome,
    ...(!r.ok && r.diagnostics.length === 0 ? { error: r.outcome } : {}),
    ...(r.scenario ? { scenario: r.scenario } : {}),
  };
}
