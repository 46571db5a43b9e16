/**
 * The rubric engine: an exercise's criteria (data, from exercise.json) each backed by a check
 * function (code, from the exercise's checks.ts). A check runs the learner's exports inside
 * simulations and inspects stores and trace; it never reads the learner's source text.
 *
 * Everything here runs in the host realm. Learner code only ever runs inside a
 * {@link LearnerSandbox}, reached through JSON calls, so it cannot read or change grading state.
 */
import type { FaultPlan, Json, Scenario, Simulation, StoreProvider } from '@/simulator';
import type { CodeDiagnostic, ConsoleLine, CriterionResult, Exercise, ReplayRun, TraceSummary } from '../types';
import { LearnerError, LearnerSandbox, SandboxLimitError, type SandboxLimits, type TimeBudget } from '../runtime/sandbox';

/** What a check reports. */
export interface CheckResult {
  passed: boolean;
  /** In words, for the learner: what happened and what was expected. */
  explanation: string;
  /** Seed, fault plan and scenario that reproduce a failure. */
  seed?: number | null;
  faultPlan?: FaultPlan;
  scenario?: string;
  /** The failing simulation as data (with `seed` and `faultPlan`), for a replay of the learner's code. */
  run?: ReplayRun;
}

/** What a simulation's trace came to: its hash, how many events, when it stopped. */
export function traceSummary(sim: Simulation): TraceSummary {
  const trace = sim.trace();
  const last = trace[trace.length - 1];
  return { hash: sim.traceHash(), events: last ? last.seq + 1 : 0, endTime: sim.now };
}

/** A check's simulation rebuilt for the sandbox: the same scenario, with the learner's code in it. */
export interface ReplayBuild {
  scenario: Scenario;
  /** Call once the simulation exists: the learner's Date.now() and console read its virtual clock. */
  attach(sim: Simulation): void;
  /** Errors the learner's code threw so far (first few, in words). */
  readonly errors: readonly string[];
}

/** What a check gets: the learner's files (only ever run in sandboxes) and fresh stores. */
export interface CheckContext {
  /** A fresh sandbox with the learner's code loaded (disposed by the rubric engine). */
  sandbox(opts?: { seed?: number; clock?: () => number | null }): Promise<LearnerSandbox>;
  /** The stores for a simulation (call once per simulation). */
  stores(): StoreProvider;
}

export type Check = (ctx: CheckContext) => Promise<CheckResult>;

/** The outcome of one demo run (the editor's Run button). */
export interface DemoResult {
  /** One line: "saga COMPLETED: booking b-1 CONFIRMED". */
  outcome: string;
  /** Scenario to replay in the sandbox next to the editor. */
  scenario?: string;
  ok: boolean;
}

/** An exercise's code side: the checks for its criteria, the demo run, the API module. */
export interface ExerciseChecks {
  /** CommonJS JavaScript evaluated as `@lesson/api` inside the sandbox (error classes, constants). */
  apiModule?: string;
  /** One check per criterion id of exercise.json. */
  checks: Record<string, Check>;
  /** One simulation for the Run button. */
  demo(ctx: CheckContext): Promise<DemoResult>;
  /**
   * Builds again the scenario of a failed check from its `run.input`, with the learner's code
   * in it (the sandbox's "Replay in sandbox"). The caller creates the simulation with the same
   * seed and fault plan; the same code then gives the same trace as in grading.
   * @throws Error in words when `input` is not what this exercise's checks record.
   */
  replay(ctx: CheckContext, spec: { input: Json; seed: number }): Promise<ReplayBuild>;
}

export interface RubricRunOptions {
  exercise: Exercise;
  checks: ExerciseChecks;
  files: Record<string, string>;
  stores: () => StoreProvider;
  onProgress?: (done: number, total: number, label: string) => void;
  /** Learner wall time for the whole run, shared by every sandbox (default 4 s). */
  learnerBudgetMs?: number;
  limits?: Partial<SandboxLimits>;
}

export interface RubricRun {
  criteria: CriterionResult[];
  diagnostics: CodeDiagnostic[];
  console: ConsoleLine[];
}

const MAX_CONSOLE = 1000;

/** A check's run record copied as plain data (it travels to the page, IndexedDB and a URL's record). */
function plainRun(run: ReplayRun): ReplayRun {
  return {
    title: String(run.title),
    input: JSON.parse(JSON.stringify(run.input ?? null)) as Json,
    trace: { hash: String(run.trace.hash), events: Number(run.trace.events), endTime: Number(run.trace.endTime) },
  };
}

/** Says in words why a learner failure happened, with the learner's line. */
export function describeFailure(e: unknown): string {
  if (e instanceof LearnerError) return `your code threw: ${e.describe()}`;
  if (e instanceof SandboxLimitError) return e.message;
  return `the check could not run: ${e instanceof Error ? e.message : String(e)}`;
}

/** Creates sandboxes for checks: the learner's files, the exercise's API, a shared time budget. */
export function createCheckContext(opts: {
  files: Record<string, string>;
  apiModule?: string;
  stores: () => StoreProvider;
  budget: TimeBudget;
  limits?: Partial<SandboxLimits>;
  onSandbox: (sb: LearnerSandbox) => void;
}): CheckContext {
  return {
    async sandbox(o = {}) {
      const sb = await LearnerSandbox.create({
        files: opts.files,
        ...(opts.apiModule ? { apiModule: opts.apiModule } : {}),
        seed: o.seed ?? 1,
        ...(o.clock ? { clock: o.clock } : {}),
        budget: opts.budget,
        ...(opts.limits ? { limits: opts.limits } : {}),
      });
      opts.onSandbox(sb);
      if (sb.fatal) throw new SandboxLimitError(sb.fatal);
      return sb;
    },
    stores: opts.stores,
  };
}

/**
 * Runs every criterion's check in order. Compile errors: every criterion earns 0 and the
 * diagnostics say where. A check that throws (a learner error escaping it, or a bug in the
 * check) fails its criterion with the reason, never the whole run.
 */
export async function runRubric(opts: RubricRunOptions): Promise<RubricRun> {
  const { exercise, checks } = opts;
  const consoleLines: ConsoleLine[] = [];
  const total = exercise.criteria.length;

  // Compile once up front: a syntax error is reported once, with line and column.
  const probe = await LearnerSandbox.create({ files: opts.files, ...(checks.apiModule ? { apiModule: checks.apiModule } : {}), ...(opts.limits ? { limits: opts.limits } : {}) });
  const diagnostics = [...probe.diagnostics];
  const loadFailure = probe.fatal;
  consoleLines.push(...probe.console);
  probe.dispose();
  if (diagnostics.length > 0 || loadFailure) {
    const why = diagnostics.length > 0 ? `The code did not compile: ${diagnostics[0]!.file}:${diagnostics[0]!.line}:${diagnostics[0]!.column} ${diagnostics[0]!.message}` : loadFailure!;
    opts.onProgress?.(total, total, 'did not compile');
    return {
      criteria: exercise.criteria.map((c) => ({ id: c.id, title: c.title, points: c.points, earned: 0, passed: false, explanation: why, seed: null })),
      diagnostics: diagnostics.length > 0 ? diagnostics : [{ file: Object.keys(opts.files)[0] ?? '', line: 1, column: 1, message: loadFailure! }],
      console: consoleLines,
    };
  }

  const budget: TimeBudget = { remainingMs: opts.learnerBudgetMs ?? 4000 };
  const criteria: CriterionResult[] = [];
  for (const [i, c] of exercise.criteria.entries()) {
    opts.onProgress?.(i, total, c.title);
    const sandboxes: LearnerSandbox[] = [];
    const ctx = createCheckContext({ files: opts.files, ...(checks.apiModule ? { apiModule: checks.apiModule } : {}), stores: opts.stores, budget, ...(opts.limits ? { limits: opts.limits } : {}), onSandbox: (sb) => sandboxes.push(sb) });
    const check = checks.checks[c.id];
    let result: CheckResult;
    try {
      if (!check) throw new Error(`no check is defined for criterion "${c.id}"`);
      result = await check(ctx);
    } catch (e) {
      result = { passed: false, explanation: describeFailure(e) };
    } finally {
      for (const sb of sandboxes) {
        sb.dispose();
        for (const line of sb.console) if (consoleLines.length < MAX_CONSOLE) consoleLines.push(line);
      }
    }
    // Only the fields we expect, copied as primitives: a check's result never carries learner objects.
    const passed = result.passed === true;
    criteria.push({
      id: c.id,
      title: c.title,
      points: c.points,
      earned: passed ? c.points : 0,
      passed,
      explanation: String(result.explanation),
      seed: typeof result.seed === 'number' ? result.seed : null,
      ...(!passed && result.faultPlan ? { faultPlan: result.faultPlan } : {}),
      ...(!passed && result.scenario && typeof result.seed === 'number'
        ? {
            replay: {
              scenario: result.scenario,
              seed: result.seed,
              ...(result.faultPlan ? { faultPlan: result.faultPlan } : {}),
              ...(result.run ? { run: plainRun(result.run) } : {}),
            },
          }
        : {}),
    });
  }
  opts.onProgress?.(total, total, 'done');
  return { criteria, diagnostics: [], console: consoleLines };
}
