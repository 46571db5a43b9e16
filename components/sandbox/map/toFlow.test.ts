import { describe, expect, it } from 'vitest';
import { DEFAULT_LINK, type NetworkState } from '@/simulator';
import type { InFlightMessage, SagaView, ServiceInfo } from '../model';
import { defaultLayout, messageProgress, messagesByLink, toFlow, type FlowInput, type LinkEdgeData, type ServiceNodeData } from './toFlow';

const services: ServiceInfo[] = [
  { name: 'order', title: 'Order', stores: [{ name: 'order.events', kind: 'eventstore', engineLabel: 'event store' }] },
  { name: 'payment', title: 'Payment', stores: [{ name: 'payment.db', kind: 'sql', engineLabel: 'PostgreSQL · PGlite' }] },
  { name: 'orchestrator', title: 'Saga orchestrator', stores: [{ name: 'orchestrator.sagas', kind: 'sql', engineLabel: 'PostgreSQL · PGlite' }] },
];
const network = (over: Partial<NetworkState> = {}): NetworkState => ({ defaults: { ...DEFAULT_LINK }, links: {}, cut: [], ...over });
const saga = (over: Partial<SagaView> = {}): SagaView => ({
  sagaId: 'o-1',
  saga: 'order',
  status: 'RUNNING',
  step: 'ProcessPayment',
  phase: 'action',
  activeService: 'payment',
  driver: 'orchestrator',
  reason: null,
  startedAt: 0,
  updatedAt: 10,
  stepsDone: 2,
  ...over,
});
const msg = (over: Partial<InFlightMessage> = {}): InFlightMessage => ({
  key: 'm1@20',
  id: 'm1',
  type: 'ProcessPayment',
  kind: 'request',
  from: 'orchestrator',
  to: 'payment',
  sentAt: 10,
  deliverAt: 20,
  compensation: false,
  ...over,
});
const base = (over: Partial<FlowInput> = {}): FlowInput => ({
  services,
  statuses: { order: 'up', payment: 'up', orchestrator: 'up' },
  network: network(),
  // Given in either order: link ids are normalised ('a|b' with a < b).
  links: ['order|orchestrator', 'orchestrator|payment'],
  sagas: [],
  ...over,
});

const serviceData = (out: ReturnType<typeof toFlow>, id: string) => out.nodes.find((n) => n.id === id)!.data as ServiceNodeData;
const edgeData = (out: ReturnType<typeof toFlow>, id: string) => out.edges.find((e) => e.id === id)!.data as LinkEdgeData;

describe('toFlow', () => {
  it('maps every service to a node labelled with its stores’ engines, and links to edges', () => {
    const out = toFlow(base());
    expect(out.nodes.map((n) => n.id)).toEqual(['order', 'payment', 'orchestrator']);
    expect(serviceData(out, 'payment').stores.map((s) => s.engineLabel)).toEqual(['PostgreSQL · PGlite']);
    expect(out.edges.map((e) => [e.id, e.source, e.target, e.type])).toEqual([
      ['orchestrator|order', 'orchestrator', 'order', 'link'],
      ['orchestrator|payment', 'orchestrator', 'payment', 'link'],
    ]);
  });

  it('is pure: equal input gives equal output, and the input is not mutated', () => {
    const input = base({ sagas: [saga()] });
    const frozen = JSON.stringify(input);
    expect(toFlow(input)).toEqual(toFlow(input));
    expect(JSON.stringify(input)).toBe(frozen);
  });

  it('puts the orchestrator in the middle of the default layout and honours dragged positions', () => {
    const layout = defaultLayout(['order', 'payment', 'orchestrator']);
    expect(layout.orchestrator).toEqual({ x: 420 - 95, y: 210 });
    const out = toFlow(base({ positions: { order: { x: 5, y: 6 } } }));
    expect(out.nodes.find((n) => n.id === 'order')!.position).toEqual({ x: 5, y: 6 });
    expect(out.nodes.find((n) => n.id === 'payment')!.position).toEqual(layout.payment);
  });

  it('draws a cut link cut, in the direction that is cut, even before it carried traffic', () => {
    const out = toFlow(base({ links: [], network: network({ cut: ['payment->orchestrator'] }) }));
    expect(out.edges).toHaveLength(1);
    const link = edgeData(out, 'orchestrator|payment').link;
    expect(link).toMatchObject({ a: 'orchestrator', b: 'payment', cutAtoB: false, cutBtoA: true });
    expect(out.edges[0]!.ariaLabel).toContain('cut payment to orchestrator');
  });

  it('marks a tuned link and reports its parameters', () => {
    const out = toFlow(base({ network: network({ links: { 'orchestrator->payment': { latencyMs: 120, dropRate: 0.5 } } }) }));
    const link = edgeData(out, 'orchestrator|payment').link;
    expect(link.tuned).toBe(true);
    expect(link.params).toMatchObject({ latencyMs: 120, dropRate: 0.5 });
    expect(edgeData(out, 'orchestrator|order').link.tuned).toBe(false);
  });

  it('greys a crashed service and marks a paused one through its status', () => {
    const out = toFlow(base({ statuses: { order: 'down', payment: 'paused', orchestrator: 'up' } }));
    expect(serviceData(out, 'order').status).toBe('down');
    expect(serviceData(out, 'payment').status).toBe('paused');
    expect(out.nodes.find((n) => n.id === 'order')!.ariaLabel).toBe('Order service, down');
  });

  it('highlights the active saga step on its service and its link, with the phase', () => {
    const out = toFlow(base({ sagas: [saga({ status: 'COMPENSATING', phase: 'compensation', step: 'ProcessPayment' })] }));
    expect(serviceData(out, 'payment').activeStep).toEqual({ sagaId: 'o-1', step: 'ProcessPayment', phase: 'compensation' });
    expect(edgeData(out, 'orchestrator|payment')).toMatchObject({ active: true, activePhase: 'compensation' });
    expect(edgeData(out, 'orchestrator|order').active).toBe(false);
  });

  it('shows a stuck saga’s reason on the service driving it', () => {
    const out = toFlow(base({ sagas: [saga({ status: 'STUCK', reason: 'payment did not answer RefundPayment' })] }));
    expect(serviceData(out, 'orchestrator').stuck).toEqual([{ sagaId: 'o-1', reason: 'payment did not answer RefundPayment' }]);
    // A stuck saga is not running: no step is highlighted as active.
    expect(serviceData(out, 'payment').activeStep).toBeNull();
  });

  it('adds the client when it talks', () => {
    const out = toFlow(base({ links: ['orchestrator|payment', 'client|orchestrator'] }));
    expect(out.edges.map((e) => e.id)).toContain('client|orchestrator');
    expect(out.nodes[0]).toMatchObject({ id: 'client', type: 'client' });
  });

  it('ignores links to services the scenario does not have', () => {
    const out = toFlow(base({ links: ['ghost|order', 'order|orchestrator'] }));
    expect(out.edges.map((e) => e.id)).toEqual(['orchestrator|order']);
  });
});

describe('messagesByLink', () => {
  const inFlight = [msg(), msg({ key: 'm2@30', id: 'm2', kind: 'reply', from: 'payment', to: 'orchestrator', compensation: true }), msg({ key: 'm3@5', id: 'm3', from: 'client', to: 'orchestrator' })];

  it('places messages on their link whichever way they travel', () => {
    const out = messagesByLink(inFlight);
    expect(out['orchestrator|payment']!.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(out['client|orchestrator']!.map((m) => m.id)).toEqual(['m3']);
  });

  it('keeps a link’s array when its messages did not change, so only changed links redraw', () => {
    const first = messagesByLink(inFlight);
    // A new frame brings copies of the same messages and one more on another link.
    const again = messagesByLink([...inFlight.map((m) => ({ ...m })), msg({ key: 'm4@40', id: 'm4', from: 'order', to: 'orchestrator' })], first);
    expect(again['orchestrator|payment']).toBe(first['orchestrator|payment']);
    expect(again['client|orchestrator']).toBe(first['client|orchestrator']);
    expect(again['orchestrator|order']!.map((m) => m.id)).toEqual(['m4']);
    const moved = messagesByLink([inFlight[0]!], again);
    expect(moved['orchestrator|payment']).not.toBe(first['orchestrator|payment']);
    expect(moved['client|orchestrator']).toBeUndefined();
  });
});

describe('messageProgress', () => {
  it('goes from 0 at sending to 1 at delivery, clamped', () => {
    const m = { sentAt: 10, deliverAt: 20 };
    expect(messageProgress(m, 5)).toBe(0);
    expect(messageProgress(m, 15)).toBe(0.5);
    expect(messageProgress(m, 25)).toBe(1);
    expect(messageProgress({ sentAt: 10, deliverAt: 10 }, 10)).toBe(1);
  });
});
