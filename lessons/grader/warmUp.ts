/**
 * Warms the grader up before the first grade: the grading worker calls it once it has loaded
 * QuickJS and PGlite, while the learner still reads the lesson.
 *
 * Why: the first grade of a page ran 3–5× slower than the next one (in headless Chromium on
 * a 2-core machine: a reference solution took ~16 s of wall time first, 3.5–4.5 s once warm;
 * renderer CPU ~8 s first, ~2 s once warm). Nothing is cached between grades; the difference is
 * the browser compiling code on first use: PGlite's and QuickJS's wasm functions are compiled
 * when first called and optimised only after they ran a while, the engine's and the stores'
 * JavaScript likewise, and PostgreSQL fills its catalog caches.
 *
 * What it runs is lesson-agnostic: the sandbox's first catalogue scenario (the final project's
 * order saga, which has every kind of store: PostgreSQL schemas, the event store, documents,
 * the KV, the search index) once as it is and once under a seeded random fault plan (crashes,
 * restarts, duplicates), and a throwaway learner sandbox. No lesson's code or checks run, and
 * nothing is kept: each simulation's stores are released (the PGlite instance goes back to
 * the pool emptied, IndexedDB databases are deleted), so a grade after it sees exactly what
 * it would have seen without it (`warmUp.test.ts` compares the reports).
 */
import { createRng, createSimulation, findScenario, randomFaultPlan, type FaultPlan, type StoreProvider } from '@/simulator';
import { LearnerSandbox } from '../runtime/sandbox';

export interface WarmUpOptions {
  /** Stores for the simulations: the same provider factory the grades use. */
  stores: () => StoreProvider;
  /** Checked often: true when a real request is waiting, which the warm-up then yields to. */
  shouldStop?: () => boolean;
  /** Starts no new step after this much wall time (default 10 s). */
  budgetMs?: number;
}

export interface WarmUpReport {
  /** Each step that ran, with its wall time in ms, and what went wrong if it failed. */
  steps: Array<{ step: string; ms: number; error?: string }>;
  /** Why it ended early, if it did. */
  stopped?: 'request' | 'budget';
}

/** A few lines of the kind learner code is made of: objects, arrays, JSON, closures, a class, an error. */
const SANDBOX_FILE = `
class Counter { n = 0; add(k: number) { this.n += k; return this; } }
export function step(input: { n: number; items: Array<{ id: string; qty: number }> }) {
  const c = new Counter();
  const byId: Record<string, number> = {};
  for (const it of input.items) { byId[it.id] = (byId[it.id] ?? 0) + it.qty; c.add(it.qty); }
  const sorted = Object.entries(byId).sort(([a], [b]) => a.localeCompare(b)).map(([id, qty]) => ({ id, qty, label: \`\${id}×\${qty}\` }));
  try { if (input.n % 7 === 0) throw new Error('seven'); } catch (e) { sorted.push({ id: String((e as Error).message), qty: 0, label: '' }); }
  return { total: c.n, sorted: JSON.parse(JSON.stringify(sorted)), at: Date.now(), r: Math.random() < 2 };
}
`;

async function warmSandbox(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const sb = await LearnerSandbox.create({ files: { 'warm-up.ts': SANDBOX_FILE }, seed: i + 1 });
    try {
      for (let n = 0; n < 40; n++) {
        sb.call('warm-up.ts', ['step'], [{ n, items: Array.from({ length: 12 }, (_, k) => ({ id: `p${(k * 7 + n) % 5}`, qty: k + 1 })) }]);
      }
    } finally {
      sb.dispose();
    }
  }
}

async function warmSimulation(stores: () => StoreProvider, withFaults: boolean, shouldStop: () => boolean): Promise<void> {
  const { scenario } = findScenario('order-orchestrated').build();
  const faultPlan: FaultPlan | undefined = withFaults
    ? randomFaultPlan(createRng(7), { services: scenario.services.map((s) => s.name), horizonMs: 1500, maxFaults: 4 })
    : undefined;
  const sim = await createSimulation({ seed: 1, scenario, ...(faultPlan ? { faultPlan } : {}), stores: stores() });
  try {
    // In slices, so a grade that arrives meanwhile waits for one slice, not for the whole run.
    for (let i = 0; i < 200 && !shouldStop(); i++) {
      const r = await sim.runToQuiescence({ maxTime: 60_000, maxSteps: 50 });
      if (r.quiescent || r.steps === 0) break;
    }
  } finally {
    await sim.dispose();
  }
}

/**
 * Runs the warm-up steps in order until they are done, a request waits, or the budget is spent.
 * Never throws for a failing step (a warm-up that fails only leaves the grader colder).
 */
export async function warmUpGrader(opts: WarmUpOptions): Promise<WarmUpReport> {
  const shouldStop = opts.shouldStop ?? (() => false);
  const budget = opts.budgetMs ?? 10_000;
  const steps: Array<[string, () => Promise<void>]> = [
    ['sandbox', warmSandbox],
    ['simulation', () => warmSimulation(opts.stores, false, shouldStop)],
    ['simulation with faults', () => warmSimulation(opts.stores, true, shouldStop)],
  ];
  const report: WarmUpReport = { steps: [] };
  const started = Date.now();
  for (const [name, run] of steps) {
    if (shouldStop()) return { ...report, stopped: 'request' };
    if (Date.now() - started > budget) return { ...report, stopped: 'budget' };
    const t = Date.now();
    try {
      await run();
      report.steps.push({ step: name, ms: Date.now() - t });
    } catch (e) {
      // Only slower without it.
      report.steps.push({ step: name, ms: Date.now() - t, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return report;
}
