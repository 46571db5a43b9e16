import { describe, expect, it } from 'vitest';
import { createSimulation } from '../core/simulation';
import type { FaultPlan } from '../core/types';
import { checkEcommerceInvariants } from '../checks/ecommerceInvariants';
import { createMemoryStoreProvider } from '../stores/memoryProvider';
import type { KvStore } from '../stores/kv/types';
import type { EventStore } from '../stores/eventstore/types';
import type { MemoryTables } from '../stores/memory/createMemoryTables';
import { stockLevels } from '../services/inventory/inventoryService';
import { paymentRepository } from '../services/payment/paymentRepository';
import { ecommerceScenario, STORY_ORDERS, type SagaStyle } from './ecommerce';

async function runStory(style: SagaStyle, orders = Object.values(STORY_ORDERS), faultPlan?: FaultPlan, seed = 1) {
  const sim = await createSimulation({ seed, scenario: ecommerceScenario({ style, orders }), faultPlan, stores: createMemoryStoreProvider() });
  await sim.runToQuiescence({ maxTime: 120_000 });
  return sim;
}

for (const style of ['orchestration', 'choreography'] as const) {
  describe(`order saga, ${style}`, () => {
    it('completes the happy order, compensates the others, and keeps every invariant', async () => {
      const sim = await runStory(style);
      const report = await checkEcommerceInvariants(sim);
      expect(report.violations).toEqual([]);
      expect(report.sagas).toEqual({ 'o-1': 'COMPLETED', 'o-2': 'COMPENSATED', 'o-3': 'COMPENSATED', 'o-4': 'COMPENSATED' });
      // the course's example: 2 × 50 + 1 × 30
      expect(report.facts.confirmedTotal).toBe(130);
      const stock = await sim.inspect(async (s) => stockLevels(s.inventory!.kv as KvStore));
      expect(stock.find((x) => x.productId === 'p1')).toMatchObject({ available: 8, reserved: 0, sold: 2 });
      expect(stock.find((x) => x.productId === 'p3')).toMatchObject({ available: 5, reserved: 0, sold: 0 });
      const view = await sim.inspect((s) => (s.order!.events as EventStore).readModel('orders_view'));
      expect(view['o-1']).toMatchObject({ status: 'CONFIRMED', total: 130 });
      expect(view['o-2']).toMatchObject({ status: 'CANCELLED' });
    });

    it('refunds with a new REFUND record when shipping fails, never deleting the charge', async () => {
      const sim = await runStory(style, [STORY_ORDERS.undeliverable]);
      const rows = await sim.inspect((s) => paymentRepository(s.payment!.db as MemoryTables).ofOrder('o-4'));
      expect(rows.map((r) => [r.kind, r.amount])).toEqual([
        ['CHARGE', 60],
        ['REFUND', 60],
      ]);
    });
  });
}

describe('order saga, orchestration, compensation order', () => {
  it('compensates in reverse order after a declined payment', async () => {
    const sim = await runStory('orchestration', [STORY_ORDERS.declined]);
    const steps = sim.trace().flatMap((e) => (e.type === 'saga.step' && e.status === 'succeeded' ? [`${e.phase}:${e.step}`] : []));
    expect(steps).toEqual(['action:CreateOrder', 'action:ReserveInventory', 'compensation:ReserveInventory', 'compensation:CreateOrder']);
  });

  it('a crashed orchestrator resumes its sagas from its own store after restart', async () => {
    const plan: FaultPlan = {
      faults: [
        { at: 215, action: { kind: 'crash', service: 'orchestrator' } },
        { at: 900, action: { kind: 'restart', service: 'orchestrator' } },
      ],
    };
    const sim = await runStory('orchestration', [STORY_ORDERS.happy], plan);
    expect(sim.trace().some((e) => e.type === 'log' && e.service === 'orchestrator' && e.text.startsWith('resuming saga o-1'))).toBe(true);
    const report = await checkEcommerceInvariants(sim);
    expect(report.violations).toEqual([]);
    expect(report.sagas['o-1']).toBe('COMPLETED');
  });

  it('a partition between orchestrator and payment times out the step and compensates once it heals', async () => {
    // The refund of the uncertain charge needs the same link: compensation keeps retrying until the heal.
    const plan: FaultPlan = {
      faults: [
        { at: 0, action: { kind: 'partition', links: [['orchestrator', 'payment']] } },
        { at: 2500, action: { kind: 'heal', links: [['orchestrator', 'payment']] } },
      ],
    };
    const sim = await runStory('orchestration', [STORY_ORDERS.happy], plan);
    const report = await checkEcommerceInvariants(sim);
    expect(report.violations).toEqual([]);
    expect(report.sagas['o-1']).toBe('COMPENSATED');
    expect(sim.trace().some((e) => e.type === 'request.timeout' && e.requestType === 'ProcessPayment' && !e.willRetry)).toBe(true);
  });

  it('a compensation that keeps failing leaves the saga STUCK with its reason', async () => {
    // Payment declines; inventory is cut off for good, so ReleaseInventory can never succeed.
    const plan: FaultPlan = { faults: [{ at: 240, action: { kind: 'partition', links: [['orchestrator', 'inventory']] } }] };
    const sim = await runStory('orchestration', [STORY_ORDERS.declined], plan);
    const stuck = sim.trace().find((e) => e.type === 'saga.stuck');
    expect(stuck).toBeDefined();
    expect((stuck as { reason: string }).reason).toMatch(/ReserveInventory/);
  });

  it('bad input gets a typed error and writes nothing', async () => {
    const sim = await createSimulation({ seed: 3, scenario: ecommerceScenario({ style: 'orchestration', orders: [] }), stores: createMemoryStoreProvider() });
    await sim.runToQuiescence();
    await sim.inject({ to: 'inventory', type: 'ReserveInventory', payload: { orderId: 'x', items: [{ productId: 'nope', quantity: 1 }] } });
    await sim.inject({ to: 'inventory', type: 'ReserveInventory', payload: { orderId: 'y', items: [{ productId: 'p1', quantity: -2 }] } });
    await sim.inject({ to: 'order', type: 'CreateOrder', payload: { orderId: 'z', customerId: 'u1', items: [] } });
    await sim.runToQuiescence();
    const errors = sim.trace().flatMap((e) => (e.type === 'handler.error' ? [e.error.code] : []));
    expect(errors).toEqual(['UNKNOWN_PRODUCT', 'VALIDATION', 'VALIDATION']);
    const stock = await sim.inspect(async (s) => stockLevels(s.inventory!.kv as KvStore));
    expect(stock.every((x) => x.reserved === 0)).toBe(true);
    expect(await sim.inspect((s) => (s.order!.events as EventStore).streamVersion('order-z'))).toBe(0);
  });
});
