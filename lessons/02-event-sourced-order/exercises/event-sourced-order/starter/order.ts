import type { OrderCommand, OrderEvent, OrderEventStore, OrderState, RecordedEvent } from '@lesson/api';

export function initialState(orderId: string): OrderState {
  return { orderId, status: 'OPEN', items: [], total: 0, version: 0 };
}

export function apply(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'ItemAdded': {
      const line = { ...event.data };
      return { ...state, items: [...state.items, line], total: state.total + line.quantity * line.unitPrice, version: state.version + 1 };
    }
    case 'OrderConfirmed':
      return { ...state, status: 'CONFIRMED', version: state.version + 1 };
    default:
      return { ...state, version: state.version + 1 };
  }
}

// TODO: refuse what the business forbids — no items after confirmation, no empty confirmation.
export function decide(state: OrderState, command: OrderCommand): OrderEvent[] {
  switch (command.type) {
    case 'AddItem':
      return [{ type: 'ItemAdded', data: { productId: command.productId, quantity: command.quantity, unitPrice: command.unitPrice, currency: command.currency ?? 'EUR' } }];
    case 'Confirm':
      return [{ type: 'OrderConfirmed', data: { total: state.total } }];
  }
}

const fold = (orderId: string, events: RecordedEvent[]) => events.reduce(apply, initialState(orderId));

// TODO: another writer may append between your read and your append. What then?
export function execute(store: OrderEventStore, orderId: string, command: OrderCommand): OrderState {
  const state = fold(orderId, store.readStream(orderId));
  const events = decide(state, command);
  store.append(orderId, events, state.version);
  return events.reduce(apply, state);
}
