import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../core/json';
import type { StoredEvent } from '../../stores/eventstore/types';
import { orderDetailsView } from './orderProjections';

let position = 0;
const event = (streamId: string, type: string, data: JsonObject): StoredEvent => ({
  globalPosition: ++position,
  eventId: `${streamId}:${position}`,
  streamId,
  aggregateType: 'Order',
  type,
  data,
  schemaVersion: 1,
  version: 1,
  createdAt: position,
  correlationId: null,
  causationId: null,
});

function fold(events: StoredEvent[]): Map<string, JsonObject> {
  const docs = new Map<string, JsonObject>();
  const draft = { get: (k: string) => docs.get(k), set: (k: string, d: JsonObject) => void docs.set(k, d), delete: (k: string) => void docs.delete(k) };
  for (const e of events) orderDetailsView.apply(draft, e);
  return docs;
}

const created = (n: number) => event(`order-o${n}`, 'OrderCreated', { customerId: 'u1', items: [{ productId: 'p1', quantity: 1, price: 5 }], total: 5 });

describe('order_details', () => {
  it('gives every order of a customer the details that arrive after them, however many orders there are', () => {
    const orders = Array.from({ length: 150 }, (_, i) => created(i + 1));
    const docs = fold([...orders, event('customer-u1', 'CustomerKnown', { id: 'u1', name: 'Alice', email: 'a@x' })]);
    for (let i = 1; i <= 150; i++) expect(docs.get(`order:o${i}`)!.customer).toEqual({ id: 'u1', name: 'Alice', email: 'a@x' });
    // The ids are kept in chunks, so no document grows with the number of orders.
    expect((docs.get('_customer:u1')!.orders as string[]).length).toBeLessThanOrEqual(64);
  });

  it('gives orders placed after the customer is known the details at once', () => {
    const docs = fold([event('customer-u1', 'CustomerKnown', { id: 'u1', name: 'Alice', email: 'a@x' }), created(1)]);
    expect(docs.get('order:o1')!.customer).toEqual({ id: 'u1', name: 'Alice', email: 'a@x' });
  });
});
