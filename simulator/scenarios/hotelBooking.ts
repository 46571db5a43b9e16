import type { Scenario } from '../core/simulation';
import type { KvStore } from '../stores/kv/types';
import type { SqlStore } from '../stores/sql/types';
import { createOrchestratorService, ORCHESTRATOR } from '../sagas/orchestrator';
import { hotelBookingSaga } from '../sagas/hotelBookingSaga';
import type { SagaDefinition } from '../sagas/definition';
import { paymentService } from '../services/payment/paymentService';
import { bookingService, carService, hotelService } from '../services/travel/travelServices';

/** Chapter 3's three stories. */
export type HotelStory = 'happy' | 'noRoom' | 'paymentDeclined';

export interface TripRequest {
  bookingId: string;
  customer: string;
  hotelId: string;
  carRequired: boolean;
  carType?: string;
  amount: number;
  card?: string;
  at: number;
}

export const TRIP_STORIES: Record<HotelStory, TripRequest> = {
  happy: { bookingId: 'b-1', customer: 'Alice', hotelId: 'grand', carRequired: true, carType: 'compact', amount: 420, at: 10 },
  noRoom: { bookingId: 'b-2', customer: 'Bob', hotelId: 'tiny', carRequired: true, carType: 'compact', amount: 300, at: 10 },
  paymentDeclined: { bookingId: 'b-3', customer: 'Carol', hotelId: 'grand', carRequired: true, carType: 'compact', amount: 380, card: 'declined', at: 10 },
};

/** Rooms and cars on offer when a hotel scenario starts. 'tiny' is full. */
export const HOTELS = { grand: 3, tiny: 0 } as const;
export const CARS = { compact: 2, van: 1 } as const;

/**
 * Chapter 3's trip booking: Booking, Hotel (PostgreSQL), Car rental (Redis-style KV), Payment,
 * and an orchestrator running a saga definition (the reference one, or a learner's).
 */
export function hotelBookingScenario(trips: TripRequest[], saga: SagaDefinition = hotelBookingSaga): Scenario {
  return {
    id: 'hotel-booking',
    title: 'Hotel + car booking saga',
    description: 'Book a room and a car and pay for both, or undo what was done, in reverse order.',
    services: [bookingService, hotelService, carService, paymentService, createOrchestratorService([saga])],
    inputs: trips.map((t) => ({
      at: t.at,
      to: ORCHESTRATOR,
      type: 'StartSaga',
      payload: { saga: saga.name, sagaId: t.bookingId, data: { ...t } as never },
      correlationId: t.bookingId,
    })),
    network: { latencyMs: 8, jitterMs: 6 },
    async setup(stores) {
      const hotels = stores.hotel!.db as SqlStore;
      for (const [id, rooms] of Object.entries(HOTELS)) await hotels.query('INSERT INTO hotels (id, free_rooms) VALUES ($1, $2)', [id, rooms]);
      const kv = stores.car!.kv as KvStore;
      for (const [type, n] of Object.entries(CARS)) await kv.set(`cars:${type}`, n);
    },
  };
}
