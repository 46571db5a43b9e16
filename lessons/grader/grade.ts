import { EXERCISE_CHECKS } from '../registry';
import { LESSONS } from '../content';
import type { Exercise, GradeOptions, GradeReport, Lesson, RunOptions, RunReport } from '../types';
import { LearnerSandbox } from '../runtime/sandbox';
import { createCheckContext, describeFailure, runRubric, type ExerciseChecks } from './rubric';

function find(lessonId: string, exerciseId: string): { lesson: Lesson; exercise: Exercise; checks: ExerciseChecks } {
  const lesson = LESSONS.find((l) => l.id === lessonId);
  if (!lesson) throw new Error(`Unknown lesson "${lessonId}" (known: ${LESSONS.map((l) => l.id).join(', ')}).`);
  const exercise = lesson.exercises.find((e) => e.id === exerciseId);
  if (!exercise) throw new Error(`Lesson "${lessonId}" has no exercise "${exerciseId}".`);
  const checks = EXERCISE_CHECKS[`${lessonId}/${exerciseId}`];
  if (!checks) throw new Error(`No checks are registered for ${lessonId}/${exerciseId}.`);
  return { lesson, exercise, checks };
}

/** Only the exercise's own file names, as strings: extra or missing files are ignored or empty. */
function learnerFiles(exercise: Exercise, files: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of exercise.files) {
    const v = Object.prototype.hasOwnProperty.call(files, f.name) ? files[f.name] : undefined;
    out[f.name] = typeof v === 'string' ? v : '';
  }
  return out;
}

/**
 * Grades the learner's files against the exercise's rubric: every criterion's check runs the
 * code in simulations (fixed scenarios, seeded fault plans) on stores from `opts.stores()`.
 * Never throws for anything the learner wrote; throws only for an unknown lesson/exercise.
 */
export async function gradeExercise(opts: GradeOptions): Promise<GradeReport> {
  const { exercise, checks } = find(opts.lessonId, opts.exerciseId);
  const run = await runRubric({
    exercise,
    checks,
    files: learnerFiles(exercise, opts.files),
    stores: opts.stores,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return {
    lesson: opts.lessonId,
    exercise: opts.exerciseId,
    score: run.criteria.reduce((s, c) => s + c.earned, 0),
    max: exercise.criteria.reduce((s, c) => s + c.points, 0),
    criteria: run.criteria,
    diagnostics: run.diagnostics,
    console: run.console,
  };
}

/** The Run button: compiles, runs one demo simulation, returns its outcome and the console. */
export async function runExercise(opts: RunOptions): Promise<RunReport> {
  const { exercise, checks } = find(opts.lessonId, opts.exerciseId);
  const files = learnerFiles(exercise, opts.files);
  const base = { lesson: opts.lessonId, exercise: opts.exerciseId };
  const probe = await LearnerSandbox.create({ files, ...(checks.apiModule ? { apiModule: checks.apiModule } : {}) });
  const diagnostics = [...probe.diagnostics];
  const fatal = probe.fatal;
  const console = [...probe.console];
  probe.dispose();
  if (diagnostics.length > 0 || fatal) {
    return { ...base, ok: false, outcome: diagnostics.length > 0 ? `Did not compile: ${diagnostics[0]!.file}:${diagnostics[0]!.line}:${diagnostics[0]!.column} ${diagnostics[0]!.message}` : fatal!, diagnostics, console };
  }
  const sandboxes: LearnerSandbox[] = [];
  const ctx = createCheckContext({ files, ...(checks.apiModule ? { apiModule: checks.apiModule } : {}), stores: opts.stores, budget: { remainingMs: 3000 }, onSandbox: (sb) => sandboxes.push(sb) });
  try {
    const r = await checks.demo(ctx);
    return { ...base, ok: r.ok, outcome: r.outcome, ...(r.scenario ? { scenario: r.scenario } : {}), diagnostics: [], console: [...console, ...sandboxes.flatMap((s) => s.console)] };
  } catch (e) {
    return { ...base, ok: false, outcome: describeFailure(e), diagnostics: [], console: [...console, ...sandboxes.flatMap((s) => s.console)] };
  } finally {
    for (const sb of sandboxes) sb.dispose();
  }
}
