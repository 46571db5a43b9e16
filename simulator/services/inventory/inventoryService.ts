import { RejectedError, UnknownProductError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { HandlerContext, ServiceDefinition } from '../../core/types';
import type { KvMulti, KvStore } from '../../stores/kv/types';
import type { MemoryTables } from '../../stores/memory/createMemoryTables';
import type { SqlStore } from '../../stores/sql/types';
import { requireLines, requireString, type OrderLine } from '../shared/validate';
import { AUDIT_SCHEMA, inventoryAudit } from './auditRepository';

export type InventoryStores = { kv: KvStore; audit: SqlStore | MemoryTables };
type Ctx = HandlerContext<InventoryStores>;

/**
 * Keys in the KV (Redis-style):
 * - `inv:<productId>` hash {stock, available, reserved, sold}: available + reserved + sold = stock.
 * - `res:<orderId>` hash productId → quantity, with a TTL: a reservation that expires if nobody confirms or releases it.
 * - `res-done:<orderId>` string 'released' | 'committed', a tombstone so a late, retried reserve cannot resurrect it.
 */
export const stockKey = (productId: string) => `inv:${productId}`;
export const reservationKey = (orderId: string) => `res:${orderId}`;
export const tombstoneKey = (orderId: string) => `res-done:${orderId}`;

type StockField = 'available' | 'reserved' | 'sold';

/**
 * Queues, on one MULTI, the moves of each line's units from one stock field to another,
 * then the extra writes (deleting the reservation, the tombstone), and runs it atomically.
 */
async function moveUnits(kv: KvStore, lines: ReadonlyArray<{ productId: string; quantity: number }>, from: StockField, to: StockField, then: (tx: KvMulti) => KvMulti): Promise<void> {
  let tx: KvMulti = kv.multi();
  for (const l of lines) {
    tx = tx.hincrby(stockKey(l.productId), from, -l.quantity) as unknown as KvMulti;
    tx = tx.hincrby(stockKey(l.productId), to, l.quantity) as unknown as KvMulti;
  }
  await then(tx).exec();
}

const linesOf = (reservation: Record<string, string>) => Object.entries(reservation).map(([productId, q]) => ({ productId, quantity: Number(q) }));

/** How long a reservation lives without a commit or release, virtual ms. */
export const RESERVATION_TTL_MS = 5 * 60_000;

export interface StockLevel {
  productId: string;
  stock: number;
  available: number;
  reserved: number;
  sold: number;
}

/** Puts stock on the shelf (setup and the Restock command). */
export async function restock(kv: KvStore, productId: string, quantity: number): Promise<void> {
  await kv.hincrby(stockKey(productId), 'stock', quantity);
  await kv.hincrby(stockKey(productId), 'available', quantity);
  await kv.hincrby(stockKey(productId), 'reserved', 0);
  await kv.hincrby(stockKey(productId), 'sold', 0);
}

/** Every product's stock levels, read through the store's own commands. */
export async function stockLevels(kv: KvStore): Promise<StockLevel[]> {
  const out: StockLevel[] = [];
  for (const key of await kv.keys('inv:*')) {
    const h = await kv.hgetall(key);
    out.push({ productId: key.slice(4), stock: Number(h.stock), available: Number(h.available), reserved: Number(h.reserved), sold: Number(h.sold) });
  }
  return out;
}

async function reserve(ctx: Ctx, orderId: string, lines: OrderLine[]): Promise<Json> {
  const kv = ctx.stores.kv;
  const existing = await kv.hgetall(reservationKey(orderId));
  if (Object.keys(existing).length > 0) return { orderId, reserved: existing, duplicate: true };
  const done = await kv.get(tombstoneKey(orderId));
  if (done) throw new RejectedError('RESERVATION_CLOSED', `Order ${orderId} was already ${done}; a late reserve is refused.`);
  // One line per product, even if the order names a product twice.
  const wanted = new Map<string, number>();
  for (const l of lines) wanted.set(l.productId, (wanted.get(l.productId) ?? 0) + l.quantity);
  // Optimistic transaction, as with Redis: WATCH the stock, check, then MULTI/EXEC.
  const conn = kv.client();
  await conn.watch(...[...wanted.keys()].map(stockKey));
  for (const [productId, quantity] of wanted) {
    const available = await conn.hget(stockKey(productId), 'available');
    if (available === null) {
      await conn.unwatch();
      throw new UnknownProductError(productId);
    }
    if (Number(available) < quantity) {
      await conn.unwatch();
      throw new RejectedError('OUT_OF_STOCK', `Only ${available} of ${productId} left, ${quantity} wanted.`, { productId });
    }
  }
  let tx = conn.multi();
  for (const [productId, quantity] of wanted) {
    tx = tx.hincrby(stockKey(productId), 'available', -quantity) as never;
    tx = tx.hincrby(stockKey(productId), 'reserved', quantity) as never;
  }
  tx = tx.hset(reservationKey(orderId), Object.fromEntries(wanted)) as never;
  tx = tx.pexpire(reservationKey(orderId), RESERVATION_TTL_MS) as never;
  const replies = await tx.exec();
  if (replies === null) throw new RejectedError('CONFLICT', 'Stock changed during the reservation; try again.');
  await inventoryAudit(ctx.stores.audit).record({ orderId, action: 'RESERVE', lines: [...wanted].map(([productId, quantity]) => ({ productId, quantity })), at: ctx.now });
  ctx.setTimer(RESERVATION_TTL_MS + 1, 'ExpireReservation', { orderId });
  return { orderId, reserved: Object.fromEntries(wanted) };
}

/** Moves a reservation's units back to available (from reserved, or from sold for a committed one). */
async function release(ctx: Ctx, orderId: string, why: 'released' | 'expired'): Promise<Json> {
  const kv = ctx.stores.kv;
  const reservation = await kv.hgetall(reservationKey(orderId));
  const done = await kv.get(tombstoneKey(orderId));
  if (Object.keys(reservation).length === 0) {
    if (done === 'committed') {
      // A sold order that is compensated later (shipping failed): units go back on the shelf.
      const lines = await inventoryAudit(ctx.stores.audit).linesOf(orderId, 'COMMIT');
      await moveUnits(kv, lines, 'sold', 'available', (tx) => tx.set(tombstoneKey(orderId), 'released') as unknown as KvMulti);
      await inventoryAudit(ctx.stores.audit).record({ orderId, action: 'RESTOCK', lines, at: ctx.now });
      return { orderId, released: true, restocked: true };
    }
    // Nothing reserved (never was, or already released): still close the door on a late reserve.
    await kv.set(tombstoneKey(orderId), done ?? 'released');
    return { orderId, released: false };
  }
  await moveUnits(kv, linesOf(reservation), 'reserved', 'available', (tx) => tx.del(reservationKey(orderId)).set(tombstoneKey(orderId), 'released') as unknown as KvMulti);
  await inventoryAudit(ctx.stores.audit).record({ orderId, action: why === 'expired' ? 'EXPIRE' : 'RELEASE', lines: linesOf(reservation), at: ctx.now });
  return { orderId, released: true };
}

/** Turns a reservation into a sale. */
async function commit(ctx: Ctx, orderId: string): Promise<Json> {
  const kv = ctx.stores.kv;
  const done = await kv.get(tombstoneKey(orderId));
  if (done === 'committed') return { orderId, committed: true, duplicate: true };
  const reservation = await kv.hgetall(reservationKey(orderId));
  if (Object.keys(reservation).length === 0) throw new RejectedError('RESERVATION_GONE', `Order ${orderId} has no reservation to commit (${done ?? 'none'}).`);
  await moveUnits(kv, linesOf(reservation), 'reserved', 'sold', (tx) => tx.del(reservationKey(orderId)).set(tombstoneKey(orderId), 'committed') as unknown as KvMulti);
  await inventoryAudit(ctx.stores.audit).record({ orderId, action: 'COMMIT', lines: linesOf(reservation), at: ctx.now });
  return { orderId, committed: true };
}

/** The Inventory service: stock in a Redis-style KV, every movement in a PostgreSQL audit trail. */
export const inventoryService: ServiceDefinition<InventoryStores> = {
  name: 'inventory',
  title: 'Inventory',
  stores: [
    { key: 'kv', kind: 'kv' },
    { key: 'audit', kind: 'sql', schema: AUDIT_SCHEMA },
  ],
  subscribes: ['OrderCompleted', 'OrderCreated', 'PaymentFailed', 'PaymentRefunded'],
  async onStart(ctx) {
    // Expiry timers died with the crash: set them again for every open reservation.
    for (const key of await ctx.stores.kv.keys('res:*')) {
      const ttl = await ctx.stores.kv.pttl(key);
      ctx.setTimer(Math.max(0, ttl) + 1, 'ExpireReservation', { orderId: key.slice(4) });
    }
  },
  handlers: {
    // ---- orchestrated saga
    async ReserveInventory(p: { orderId: string; items: unknown }, ctx) {
      return reserve(ctx, requireString(p?.orderId, 'orderId'), requireLines(p?.items, { requirePrice: false }));
    },
    async ReleaseInventory(p: { orderId: string }, ctx) {
      return release(ctx, requireString(p?.orderId, 'orderId'), 'released');
    },
    async Restock(p: { productId: string; quantity: number }, ctx) {
      await restock(ctx.stores.kv, requireString(p?.productId, 'productId'), p.quantity);
      return { productId: p.productId };
    },
    async GetStock(p: { productId: string }, ctx) {
      const h = await ctx.stores.kv.hgetall(stockKey(requireString(p?.productId, 'productId')));
      if (Object.keys(h).length === 0) throw new UnknownProductError(p.productId);
      return h;
    },
    async ExpireReservation(p: { orderId: string }, ctx) {
      // The key is gone by TTL (or by commit/release); only an expired one still has units parked in reserved.
      if ((await ctx.stores.kv.exists(reservationKey(p.orderId))) === 0 && !(await ctx.stores.kv.get(tombstoneKey(p.orderId)))) {
        const lines = await inventoryAudit(ctx.stores.audit).linesOf(p.orderId, 'RESERVE');
        await moveUnits(ctx.stores.kv, lines, 'reserved', 'available', (tx) => tx.set(tombstoneKey(p.orderId), 'expired') as unknown as KvMulti);
        await inventoryAudit(ctx.stores.audit).record({ orderId: p.orderId, action: 'EXPIRE', lines, at: ctx.now });
      }
    },
    // ---- after the saga: the sale is final (eventual, at-least-once)
    async OrderCompleted(p: { sagaId: string; data: { orderId?: string } }, ctx) {
      const orderId = p.data?.orderId ?? p.sagaId;
      const done = await ctx.stores.kv.get(tombstoneKey(orderId));
      if (done === 'committed') return;
      await commit(ctx, orderId);
    },
    // ---- choreographed saga
    async OrderCreated(p: { orderId: string; items: unknown; amount: number; card?: string; address?: string; choreography?: boolean }, ctx) {
      if (!p.choreography) return;
      try {
        await reserve(ctx, p.orderId, requireLines(p.items, { requirePrice: false }));
        ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ReserveInventory', phase: 'action', status: 'succeeded' });
        ctx.publish('InventoryReserved', p as unknown as Json, { correlationId: p.orderId });
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ReserveInventory', phase: 'action', status: 'failed', reason });
        ctx.publish('InventoryRejected', { orderId: p.orderId, reason }, { correlationId: p.orderId });
      }
    },
    async PaymentFailed(p: { orderId: string; reason: string }, ctx) {
      await release(ctx, p.orderId, 'released');
      ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ReserveInventory', phase: 'compensation', status: 'succeeded' });
      ctx.publish('InventoryReleased', { orderId: p.orderId, reason: p.reason }, { correlationId: p.orderId });
    },
    async PaymentRefunded(p: { orderId: string; reason: string }, ctx) {
      await release(ctx, p.orderId, 'released');
      ctx.emit({ type: 'saga.step', sagaId: p.orderId, step: 'ReserveInventory', phase: 'compensation', status: 'succeeded' });
      ctx.publish('InventoryReleased', { orderId: p.orderId, reason: p.reason }, { correlationId: p.orderId });
    },
  },
};
