import { stableStringify } from '../core/json';
import type { Simulation } from '../core/simulation';
import type { TraceEvent } from '../core/types';
import type { SagaInstance } from '../sagas/definition';
import { sagaRepository } from '../sagas/sagaRepository';
import type { EventStore } from '../stores/eventstore/types';
import type { KvStore } from '../stores/kv/types';
import type { MemoryTables } from '../stores/memory/createMemoryTables';
import type { SqlStore } from '../stores/sql/types';
import { reservationKey, stockLevels } from '../services/inventory/inventoryService';
import { ORDER_PROJECTIONS } from '../services/order/orderProjections';
import { loadOrder } from '../services/order/orderService';
import { paymentRepository } from '../services/payment/paymentRepository';
import { foldProjection } from './foldProjection';

export interface InvariantReport {
  ok: boolean;
  violations: string[];
  /** Final saga outcomes by saga id. */
  sagas: Record<string, 'COMPLETED' | 'COMPENSATED' | 'STUCK' | 'RUNNING' | 'COMPENSATING'>;
  facts: { captured: number; refunded: number; confirmedTotal: number };
}

/** Saga outcomes as the trace tells them (works for both styles). */
export function sagaOutcomesFromTrace(trace: readonly TraceEvent[]): Record<string, InvariantReport['sagas'][string]> {
  const out: Record<string, InvariantReport['sagas'][string]> = {};
  for (const e of trace) {
    if (e.type === 'saga.started') out[e.sagaId] ??= 'RUNNING';
    if (e.type === 'saga.completed') out[e.sagaId] = 'COMPLETED';
    if (e.type === 'saga.compensated') out[e.sagaId] = 'COMPENSATED';
    if (e.type === 'saga.stuck') out[e.sagaId] = 'STUCK';
  }
  return out;
}

/**
 * Checks the shop's invariants on the stores and the trace after a run:
 * no oversell, money conserved, every saga finished (or visibly STUCK), read models equal their
 * rebuild from the event log, and nothing left reserved for a failed order.
 */
export async function checkEcommerceInvariants(sim: Simulation): Promise<InvariantReport> {
  return sim.inspect(async (stores) => {
    const violations: string[] = [];
    const kv = stores.inventory!.kv as KvStore;
    for (const s of await stockLevels(kv)) {
      if (s.available < 0 || s.reserved < 0 || s.sold < 0) violations.push(`stock of ${s.productId} went negative: ${JSON.stringify(s)}`);
      if (s.available + s.reserved + s.sold !== s.stock) violations.push(`stock of ${s.productId} does not add up: ${JSON.stringify(s)}`);
      if (s.reserved + s.sold > s.stock) violations.push(`oversold ${s.productId}: reserved ${s.reserved} + sold ${s.sold} > stock ${s.stock}`);
    }

    const events = stores.order!.events as EventStore;
    const all = await events.readAll(0);
    const orderIds = [...new Set(all.filter((e) => e.streamId.startsWith('order-')).map((e) => e.streamId.slice(6)))].sort();
    let confirmedCents = 0;
    const statusOf: Record<string, string> = {};
    for (const id of orderIds) {
      const o = await loadOrder(events, id);
      statusOf[id] = o.status;
      if (o.status === 'CONFIRMED') confirmedCents += Math.round(o.total * 100);
    }

    const payments = await paymentRepository(stores.payment!.db as SqlStore | MemoryTables).all();
    const capturedCents = payments.filter((p) => p.kind === 'CHARGE').reduce((c, p) => c + Math.round(p.amount * 100), 0);
    const refundedCents = payments.filter((p) => p.kind === 'REFUND').reduce((c, p) => c + Math.round(p.amount * 100), 0);
    if (capturedCents - refundedCents !== confirmedCents)
      violations.push(`money not conserved: captured ${capturedCents / 100} − refunded ${refundedCents / 100} ≠ confirmed orders ${confirmedCents / 100}`);
    for (const p of payments.filter((x) => x.kind === 'CHARGE')) {
      const charges = payments.filter((x) => x.kind === 'CHARGE' && x.orderId === p.orderId).length;
      if (charges > 1) violations.push(`order ${p.orderId} was charged ${charges} times`);
    }

    let sagas = sagaOutcomesFromTrace(sim.trace());
    if (stores.orchestrator) {
      const saved: SagaInstance[] = await sagaRepository(stores.orchestrator.sagas as SqlStore | MemoryTables).all();
      sagas = Object.fromEntries(saved.map((s) => [s.sagaId, s.status]));
    }
    for (const [id, status] of Object.entries(sagas)) {
      if (status === 'RUNNING' || status === 'COMPENSATING') violations.push(`saga ${id} never finished (${status})`);
      if (status === 'COMPENSATED') {
        if (statusOf[id] === 'CONFIRMED') violations.push(`saga ${id} compensated but its order is CONFIRMED`);
        if ((await kv.exists(reservationKey(id))) > 0) violations.push(`saga ${id} compensated but stock is still reserved for it`);
      }
      if (status === 'COMPLETED' && statusOf[id] !== 'CONFIRMED') violations.push(`saga ${id} completed but its order is ${statusOf[id] ?? 'missing'}`);
    }

    // Projections were caught up by the run; an incremental read model must equal a fold from scratch.
    await events.catchUpProjections();
    for (const def of ORDER_PROJECTIONS) {
      const live = await events.readModel(def.name);
      const rebuilt = foldProjection(def, all);
      if (stableStringify(live) !== stableStringify(rebuilt)) violations.push(`read model ${def.name} differs from its rebuild from the event log`);
    }

    return {
      ok: violations.length === 0,
      violations,
      sagas,
      facts: { captured: capturedCents / 100, refunded: refundedCents / 100, confirmedTotal: confirmedCents / 100 },
    };
  });
}
