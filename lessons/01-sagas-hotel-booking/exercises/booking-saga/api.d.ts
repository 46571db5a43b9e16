/**
 * What your saga can use. The orchestrator (already written) runs your definition: it sends
 * each step's action, waits for the reply, and when a step fails it runs the compensations of
 * the steps that succeeded, newest first. Saga state is saved after every step, so a crashed
 * orchestrator resumes where it was.
 */
declare module '@lesson/api' {
  /** The services of the trip booking, each with its own database. */
  export type ServiceName = 'booking' | 'hotel' | 'car' | 'payment';

  /**
   * The saga's data: the trip request, plus each successful step's reply stored under the
   * step's name (e.g. `data.ReserveRoom.room`).
   */
  export interface TripData {
    bookingId: string;
    customer: string;
    hotelId: string;
    carRequired: boolean;
    /** 'compact' or 'van' when a car is wanted. */
    carType?: string;
    amount: number;
    /** 'declined' makes the payment fail. */
    card?: string;
    [stepResult: string]: unknown;
  }

  /**
   * A message to one service. What each service understands:
   *
   * - booking: `CreateBooking { bookingId, customer }`, `CancelBooking { bookingId }`, `ConfirmBooking { bookingId }`
   * - hotel:   `ReserveRoom { bookingId, hotelId }` (refused when the hotel is full), `CancelRoom { bookingId }`, `ConfirmRoom { bookingId }`
   * - car:     `ReserveCar { bookingId, carType }` (refused when no car is left), `CancelCar { bookingId }`, `ConfirmCar { bookingId }`
   * - payment: `ProcessPayment { orderId, amount, card }` (use the booking id as orderId; refused for card 'declined'),
   *            `RefundPayment { orderId }`
   *
   * Every Cancel… is idempotent: cancelling twice, or cancelling what was never reserved, is harmless.
   */
  export interface StepRequest {
    service: ServiceName;
    type: string;
    /** Builds the message body from the saga data. Must be a pure function of `data`. */
    payload(data: TripData): Record<string, unknown>;
  }

  /** How an action is retried before the step counts as failed (a timeout counts as "maybe done"). */
  export interface RetryPolicy {
    /** Ms before one attempt counts as lost (10–10000). */
    timeoutMs?: number;
    /** Attempts after the first (0–10). */
    retries?: number;
    /** First pause between attempts, ms; doubles each time. */
    backoffMs?: number;
  }

  export interface SagaStep {
    /** Unique in the saga: 'ReserveRoom'. */
    name: string;
    /** The local transaction this step asks for. */
    action: StepRequest;
    /** The semantic undo of the action; leave it out when there is nothing to undo. */
    compensation?: StepRequest;
    /** Run the step only when this returns true (e.g. only when a car was asked for). */
    when?(data: TripData): boolean;
    retry?: RetryPolicy;
  }

  export interface SagaDefinition {
    name: string;
    title?: string;
    steps: SagaStep[];
    /** Retry policy for actions that give none. */
    defaultRetry?: RetryPolicy;
    /** Retry policy for compensations (they must eventually succeed: be patient). */
    compensationRetry?: RetryPolicy;
  }
}
