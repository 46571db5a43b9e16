import { RejectedError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import type { NewEvent, StoredEvent } from '../../stores/eventstore/types';
import { orderTotal, type OrderLine } from '../shared/validate';

export type OrderStatus = 'NEW' | 'CREATED' | 'CONFIRMED' | 'CANCELLED';

/** The Order aggregate's state, rebuilt by folding its events. */
export interface OrderState {
  orderId: string;
  customerId: string;
  items: OrderLine[];
  total: number;
  status: OrderStatus;
  version: number;
  [key: string]: unknown;
}

export const initialOrder = (orderId: string): OrderState => ({ orderId, customerId: '', items: [], total: 0, status: 'NEW', version: 0 });

/** Applies one event: pure, no validation (events are facts). */
export function applyOrderEvent(state: OrderState, event: Pick<StoredEvent, 'type' | 'data'>): OrderState {
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'OrderCreated': {
      const items = d.items as OrderLine[];
      return { ...state, customerId: String(d.customerId), items, total: orderTotal(items), status: 'CREATED', version: state.version + 1 };
    }
    case 'OrderConfirmed':
      return { ...state, status: 'CONFIRMED', version: state.version + 1 };
    case 'OrderCancelled':
      return { ...state, status: 'CANCELLED', version: state.version + 1 };
    default:
      return { ...state, version: state.version + 1 };
  }
}

/** Decisions: what events a command produces from a state, or why it is refused. */
export const decide = {
  create(state: OrderState, cmd: { customerId: string; items: OrderLine[] }): NewEvent[] {
    if (state.status !== 'NEW') return []; // already created: a retried command changes nothing
    return [{ type: 'OrderCreated', data: { customerId: cmd.customerId, items: cmd.items as unknown as JsonObject[], total: orderTotal(cmd.items) } as JsonObject }];
  },
  confirm(state: OrderState): NewEvent[] {
    if (state.status === 'CONFIRMED') return [];
    if (state.status !== 'CREATED') throw new RejectedError('NOT_CONFIRMABLE', `Order ${state.orderId} is ${state.status} and cannot be confirmed.`);
    if (state.items.length === 0) throw new RejectedError('EMPTY_ORDER', `Order ${state.orderId} has no items.`);
    return [{ type: 'OrderConfirmed', data: { total: state.total } }];
  },
  cancel(state: OrderState, reason: string): NewEvent[] {
    if (state.status === 'CANCELLED' || state.status === 'NEW') return [];
    return [{ type: 'OrderCancelled', data: { reason } }];
  },
};
