import { ConcurrencyError, RuleViolation } from '@lesson/api';
import type { OrderCommand, OrderEvent, OrderEventStore, OrderState, RecordedEvent } from '@lesson/api';

export function initialState(orderId: string): OrderState {
  return { orderId, status: 'OPEN', items: [], total: 0, version: 0 };
}

/** Facts are applied without questions: no validation here, and no clock or randomness. */
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

/** The rules live here: a command becomes events, or is refused. */
export function decide(state: OrderState, command: OrderCommand): OrderEvent[] {
  switch (command.type) {
    case 'AddItem':
      if (state.status === 'CONFIRMED') throw new RuleViolation(`Order ${state.orderId} is confirmed: no more items.`);
      if (!(command.quantity > 0)) throw new RuleViolation('Quantity must be positive.');
      return [{ type: 'ItemAdded', data: { productId: command.productId, quantity: command.quantity, unitPrice: command.unitPrice, currency: command.currency ?? 'EUR' } }];
    case 'Confirm':
      if (state.status === 'CONFIRMED') throw new RuleViolation(`Order ${state.orderId} is already confirmed.`);
      if (state.items.length === 0) throw new RuleViolation(`Order ${state.orderId} is empty.`);
      return [{ type: 'OrderConfirmed', data: { total: state.total } }];
  }
}

const fold = (orderId: string, events: RecordedEvent[]) => events.reduce(apply, initialState(orderId));

/** Load, decide, append with the version we decided on; on a conflict, start over from fresh events. */
export function execute(store: OrderEventStore, orderId: string, command: OrderCommand): OrderState {
  for (let attempt = 1; ; attempt++) {
    const state = fold(orderId, store.readStream(orderId));
    const events = decide(state, command);
    try {
      store.append(orderId, events, state.version);
      return events.reduce(apply, state);
    } catch (e) {
      if (!(e instanceof ConcurrencyError) || attempt >= 3) throw e;
    }
  }
}
