import { ConcurrencyError } from '../../core/errors';
import type { Json, JsonObject } from '../../core/json';
import type { HandlerContext, ServiceDefinition } from '../../core/types';
import type { EventStore, NewEvent } from '../../stores/eventstore/types';
import { requireLines, requireString } from '../shared/validate';
import { applyOrderEvent, decide, initialOrder, type OrderState } from './orderAggregate';
import { ORDER_PROJECTIONS } from './orderProjections';

export type OrderStores = { events: EventStore };
type Ctx = HandlerContext<OrderStores>;

/** How long read models trail the write side, virtual ms (eventual consistency made visible). */
export const PROJECTION_DELAY_MS = 25;
/** A snapshot is saved every this many events of a stream. */
export const SNAPSHOT_EVERY = 10;

const streamOf = (orderId: string) => `order-${orderId}`;

/** Loads an order from its latest snapshot plus the events after it. */
export async function loadOrder(events: EventStore, orderId: string): Promise<OrderState> {
  const snap = await events.loadSnapshot(streamOf(orderId));
  let state = snap ? (snap.state as unknown as OrderState) : initialOrder(orderId);
  for (const e of await events.readStream(streamOf(orderId), snap?.version ?? 0)) state = applyOrderEvent(state, e);
  return state;
}

/**
 * Runs a command against the aggregate and appends what it decides, with the version it read
 * as expected version. A concurrent writer makes the append fail; the command is then retried
 * on fresh state (the optimistic concurrency loop).
 */
async function execute(ctx: Ctx, orderId: string, command: (s: OrderState) => NewEvent[]): Promise<OrderState> {
  const store = ctx.stores.events;
  for (let attempt = 1; ; attempt++) {
    const state = await loadOrder(store, orderId);
    const events = command(state);
    if (events.length === 0) return state;
    try {
      const result = await store.append(streamOf(orderId), 'Order', events, state.version, { correlationId: ctx.message.correlationId, causationId: ctx.message.id });
      let next = state;
      for (const e of events) next = applyOrderEvent(next, e);
      if (Math.floor(result.version / SNAPSHOT_EVERY) > Math.floor(state.version / SNAPSHOT_EVERY))
        await store.saveSnapshot(streamOf(orderId), 'Order', next as unknown as JsonObject, result.version);
      scheduleCatchUp(ctx);
      return next;
    } catch (e) {
      if (!(e instanceof ConcurrencyError) || attempt >= 3) throw e;
      ctx.log(`concurrent write on ${orderId}, retrying on fresh state`, { attempt });
    }
  }
}

function scheduleCatchUp(ctx: Ctx): void {
  if (ctx.memory.catchUpPending) return;
  ctx.memory.catchUpPending = true;
  ctx.memory.pendingSince = ctx.now;
  ctx.setTimer(PROJECTION_DELAY_MS, 'CatchUpProjections', null);
}

const view = (s: OrderState): Json => ({ orderId: s.orderId, status: s.status, total: s.total, version: s.version });

/** The Order service: event-sourced orders, CQRS read models fed from its own event log. */
export const orderService: ServiceDefinition<OrderStores> = {
  name: 'order',
  title: 'Order',
  stores: [{ key: 'events', kind: 'eventstore' }],
  subscribes: ['UserRegistered', 'ProductCreated', 'InventoryRejected', 'InventoryReleased', 'PaymentSucceeded', 'ShipmentCreated'],
  async onStart(ctx) {
    for (const p of ORDER_PROJECTIONS) ctx.stores.events.defineProjection(p);
    // Events appended before a crash may not be projected yet.
    scheduleCatchUp(ctx);
  },
  handlers: {
    // ---- commands of the orchestrated saga
    async CreateOrder(p: { orderId: string; customerId: string; items: unknown }, ctx) {
      const orderId = requireString(p?.orderId, 'orderId');
      const customerId = requireString(p.customerId, 'customerId');
      const items = requireLines(p.items, { requirePrice: true });
      return view(await execute(ctx, orderId, (s) => decide.create(s, { customerId, items })));
    },
    async ConfirmOrder(p: { orderId: string }, ctx) {
      return view(await execute(ctx, requireString(p?.orderId, 'orderId'), (s) => decide.confirm(s)));
    },
    async CancelOrder(p: { orderId: string; reason?: string }, ctx) {
      return view(await execute(ctx, requireString(p?.orderId, 'orderId'), (s) => decide.cancel(s, p.reason ?? 'cancelled')));
    },
    async GetOrder(p: { orderId: string }, ctx) {
      return view(await loadOrder(ctx.stores.events, requireString(p?.orderId, 'orderId')));
    },
    async CatchUpProjections(_p, ctx) {
      const lagMs = ctx.now - Number(ctx.memory.pendingSince ?? ctx.now);
      ctx.memory.catchUpPending = false;
      const applied = await ctx.stores.events.catchUpProjections();
      const position = await ctx.stores.events.headPosition();
      for (const [projection, n] of Object.entries(applied)) if (n > 0) ctx.emit({ type: 'projection.applied', projection, position, lagMs });
    },
    // ---- integration events from other services, kept as local facts for the joined view
    async UserRegistered(p: { id: string; name: string; email: string }, ctx) {
      const stream = `customer-${p.id}`;
      if ((await ctx.stores.events.streamVersion(stream)) > 0) return; // redelivered
      await ctx.stores.events.append(stream, 'Customer', [{ type: 'CustomerKnown', data: { id: p.id, name: p.name, email: p.email } }], 0);
      scheduleCatchUp(ctx);
    },
    async ProductCreated(p: { id: string; name: string; category?: string }, ctx) {
      const stream = `product-${p.id}`;
      if ((await ctx.stores.events.streamVersion(stream)) > 0) return;
      await ctx.stores.events.append(stream, 'Product', [{ type: 'ProductKnown', data: { id: p.id, name: p.name, category: p.category ?? null } }], 0);
      scheduleCatchUp(ctx);
    },
    // ---- choreographed saga: the order service starts it and reacts to the others' events
    async PlaceOrder(p: { orderId: string; customerId: string; items: unknown; card?: string; address?: string }, ctx) {
      const orderId = requireString(p?.orderId, 'orderId');
      const customerId = requireString(p.customerId, 'customerId');
      const items = requireLines(p.items, { requirePrice: true });
      const before = await loadOrder(ctx.stores.events, orderId);
      const state = await execute(ctx, orderId, (s) => decide.create(s, { customerId, items }));
      if (before.status === 'NEW') {
        ctx.emit({ type: 'saga.started', sagaId: orderId, saga: 'order-choreography', data: { orderId, customerId } });
        ctx.emit({ type: 'saga.step', sagaId: orderId, step: 'CreateOrder', phase: 'action', status: 'succeeded' });
        ctx.publish('OrderCreated', { orderId, customerId, items: items as unknown as Json, amount: state.total, card: p.card ?? 'ok', address: p.address ?? '1 Main St', choreography: true }, { correlationId: orderId });
      }
      return view(state);
    },
    async InventoryRejected(p: { orderId: string; reason: string }, ctx) {
      await failChoreography(ctx, p.orderId, p.reason);
    },
    async InventoryReleased(p: { orderId: string; reason: string }, ctx) {
      await failChoreography(ctx, p.orderId, p.reason);
    },
    async PaymentSucceeded(p: { orderId: string; address?: string }, ctx) {
      const before = await loadOrder(ctx.stores.events, p.orderId);
      if (before.status !== 'CREATED') return;
      const state = await execute(ctx, p.orderId, (s) => decide.confirm(s));
      ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ConfirmOrder', phase: 'action', status: 'succeeded' });
      ctx.publish('OrderConfirmed', { orderId: p.orderId, total: state.total, address: p.address ?? '1 Main St', choreography: true }, { correlationId: p.orderId });
    },
    async ShipmentCreated(p: { orderId: string }, ctx) {
      const state = await loadOrder(ctx.stores.events, p.orderId);
      if (state.status !== 'CONFIRMED') return;
      // A durable marker, so a redelivered ShipmentCreated (even after a crash) completes the saga once.
      const marker = `saga-${p.orderId}`;
      if ((await ctx.stores.events.streamVersion(marker)) > 0) return;
      await ctx.stores.events.append(marker, 'Saga', [{ type: 'SagaCompleted', data: { orderId: p.orderId } }], 0);
      ctx.emit({ type: 'saga.completed', sagaId: p.orderId });
      ctx.publish('OrderCompleted', { sagaId: p.orderId, saga: 'order-choreography', data: { orderId: p.orderId } }, { correlationId: p.orderId });
    },
  },
};

async function failChoreography(ctx: Ctx, orderId: string, reason: string): Promise<void> {
  const before = await loadOrder(ctx.stores.events, orderId);
  if (before.status === 'CANCELLED' || before.status === 'NEW') return; // redelivered, or never created
  await execute(ctx, orderId, (s) => decide.cancel(s, reason));
  ctx.emit({ type: 'saga.step', sagaId: orderId, step: 'CreateOrder', phase: 'compensation', status: 'succeeded' });
  ctx.emit({ type: 'saga.compensated', sagaId: orderId, reason });
  ctx.publish('OrderFailed', { sagaId: orderId, reason }, { correlationId: orderId });
}
