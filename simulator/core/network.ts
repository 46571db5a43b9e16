import type { Rng } from './rng';
import type { VirtualTime } from './storeContext';
import { DEFAULT_LINK, type LinkParams, type ServiceName } from './types';

/** Network state: per-link parameters and the set of cut directed links. Plain data. */
export interface NetworkState {
  defaults: LinkParams;
  /** Overrides keyed "from->to"; "*" stands for any service on that side. */
  links: Record<string, Partial<LinkParams>>;
  /** Cut directed links, "from->to". */
  cut: string[];
}

export function createNetworkState(defaults: Partial<LinkParams> = {}): NetworkState {
  return { defaults: { ...DEFAULT_LINK, ...defaults }, links: {}, cut: [] };
}

export const linkKey = (from: ServiceName, to: ServiceName): string => `${from}->${to}`;

export function linkParams(state: NetworkState, from: ServiceName, to: ServiceName): LinkParams {
  return {
    ...state.defaults,
    ...state.links[linkKey('*', '*')],
    ...state.links[linkKey(from, '*')],
    ...state.links[linkKey('*', to)],
    ...state.links[linkKey(from, to)],
  };
}

export function isCut(state: NetworkState, from: ServiceName, to: ServiceName): boolean {
  return state.cut.length > 0 && from !== to && state.cut.includes(linkKey(from, to));
}

/** Cuts links; both directions unless oneWay. Returns a new state. */
export function cutLinks(state: NetworkState, links: Array<[ServiceName, ServiceName]>, oneWay = false): NetworkState {
  const cut = new Set(state.cut);
  for (const [a, b] of links) {
    cut.add(linkKey(a, b));
    if (!oneWay) cut.add(linkKey(b, a));
  }
  return { ...state, cut: [...cut].sort() };
}

/** Heals the given links, or every link when none are given. */
export function healLinks(state: NetworkState, links?: Array<[ServiceName, ServiceName]>, oneWay = false): NetworkState {
  if (!links) return { ...state, cut: [] };
  const cut = new Set(state.cut);
  for (const [a, b] of links) {
    cut.delete(linkKey(a, b));
    if (!oneWay) cut.delete(linkKey(b, a));
  }
  return { ...state, cut: [...cut].sort() };
}

/** Splits services into groups that cannot reach each other; services in no group stay connected to all. */
export function splitGroups(state: NetworkState, groups: ServiceName[][]): NetworkState {
  const links: Array<[ServiceName, ServiceName]> = [];
  for (let i = 0; i < groups.length; i++)
    for (let j = 0; j < groups.length; j++)
      if (i !== j) for (const a of groups[i]!) for (const b of groups[j]!) links.push([a, b]);
  return cutLinks(state, links, true);
}

export function setLinkParams(
  state: NetworkState,
  from: ServiceName | undefined,
  to: ServiceName | undefined,
  params: Partial<LinkParams>,
): NetworkState {
  const key = linkKey(from ?? '*', to ?? '*');
  return { ...state, links: { ...state.links, [key]: { ...state.links[key], ...params } } };
}

/** What the network does with one message: the times it arrives (empty when lost). */
export interface DeliveryPlan {
  arrivals: VirtualTime[];
  lost: boolean;
}

/**
 * Draws the fate of one message on a link with parameters `p` (see linkParams) from the
 * simulation's RNG. The number of draws is fixed per call, so the RNG stream does not depend
 * on which branch was taken.
 */
export function planDelivery(p: LinkParams, from: ServiceName, to: ServiceName, now: VirtualTime, rng: Rng): DeliveryPlan {
  const rLoss = rng.next();
  const rJitter = rng.next();
  const rDup = rng.next();
  const rDupJitter = rng.next();
  const rReorder = rng.next();
  if (from === to) return { arrivals: [now], lost: false };
  if (rLoss < p.dropRate) return { arrivals: [], lost: true };
  const holdBack = rReorder < p.reorderRate ? p.latencyMs + p.jitterMs + 1 : 0;
  const first = now + p.latencyMs + Math.floor(rJitter * (p.jitterMs + 1)) + holdBack;
  const arrivals = [first];
  if (rDup < p.duplicateRate) arrivals.push(now + p.latencyMs + Math.floor(rDupJitter * (p.jitterMs + 1)) + 1);
  return { arrivals, lost: false };
}
