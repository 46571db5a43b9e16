import type { Edge, Node } from '@xyflow/react';
import { CLIENT, linkKey, linkParams, type NetworkState, type ServiceName } from '@/simulator';
import { pairKey, splitPair, type InFlightMessage, type LinkInfo, type SagaView, type ServiceInfo, type ServiceStatus } from '../model';

/**
 * Maps the simulation's state to React Flow nodes and edges. Pure: the same input gives equal
 * output, nothing is mutated, and the React components only draw what this returns
 * (as xyflow keeps applyNodeChanges pure, with its test beside it).
 */

export interface XY {
  x: number;
  y: number;
}

export interface FlowInput {
  services: readonly ServiceInfo[];
  statuses: Readonly<Record<ServiceName, ServiceStatus>>;
  network: NetworkState;
  /** Undirected links to draw, 'a|b' (traffic seen so far plus the known topology). */
  links: readonly string[];
  sagas: readonly SagaView[];
  /** Positions the learner dragged nodes to; others get the default layout. */
  positions?: Readonly<Record<ServiceName, XY>>;
  selectedService?: ServiceName | null;
  selectedLink?: string | null;
  focusedSaga?: string | null;
}

export interface ServiceNodeData extends Record<string, unknown> {
  name: ServiceName;
  title: string;
  stores: ServiceInfo['stores'];
  status: ServiceStatus;
  /** The step in progress when this service is the one a running saga is talking to. */
  activeStep: { sagaId: string; step: string; phase: 'action' | 'compensation' } | null;
  /** Sagas this service drives that are stuck, with their reasons. */
  stuck: Array<{ sagaId: string; reason: string }>;
  selected: boolean;
}

export interface ClientNodeData extends Record<string, unknown> {
  title: string;
}

export interface LinkEdgeData extends Record<string, unknown> {
  link: LinkInfo;
  /** A running saga's step in progress uses this link. */
  active: boolean;
  activePhase: 'action' | 'compensation' | null;
  selected: boolean;
}

export type ServiceFlowNode = Node<ServiceNodeData, 'service'>;
export type ClientFlowNode = Node<ClientNodeData, 'client'>;
export type FlowNode = ServiceFlowNode | ClientFlowNode;
export type LinkFlowEdge = Edge<LinkEdgeData, 'link'>;

export const NODE_WIDTH = 190;

/**
 * The default layout: the orchestrator (if any) in the middle, the other services on an
 * ellipse around it in scenario order, the outside world ("client") at the top left.
 */
export function defaultLayout(names: readonly ServiceName[]): Record<ServiceName, XY> {
  const out: Record<ServiceName, XY> = {};
  const hub = names.find((n) => n === 'orchestrator');
  const ring = names.filter((n) => n !== hub);
  const cx = 420;
  const cy = 250;
  const rx = 360;
  const ry = 215;
  ring.forEach((name, i) => {
    // Start at the top and go clockwise, so the first services read left to right.
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / ring.length;
    out[name] = { x: Math.round(cx + rx * Math.cos(angle) - NODE_WIDTH / 2), y: Math.round(cy + ry * Math.sin(angle) - 40) };
  });
  if (hub) out[hub] = { x: cx - NODE_WIDTH / 2, y: cy - 40 };
  out[CLIENT] = { x: cx - rx - 40, y: cy - ry - 30 };
  return out;
}

function linkInfo(id: string, network: NetworkState): LinkInfo {
  const [a, b] = splitPair(id);
  const params = linkParams(network, a, b);
  const reverse = linkParams(network, b, a);
  const d = network.defaults;
  const tuned = (['latencyMs', 'jitterMs', 'dropRate', 'duplicateRate', 'reorderRate'] as const).some((k) => params[k] !== d[k] || reverse[k] !== d[k]);
  return {
    id,
    a,
    b,
    cutAtoB: network.cut.includes(linkKey(a, b)),
    cutBtoA: network.cut.includes(linkKey(b, a)),
    params,
    tuned,
  };
}

export function toFlow(input: FlowInput): { nodes: FlowNode[]; edges: LinkFlowEdge[] } {
  const names = input.services.map((s) => s.name);
  const layout = defaultLayout(names);
  const pos = (n: ServiceName): XY => input.positions?.[n] ?? layout[n] ?? { x: 0, y: 0 };
  const running = input.sagas.filter((s) => (s.status === 'RUNNING' || s.status === 'COMPENSATING') && s.step !== null);

  // Links: only between services of this scenario (and the client), cut links always shown.
  const known = new Set<ServiceName>([...names, CLIENT]);
  const linkIds = new Set<string>();
  for (const id of input.links) {
    const [a, b] = splitPair(id);
    if (known.has(a) && known.has(b) && a !== b) linkIds.add(pairKey(a, b));
  }
  for (const key of input.network.cut) {
    const [a, b] = key.split('->') as [ServiceName, ServiceName];
    if (known.has(a) && known.has(b)) linkIds.add(pairKey(a, b));
  }
  const usesClient = [...linkIds].some((id) => splitPair(id).includes(CLIENT));

  const nodes: FlowNode[] = input.services.map((s): ServiceFlowNode => {
    const active = running.find((g) => g.activeService === s.name) ?? null;
    return {
      id: s.name,
      type: 'service',
      position: pos(s.name),
      data: {
        name: s.name,
        title: s.title,
        stores: s.stores,
        status: input.statuses[s.name] ?? 'up',
        activeStep: active && active.step && active.phase ? { sagaId: active.sagaId, step: active.step, phase: active.phase } : null,
        stuck: input.sagas.filter((g) => g.status === 'STUCK' && g.driver === s.name).map((g) => ({ sagaId: g.sagaId, reason: g.reason ?? 'no reason given' })),
        selected: input.selectedService === s.name,
      },
      ariaLabel: `${s.title} service, ${input.statuses[s.name] ?? 'up'}`,
    };
  });
  if (usesClient) {
    nodes.unshift({ id: CLIENT, type: 'client', position: pos(CLIENT), data: { title: 'Client (outside world)' }, selectable: false, ariaLabel: 'Client: the outside world' });
  }

  const edges: LinkFlowEdge[] = [...linkIds].sort().map((id) => {
    const link = linkInfo(id, input.network);
    const step = running.find((g) => g.activeService !== null && g.driver !== null && pairKey(g.driver, g.activeService) === id) ?? null;
    const cut = link.cutAtoB || link.cutBtoA;
    return {
      id,
      type: 'link',
      source: link.a,
      target: link.b,
      data: {
        link,
        active: step !== null,
        activePhase: step?.phase ?? null,
        selected: input.selectedLink === id,
      },
      ariaLabel: `Link ${link.a} to ${link.b}${cut ? (link.cutAtoB && link.cutBtoA ? ', cut both ways' : link.cutAtoB ? `, cut ${link.a} to ${link.b}` : `, cut ${link.b} to ${link.a}`) : ''}`,
      selected: input.selectedLink === id,
    };
  });

  return { nodes, edges };
}

/**
 * Messages on the wire grouped by undirected link ('a|b'), in the order given (soonest arrival
 * first). A link whose messages are the same as in `previous` keeps its array, so the links
 * that did not change do not redraw. Messages the map would not draw (to oneself) are left out.
 */
export function messagesByLink(
  inFlight: readonly InFlightMessage[],
  previous: Readonly<Record<string, readonly InFlightMessage[]>> = {},
): Record<string, readonly InFlightMessage[]> {
  const grouped: Record<string, InFlightMessage[]> = {};
  for (const m of inFlight) {
    if (m.from === m.to) continue;
    (grouped[pairKey(m.from, m.to)] ??= []).push(m);
  }
  const out: Record<string, readonly InFlightMessage[]> = {};
  for (const [k, list] of Object.entries(grouped)) {
    const old = previous[k];
    out[k] = old && sameMessages(old, list) ? old : list;
  }
  return out;
}

function sameMessages(a: readonly InFlightMessage[], b: readonly InFlightMessage[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.key !== y.key || x.sentAt !== y.sentAt || x.deliverAt !== y.deliverAt || x.compensation !== y.compensation) return false;
  }
  return true;
}

/** Where a message is along its link at a display time: 0 at the sender, 1 at the receiver. */
export function messageProgress(m: Pick<InFlightMessage, 'sentAt' | 'deliverAt'>, time: number): number {
  const span = m.deliverAt - m.sentAt;
  if (span <= 0) return 1;
  return Math.min(1, Math.max(0, (time - m.sentAt) / span));
}
