import type { SagaDefinition } from '@lesson/api';

/**
 * The trip booking saga. The actions are here and the happy path works.
 *
 * TODO:
 * 1. Give every step that changes something a `compensation` (see the messages in the API).
 * 2. Only reserve and confirm a car when the trip asks for one (`when`).
 * 3. Think about retries: how long may a step wait before the saga gives up and compensates?
 */
export const bookingSaga: SagaDefinition = {
  name: 'trip-booking',
  title: 'Trip booking (hotel + car)',
  steps: [
    {
      name: 'CreateBooking',
      action: { service: 'booking', type: 'CreateBooking', payload: (d) => ({ bookingId: d.bookingId, customer: d.customer }) },
    },
    {
      name: 'ReserveRoom',
      action: { service: 'hotel', type: 'ReserveRoom', payload: (d) => ({ bookingId: d.bookingId, hotelId: d.hotelId }) },
    },
    {
      name: 'ReserveCar',
      action: { service: 'car', type: 'ReserveCar', payload: (d) => ({ bookingId: d.bookingId, carType: d.carType ?? 'compact' }) },
    },
    {
      name: 'ChargeCard',
      action: { service: 'payment', type: 'ProcessPayment', payload: (d) => ({ orderId: d.bookingId, amount: d.amount, card: d.card ?? 'ok' }) },
    },
    { name: 'ConfirmRoom', action: { service: 'hotel', type: 'ConfirmRoom', payload: (d) => ({ bookingId: d.bookingId }) } },
    { name: 'ConfirmCar', action: { service: 'car', type: 'ConfirmCar', payload: (d) => ({ bookingId: d.bookingId }) } },
    { name: 'ConfirmBooking', action: { service: 'booking', type: 'ConfirmBooking', payload: (d) => ({ bookingId: d.bookingId }) } },
  ],
};
