import type { LinkParams, NetworkState, ServiceName } from '@/simulator';

/** A store as the map labels it (engineLabel comes from the store itself, through sim.inspect). */
export interface StoreInfo {
  name: string;
  kind: string;
  engineLabel: string;
}

export interface ServiceInfo {
  name: ServiceName;
  title: string;
  stores: StoreInfo[];
}

export type ServiceStatus = 'up' | 'down' | 'paused';

/** A message on the wire, placed in virtual time. */
export interface InFlightMessage {
  /** Message id plus arrival time: a duplicate travels separately under the same message id. */
  key: string;
  id: string;
  type: string;
  kind: string;
  from: ServiceName;
  to: ServiceName;
  sentAt: number;
  deliverAt: number;
  compensation: boolean;
}

export type SagaState = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'STUCK';

export interface SagaView {
  sagaId: string;
  saga: string;
  status: SagaState;
  /** Step now in progress (null once finished). */
  step: string | null;
  phase: 'action' | 'compensation' | null;
  /** Service the step in progress talks to (learned from the request it sends). */
  activeService: ServiceName | null;
  /** The orchestrator (or service) driving the saga. */
  driver: ServiceName | null;
  reason: string | null;
  startedAt: number;
  updatedAt: number;
  stepsDone: number;
}

export type ProblemLevel = 'error' | 'warning' | 'info';

export interface Problem {
  /** Stable key for React lists. */
  key: string;
  level: ProblemLevel;
  time: number | null;
  service: string | null;
  code: string;
  message: string;
}

/** What the map draws besides the services: links that exist, with their state. */
export interface LinkInfo {
  /** 'a|b' with a < b. */
  id: string;
  a: ServiceName;
  b: ServiceName;
  cutAtoB: boolean;
  cutBtoA: boolean;
  params: LinkParams;
  /** Parameters differ from the scenario's defaults (a slider was moved). */
  tuned: boolean;
}

export type { NetworkState };

/** Key of an undirected link, the same for (a, b) and (b, a). */
export function pairKey(a: ServiceName, b: ServiceName): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function splitPair(id: string): [ServiceName, ServiceName] {
  const i = id.indexOf('|');
  return [id.slice(0, i), id.slice(i + 1)];
}
