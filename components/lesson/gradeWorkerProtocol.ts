import type { GradeReport, RunReport } from '@/lessons/types';

/** Page → grading worker. */
export interface WorkerRequest {
  id: number;
  kind: 'grade' | 'run';
  lessonId: string;
  exerciseId: string;
  files: Record<string, string>;
}

/** Grading worker → page. */
export type WorkerResponse =
  | { id: number; type: 'progress'; done: number; total: number; label: string }
  | { id: number; type: 'grade'; report: GradeReport }
  | { id: number; type: 'run'; report: RunReport }
  | { id: number; type: 'error'; message: string };
