import type { SagaDefinition } from './definition';

/**
 * Chapter 3's trip booking: booking, hotel room, optional car, payment, then confirmations.
 * On failure the done steps are compensated in reverse: car, hotel, booking.
 */
export const hotelBookingSaga: SagaDefinition = {
  name: 'hotel-booking',
  title: 'Hotel + car booking saga',
  defaultRetry: { timeoutMs: 150, retries: 3, backoffMs: 40 },
  compensationRetry: { timeoutMs: 150, retries: 6, backoffMs: 40 },
  steps: [
    {
      name: 'CreateBooking',
      action: { service: 'booking', type: 'CreateBooking', payload: (d) => ({ bookingId: d.bookingId!, customer: d.customer! }) },
      compensation: { service: 'booking', type: 'CancelBooking', payload: (d) => ({ bookingId: d.bookingId! }) },
    },
    {
      name: 'ReserveRoom',
      action: { service: 'hotel', type: 'ReserveRoom', payload: (d) => ({ bookingId: d.bookingId!, hotelId: d.hotelId! }) },
      compensation: { service: 'hotel', type: 'CancelRoom', payload: (d) => ({ bookingId: d.bookingId! }) },
    },
    {
      name: 'ReserveCar',
      when: (d) => d.carRequired === true,
      action: { service: 'car', type: 'ReserveCar', payload: (d) => ({ bookingId: d.bookingId!, carType: d.carType ?? 'compact' }) },
      compensation: { service: 'car', type: 'CancelCar', payload: (d) => ({ bookingId: d.bookingId! }) },
    },
    {
      name: 'ChargeCard',
      action: { service: 'payment', type: 'ProcessPayment', payload: (d) => ({ orderId: d.bookingId!, amount: d.amount!, card: d.card ?? 'ok' }) },
      compensation: { service: 'payment', type: 'RefundPayment', payload: (d) => ({ orderId: d.bookingId! }) },
    },
    { name: 'ConfirmRoom', action: { service: 'hotel', type: 'ConfirmRoom', payload: (d) => ({ bookingId: d.bookingId! }) } },
    { name: 'ConfirmCar', when: (d) => d.carRequired === true, action: { service: 'car', type: 'ConfirmCar', payload: (d) => ({ bookingId: d.bookingId! }) } },
    { name: 'ConfirmBooking', action: { service: 'booking', type: 'ConfirmBooking', payload: (d) => ({ bookingId: d.bookingId! }) } },
  ],
};
