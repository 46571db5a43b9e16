import type { JsonObject } from '../core/json';
import type { SagaDefinition } from './definition';

/**
 * The final project's order saga:
 * Create Order → Reserve Inventory → Process Payment → Confirm Order, then shipping.
 * Each step's compensation undoes it semantically: cancel, release, refund (a new REFUND, not a delete).
 */
export const orderSaga: SagaDefinition = {
  name: 'order',
  title: 'Order processing saga',
  completedEvent: 'OrderCompleted',
  compensatedEvent: 'OrderFailed',
  defaultRetry: { timeoutMs: 150, retries: 3, backoffMs: 40 },
  compensationRetry: { timeoutMs: 150, retries: 6, backoffMs: 40 },
  maxCompensationRounds: 4,
  steps: [
    {
      name: 'CreateOrder',
      action: { service: 'order', type: 'CreateOrder', payload: (d) => ({ orderId: d.orderId!, customerId: d.customerId!, items: d.items! }) },
      compensation: { service: 'order', type: 'CancelOrder', payload: (d) => ({ orderId: d.orderId!, reason: 'saga compensated' }) },
    },
    {
      name: 'ReserveInventory',
      action: { service: 'inventory', type: 'ReserveInventory', payload: (d) => ({ orderId: d.orderId!, items: d.items! }) },
      compensation: { service: 'inventory', type: 'ReleaseInventory', payload: (d) => ({ orderId: d.orderId! }) },
    },
    {
      name: 'ProcessPayment',
      action: { service: 'payment', type: 'ProcessPayment', payload: (d) => ({ orderId: d.orderId!, amount: d.amount!, card: d.card ?? 'ok' }) },
      compensation: { service: 'payment', type: 'RefundPayment', payload: (d) => ({ orderId: d.orderId! }) },
    },
    {
      name: 'ConfirmOrder',
      action: { service: 'order', type: 'ConfirmOrder', payload: (d) => ({ orderId: d.orderId! }) },
      compensation: { service: 'order', type: 'CancelOrder', payload: (d) => ({ orderId: d.orderId!, reason: 'shipping failed' }) },
    },
    {
      name: 'CreateShipment',
      action: { service: 'shipping', type: 'CreateShipment', payload: (d) => ({ orderId: d.orderId!, address: d.address ?? '' }) },
    },
  ],
};

/** Saga data for one order, as the orchestrator's StartSaga expects it. */
export function orderSagaData(order: {
  orderId: string;
  customerId: string;
  items: Array<{ productId: string; quantity: number; price: number }>;
  card?: string;
  address?: string;
}): JsonObject {
  const amount = order.items.reduce((c, l) => c + Math.round(l.price * 100) * l.quantity, 0) / 100;
  return { ...order, amount, card: order.card ?? 'ok', address: order.address ?? '1 Main St' };
}
