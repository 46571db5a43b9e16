import type { SagaDefinition } from '@lesson/api';

/**
 * A trip: create the booking, hold a room, hold a car when one is wanted, charge the card,
 * then confirm what was held. Every step that changes something has a compensation that
 * undoes it semantically; confirmations are last, so nothing confirmed is ever undone.
 */
export const bookingSaga: SagaDefinition = {
  name: 'trip-booking',
  title: 'Trip booking (hotel + car)',
  defaultRetry: { timeoutMs: 150, retries: 3, backoffMs: 40 },
  compensationRetry: { timeoutMs: 150, retries: 6, backoffMs: 40 },
  steps: [
    {
      name: 'CreateBooking',
      action: { service: 'booking', type: 'CreateBooking', payload: (d) => ({ bookingId: d.bookingId, customer: d.customer }) },
      compensation: { service: 'booking', type: 'CancelBooking', payload: (d) => ({ bookingId: d.bookingId }) },
    },
    {
      name: 'ReserveRoom',
      action: { service: 'hotel', type: 'ReserveRoom', payload: (d) => ({ bookingId: d.bookingId, hotelId: d.hotelId }) },
      compensation: { service: 'hotel', type: 'CancelRoom', payload: (d) => ({ bookingId: d.bookingId }) },
    },
    {
      name: 'ReserveCar',
      when: (d) => d.carRequired === true,
      action: { service: 'car', type: 'ReserveCar', payload: (d) => ({ bookingId: d.bookingId, carType: d.carType ?? 'compact' }) },
      compensation: { service: 'car', type: 'CancelCar', payload: (d) => ({ bookingId: d.bookingId }) },
    },
    {
      name: 'ChargeCard',
      action: { service: 'payment', type: 'ProcessPayment', payload: (d) => ({ orderId: d.bookingId, amount: d.amount, card: d.card ?? 'ok' }) },
      compensation: { service: 'payment', type: 'RefundPayment', payload: (d) => ({ orderId: d.bookingId }) },
    },
    { name: 'ConfirmRoom', action: { service: 'hotel', type: 'ConfirmRoom', payload: (d) => ({ bookingId: d.bookingId }) } },
    {
      name: 'ConfirmCar',
      when: (d) => d.carRequired === true,
      action: { service: 'car', type: 'ConfirmCar', payload: (d) => ({ bookingId: d.bookingId }) },
    },
    { name: 'ConfirmBooking', action: { service: 'booking', type: 'ConfirmBooking', payload: (d) => ({ bookingId: d.bookingId }) } },
  ],
};
