/**
 * The lessons' public API: what the lesson pages, the editor and the headless grader use.
 *
 *   LESSONS, getLesson(id), listLessonIds()     content (validated at build)
 *   gradeExercise(opts) → GradeReport            the Grade button / `npm run grade`
 *   runExercise(opts) → RunReport                the Run button (one demo simulation)
 *   transpile(file, source) → diagnostics        editor diagnostics (syntax; Monaco does types)
 *   createReplay(opts) → LearnerReplay            a failed criterion's run again, with the learner's code (sandbox)
 *   preloadLessonRuntime()                       loads QuickJS ahead of the first Run or Grade
 *   warmUpGrader(opts)                           runs the engine and a sandbox once, before the first grade
 */
import { LESSONS } from './content';
import type { Lesson } from './types';

export { LESSONS };
export type * from './types';
export { gradeExercise, runExercise } from './grader/grade';
export { warmUpGrader, type WarmUpOptions, type WarmUpReport } from './grader/warmUp';
export { createReplay, ReplayError, type LearnerReplay, type ReplayOptions } from './grader/replay';
export { transpile, transpileAll, type TranspileResult } from './runtime/transpile';
export { preloadLessonRuntime } from './runtime/quickjs';
export { LearnerSandbox, LearnerError, SandboxLimitError, DEFAULT_LIMITS, type SandboxLimits, type SandboxOptions } from './runtime/sandbox';

/** The lesson with this id (folder name without its prefix); throws for an unknown id. */
export function getLesson(id: string): Lesson {
  const lesson = LESSONS.find((l) => l.id === id);
  if (!lesson) throw new Error(`Unknown lesson "${id}" (known: ${LESSONS.map((l) => l.id).join(', ')}).`);
  return lesson;
}

/** Lesson ids in display order. */
export function listLessonIds(): string[] {
  return LESSONS.map((l) => l.id);
}
