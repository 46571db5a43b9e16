import type { Draft, RecordedEvent } from '@lesson/api';

interface Stats {
  orders: number;
  confirmedOrders: number;
  revenue: number;
}

/**
 * Two read models in one draft: `order:<id>` for the order list, `stats` for the dashboard.
 * Only the event decides what changes, so replaying the log from position 0 gives the same documents.
 */
export function project(draft: Draft, event: RecordedEvent): void {
  const key = `order:${event.orderId}`;
  const stats = (draft.get('stats') as Stats | undefined) ?? { orders: 0, confirmedOrders: 0, revenue: 0 };
  const order = draft.get(key) as { orderId: string; status: string; items: number; total: number } | undefined;
  if (event.type === 'ItemAdded') {
    const line = event.data.quantity * event.data.unitPrice;
    if (!order) {
      draft.set(key, { orderId: event.orderId, status: 'OPEN', items: 1, total: line });
      draft.set('stats', { ...stats, orders: stats.orders + 1 });
    } else {
      draft.set(key, { ...order, items: order.items + 1, total: order.total + line });
    }
  } else if (event.type === 'OrderConfirmed' && order) {
    draft.set(key, { ...order, status: 'CONFIRMED' });
    draft.set('stats', { ...stats, confirmedOrders: stats.confirmedOrders + 1, revenue: stats.revenue + order.total });
  }
}
