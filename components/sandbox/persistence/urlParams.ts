import { parseFaultPlan, type FaultPlan } from '@/simulator';

/** What a link may set: `/sandbox/?scenario=<id>&seed=<n>&plan=<FaultPlan JSON>` (the grader's "Replay in sandbox"). */
export interface UrlRun {
  scenarioId: string;
  seed: number | null;
  faultPlan: FaultPlan | null;
}

/**
 * Reads the run a link asks for. No `scenario` parameter: null (the saved state applies).
 * Anything unreadable is reported in words and left out, never thrown.
 */
export function parseUrlRun(
  search: string,
  scenarios: ReadonlyArray<{ id: string; services: readonly string[] }>,
): { run: UrlRun | null; problem: string | null } {
  const params = new URLSearchParams(search);
  const scenarioId = params.get('scenario');
  if (!scenarioId) return { run: null, problem: null };
  const scenario = scenarios.find((s) => s.id === scenarioId);
  if (!scenario) return { run: null, problem: `The link asks for scenario "${scenarioId}", which the sandbox does not have; the saved run opens instead.` };
  const problems: string[] = [];
  let seed: number | null = null;
  const rawSeed = params.get('seed');
  if (rawSeed !== null) {
    const n = Number(rawSeed);
    if (Number.isInteger(n) && n >= 0) seed = n;
    else problems.push(`The link's seed "${rawSeed}" is not a whole number; the default seed is used.`);
  }
  let faultPlan: FaultPlan | null = null;
  const rawPlan = params.get('plan');
  if (rawPlan !== null) {
    try {
      faultPlan = parseFaultPlan(JSON.parse(rawPlan), [...scenario.services, 'client']);
    } catch (e) {
      problems.push(`The link's fault plan could not be used (${e instanceof Error ? e.message : String(e)}); the run starts without faults.`);
    }
  }
  return { run: { scenarioId, seed, faultPlan }, problem: problems.length ? problems.join(' ') : null };
}
