import { RejectedError, SimError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { ServiceDefinition } from '../../core/types';
import type { KvStore } from '../../stores/kv/types';
import type { SqlStore } from '../../stores/sql/types';
import { requireString } from '../shared/validate';

/** The booking itself: its own PostgreSQL with one row per booking and its status. */
export const BOOKING_SCHEMA = `
CREATE TABLE IF NOT EXISTS bookings (
  id TEXT PRIMARY KEY,
  customer TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLED')),
  updated_at BIGINT NOT NULL
);
`;

export const bookingService: ServiceDefinition<{ db: SqlStore }> = {
  name: 'booking',
  title: 'Booking',
  stores: [{ key: 'db', kind: 'sql', schema: BOOKING_SCHEMA }],
  handlers: {
    async CreateBooking(p: { bookingId: string; customer: string }, ctx) {
      const id = requireString(p?.bookingId, 'bookingId');
      await ctx.stores.db.query(
        "INSERT INTO bookings (id, customer, status, updated_at) VALUES ($1, $2, 'PENDING', $3) ON CONFLICT (id) DO NOTHING",
        [id, requireString(p.customer, 'customer'), ctx.now],
      );
      return { bookingId: id };
    },
    async CancelBooking(p: { bookingId: string }, ctx) {
      // Idempotent: cancelling twice, or cancelling what never existed, changes nothing more.
      const r = await ctx.stores.db.query("UPDATE bookings SET status = 'CANCELLED', updated_at = $2 WHERE id = $1 AND status <> 'CANCELLED'", [p.bookingId, ctx.now]);
      return { bookingId: p.bookingId, cancelled: r.affectedRows > 0 };
    },
    async ConfirmBooking(p: { bookingId: string }, ctx) {
      const r = await ctx.stores.db.query("UPDATE bookings SET status = 'CONFIRMED', updated_at = $2 WHERE id = $1 AND status = 'PENDING'", [p.bookingId, ctx.now]);
      if (r.affectedRows === 0) {
        const cur = await ctx.stores.db.query<{ status: string }>('SELECT status FROM bookings WHERE id = $1', [p.bookingId]);
        if (cur.rows[0]?.status !== 'CONFIRMED') throw new RejectedError('NOT_PENDING', `Booking ${p.bookingId} is ${cur.rows[0]?.status ?? 'missing'}.`);
      }
      return { bookingId: p.bookingId, status: 'CONFIRMED' };
    },
  },
};

/** Rooms per hotel and the reservations holding them; a reservation row per booking. */
export const HOTEL_SCHEMA = `
CREATE TABLE IF NOT EXISTS hotels (
  id TEXT PRIMARY KEY,
  free_rooms INTEGER NOT NULL CHECK (free_rooms >= 0)
);
CREATE TABLE IF NOT EXISTS room_reservations (
  booking_id TEXT PRIMARY KEY,
  hotel_id TEXT NOT NULL REFERENCES hotels(id),
  room_no INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'CANCELLED')),
  updated_at BIGINT NOT NULL
);
-- Bookings cancelled before any room was held: a late ReserveRoom for them is refused.
CREATE TABLE IF NOT EXISTS cancelled_bookings (
  booking_id TEXT PRIMARY KEY,
  at BIGINT NOT NULL
);
`;

export const hotelService: ServiceDefinition<{ db: SqlStore }> = {
  name: 'hotel',
  title: 'Hotel',
  stores: [{ key: 'db', kind: 'sql', schema: HOTEL_SCHEMA }],
  handlers: {
    async ReserveRoom(p: { bookingId: string; hotelId: string }, ctx) {
      const bookingId = requireString(p?.bookingId, 'bookingId');
      const hotelId = requireString(p.hotelId, 'hotelId');
      return ctx.stores.db.transaction(async (tx) => {
        const existing = await tx.query<{ room_no: number; status: string }>('SELECT room_no, status FROM room_reservations WHERE booking_id = $1', [bookingId]);
        const prior = existing.rows[0];
        if (prior && prior.status !== 'CANCELLED') return { bookingId, hotelId, room: prior.room_no } as Json;
        const cancelled = await tx.query('SELECT 1 FROM cancelled_bookings WHERE booking_id = $1', [bookingId]);
        if (prior || cancelled.rows.length > 0) throw new RejectedError('CANCELLED', `Booking ${bookingId} was already cancelled at the hotel.`);
        const taken = await tx.query<{ free_rooms: number }>('UPDATE hotels SET free_rooms = free_rooms - 1 WHERE id = $1 AND free_rooms > 0 RETURNING free_rooms', [hotelId]);
        if (taken.rows.length === 0) {
          const known = await tx.query('SELECT 1 FROM hotels WHERE id = $1', [hotelId]);
          if (known.rows.length === 0) throw new SimError('VALIDATION', `Unknown hotel "${hotelId}".`);
          throw new RejectedError('NO_ROOM', `Hotel ${hotelId} has no free room.`);
        }
        const room = 100 + taken.rows[0]!.free_rooms;
        await tx.query("INSERT INTO room_reservations (booking_id, hotel_id, room_no, status, updated_at) VALUES ($1, $2, $3, 'HELD', $4)", [bookingId, hotelId, room, ctx.now]);
        return { bookingId, hotelId, room } as Json;
      });
    },
    async CancelRoom(p: { bookingId: string }, ctx) {
      return ctx.stores.db.transaction(async (tx) => {
        const r = await tx.query<{ hotel_id: string }>(
          "UPDATE room_reservations SET status = 'CANCELLED', updated_at = $2 WHERE booking_id = $1 AND status <> 'CANCELLED' RETURNING hotel_id",
          [p.bookingId, ctx.now],
        );
        if (r.rows[0]) await tx.query('UPDATE hotels SET free_rooms = free_rooms + 1 WHERE id = $1', [r.rows[0].hotel_id]);
        // Either way, remember the cancellation so a late, retried ReserveRoom cannot take a room afterwards.
        await tx.query('INSERT INTO cancelled_bookings (booking_id, at) VALUES ($1, $2) ON CONFLICT (booking_id) DO NOTHING', [p.bookingId, ctx.now]);
        return { bookingId: p.bookingId, released: r.rows.length > 0 } as Json;
      });
    },
    async ConfirmRoom(p: { bookingId: string }, ctx) {
      const r = await ctx.stores.db.query("UPDATE room_reservations SET status = 'CONFIRMED', updated_at = $2 WHERE booking_id = $1 AND status IN ('HELD', 'CONFIRMED')", [p.bookingId, ctx.now]);
      if (r.affectedRows === 0) throw new RejectedError('NOT_HELD', `No held room for booking ${p.bookingId}.`);
      return { bookingId: p.bookingId, status: 'CONFIRMED' };
    },
  },
};

/** Cars in a Redis-style KV: `cars:<type>` free count, `car:<bookingId>` the hold. */
export const carService: ServiceDefinition<{ kv: KvStore }> = {
  name: 'car',
  title: 'Car rental',
  stores: [{ key: 'kv', kind: 'kv' }],
  handlers: {
    async ReserveCar(p: { bookingId: string; carType: string }, ctx) {
      const bookingId = requireString(p?.bookingId, 'bookingId');
      const carType = requireString(p.carType, 'carType');
      const kv = ctx.stores.kv;
      const hold = await kv.get(`car:${bookingId}`);
      if (hold === 'CANCELLED') throw new RejectedError('CANCELLED', `Booking ${bookingId} was already cancelled at the car rental.`);
      if (hold) return { bookingId, carType, status: hold };
      const left = await kv.decrByIfAtLeast(`cars:${carType}`, 1);
      if (left === null) throw new RejectedError('NO_CAR', `No ${carType} car left.`);
      await kv.hset(`car-type`, bookingId, carType);
      await kv.set(`car:${bookingId}`, 'HELD');
      return { bookingId, carType, status: 'HELD' };
    },
    async CancelCar(p: { bookingId: string }, ctx) {
      const kv = ctx.stores.kv;
      const hold = await kv.set(`car:${p.bookingId}`, 'CANCELLED', { GET: true });
      if (hold === 'HELD' || hold === 'CONFIRMED') {
        const carType = await kv.hget('car-type', p.bookingId);
        if (carType) await kv.incr(`cars:${carType}`);
        return { bookingId: p.bookingId, released: true };
      }
      return { bookingId: p.bookingId, released: false };
    },
    async ConfirmCar(p: { bookingId: string }, ctx) {
      const kv = ctx.stores.kv;
      const hold = await kv.get(`car:${p.bookingId}`);
      if (hold !== 'HELD' && hold !== 'CONFIRMED') throw new RejectedError('NOT_HELD', `No held car for booking ${p.bookingId}.`);
      await kv.set(`car:${p.bookingId}`, 'CONFIRMED');
      return { bookingId: p.bookingId, status: 'CONFIRMED' };
    },
  },
};
