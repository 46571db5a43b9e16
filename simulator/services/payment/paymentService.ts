import { RejectedError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { HandlerContext, ServiceDefinition } from '../../core/types';
import type { EventStore } from '../../stores/eventstore/types';
import type { MemoryTables } from '../../stores/memory/createMemoryTables';
import type { SqlStore } from '../../stores/sql/types';
import { requireAmount, requireString } from '../shared/validate';
import { PAYMENT_SCHEMA, paymentRepository, type PaymentRecord } from './paymentRepository';

export type PaymentStores = { db: SqlStore | MemoryTables; audit: EventStore };
type Ctx = HandlerContext<PaymentStores>;

/** Cards the bank declines (the "payment declined" scenario), and the largest charge it allows. */
export const DECLINED_CARD = 'declined';
export const CARD_LIMIT = 10_000;

/** Appends to the payment's audit stream at whatever version it is (the audit is append-only). */
async function audit(ctx: Ctx, orderId: string, type: string, data: Record<string, Json>): Promise<void> {
  const stream = `payment-${orderId}`;
  const version = await ctx.stores.audit.streamVersion(stream);
  await ctx.stores.audit.append(stream, 'Payment', [{ type, data }], version, { correlationId: ctx.message.correlationId, causationId: ctx.message.id });
}

async function charge(ctx: Ctx, orderId: string, amount: number, card: string, key: string): Promise<PaymentRecord> {
  const repo = paymentRepository(ctx.stores.db);
  const prior = await repo.byKey(key);
  if (prior?.kind === 'CHARGE') return prior;
  if (prior?.kind === 'DECLINED') throw new RejectedError('DECLINED', `Card declined for order ${orderId}.`);
  // A compensation may have run before this (late) charge arrived: never charge a refunded order.
  if ((await repo.ofOrder(orderId)).some((r) => r.kind === 'REFUND')) throw new RejectedError('REFUNDED', `Order ${orderId} was already refunded; the late charge is refused.`);
  if (card === DECLINED_CARD || amount > CARD_LIMIT) {
    await repo.insert({ id: `${orderId}:declined:${ctx.now}`, orderId, kind: 'DECLINED', amount, idempotencyKey: key, at: ctx.now });
    await audit(ctx, orderId, 'PaymentDeclined', { amount, card });
    throw new RejectedError('DECLINED', amount > CARD_LIMIT ? `Amount ${amount} is over the card limit.` : `Card declined for order ${orderId}.`);
  }
  const record: PaymentRecord = { id: `${orderId}:charge`, orderId, kind: 'CHARGE', amount, idempotencyKey: key, at: ctx.now };
  await repo.insert(record);
  await audit(ctx, orderId, 'PaymentCharged', { amount });
  return record;
}

/** A refund is a new REFUND record next to the charge; nothing is updated or deleted. */
async function refund(ctx: Ctx, orderId: string): Promise<Json> {
  const repo = paymentRepository(ctx.stores.db);
  const rows = await repo.ofOrder(orderId);
  const existing = rows.find((r) => r.kind === 'REFUND');
  if (existing) return { orderId, refunded: existing.amount, duplicate: true };
  const chargeRow = rows.find((r) => r.kind === 'CHARGE');
  // Even with nothing to refund, write the REFUND marker (amount 0): a late charge will see it and refuse.
  const amount = chargeRow?.amount ?? 0;
  await repo.insert({ id: `${orderId}:refund`, orderId, kind: 'REFUND', amount, idempotencyKey: `${orderId}/refund`, at: ctx.now });
  await audit(ctx, orderId, 'PaymentRefunded', { amount });
  return { orderId, refunded: amount };
}

/** The Payment service: a PostgreSQL ledger of charges and refunds, with an event-sourced audit trail. */
export const paymentService: ServiceDefinition<PaymentStores> = {
  name: 'payment',
  title: 'Payment',
  stores: [
    { key: 'db', kind: 'sql', schema: PAYMENT_SCHEMA },
    { key: 'audit', kind: 'eventstore' },
  ],
  subscribes: ['InventoryReserved', 'ShipmentFailed'],
  handlers: {
    async ProcessPayment(p: { orderId: string; amount: number; card?: string }, ctx) {
      const orderId = requireString(p?.orderId, 'orderId');
      const amount = requireAmount(p.amount, 'amount');
      const r = await charge(ctx, orderId, amount, p.card ?? 'ok', ctx.message.idempotencyKey ?? `${orderId}/charge`);
      return { orderId, paymentId: r.id, amount: r.amount };
    },
    async RefundPayment(p: { orderId: string }, ctx) {
      return refund(ctx, requireString(p?.orderId, 'orderId'));
    },
    // ---- choreography
    async InventoryReserved(p: { orderId: string; amount: number; card?: string; address?: string }, ctx) {
      try {
        await charge(ctx, p.orderId, requireAmount(p.amount, 'amount'), p.card ?? 'ok', `${p.orderId}/charge`);
        ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ProcessPayment', phase: 'action', status: 'succeeded' });
        ctx.publish('PaymentSucceeded', { orderId: p.orderId, address: p.address ?? '1 Main St' }, { correlationId: p.orderId });
      } catch (e) {
        if (!(e instanceof RejectedError)) throw e; // not a refusal: let the broker redeliver
        ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ProcessPayment', phase: 'action', status: 'failed', reason: e.message });
        ctx.publish('PaymentFailed', { orderId: p.orderId, reason: e.message }, { correlationId: p.orderId });
      }
    },
    async ShipmentFailed(p: { orderId: string; reason: string }, ctx) {
      await refund(ctx, p.orderId);
      ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ProcessPayment', phase: 'compensation', status: 'succeeded' });
      ctx.publish('PaymentRefunded', { orderId: p.orderId, reason: p.reason }, { correlationId: p.orderId });
    },
  },
};
