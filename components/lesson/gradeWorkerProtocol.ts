import type { GradeReport, RunReport } from '@/lessons/types';

/**
 * Page → grading worker. `prepare` asks to be told when the worker is ready to grade (it
 * starts getting ready when it is created, whether asked or not).
 */
export type WorkerRequest =
  | { id: number; kind: 'prepare' }
  | {
      id: number;
      kind: 'grade' | 'run';
      lessonId: string;
      exerciseId: string;
      files: Record<string, string>;
    };

/** A request as the page writes it (the client numbers it). */
export type WorkerAsk = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** Grading worker → page. `ready`: QuickJS and PGlite are loaded, `ms` after the worker started. */
export type WorkerResponse =
  | { id: number; type: 'ready'; ms: number }
  | { id: number; type: 'progress'; done: number; total: number; label: string }
  | { id: number; type: 'grade'; report: GradeReport }
  | { id: number; type: 'run'; report: RunReport }
  | { id: number; type: 'error'; message: string };
