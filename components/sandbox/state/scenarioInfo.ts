import { CLIENT, hotelBookingSaga, orderInput, orderSaga, ORCHESTRATOR, type OrderRequest, type SagaDefinition, type Scenario, type ScenarioInput } from '@/simulator';
import { pairKey } from '../model';

const SAGAS: readonly SagaDefinition[] = [orderSaga, hotelBookingSaga];

/**
 * Links known before any message flows: the orchestrator talks to every service its sagas'
 * steps name, and the client sends the scenario's inputs. Drawing them from the start lets a
 * learner cut orchestrator ↔ payment before the order is even placed.
 */
export function knownTopology(scenario: Scenario): string[] {
  const names = new Set(scenario.services.map((s) => s.name));
  const links = new Set<string>();
  if (names.has(ORCHESTRATOR)) {
    for (const saga of SAGAS) {
      for (const step of saga.steps) {
        for (const call of [step.action, step.compensation]) {
          if (call && names.has(call.service)) links.add(pairKey(ORCHESTRATOR, call.service));
        }
      }
    }
  }
  for (const input of scenario.inputs) if (names.has(input.to)) links.add(pairKey(CLIENT, input.to));
  return [...links].sort();
}

/** Whether the scenario runs the shop's order saga (the "inject order" button applies). */
export function isOrderScenario(scenarioId: string): boolean {
  return scenarioId.startsWith('order-');
}

const TEMPLATES: ReadonlyArray<Omit<OrderRequest, 'orderId' | 'at'>> = [
  { customerId: 'u1', items: [{ productId: 'p1', quantity: 1, price: 50 }] },
  { customerId: 'u2', items: [{ productId: 'p2', quantity: 2, price: 30 }] },
  { customerId: 'u1', items: [{ productId: 'p3', quantity: 1, price: 25 }], card: 'declined' },
  { customerId: 'u2', items: [{ productId: 'p1', quantity: 1, price: 50 }, { productId: 'p3', quantity: 1, price: 25 }] },
];

/** The n-th hand-placed order (deterministic in n, so a replay places the same orders). */
export function liveOrderInput(scenario: Scenario, n: number, at: number): Omit<ScenarioInput, 'at'> {
  const style = scenario.services.some((s) => s.name === ORCHESTRATOR) ? 'orchestration' : 'choreography';
  const t = TEMPLATES[n % TEMPLATES.length]!;
  const { at: _at, ...input } = orderInput(style, { ...t, orderId: `o-live-${n + 1}`, at });
  return input;
}
