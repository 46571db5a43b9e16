import { beforeAll, describe, expect, it } from 'vitest';
import { createSimulation } from '../core/simulation';
import type { FaultPlan } from '../core/types';
import { createRealStoreProvider } from '../stores/realProvider';
import { getNodePgliteRuntime } from '../stores/sql/nodePgliteRuntime';
import type { PgliteRuntime } from '../stores/sql/pgliteRuntime';
import type { SqlStore } from '../stores/sql/types';
import type { KvStore } from '../stores/kv/types';
import { hotelBookingScenario, TRIP_STORIES, type TripRequest } from './hotelBooking';

let pglite: PgliteRuntime;
beforeAll(async () => {
  pglite = await getNodePgliteRuntime();
});

async function run(trips: TripRequest[], faultPlan?: FaultPlan, seed = 1) {
  const sim = await createSimulation({ seed, scenario: hotelBookingScenario(trips), faultPlan, stores: createRealStoreProvider({ pglite }) });
  await sim.runToQuiescence({ maxTime: 60_000 });
  const state = await sim.inspect(async (s) => ({
    bookings: (await (s.booking!.db as SqlStore).query<{ id: string; status: string }>('SELECT id, status FROM bookings ORDER BY id')).rows,
    rooms: (await (s.hotel!.db as SqlStore).query<{ id: string; free_rooms: number }>('SELECT id, free_rooms FROM hotels ORDER BY id')).rows,
    cars: await (s.car!.kv as KvStore).get('cars:compact'),
  }));
  const steps = sim.trace().flatMap((e) => (e.type === 'saga.step' && e.status === 'succeeded' ? [`${e.phase === 'action' ? '' : 'undo '}${e.step}`] : []));
  const outcome = sim.trace().find((e) => e.type === 'saga.completed' || e.type === 'saga.compensated' || e.type === 'saga.stuck')?.type;
  await sim.dispose();
  return { state, steps, outcome };
}

describe('hotel + car booking saga on PGlite and the KV', () => {
  it('happy path: every step succeeds and every reservation is confirmed', async () => {
    const r = await run([TRIP_STORIES.happy]);
    expect(r.outcome).toBe('saga.completed');
    expect(r.steps).toEqual(['CreateBooking', 'ReserveRoom', 'ReserveCar', 'ChargeCard', 'ConfirmRoom', 'ConfirmCar', 'ConfirmBooking']);
    expect(r.state.bookings).toEqual([{ id: 'b-1', status: 'CONFIRMED' }]);
    expect(r.state.rooms.find((h) => h.id === 'grand')!.free_rooms).toBe(2);
    expect(r.state.cars).toBe('1');
  });

  it('no room: the booking is cancelled and nothing else was touched', async () => {
    const r = await run([TRIP_STORIES.noRoom]);
    expect(r.outcome).toBe('saga.compensated');
    expect(r.steps).toEqual(['CreateBooking', 'undo CreateBooking']);
    expect(r.state.bookings).toEqual([{ id: 'b-2', status: 'CANCELLED' }]);
    expect(r.state.cars).toBe('2');
  });

  it('payment declined: car, hotel and booking are cancelled in reverse order', async () => {
    const r = await run([TRIP_STORIES.paymentDeclined]);
    expect(r.outcome).toBe('saga.compensated');
    expect(r.steps).toEqual(['CreateBooking', 'ReserveRoom', 'ReserveCar', 'undo ReserveCar', 'undo ReserveRoom', 'undo CreateBooking']);
    expect(r.state.rooms.find((h) => h.id === 'grand')!.free_rooms).toBe(3);
    expect(r.state.cars).toBe('2');
  });

  it('duplicated and reordered messages do not double-book or double-release', async () => {
    const plan: FaultPlan = { faults: [{ at: 0, action: { kind: 'link', params: { duplicateRate: 0.9, reorderRate: 0.5 } } }] };
    const r = await run([TRIP_STORIES.paymentDeclined], plan, 7);
    expect(r.outcome).toBe('saga.compensated');
    expect(r.state.rooms.find((h) => h.id === 'grand')!.free_rooms).toBe(3);
    expect(r.state.cars).toBe('2');
  });
});
