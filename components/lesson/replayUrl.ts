import type { FaultPlan } from '@/simulator';

/**
 * The sandbox link that reproduces a graded run: `/sandbox/?scenario=<id>&seed=<n>&plan=<JSON>`.
 * The workspace reads the same three parameters (see the report for what it must accept).
 */
export function replayUrl(replay: { scenario: string; seed?: number | null; faultPlan?: FaultPlan }): string {
  const params = new URLSearchParams({ scenario: replay.scenario });
  if (typeof replay.seed === 'number') params.set('seed', String(replay.seed));
  if (replay.faultPlan && replay.faultPlan.faults.length > 0) params.set('plan', JSON.stringify(replay.faultPlan));
  // URLSearchParams encodes spaces as '+'; encodeURIComponent's %20 reads the same everywhere.
  return `/sandbox/?${params.toString().replace(/\+/g, '%20')}`;
}

/** The sandbox link that just opens a scenario. */
export function scenarioUrl(scenario: string): string {
  return `/sandbox/?scenario=${encodeURIComponent(scenario)}`;
}

/** A fault plan in words, one line per fault: "300 ms — crash payment". */
export function describeFaultPlan(plan: FaultPlan | undefined): string[] {
  if (!plan) return [];
  return plan.faults.map(({ at, action: a }) => {
    const links = (l?: Array<[string, string]>) => (l && l.length ? l.map(([x, y]) => `${x}↔${y}`).join(', ') : 'all links');
    let what: string;
    switch (a.kind) {
      case 'partition':
        what = `cut ${links(a.links)}${a.oneWay ? ' (one way)' : ''}`;
        break;
      case 'split':
        what = `split into ${a.groups.map((g) => `{${g.join(', ')}}`).join(' | ')}`;
        break;
      case 'heal':
        what = `heal ${links(a.links)}`;
        break;
      case 'link': {
        const params = Object.entries(a.params)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        what = `link ${a.from ?? '*'}→${a.to ?? '*'}: ${params}`;
        break;
      }
      default:
        what = `${a.kind} ${a.service}`;
    }
    return `${at} ms — ${what}`;
  });
}
