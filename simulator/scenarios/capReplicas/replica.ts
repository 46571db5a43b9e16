import { SimError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { HandlerContext, ReplyMessagePayload, ServiceDefinition } from '../../core/types';
import type { KvStore } from '../../stores/kv/types';

/** CP: a write needs a majority and is refused otherwise. AP: a write is accepted locally and replicated later. */
export type CapMode = 'CP' | 'AP';

/** A reservation of stock, as the outside world sends it to one replica. */
export interface ReserveRequest {
  opId: string;
  productId: string;
  quantity: number;
}

/** An accepted reservation as every replica's operation log keeps it. */
export interface ReplicaOp {
  opId: string;
  productId: string;
  quantity: number;
  /** The replica that accepted it. */
  origin: string;
  /** Virtual time it was accepted at its origin (the merge order, ties broken by origin then opId). */
  at: number;
}

/** Why a write was refused. UNAVAILABLE: no majority reachable (CP on the minority side). */
export type RefusalReason = 'UNAVAILABLE' | 'OUT_OF_STOCK' | 'BUSY' | 'STALE';

/** One oversold op in a conflict: how many of its units the merged stock could not cover. */
export interface OversoldOp {
  opId: string;
  origin: string;
  units: number;
}

/** Overselling found when operation logs were merged (AP after a partition). */
export interface CapConflict {
  productId: string;
  /** Units sold beyond the stock: minus the merged stock. */
  oversoldBy: number;
  /** The ops, in merge order, whose units the stock could not cover. */
  ops: OversoldOp[];
  detectedAt: number;
}

/** Key layout of a replica's KV (shared with capStatus). */
export const REPLICA_KEYS = {
  mode: 'mode',
  initial: (productId: string) => `initial:${productId}`,
  stock: (productId: string) => `stock:${productId}`,
  /** Hash: one applied op of the operation log (applied at most once, by opId). */
  op: (opId: string) => `op:${opId}`,
  /** Counter giving each locally applied op its position in this replica's log. */
  seq: 'applied:seq',
  /** Hash: the outcome of a write that entered the system at this replica. */
  write: (opId: string) => `write:${opId}`,
  /** CP: the op a replica has promised its vote to, per product (SET NX, no TTL). */
  lock: (productId: string) => `lock:${productId}`,
  /** CP: an op its origin refused; a late Accept for it must not take the lock. */
  released: (opId: string) => `released:${opId}`,
  /** Hash: the current overselling of a product, as merged here. */
  conflict: (productId: string) => `conflict:${productId}`,
} as const;

/** Timing of the quorum round, ms. */
export const REPLICA_TIMING = {
  /** A peer that has not answered Accept by then counts as unreachable. */
  acceptTimeoutMs: 80,
} as const;

/** The three replicas of the inventory counter. */
export const REPLICAS: readonly string[] = ['replica-1', 'replica-2', 'replica-3'];

type Stores = { kv: KvStore };
type Ctx = HandlerContext<Stores>;

function parseReserve(p: unknown): ReserveRequest {
  const o = (p ?? {}) as Record<string, unknown>;
  if (typeof o.opId !== 'string' || o.opId === '') throw new SimError('VALIDATION', 'opId must be a non-empty string.');
  if (typeof o.productId !== 'string' || o.productId === '') throw new SimError('VALIDATION', 'productId must be a non-empty string.');
  if (typeof o.quantity !== 'number' || !Number.isSafeInteger(o.quantity) || o.quantity <= 0) {
    throw new SimError('VALIDATION', 'quantity must be a positive integer.');
  }
  return { opId: o.opId, productId: o.productId, quantity: o.quantity };
}

/** Merge order of an operation log: the same on every replica, whatever order ops arrived in. */
export function compareOps(a: ReplicaOp, b: ReplicaOp): number {
  return a.at - b.at || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0) || (a.opId < b.opId ? -1 : a.opId > b.opId ? 1 : 0);
}

/**
 * Overselling in a merged log: walk the ops in merge order from the initial stock; every unit
 * taken below zero is oversold. Returns null when the stock covers every op.
 */
export function findOverselling(productId: string, initial: number, ops: readonly ReplicaOp[], at: number): CapConflict | null {
  let left = initial;
  const oversold: OversoldOp[] = [];
  for (const op of [...ops].filter((o) => o.productId === productId).sort(compareOps)) {
    const before = left;
    left -= op.quantity;
    if (left < 0) oversold.push({ opId: op.opId, origin: op.origin, units: Math.min(op.quantity, before > 0 ? op.quantity - before : op.quantity) });
  }
  return left < 0 ? { productId, oversoldBy: -left, ops: oversold, detectedAt: at } : null;
}

async function modeOf(kv: KvStore): Promise<CapMode> {
  return ((await kv.get(REPLICA_KEYS.mode)) as CapMode | null) ?? 'CP';
}

/** The ops this replica has applied, optionally for one product. */
async function loadOps(kv: KvStore, productId?: string): Promise<ReplicaOp[]> {
  const ops: ReplicaOp[] = [];
  for (const key of await kv.keys('op:*')) {
    const h = await kv.hgetall(key);
    if (productId !== undefined && h.productId !== productId) continue;
    ops.push({ opId: h.opId!, productId: h.productId!, quantity: Number(h.quantity), origin: h.origin!, at: Number(h.at) });
  }
  return ops.sort(compareOps);
}

/** Applies an op once (by opId): the log entry and the stock change go in one MULTI/EXEC. */
async function applyOp(ctx: Ctx, op: ReplicaOp): Promise<boolean> {
  const kv = ctx.stores.kv;
  if ((await kv.exists(REPLICA_KEYS.op(op.opId))) > 0) return false;
  const seq = await kv.incr(REPLICA_KEYS.seq);
  const replies = await kv
    .multi()
    .hset(REPLICA_KEYS.op(op.opId), { ...op, appliedAt: ctx.now, seq })
    .decrby(REPLICA_KEYS.stock(op.productId), op.quantity)
    .exec();
  const failed = (replies ?? []).find((r) => r instanceof SimError);
  if (failed) throw failed;
  const stock = Number(await kv.get(REPLICA_KEYS.stock(op.productId)));
  ctx.emit({ type: 'domain', name: 'cap.applied', data: { replica: ctx.service, opId: op.opId, origin: op.origin, productId: op.productId, quantity: op.quantity, stock } });
  return true;
}

/** After merging foreign ops: if the merged stock is below zero, record (and announce) the overselling. */
async function reconcile(ctx: Ctx, productId: string): Promise<void> {
  const kv = ctx.stores.kv;
  const initial = Number(await kv.get(REPLICA_KEYS.initial(productId)));
  const conflict = findOverselling(productId, initial, await loadOps(kv, productId), ctx.now);
  if (!conflict) return;
  const ops = JSON.stringify(conflict.ops);
  const prev = await kv.hgetall(REPLICA_KEYS.conflict(productId));
  if (prev.ops === ops && Number(prev.oversoldBy) === conflict.oversoldBy) return;
  await kv.hset(REPLICA_KEYS.conflict(productId), { productId, oversoldBy: conflict.oversoldBy, ops, detectedAt: ctx.now });
  ctx.emit({ type: 'domain', name: 'cap.conflict', data: { replica: ctx.service, ...conflict } as unknown as Json });
}

async function releaseLock(kv: KvStore, productId: string, opId: string): Promise<void> {
  if ((await kv.get(REPLICA_KEYS.lock(productId))) === opId) await kv.del(REPLICA_KEYS.lock(productId));
}

/** Records a write's final outcome at the replica it entered through, and traces it. */
async function settle(ctx: Ctx, w: ReserveRequest, mode: CapMode, outcome: 'ACCEPTED' | 'REFUSED', reason?: RefusalReason): Promise<Json> {
  await ctx.stores.kv.hset(REPLICA_KEYS.write(w.opId), {
    opId: w.opId,
    productId: w.productId,
    quantity: w.quantity,
    mode,
    outcome,
    reason: reason ?? '',
    decidedAt: ctx.now,
  });
  ctx.emit({ type: 'domain', name: 'cap.write', data: { replica: ctx.service, opId: w.opId, outcome, ...(reason ? { reason } : {}), mode } });
  return { opId: w.opId, replica: ctx.service, outcome, ...(reason ? { reason } : {}) };
}

/** Commits a CP write that has its majority: apply here, free the local lock, replicate to all. */
async function commitCp(ctx: Ctx, w: ReserveRequest): Promise<void> {
  const op: ReplicaOp = { ...w, origin: ctx.service, at: ctx.now };
  await applyOp(ctx, op);
  await releaseLock(ctx.stores.kv, w.productId, w.opId);
  await settle(ctx, w, 'CP', 'ACCEPTED');
  ctx.publish('ReplicaOp', { op: op as unknown as Json });
}

async function refuseCp(ctx: Ctx, w: ReserveRequest, reason: RefusalReason): Promise<void> {
  await releaseLock(ctx.stores.kv, w.productId, w.opId);
  await settle(ctx, w, 'CP', 'REFUSED', reason);
  // Peers that promised their vote hold a lock for this op; the release must reach them even after a partition.
  ctx.publish('ReplicaRelease', { opId: w.opId, productId: w.productId });
}

/**
 * One replica of the inventory stock counter.
 *
 * CP: the replica that receives a write locks the product locally and asks both peers to lock it
 * too (Accept). Every peer's YES carries its operation log, merged before the stock check, so the
 * decision sees every op committed before it: two majorities of three always share a replica,
 * and that replica's lock orders the two writes. One YES (itself + one peer = 2 of 3) commits;
 * no YES means no majority: the write is refused and never applied anywhere. The client's reply is
 * PENDING; the outcome is recorded in the store and traced as `cap.write`.
 *
 * AP: the replica accepts at once if its own view has the stock, and publishes the op; after a
 * partition heals the logs merge (each op once, by opId) and overselling shows up as `cap.conflict`.
 */
export function replicaService(name: string, peers: readonly string[]): ServiceDefinition<Stores> {
  return {
    name,
    title: `Inventory ${name}`,
    stores: [{ key: 'kv', kind: 'kv' }],
    subscribes: ['ReplicaOp', 'ReplicaRelease'],
    handlers: {
      async SetMode(p: { mode: CapMode }, ctx): Promise<Json> {
        if (p?.mode !== 'CP' && p?.mode !== 'AP') throw new SimError('VALIDATION', 'mode must be CP or AP.');
        const before = await modeOf(ctx.stores.kv);
        await ctx.stores.kv.set(REPLICA_KEYS.mode, p.mode);
        ctx.emit({ type: 'domain', name: 'cap.mode', data: { replica: name, mode: p.mode, before } });
        return { replica: name, mode: p.mode };
      },

      async Reserve(p: ReserveRequest, ctx): Promise<Json> {
        const w = parseReserve(p);
        const kv = ctx.stores.kv;
        const known = await kv.hgetall(REPLICA_KEYS.write(w.opId));
        if (known.outcome) return { opId: w.opId, replica: name, outcome: known.outcome, ...(known.reason ? { reason: known.reason } : {}), repeated: true };
        const mode = await modeOf(kv);
        const stock = Number((await kv.get(REPLICA_KEYS.stock(w.productId))) ?? '0');

        if (mode === 'AP') {
          if (stock < w.quantity) return settle(ctx, w, mode, 'REFUSED', 'OUT_OF_STOCK');
          const op: ReplicaOp = { ...w, origin: name, at: ctx.now };
          await applyOp(ctx, op);
          const reply = await settle(ctx, w, mode, 'ACCEPTED');
          // At-least-once through the broker: a partitioned peer gets it when the link heals.
          ctx.publish('ReplicaOp', { op: op as unknown as Json });
          return reply;
        }

        // Every replica's stock is the initial stock minus a subset of committed ops, so a local
        // view that is already too low means the true stock is too low: refusing needs no quorum.
        if (stock < w.quantity) return settle(ctx, w, mode, 'REFUSED', 'OUT_OF_STOCK');
        const locked = await kv.set(REPLICA_KEYS.lock(w.productId), w.opId, { NX: true });
        if (locked === null) return settle(ctx, w, mode, 'REFUSED', 'BUSY');
        await kv.hset(REPLICA_KEYS.write(w.opId), { opId: w.opId, productId: w.productId, quantity: w.quantity, mode, outcome: 'PENDING', startedAt: ctx.now, replies: 0, failures: '[]' });
        for (const peer of peers) {
          ctx.request(peer, 'Accept', { ...w, origin: name }, {
            onReply: 'AcceptAnswered',
            context: { ...w, peer },
            timeoutMs: REPLICA_TIMING.acceptTimeoutMs,
            retries: 0,
          });
        }
        return { opId: w.opId, replica: name, outcome: 'PENDING' };
      },

      async Accept(p: ReserveRequest & { origin: string }, ctx): Promise<Json> {
        const w = parseReserve(p);
        const kv = ctx.stores.kv;
        const ops = async () => (await loadOps(kv, w.productId)) as unknown as Json;
        if ((await kv.exists(REPLICA_KEYS.op(w.opId))) > 0) return { vote: 'YES', ops: await ops() };
        if ((await kv.exists(REPLICA_KEYS.released(w.opId))) > 0) return { vote: 'NO', reason: 'STALE' };
        // No TTL: the promise must last until this op is applied or released here, or a later
        // write could be decided without seeing it.
        const ok = await kv.set(REPLICA_KEYS.lock(w.productId), w.opId, { NX: true });
        if (ok === null) {
          const heldBy = await kv.get(REPLICA_KEYS.lock(w.productId));
          if (heldBy !== w.opId) return { vote: 'NO', reason: 'BUSY', heldBy };
        }
        return { vote: 'YES', ops: await ops() };
      },

      async AcceptAnswered(p: ReplyMessagePayload, ctx) {
        const { peer, ...w } = p.context as unknown as ReserveRequest & { peer: string };
        const kv = ctx.stores.kv;
        const state = await kv.hgetall(REPLICA_KEYS.write(w.opId));
        if (state.outcome !== 'PENDING') return; // decided on the other peer's answer
        const value = p.reply.ok ? (p.reply.value as unknown as { vote: string; reason?: string; ops?: ReplicaOp[] }) : null;
        if (value?.vote === 'YES') {
          // Read repair: ops the peer has and we lack were committed; apply them before judging the stock.
          for (const op of value.ops ?? []) await applyOp(ctx, op);
          const stock = Number((await kv.get(REPLICA_KEYS.stock(w.productId))) ?? '0');
          if (stock >= w.quantity) await commitCp(ctx, w);
          else await refuseCp(ctx, w, 'OUT_OF_STOCK');
          return;
        }
        const failure = p.reply.ok ? (value?.reason ?? 'NO') : p.reply.error.code;
        const failures = [...(JSON.parse(state.failures ?? '[]') as string[]), `${peer}: ${failure}`];
        await kv.hset(REPLICA_KEYS.write(w.opId), { replies: Number(state.replies ?? 0) + 1, failures: JSON.stringify(failures) });
        if (failures.length < peers.length) return;
        const unreachable = failures.some((f) => !f.endsWith(': BUSY') && !f.endsWith(': STALE'));
        await refuseCp(ctx, w, unreachable ? 'UNAVAILABLE' : failures.some((f) => f.endsWith(': BUSY')) ? 'BUSY' : 'STALE');
      },

      async ReplicaOp(p: { op: ReplicaOp }, ctx) {
        const op = p.op;
        await applyOp(ctx, op);
        await releaseLock(ctx.stores.kv, op.productId, op.opId);
        if (Number(await ctx.stores.kv.get(REPLICA_KEYS.stock(op.productId))) < 0) await reconcile(ctx, op.productId);
      },

      async ReplicaRelease(p: { opId: string; productId: string }, ctx) {
        await ctx.stores.kv.set(REPLICA_KEYS.released(p.opId), 1);
        await releaseLock(ctx.stores.kv, p.productId, p.opId);
      },
    },
  };
}
