import type { JsonObject } from '../../core/json';
import type { ProjectionDefinition } from '../../stores/eventstore/types';

/** orders view: one document per order, what the order list screen reads. */
export const ordersView: ProjectionDefinition = {
  name: 'orders_view',
  handles: ['OrderCreated', 'OrderConfirmed', 'OrderCancelled'],
  apply(draft, e) {
    const id = e.streamId.replace(/^order-/, '');
    const cur = draft.get(id);
    if (e.type === 'OrderCreated') {
      draft.set(id, { orderId: id, customerId: e.data.customerId!, items: e.data.items!, total: e.data.total!, status: 'CREATED', updatedAt: e.createdAt });
    } else if (cur) {
      draft.set(id, { ...cur, status: e.type === 'OrderConfirmed' ? 'CONFIRMED' : 'CANCELLED', updatedAt: e.createdAt });
    }
  },
};

/** order statistics: one document with the counters a dashboard shows. */
export const orderStatistics: ProjectionDefinition = {
  name: 'order_statistics',
  handles: ['OrderCreated', 'OrderConfirmed', 'OrderCancelled'],
  apply(draft, e) {
    const s = (draft.get('all') ?? { totalOrders: 0, confirmedOrders: 0, cancelledOrders: 0, revenueCents: 0 }) as Record<string, number>;
    const next = { ...s };
    if (e.type === 'OrderCreated') next.totalOrders!++;
    if (e.type === 'OrderConfirmed') {
      next.confirmedOrders!++;
      next.revenueCents! += Math.round(Number(e.data.total) * 100);
    }
    if (e.type === 'OrderCancelled') {
      next.cancelledOrders!++;
      // A confirmed order cancelled later (shipping failed) no longer counts as revenue.
      const confirmedTotal = draft.get(`confirmed:${e.streamId}`);
      if (confirmedTotal) {
        next.confirmedOrders!--;
        next.revenueCents! -= Number(confirmedTotal.cents);
        draft.delete(`confirmed:${e.streamId}`);
      }
    }
    if (e.type === 'OrderConfirmed') draft.set(`confirmed:${e.streamId}`, { cents: Math.round(Number(e.data.total) * 100) });
    draft.set('all', next as JsonObject);
  },
};

/**
 * A customer's order ids (to update their orders when the customer's details arrive) are kept in
 * chunks: `_customer:<id>` holds the latest ones, `_customer:<id>:orders:<n>` the full chunks
 * before them. Documents are immutable values, so one growing list would be copied whole on
 * every order of a busy customer.
 */
const ORDERS_PER_CHUNK = 64;

/**
 * order with customer and product details: a denormalized view joining data the Order service
 * received as events from User and Catalog (it never reads their databases).
 */
export const orderDetailsView: ProjectionDefinition = {
  name: 'order_details',
  handles: ['OrderCreated', 'OrderConfirmed', 'OrderCancelled', 'CustomerKnown', 'ProductKnown'],
  apply(draft, e) {
    if (e.type === 'CustomerKnown') {
      const id = String(e.data.id);
      const prior = draft.get(`_customer:${id}`);
      const latest = (prior?.orders as string[] | undefined) ?? [];
      const chunks = Number(prior?.orderChunks ?? 0);
      draft.set(`_customer:${id}`, { name: e.data.name!, email: e.data.email!, orders: latest, orderChunks: chunks });
      const update = (orderIds: readonly string[]) => {
        for (const orderId of orderIds) {
          const o = draft.get(`order:${orderId}`);
          if (o) draft.set(`order:${orderId}`, { ...o, customer: { id, name: e.data.name!, email: e.data.email! } });
        }
      };
      for (let n = 0; n < chunks; n++) update((draft.get(`_customer:${id}:orders:${n}`)?.orders as string[] | undefined) ?? []);
      update(latest);
      return;
    }
    if (e.type === 'ProductKnown') {
      draft.set(`_product:${String(e.data.id)}`, { name: e.data.name!, category: e.data.category ?? null });
      return;
    }
    const id = e.streamId.replace(/^order-/, '');
    if (e.type === 'OrderCreated') {
      const customerId = String(e.data.customerId);
      const c = draft.get(`_customer:${customerId}`);
      const latest = (c?.orders as string[] | undefined) ?? [];
      const chunks = Number(c?.orderChunks ?? 0);
      const full = latest.length >= ORDERS_PER_CHUNK;
      if (full) draft.set(`_customer:${customerId}:orders:${chunks}`, { orders: latest });
      draft.set(`_customer:${customerId}`, {
        name: c?.name ?? null,
        email: c?.email ?? null,
        orders: full ? [id] : [...latest, id],
        orderChunks: full ? chunks + 1 : chunks,
      });
      const items = (e.data.items as JsonObject[]).map((l) => {
        const p = draft.get(`_product:${String(l.productId)}`);
        return { ...l, productName: p?.name ?? null, category: p?.category ?? null };
      });
      draft.set(`order:${id}`, { orderId: id, status: 'CREATED', total: e.data.total!, customer: { id: customerId, name: c?.name ?? null, email: c?.email ?? null }, items });
      return;
    }
    const o = draft.get(`order:${id}`);
    if (o) draft.set(`order:${id}`, { ...o, status: e.type === 'OrderConfirmed' ? 'CONFIRMED' : 'CANCELLED' });
  },
};

export const ORDER_PROJECTIONS = [ordersView, orderStatistics, orderDetailsView];
