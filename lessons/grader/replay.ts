/**
 * "Replay in sandbox": a failed check's simulation built again with the learner's code in it,
 * for the sandbox to run and animate. The grader recorded the run as data (`CriterionReplay.run`);
 * the exercise's `replay` turns that data back into the same scenario. The caller creates the
 * simulation with the recorded seed and fault plan, so the same code gives the same trace as in
 * grading (`run.trace` says what it came to).
 */
import type { Json, Scenario, Simulation } from '@/simulator';
import { EXERCISE_CHECKS } from '../registry';
import { LESSONS } from '../content';
import type { ConsoleLine } from '../types';
import { LearnerSandbox, type SandboxLimits } from '../runtime/sandbox';
import { createCheckContext } from './rubric';

export interface ReplayOptions {
  lessonId: string;
  exerciseId: string;
  /** The learner's files, as they were graded. */
  files: Record<string, string>;
  /** `CriterionReplay.run.input`: what the failing check simulated. */
  input: Json;
  /** The seed of the failing run (the learner's Math.random is seeded with it too, as in grading). */
  seed: number;
  /**
   * Learner wall time for the replay's whole life. More than grading's 4 s: the sandbox steps
   * back and runs forward again, calling the learner's functions each time.
   */
  learnerBudgetMs?: number;
  limits?: Partial<SandboxLimits>;
}

/** A replay ready to run: create the simulation from `scenario`, then `attach` it. */
export interface LearnerReplay {
  scenario: Scenario;
  /** Points the learner's Date.now() and console at the simulation's virtual clock. */
  attach(sim: Simulation): void;
  /** What the learner's code logged so far. */
  console(): ConsoleLine[];
  /** Errors the learner's code threw so far (first few, in words). */
  errors(): string[];
  /**
   * Starts the learner's code again as it was when the replay was built (module-level variables,
   * Math.random): with the run restored to its start, the way forward is the same run again.
   */
  restart(): Promise<void>;
  /** Frees the learner's sandboxes (QuickJS runtimes). */
  dispose(): void;
}

/** Thrown when a replay cannot be built: said in words, for the sandbox to show. */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** Builds a failed run again with the learner's code. @throws ReplayError */
export async function createReplay(opts: ReplayOptions): Promise<LearnerReplay> {
  const lesson = LESSONS.find((l) => l.id === opts.lessonId);
  const exercise = lesson?.exercises.find((e) => e.id === opts.exerciseId);
  const checks = EXERCISE_CHECKS[`${opts.lessonId}/${opts.exerciseId}`];
  if (!lesson || !exercise || !checks) throw new ReplayError(`The course has no exercise "${opts.lessonId}/${opts.exerciseId}" any more.`);
  const files: Record<string, string> = {};
  for (const f of exercise.files) files[f.name] = typeof opts.files[f.name] === 'string' ? opts.files[f.name]! : '';
  const apiModule = checks.apiModule ? { apiModule: checks.apiModule } : {};
  const limits = opts.limits ? { limits: opts.limits } : {};

  const sandboxes: LearnerSandbox[] = [];
  const dispose = () => {
    for (const sb of sandboxes) sb.dispose();
  };
  const ctx = createCheckContext({
    files,
    ...apiModule,
    ...limits,
    budget: { remainingMs: opts.learnerBudgetMs ?? 30_000 },
    // The sandbox brings its own stores (the page's PGlite); a replay only builds the scenario.
    stores: () => {
      throw new ReplayError('A replay builds its scenario only: the sandbox creates the stores.');
    },
    onSandbox: (sb) => sandboxes.push(sb),
  });
  try {
    const probe = await ctx.sandbox({ seed: opts.seed });
    if (probe.diagnostics.length > 0) {
      const d = probe.diagnostics[0]!;
      throw new ReplayError(`Your code does not compile: ${d.file}:${d.line}:${d.column} ${d.message}`);
    }
    probe.dispose();
    sandboxes.length = 0;
    const built = await checks.replay(ctx, { input: opts.input, seed: opts.seed });
    return {
      scenario: built.scenario,
      attach: (sim) => built.attach(sim),
      console: () => sandboxes.flatMap((sb) => sb.console),
      errors: () => [...built.errors],
      restart: async () => {
        for (const sb of sandboxes) await sb.restart();
      },
      dispose,
    };
  } catch (e) {
    dispose();
    if (e instanceof ReplayError) throw e;
    throw new ReplayError(`Your code could not be set up for the replay: ${e instanceof Error ? e.message : String(e)}`);
  }
}
