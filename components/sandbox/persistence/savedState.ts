import type { FaultAction, FaultPlan } from '@/simulator';
import { isSpeed, type Speed } from '../state/pacing';
import type { XY } from '../map/toFlow';

/**
 * What the sandbox remembers between visits, and how an unreadable copy is handled.
 * Pure (no IndexedDB here) so it is tested in Node; savedStateDb.ts stores it with Dexie.
 */

export const SAVED_STATE_VERSION = 1;

/** A fault or an order applied by hand, at a point of the run (trace position and time). */
export type LiveAction =
  | { seq: number; at: number; kind: 'fault'; fault: FaultAction }
  | { seq: number; at: number; kind: 'inject'; order: number };

export interface SavedState {
  version: typeof SAVED_STATE_VERSION;
  scenarioId: string;
  seed: number;
  faultPlan: FaultPlan;
  liveActions: LiveAction[];
  positions: Record<string, Record<string, XY>>;
  speed: Speed;
}

export function defaultSavedState(): SavedState {
  return { version: SAVED_STATE_VERSION, scenarioId: 'order-happy', seed: 1, faultPlan: { faults: [] }, liveActions: [], positions: {}, speed: 1 };
}

export type ParsedSavedState = { state: SavedState; problem: string | null };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isXY = (v: unknown): v is XY => isObject(v) && Number.isFinite(v.x) && Number.isFinite(v.y);

/**
 * Reads a saved state. Anything unreadable is replaced by the defaults and reported in words;
 * the fault plan's own checks (parseFaultPlan) run later, once the scenario's services are known.
 */
export function parseSavedState(raw: unknown, knownScenarios: readonly string[]): ParsedSavedState {
  const defaults = defaultSavedState();
  if (raw === undefined || raw === null) return { state: defaults, problem: null };
  const fail = (why: string): ParsedSavedState => ({
    state: defaults,
    problem: `The saved sandbox state could not be read (${why}), so the sandbox started from the defaults.`,
  });
  if (!isObject(raw)) return fail('it is not an object');
  if (raw.version !== SAVED_STATE_VERSION) return fail(`unknown version ${JSON.stringify(raw.version)}`);
  if (typeof raw.scenarioId !== 'string' || !knownScenarios.includes(raw.scenarioId)) return fail(`unknown scenario ${JSON.stringify(raw.scenarioId)}`);
  if (typeof raw.seed !== 'number' || !Number.isInteger(raw.seed) || raw.seed < 0) return fail('the seed is not a whole number ≥ 0');
  if (!isObject(raw.faultPlan) || !Array.isArray(raw.faultPlan.faults)) return fail('the fault plan has no list of faults');
  if (!Array.isArray(raw.liveActions)) return fail('the recorded actions are not a list');
  const liveActions: LiveAction[] = [];
  for (const a of raw.liveActions) {
    if (!isObject(a) || !Number.isInteger(a.seq) || typeof a.at !== 'number') return fail('a recorded action has no position');
    if (a.kind === 'fault' && isObject(a.fault) && typeof a.fault.kind === 'string') liveActions.push({ seq: a.seq as number, at: a.at, kind: 'fault', fault: a.fault as unknown as FaultAction });
    else if (a.kind === 'inject' && Number.isInteger(a.order)) liveActions.push({ seq: a.seq as number, at: a.at, kind: 'inject', order: a.order as number });
    else return fail('a recorded action is neither a fault nor an order');
  }
  const positions: Record<string, Record<string, XY>> = {};
  if (isObject(raw.positions)) {
    for (const [scenario, byService] of Object.entries(raw.positions)) {
      if (!isObject(byService)) continue;
      const ok = Object.entries(byService).filter((e): e is [string, XY] => isXY(e[1]));
      positions[scenario] = Object.fromEntries(ok.map(([k, v]) => [k, { x: v.x, y: v.y }]));
    }
  }
  return {
    state: {
      version: SAVED_STATE_VERSION,
      scenarioId: raw.scenarioId,
      seed: raw.seed,
      faultPlan: raw.faultPlan as unknown as FaultPlan,
      liveActions,
      positions,
      speed: isSpeed(raw.speed) ? raw.speed : defaults.speed,
    },
    problem: null,
  };
}
