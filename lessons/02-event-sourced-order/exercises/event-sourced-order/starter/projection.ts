import type { Draft, RecordedEvent } from '@lesson/api';

/**
 * Keeps `order:<id>` documents for the order list.
 * TODO: also keep a `stats` document: { orders, confirmedOrders, revenue }.
 */
export function project(draft: Draft, event: RecordedEvent): void {
  const key = `order:${event.orderId}`;
  const order = draft.get(key) as { orderId: string; status: string; items: number; total: number } | undefined;
  if (event.type === 'ItemAdded') {
    const line = event.data.quantity * event.data.unitPrice;
    draft.set(key, order ? { ...order, items: order.items + 1, total: order.total + line } : { orderId: event.orderId, status: 'OPEN', items: 1, total: line });
  } else if (event.type === 'OrderConfirmed' && order) {
    draft.set(key, { ...order, status: 'CONFIRMED' });
  }
}
