import { SimError } from './errors';
import type { FaultAction, FaultPlan, LinkParams, ServiceName, TimedFault } from './types';
import type { Rng } from './rng';

const LINK_FIELDS: Array<keyof LinkParams> = ['latencyMs', 'jitterMs', 'dropRate', 'duplicateRate', 'reorderRate'];
const PROBABILITY_FIELDS = new Set<keyof LinkParams>(['dropRate', 'duplicateRate', 'reorderRate']);

function fail(where: string, message: string): never {
  throw new SimError('FAULT_PLAN', `${where}: ${message}`, { where });
}

/**
 * Checks a fault plan that came from outside (a file, the editor, a saved run) and
 * returns it typed, sorted by time. Every problem names the fault it is in.
 */
export function parseFaultPlan(input: unknown, services: readonly ServiceName[]): FaultPlan {
  if (!input || typeof input !== 'object' || Array.isArray(input)) fail('fault plan', 'expected an object with a "faults" list');
  const raw = input as { name?: unknown; faults?: unknown };
  if (!Array.isArray(raw.faults)) fail('fault plan', '"faults" must be a list');
  const known = new Set(services);
  const service = (where: string, v: unknown): ServiceName => {
    if (typeof v !== 'string' || !known.has(v)) fail(where, `unknown service ${JSON.stringify(v)} (known: ${[...known].join(', ')})`);
    return v;
  };
  const pairs = (where: string, v: unknown): Array<[ServiceName, ServiceName]> => {
    if (!Array.isArray(v) || v.length === 0) fail(where, '"links" must be a non-empty list of [from, to] pairs');
    return v.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) fail(`${where} link ${i}`, 'expected [from, to]');
      return [service(`${where} link ${i}`, pair[0]), service(`${where} link ${i}`, pair[1])];
    });
  };
  const faults: TimedFault[] = raw.faults.map((f: unknown, i: number): TimedFault => {
    const where = `fault ${i + 1}`;
    if (!f || typeof f !== 'object') fail(where, 'expected { at, action }');
    const { at, action } = f as { at?: unknown; action?: unknown };
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) fail(where, '"at" must be a virtual time in ms ≥ 0');
    if (!action || typeof action !== 'object') fail(where, '"action" is missing');
    const a = action as Record<string, unknown>;
    let parsed: FaultAction;
    switch (a.kind) {
      case 'partition':
        parsed = { kind: 'partition', links: pairs(where, a.links), oneWay: a.oneWay === true };
        break;
      case 'heal':
        parsed = a.links === undefined ? { kind: 'heal' } : { kind: 'heal', links: pairs(where, a.links), oneWay: a.oneWay === true };
        break;
      case 'split': {
        if (!Array.isArray(a.groups) || a.groups.length < 2) fail(where, '"groups" must list at least two groups');
        parsed = { kind: 'split', groups: a.groups.map((g: unknown, gi: number) => {
          if (!Array.isArray(g) || g.length === 0) fail(`${where} group ${gi + 1}`, 'expected a non-empty list of services');
          return g.map((s) => service(`${where} group ${gi + 1}`, s));
        }) };
        break;
      }
      case 'crash':
      case 'restart':
      case 'pause':
      case 'resume':
        parsed = { kind: a.kind, service: service(where, a.service) };
        break;
      case 'link': {
        if (!a.params || typeof a.params !== 'object') fail(where, '"params" is missing');
        const params: Partial<LinkParams> = {};
        for (const [k, v] of Object.entries(a.params as object)) {
          if (!LINK_FIELDS.includes(k as keyof LinkParams)) fail(where, `unknown link parameter "${k}"`);
          if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(where, `"${k}" must be a number ≥ 0`);
          if (PROBABILITY_FIELDS.has(k as keyof LinkParams) && v > 1) fail(where, `"${k}" is a probability (0–1)`);
          params[k as keyof LinkParams] = v;
        }
        parsed = {
          kind: 'link',
          ...(a.from !== undefined ? { from: service(where, a.from) } : {}),
          ...(a.to !== undefined ? { to: service(where, a.to) } : {}),
          params,
        };
        break;
      }
      default:
        fail(where, `unknown fault kind ${JSON.stringify(a.kind)}`);
    }
    return { at, action: parsed };
  });
  faults.sort((x, y) => x.at - y.at);
  return { ...(typeof raw.name === 'string' ? { name: raw.name } : {}), faults };
}

/** Options for drawing a random fault plan (the fuzzer and "surprise me" in the UI). */
export interface RandomFaultPlanOptions {
  services: readonly ServiceName[];
  /** Faults are placed in [0, horizonMs). */
  horizonMs: number;
  /** How many faults at most. */
  maxFaults?: number;
  /** Services that may crash (others only get network faults). */
  crashable?: readonly ServiceName[];
}

/**
 * Draws a fault plan from the RNG: partitions that heal, crashes that restart,
 * lossy or duplicating links. Every disruptive fault is undone before the horizon,
 * so a run can still reach quiescence.
 */
export function randomFaultPlan(rng: Rng, opts: RandomFaultPlanOptions): FaultPlan {
  const faults: TimedFault[] = [];
  const n = rng.int(1, opts.maxFaults ?? 4);
  const crashable = opts.crashable ?? opts.services;
  for (let i = 0; i < n; i++) {
    const at = rng.int(0, Math.floor(opts.horizonMs * 0.6));
    const duration = rng.int(20, Math.floor(opts.horizonMs * 0.3));
    const kind = rng.pick(['partition', 'crash', 'lossy', 'duplicate', 'pause'] as const);
    const a = rng.pick(opts.services);
    const others = opts.services.filter((s) => s !== a);
    const b = rng.pick(others);
    switch (kind) {
      case 'partition': {
        const oneWay = rng.chance(0.3);
        faults.push({ at, action: { kind: 'partition', links: [[a, b]], oneWay } });
        faults.push({ at: at + duration, action: { kind: 'heal', links: [[a, b]], oneWay } });
        break;
      }
      case 'crash': {
        const s = rng.pick(crashable);
        faults.push({ at, action: { kind: 'crash', service: s } });
        faults.push({ at: at + duration, action: { kind: 'restart', service: s } });
        break;
      }
      case 'pause': {
        const s = rng.pick(crashable);
        faults.push({ at, action: { kind: 'pause', service: s } });
        faults.push({ at: at + duration, action: { kind: 'resume', service: s } });
        break;
      }
      case 'lossy':
      case 'duplicate': {
        // Half the time the whole network misbehaves, otherwise one link.
        const scope = rng.chance(0.5) ? {} : { from: a, to: b };
        const on = kind === 'lossy' ? { dropRate: rng.int(1, 5) / 10 } : { duplicateRate: rng.int(2, 8) / 10, reorderRate: 0.3 };
        const off = kind === 'lossy' ? { dropRate: 0 } : { duplicateRate: 0, reorderRate: 0 };
        faults.push({ at, action: { kind: 'link', ...scope, params: on } });
        faults.push({ at: at + duration, action: { kind: 'link', ...scope, params: off } });
        break;
      }
    }
  }
  faults.sort((x, y) => x.at - y.at);
  return { name: 'random', faults };
}
