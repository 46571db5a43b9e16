/**
 * Checks for the trip booking saga. Each runs the learner's saga definition in the engine's
 * hotel booking scenario (booking, hotel on PostgreSQL, car rental on the KV, payment, and the
 * orchestrator), then reads the services' own stores and the trace.
 */
import {
  CARS,
  HOTELS,
  TRIP_STORIES,
  createRng,
  createSimulation,
  hotelBookingScenario,
  randomFaultPlan,
  type FaultPlan,
  type Json,
  type KvStore,
  type Scenario,
  type Simulation,
  type SqlStore,
  type TraceEvent,
  type TripRequest,
} from '@/simulator';
import type { ReplayRun } from '../../../types';
import { learnerSaga } from '../../../grader/bridges/sagaBridge';
import { traceSummary, type CheckContext, type CheckResult, type ExerciseChecks, type ReplayBuild } from '../../../grader/rubric';

const FILE = 'saga.ts';
const EXPORT = 'bookingSaga';
const SERVICES = ['booking', 'hotel', 'car', 'payment'] as const;

interface TripState {
  bookings: Record<string, string>;
  rooms: Record<string, string>;
  freeRooms: Record<string, number>;
  cars: Record<string, number>;
  carHolds: Record<string, string | null>;
  payments: Array<{ order_id: string; kind: string }>;
}

interface Run {
  state: TripState;
  trace: readonly TraceEvent[];
  /** Final saga event per booking id: 'completed' | 'compensated' | 'stuck' | 'running'. */
  outcome: Record<string, string>;
  /** Errors thrown by the learner's functions during the run. */
  errors: string[];
  quiescent: boolean;
  seed: number;
  faultPlan?: FaultPlan;
  /** This run as data, for "Replay in sandbox". */
  record: ReplayRun;
}

/** The hotel booking scenario on these trips, with the learner's saga definition in the orchestrator. */
async function buildTrips(ctx: CheckContext, trips: TripRequest[], seed: number): Promise<ReplayBuild> {
  let sim: Simulation | null = null;
  const sb = await ctx.sandbox({ seed, clock: () => (sim ? sim.now : null) });
  const { definition, errors } = learnerSaga(sb, FILE, EXPORT, SERVICES);
  const scenario: Scenario = hotelBookingScenario(trips, definition);
  return {
    scenario,
    attach: (s) => {
      sim = s;
    },
    errors,
  };
}

const tripsTitle = (trips: readonly TripRequest[]) => trips.map((t) => `${t.customer}'s trip ${t.bookingId}`).join(', ');

async function runTrips(ctx: CheckContext, trips: TripRequest[], opts: { seed?: number; faultPlan?: FaultPlan } = {}): Promise<Run> {
  const seed = opts.seed ?? 1;
  const built = await buildTrips(ctx, trips, seed);
  const sim = await createSimulation({ seed, scenario: built.scenario, ...(opts.faultPlan ? { faultPlan: opts.faultPlan } : {}), stores: ctx.stores() });
  built.attach(sim);
  try {
    const q = await sim.runToQuiescence({ maxTime: 60_000 });
    // Before any inspection: what the run came to, for a replay to compare with.
    const record: ReplayRun = { title: tripsTitle(trips), input: { trips } as unknown as Json, trace: traceSummary(sim) };
    const state = await sim.inspect(async (s) => {
      const bookingDb = s.booking!.db as SqlStore;
      const hotelDb = s.hotel!.db as SqlStore;
      const kv = s.car!.kv as KvStore;
      const paymentDb = s.payment!.db as SqlStore;
      const bookings = (await bookingDb.query<{ id: string; status: string }>('SELECT id, status FROM bookings')).rows;
      const rooms = (await hotelDb.query<{ booking_id: string; status: string }>('SELECT booking_id, status FROM room_reservations')).rows;
      const free = (await hotelDb.query<{ id: string; free_rooms: number }>('SELECT id, free_rooms FROM hotels')).rows;
      const cars: Record<string, number> = {};
      for (const type of Object.keys(CARS)) cars[type] = Number(await kv.get(`cars:${type}`));
      const carHolds: Record<string, string | null> = {};
      for (const t of trips) carHolds[t.bookingId] = (await kv.get(`car:${t.bookingId}`)) as string | null;
      let payments: Array<{ order_id: string; kind: string }> = [];
      try {
        payments = (await paymentDb.query<{ order_id: string; kind: string }>('SELECT order_id, kind FROM payments')).rows;
      } catch {
        payments = [];
      }
      return {
        bookings: Object.fromEntries(bookings.map((r) => [r.id, r.status])),
        rooms: Object.fromEntries(rooms.map((r) => [r.booking_id, r.status])),
        freeRooms: Object.fromEntries(free.map((r) => [r.id, Number(r.free_rooms)])),
        cars,
        carHolds,
        payments,
      };
    });
    const trace = sim.trace();
    const outcome: Record<string, string> = {};
    for (const t of trips) outcome[t.bookingId] = 'running';
    for (const e of trace) {
      if (e.type === 'saga.completed') outcome[e.sagaId] = 'completed';
      if (e.type === 'saga.compensated') outcome[e.sagaId] = 'compensated';
      if (e.type === 'saga.stuck') outcome[e.sagaId] = 'stuck';
    }
    return { state, trace, outcome, errors: built.errors as string[], quiescent: q.quiescent, seed, ...(opts.faultPlan ? { faultPlan: opts.faultPlan } : {}), record };
  } finally {
    await sim.dispose();
  }
}

/** The compensations that succeeded for one saga, in order. */
function undone(trace: readonly TraceEvent[], sagaId: string): string[] {
  return trace.flatMap((e) => (e.type === 'saga.step' && e.sagaId === sagaId && e.phase === 'compensation' && e.status === 'succeeded' ? [e.step] : []));
}

/** Requests of a type sent by the orchestrator for a booking. */
function sent(trace: readonly TraceEvent[], type: string, sagaId: string): number {
  return trace.filter((e) => e.type === 'message.sent' && (e as { message?: { type?: string; correlationId?: string } }).message?.type === type && (e as { message?: { correlationId?: string } }).message?.correlationId === sagaId).length;
}

const withErrors = (run: Run, text: string) => (run.errors.length > 0 ? `${text} Your code threw: ${run.errors[0]}` : text);

const pass = (explanation: string): CheckResult => ({ passed: true, explanation });
/** A failure, with the run that shows it (seed, fault plan, the trips) and the catalogue scenario it resembles. */
const fail = (explanation: string, scenario: string, run: Run): CheckResult => ({
  passed: false,
  explanation,
  scenario,
  seed: run.seed,
  ...(run.faultPlan ? { faultPlan: run.faultPlan } : {}),
  run: run.record,
});

/** Everything a failed booking may not keep: a held/confirmed room, a held/confirmed car. */
function leftovers(run: Run, bookingId: string): string[] {
  const out: string[] = [];
  const room = run.state.rooms[bookingId];
  if (room === 'HELD' || room === 'CONFIRMED') out.push(`its room is still ${room}`);
  const car = run.state.carHolds[bookingId];
  if (car === 'HELD' || car === 'CONFIRMED') out.push(`its car is still ${car}`);
  if (run.state.bookings[bookingId] && run.state.bookings[bookingId] !== 'CANCELLED') out.push(`the booking is ${run.state.bookings[bookingId]}, not CANCELLED`);
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Rooms and cars are conserved: free + held/confirmed = what the scenario started with. */
function conservation(run: Run): string[] {
  const out: string[] = [];
  const heldRooms = Object.values(run.state.rooms).filter((s) => s === 'HELD' || s === 'CONFIRMED').length;
  const freeRooms = sum(Object.values(run.state.freeRooms));
  const startRooms = sum(Object.values(HOTELS));
  if (freeRooms + heldRooms !== startRooms) out.push(`${freeRooms} free + ${heldRooms} reserved rooms ≠ the ${startRooms} the hotels started with`);
  const heldCars = Object.values(run.state.carHolds).filter((s) => s === 'HELD' || s === 'CONFIRMED').length;
  const freeCars = sum(Object.values(run.state.cars));
  const startCars = sum(Object.values(CARS));
  if (freeCars + heldCars !== startCars) out.push(`${freeCars} free + ${heldCars} held cars ≠ the ${startCars} the rental started with`);
  return out;
}

async function happyPath(ctx: CheckContext): Promise<CheckResult> {
  const trip = TRIP_STORIES.happy;
  const run = await runTrips(ctx, [trip]);
  const id = trip.bookingId;
  const problems: string[] = [];
  if (run.outcome[id] !== 'completed') problems.push(`the saga ended ${run.outcome[id]}, not completed`);
  if (run.state.bookings[id] !== 'CONFIRMED') problems.push(`booking ${id} is ${run.state.bookings[id] ?? 'missing'}, not CONFIRMED`);
  if (run.state.rooms[id] !== 'CONFIRMED') problems.push(`its room is ${run.state.rooms[id] ?? 'not reserved'}, not CONFIRMED`);
  if (run.state.carHolds[id] !== 'CONFIRMED') problems.push(`its car is ${run.state.carHolds[id] ?? 'not reserved'}, not CONFIRMED`);
  if (!run.state.payments.some((p) => p.order_id === id && p.kind === 'CHARGE')) problems.push('the card was never charged');
  if (problems.length > 0) return fail(withErrors(run, `Alice's trip: ${problems.join('; ')}.`), 'hotel-happy', run);
  return pass(`Alice's trip completed: booking, room ${run.state.rooms[id]} and car confirmed, card charged.`);
}

async function carOptional(ctx: CheckContext): Promise<CheckResult> {
  const trip: TripRequest = { bookingId: 'b-4', customer: 'Dan', hotelId: 'grand', carRequired: false, amount: 200, at: 10 };
  const run = await runTrips(ctx, [trip]);
  const problems: string[] = [];
  if (run.outcome[trip.bookingId] !== 'completed') problems.push(`the saga ended ${run.outcome[trip.bookingId]}, not completed`);
  if (run.state.bookings[trip.bookingId] !== 'CONFIRMED') problems.push(`the booking is ${run.state.bookings[trip.bookingId] ?? 'missing'}`);
  const carCalls = sent(run.trace, 'ReserveCar', trip.bookingId) + sent(run.trace, 'ConfirmCar', trip.bookingId);
  if (carCalls > 0) problems.push(`the car rental still got ${carCalls} request(s) although no car was asked for`);
  if (run.state.cars.compact !== CARS.compact) problems.push(`compact cars: ${run.state.cars.compact} free instead of ${CARS.compact}`);
  if (problems.length > 0) return fail(withErrors(run, `Dan's trip without a car: ${problems.join('; ')}.`), 'hotel-happy', run);
  return pass("Dan's trip without a car completed and the car rental was never asked.");
}

async function noRoom(ctx: CheckContext): Promise<CheckResult> {
  const trip = TRIP_STORIES.noRoom;
  const run = await runTrips(ctx, [trip]);
  const id = trip.bookingId;
  const problems: string[] = [];
  if (run.outcome[id] !== 'compensated') problems.push(`the saga ended ${run.outcome[id]}, not compensated`);
  if (run.state.bookings[id] !== 'CANCELLED') problems.push(`booking ${id} is ${run.state.bookings[id] ?? 'missing'}, not CANCELLED`);
  if (run.state.cars.compact !== CARS.compact) problems.push(`a car was taken (${run.state.cars.compact} compact cars free, expected ${CARS.compact})`);
  if (run.state.payments.some((p) => p.order_id === id)) problems.push('the card was charged');
  if (problems.length > 0) return fail(withErrors(run, `Bob's trip to a full hotel: ${problems.join('; ')}.`), 'hotel-no-room', run);
  return pass("Bob's trip to a full hotel: the booking was cancelled and nothing else was touched.");
}

async function paymentDeclined(ctx: CheckContext): Promise<CheckResult> {
  const trip = TRIP_STORIES.paymentDeclined;
  const run = await runTrips(ctx, [trip]);
  const id = trip.bookingId;
  const problems: string[] = [];
  if (run.outcome[id] !== 'compensated') problems.push(`the saga ended ${run.outcome[id]}, not compensated`);
  const order = undone(run.trace, id);
  const names = order.join(' → ') || 'nothing';
  if (order.length !== 3) problems.push(`the compensations that ran were: ${names} (expected car, then room, then booking)`);
  else if (run.state.bookings[id] !== 'CANCELLED' || run.state.rooms[id] !== 'CANCELLED' || run.state.carHolds[id] !== 'CANCELLED') problems.push(`after compensating ${names}: booking ${run.state.bookings[id]}, room ${run.state.rooms[id]}, car ${run.state.carHolds[id]} (all should be CANCELLED)`);
  const left = leftovers(run, id);
  if (left.length > 0 && order.length === 3) problems.push(left.join(', '));
  if (order.length === 3) {
    // Reverse order is about the services' state: the car went first, then the room, then the booking.
    const seq = run.trace.flatMap((e) => (e.type === 'message.sent' ? [(e as { message?: { type?: string; correlationId?: string } }).message] : [])).filter((m) => m?.correlationId === id && ['CancelCar', 'CancelRoom', 'CancelBooking'].includes(m.type ?? '')).map((m) => m!.type);
    const firstOf = (t: string) => seq.indexOf(t);
    if (!(firstOf('CancelCar') < firstOf('CancelRoom') && firstOf('CancelRoom') < firstOf('CancelBooking'))) problems.push(`the undo messages went out as ${seq.join(' → ')}, not car → room → booking`);
  }
  if (run.state.freeRooms.grand !== HOTELS.grand) problems.push(`hotel grand has ${run.state.freeRooms.grand} free rooms, expected ${HOTELS.grand}`);
  if (run.state.cars.compact !== CARS.compact) problems.push(`${run.state.cars.compact} compact cars free, expected ${CARS.compact}`);
  if (problems.length > 0) return fail(withErrors(run, `Carol's declined card: ${problems.join('; ')}.`), 'hotel-payment-declined', run);
  return pass("Carol's declined card: the car, the room and the booking were cancelled, in that order.");
}

const DUPLICATE_SEEDS = [7, 11];
async function idempotentCompensations(ctx: CheckContext): Promise<CheckResult> {
  const plan: FaultPlan = { name: 'duplicates', faults: [{ at: 0, action: { kind: 'link', params: { duplicateRate: 0.9, reorderRate: 0.5 } } }] };
  const trips = [TRIP_STORIES.paymentDeclined, TRIP_STORIES.happy];
  for (const seed of DUPLICATE_SEEDS) {
    const run = await runTrips(ctx, trips, { seed, faultPlan: plan });
    const problems = [...conservation(run), ...leftovers(run, 'b-3').map((p) => `Carol's declined booking: ${p}`)];
    if (run.state.bookings['b-1'] !== 'CONFIRMED') problems.push(`Alice's booking is ${run.state.bookings['b-1'] ?? 'missing'}, not CONFIRMED`);
    if (run.state.freeRooms.grand !== HOTELS.grand - 1) problems.push(`hotel grand has ${run.state.freeRooms.grand} free rooms, expected ${HOTELS.grand - 1}`);
    if (run.state.cars.compact !== CARS.compact - 1) problems.push(`${run.state.cars.compact} compact cars free, expected ${CARS.compact - 1}`);
    if (problems.length > 0) return fail(withErrors(run, `With 90% of messages duplicated (seed ${seed}): ${problems.join('; ')}.`), 'hotel-payment-declined', run);
  }
  return pass(`With 90% of messages duplicated and reordered (seeds ${DUPLICATE_SEEDS.join(', ')}), every room and car was reserved or released exactly once.`);
}

/** The hotel's replies crawl for 1.5 s: ReserveRoom times out although the room may be held. */
const SLOW_HOTEL: FaultPlan = {
  name: 'slow hotel',
  faults: [
    { at: 0, action: { kind: 'link', from: 'hotel', to: 'orchestrator', params: { latencyMs: 1200 } } },
    { at: 1500, action: { kind: 'link', from: 'hotel', to: 'orchestrator', params: { latencyMs: 8 } } },
  ],
};
async function timeoutCompensates(ctx: CheckContext): Promise<CheckResult> {
  const trip = TRIP_STORIES.happy;
  const run = await runTrips(ctx, [trip], { seed: 5, faultPlan: SLOW_HOTEL });
  const id = trip.bookingId;
  const timedOut = run.trace.some((e) => e.type === 'saga.step' && e.sagaId === id && e.step && e.phase === 'action' && e.status === 'failed');
  const problems: string[] = [];
  if (!timedOut) problems.push('no step ever failed: the saga waited for the slow hotel instead of giving up (is a step retried for more than a second?)');
  else {
    if (run.outcome[id] !== 'compensated') problems.push(`the saga ended ${run.outcome[id]}, not compensated`);
    problems.push(...leftovers(run, id));
    problems.push(...conservation(run));
  }
  if (problems.length > 0) return fail(withErrors(run, `The hotel answered too slowly: ${problems.join('; ')}.`), 'hotel-happy', run);
  return pass('When the hotel stopped answering in time, the saga gave up and undid everything, including the room that was held after all.');
}

const CRASH_PLAN: FaultPlan = {
  name: 'orchestrator crash',
  faults: [
    { at: 45, action: { kind: 'crash', service: 'orchestrator' } },
    { at: 600, action: { kind: 'restart', service: 'orchestrator' } },
  ],
};
async function crashRecovery(ctx: CheckContext): Promise<CheckResult> {
  const trips = [TRIP_STORIES.happy, TRIP_STORIES.paymentDeclined];
  const run = await runTrips(ctx, trips, { seed: 3, faultPlan: CRASH_PLAN });
  const problems: string[] = [];
  if (run.outcome['b-1'] !== 'completed') problems.push(`Alice's saga ended ${run.outcome['b-1']}, not completed`);
  if (run.state.bookings['b-1'] !== 'CONFIRMED') problems.push(`Alice's booking is ${run.state.bookings['b-1'] ?? 'missing'}`);
  if (run.outcome['b-3'] !== 'compensated') problems.push(`Carol's saga ended ${run.outcome['b-3']}, not compensated`);
  problems.push(...leftovers(run, 'b-3').map((p) => `Carol's declined booking: ${p}`));
  problems.push(...conservation(run));
  if (run.state.freeRooms.grand !== HOTELS.grand - 1) problems.push(`hotel grand has ${run.state.freeRooms.grand} free rooms, expected ${HOTELS.grand - 1}`);
  if (problems.length > 0) return fail(withErrors(run, `The orchestrator crashed at 45 ms and restarted at 600 ms: ${problems.join('; ')}.`), 'hotel-happy', run);
  return pass('After the orchestrator crashed mid-saga and restarted, Alice was booked exactly once and Carol was fully undone.');
}

const RANDOM_SEEDS = [101, 202];
async function nothingReserved(ctx: CheckContext): Promise<CheckResult> {
  const trips: TripRequest[] = [
    { ...TRIP_STORIES.happy, at: 10 },
    { ...TRIP_STORIES.noRoom, at: 20 },
    { ...TRIP_STORIES.paymentDeclined, at: 30 },
    { bookingId: 'b-5', customer: 'Erin', hotelId: 'grand', carRequired: true, carType: 'van', amount: 510, card: 'declined', at: 40 },
  ];
  for (const seed of RANDOM_SEEDS) {
    const plan = randomFaultPlan(createRng(seed), { services: ['booking', 'hotel', 'car', 'payment', 'orchestrator'], horizonMs: 1500, maxFaults: 3, crashable: ['orchestrator', 'hotel', 'car'] });
    const run = await runTrips(ctx, trips, { seed, faultPlan: plan });
    const problems: string[] = [...conservation(run)];
    for (const t of trips) {
      const booked = run.state.bookings[t.bookingId];
      if (booked === 'CONFIRMED') continue;
      for (const p of leftovers(run, t.bookingId)) problems.push(`${t.customer}'s failed booking ${t.bookingId}: ${p}`);
    }
    const stuck = Object.entries(run.outcome).filter(([, o]) => o === 'running' || o === 'stuck');
    for (const [id, o] of stuck) problems.push(`saga ${id} never finished (${o})`);
    if (problems.length > 0) return fail(withErrors(run, `Random faults (seed ${seed}: ${plan.faults.map((f) => `${f.action.kind}@${f.at}`).join(', ')}): ${problems.join('; ')}.`), 'hotel-payment-declined', run);
  }
  return pass(`Under random crashes, partitions and lossy links (seeds ${RANDOM_SEEDS.join(', ')}), every failed booking released everything it held.`);
}

/** Reads back the trips a failing check recorded (from IndexedDB, so checked, not trusted). */
function tripsOf(input: Json): TripRequest[] {
  const trips = (input as { trips?: unknown } | null)?.trips;
  const ok =
    Array.isArray(trips) &&
    trips.length > 0 &&
    trips.every(
      (t) =>
        typeof t === 'object' && t !== null &&
        typeof t.bookingId === 'string' && typeof t.customer === 'string' && typeof t.hotelId === 'string' &&
        typeof t.carRequired === 'boolean' && typeof t.amount === 'number' && typeof t.at === 'number',
    );
  if (!ok) throw new Error('The replay does not describe the trips of a booking run (it may come from an older version of the course).');
  return trips as TripRequest[];
}

export const exerciseChecks: ExerciseChecks = {
  checks: {
    'happy-path': happyPath,
    'car-optional': carOptional,
    'no-room': noRoom,
    'payment-declined': paymentDeclined,
    'idempotent-compensations': idempotentCompensations,
    'timeout-compensates': timeoutCompensates,
    'crash-recovery': crashRecovery,
    'nothing-reserved': nothingReserved,
  },
  async demo(ctx) {
    const trip = TRIP_STORIES.paymentDeclined;
    const run = await runTrips(ctx, [TRIP_STORIES.happy, trip]);
    const line = (id: string) => `${id}: saga ${run.outcome[id]}, booking ${run.state.bookings[id] ?? 'missing'}, room ${run.state.rooms[id] ?? '—'}, car ${run.state.carHolds[id] ?? '—'}`;
    return { ok: run.errors.length === 0, outcome: withErrors(run, `${line('b-1')}; ${line('b-3')}.`), scenario: 'hotel-payment-declined' };
  },
  replay: (ctx, { input, seed }) => buildTrips(ctx, tripsOf(input), seed),
};
