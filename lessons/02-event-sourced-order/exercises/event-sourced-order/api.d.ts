/**
 * What your order code can use. Your functions are called by the Order service: it hands
 * `execute` an event store for order streams, feeds every stored event to your projection,
 * and runs your upcaster when it reads an event written in an old schema.
 */
declare module '@lesson/api' {
  /** ItemAdded as written today (schema version 2). */
  export interface ItemAdded {
    productId: string;
    quantity: number;
    /** Price of one unit. */
    unitPrice: number;
    /** ISO currency code, e.g. 'EUR'. */
    currency: string;
  }

  /** ItemAdded as the first version of the service wrote it (schema version 1): no currency, `price` per unit. */
  export interface ItemAddedV1 {
    productId: string;
    quantity: number;
    price: number;
  }

  export interface OrderConfirmed {
    total: number;
  }

  /** An event before it is stored. */
  export type OrderEvent = { type: 'ItemAdded'; data: ItemAdded } | { type: 'OrderConfirmed'; data: OrderConfirmed };

  /** An event as read back from the store (always in the current schema). */
  export type RecordedEvent = OrderEvent & {
    /** The stream (aggregate) id. */
    orderId: string;
    /** Position in its stream, from 1. */
    version: number;
    /** Position in the whole log, from 1. */
    position: number;
  };

  export type OrderCommand =
    | { type: 'AddItem'; productId: string; quantity: number; unitPrice: number; currency?: string }
    | { type: 'Confirm' };

  export interface OrderLine {
    productId: string;
    quantity: number;
    unitPrice: number;
    currency: string;
  }

  /** The aggregate's state: a fold of its events. */
  export interface OrderState {
    orderId: string;
    status: 'OPEN' | 'CONFIRMED';
    items: OrderLine[];
    total: number;
    /** How many events were applied: the version to expect when appending. */
    version: number;
  }

  /** The event store, for order streams only. */
  export interface OrderEventStore {
    /** Every event of the stream, oldest first (empty for a new order). */
    readStream(orderId: string): RecordedEvent[];
    /**
     * Appends events if the stream is still at `expectedVersion`; otherwise throws a
     * {@link ConcurrencyError} and appends nothing.
     */
    append(orderId: string, events: OrderEvent[], expectedVersion: number): { version: number };
  }

  /** Somebody else appended to the stream since you read it. */
  export class ConcurrencyError extends Error {
    readonly expectedVersion: number;
    readonly actualVersion: number;
  }

  /** Throw this (or any Error) from `decide` to refuse a command. */
  export class RuleViolation extends Error {}

  /** The read model's documents while your projection applies one event. */
  export interface Draft {
    get(key: string): Record<string, unknown> | undefined;
    set(key: string, doc: Record<string, unknown>): void;
    delete(key: string): void;
  }
}
