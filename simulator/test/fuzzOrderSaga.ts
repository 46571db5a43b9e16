import { createRng } from '../core/rng';
import { createSimulation, type StoreProvider } from '../core/simulation';
import { randomFaultPlan } from '../core/faultPlan';
import type { FaultPlan, TraceEvent } from '../core/types';
import { checkEcommerceInvariants, type InvariantReport } from '../checks/ecommerceInvariants';
import { ecommerceScenario, type OrderRequest, type SagaStyle } from '../scenarios/ecommerce';

const PRODUCTS = [
  { productId: 'p1', price: 50 },
  { productId: 'p2', price: 30 },
  { productId: 'p3', price: 25 },
  { productId: 'p4', price: 240 },
];

/** Orders drawn from the seed: some declined, some undeliverable, some bigger than the shelf. */
export function randomOrders(seed: number, count: number): OrderRequest[] {
  const rng = createRng(`orders-${seed}`);
  return Array.from({ length: count }, (_, i) => {
    const lines = rng.int(1, 2);
    const items = Array.from({ length: lines }, () => {
      const p = rng.pick(PRODUCTS);
      return { productId: p.productId, quantity: rng.int(1, 4), price: p.price };
    });
    const unique = [...new Map(items.map((l) => [l.productId, l])).values()];
    return {
      orderId: `o-${seed}-${i + 1}`,
      customerId: rng.pick(['u1', 'u2']),
      items: unique,
      ...(rng.chance(0.15) ? { card: 'declined' } : {}),
      ...(rng.chance(0.1) ? { address: 'nowhere' } : {}),
      at: 100 + rng.int(0, 400),
    };
  });
}

export interface FuzzResult {
  seed: number;
  style: SagaStyle;
  faultPlan: FaultPlan;
  report: InvariantReport;
  quiescent: boolean;
  traceHash: string;
  trace: readonly TraceEvent[];
}

/** One seeded run: random orders, a random fault plan, then every invariant. */
export async function fuzzOnce(seed: number, style: SagaStyle, stores: StoreProvider, orderCount = 4): Promise<FuzzResult> {
  const scenario = ecommerceScenario({ style, orders: randomOrders(seed, orderCount) });
  const services = scenario.services.map((s) => s.name);
  const crashable = services.filter((s) => s !== 'notification');
  const faultPlan = randomFaultPlan(createRng(`faults-${seed}`), { services, crashable, horizonMs: 1200, maxFaults: 6 });
  const sim = await createSimulation({ seed, scenario, faultPlan, stores });
  try {
    const { quiescent } = await sim.runToQuiescence({ maxTime: 600_000 });
    const report = await checkEcommerceInvariants(sim);
    return { seed, style, faultPlan, report, quiescent, traceHash: sim.traceHash(), trace: sim.trace() };
  } finally {
    await sim.dispose();
  }
}

/** A readable account of a failing run: seed, plan, violations and the trace's last lines. */
export function describeFailure(r: FuzzResult, tail = 80): string {
  const lines = r.trace.slice(-tail).map((e) => `${String(e.time).padStart(6)} ${e.service ?? ''} ${e.type} ${JSON.stringify(e).slice(0, 160)}`);
  return [
    `seed ${r.seed} (${r.style}) failed; reproduce with fuzzOnce(${r.seed}, '${r.style}', provider)`,
    `fault plan: ${JSON.stringify(r.faultPlan)}`,
    `violations:\n  ${r.report.violations.join('\n  ')}`,
    `quiescent: ${r.quiescent}`,
    `last ${tail} trace events:`,
    ...lines,
  ].join('\n');
}
