import { RejectedError, SimError } from '../../core/errors';
import type { Json } from '../../core/json';
import type { HandlerContext, ReplyMessagePayload, ServiceDefinition } from '../../core/types';
import type { KvMulti, KvStore } from '../../stores/kv/types';

/** The transaction the course's example runs across three services: move money between accounts. */
export interface TransferRequest {
  txId: string;
  from: string;
  to: string;
  amount: number;
}

/** PREPARE as a participant receives it. `coordinator` says whom to ask for the decision. */
export interface PreparePayload extends TransferRequest {
  coordinator?: string;
}

/** A participant's answer to PREPARE (an ok reply; an error reply counts as NO too). */
export type Vote =
  | { vote: 'YES'; txId: string; participant: string }
  | { vote: 'NO'; txId: string; participant: string; reason: string; message: string; resource?: string; heldBy?: string };

/** The decision a participant learns, from the coordinator's COMMIT/ABORT or its answer to GetDecision. */
export type Decision = 'COMMIT' | 'ABORT';

/** What the coordinator answers to GetDecision: PENDING while it is still collecting votes. */
export interface DecisionAnswer {
  txId: string;
  decision: Decision | 'PENDING';
}

/** Key layout of a participant's KV, shared with the inspector (twoPhaseStatus). */
export const PARTICIPANT_KEYS = {
  /** SET lock:<resource> <txId> NX: the lock a prepared transaction holds until the decision. */
  lock: (resource: string) => `lock:${resource}`,
  /** Hash: the change PREPARE staged and COMMIT applies. */
  staged: (txId: string) => `staged:${txId}`,
  /** String COMMITTED | ABORTED: the end of a transaction here, so late or repeated messages are no-ops. */
  outcome: (txId: string) => `outcome:${txId}`,
} as const;

type Stores = { kv: KvStore };
type Ctx = HandlerContext<Stores>;

/** What makes one participant different from another: its resources, its business rule, its change. */
export interface ParticipantSpec {
  name: string;
  title: string;
  /** Resources the transfer touches here, each locked at PREPARE (sorted, so transactions lock in one order). */
  resources(t: TransferRequest): string[];
  /** The business rule checked at PREPARE: a reason to vote NO, or null to vote YES. */
  check(t: TransferRequest, kv: KvStore): Promise<{ reason: string; message: string } | null>;
  /** One line for the UI: what COMMIT will do. */
  describe(t: TransferRequest): string;
  /** Queues the change into the COMMIT transaction (one MULTI/EXEC with the lock release). */
  apply(t: TransferRequest, tx: KvMulti<unknown[]>): void;
  /** Fills the store before time starts. */
  seed?(kv: KvStore): Promise<void>;
}

/** How often a prepared participant that has heard nothing asks the coordinator, ms. */
export const DECISION_CHECK_MS = 250;

/** Validates a transfer payload (a malformed one is a VALIDATION error, not a vote). */
export function parseTransfer(p: unknown): TransferRequest {
  const o = (p ?? {}) as Record<string, unknown>;
  if (typeof o.txId !== 'string' || o.txId === '') throw new SimError('VALIDATION', 'txId must be a non-empty string.');
  if (typeof o.from !== 'string' || typeof o.to !== 'string') throw new SimError('VALIDATION', 'from and to must be account ids.');
  if (typeof o.amount !== 'number' || !Number.isSafeInteger(o.amount) || o.amount <= 0) {
    throw new SimError('VALIDATION', 'amount must be a positive integer.');
  }
  return { txId: o.txId, from: o.from, to: o.to, amount: o.amount };
}

function stagedToTransfer(h: Record<string, string>): TransferRequest {
  return { txId: h.txId!, from: h.from!, to: h.to!, amount: Number(h.amount) };
}

/** The lock keys this transaction holds (only those are released: another tx's lock is not ours to drop). */
async function locksHeldBy(kv: KvStore, txId: string, resources: string[]): Promise<string[]> {
  const held: string[] = [];
  for (const r of resources) if ((await kv.get(PARTICIPANT_KEYS.lock(r))) === txId) held.push(PARTICIPANT_KEYS.lock(r));
  return held;
}

/** Ends the transaction here: applies the staged change (COMMIT) or drops it (ABORT), and releases the locks. */
async function finish(ctx: Ctx, spec: ParticipantSpec, txId: string, decision: Decision, via: string): Promise<Json> {
  const kv = ctx.stores.kv;
  const done = await kv.get(PARTICIPANT_KEYS.outcome(txId));
  if (done !== null) return { txId, participant: ctx.service, outcome: done, repeated: true };
  const staged = await kv.hgetall(PARTICIPANT_KEYS.staged(txId));
  const prepared = Object.keys(staged).length > 0;
  const resources = prepared ? (JSON.parse(staged.resources!) as string[]) : [];
  const held = await locksHeldBy(kv, txId, resources);
  if (decision === 'COMMIT' && !prepared) {
    // A COMMIT for a transaction never prepared here would be a coordinator bug: refuse loudly.
    throw new RejectedError('NOT_PREPARED', `${ctx.service} never prepared ${txId}; it cannot commit it.`);
  }
  const outcome = decision === 'COMMIT' ? 'COMMITTED' : 'ABORTED';
  // One MULTI/EXEC: the change, the lock release and the outcome become visible together.
  const tx = kv.multi() as unknown as KvMulti<unknown[]>;
  if (decision === 'COMMIT') spec.apply(stagedToTransfer(staged), tx);
  if (prepared) tx.del(PARTICIPANT_KEYS.staged(txId));
  if (held.length > 0) tx.del(...held);
  tx.set(PARTICIPANT_KEYS.outcome(txId), outcome);
  const replies = (await tx.exec()) as unknown[] | null;
  const failed = (replies ?? []).find((r) => r instanceof SimError);
  if (failed) throw failed;
  ctx.emit({
    type: 'domain',
    name: decision === 'COMMIT' ? 'participant.committed' : 'participant.aborted',
    data: { txId, participant: ctx.service, via, released: held.map((k) => k.slice('lock:'.length)), wasPrepared: prepared },
  });
  return { txId, participant: ctx.service, outcome };
}

/**
 * A 2PC participant: PREPARE locks and stages, votes; COMMIT/ABORT applies or drops and unlocks.
 * A participant that voted YES can decide nothing on its own (that is the blocking problem of 2PC):
 * it asks the coordinator on a timer, and while nobody answers it stays blocked, holding its locks.
 */
export function participantService(spec: ParticipantSpec): ServiceDefinition<Stores> {
  return {
    name: spec.name,
    title: spec.title,
    stores: [{ key: 'kv', kind: 'kv' }],
    async onStart(ctx) {
      // Timers die with a crash; a prepared transaction found in the store must keep asking.
      for (const key of await ctx.stores.kv.keys('staged:*')) {
        ctx.setTimer(DECISION_CHECK_MS, 'DecisionCheck', { txId: key.slice('staged:'.length) });
      }
    },
    handlers: {
      async Prepare(p: PreparePayload, ctx): Promise<Json> {
        const t = parseTransfer(p);
        const coordinator = typeof p.coordinator === 'string' ? p.coordinator : 'coordinator';
        const kv = ctx.stores.kv;
        const no = (reason: string, message: string, extra: { resource?: string; heldBy?: string } = {}): Json => {
          ctx.emit({ type: 'domain', name: 'participant.voted', data: { txId: t.txId, participant: ctx.service, vote: 'NO', reason, ...extra } });
          return { vote: 'NO', txId: t.txId, participant: ctx.service, reason, message, ...extra };
        };
        const yes = (): Json => ({ vote: 'YES', txId: t.txId, participant: ctx.service });

        // Repeated or late PREPARE: answer as before, never lock twice.
        const done = await kv.get(PARTICIPANT_KEYS.outcome(t.txId));
        if (done === 'ABORTED') return no('ALREADY_ABORTED', `${t.txId} was already aborted here.`);
        if (done === 'COMMITTED') return yes();
        if ((await kv.hlen(PARTICIPANT_KEYS.staged(t.txId))) > 0) return yes();

        const refusal = await spec.check(t, kv);
        if (refusal) return no(refusal.reason, refusal.message);

        const resources = spec.resources(t);
        const taken: string[] = [];
        for (const r of resources) {
          // No TTL on purpose: a 2PC lock must outlive any silence of the coordinator,
          // otherwise a participant could apply half of a transaction the others aborted.
          const ok = await kv.set(PARTICIPANT_KEYS.lock(r), t.txId, { NX: true });
          if (ok === null) {
            const heldBy = (await kv.get(PARTICIPANT_KEYS.lock(r))) ?? '?';
            if (taken.length > 0) await kv.del(...taken);
            ctx.emit({ type: 'domain', name: 'participant.lock-conflict', data: { txId: t.txId, participant: ctx.service, resource: r, heldBy } });
            return no('LOCKED', `${r} is locked by ${heldBy}, which is prepared and waiting for its decision.`, { resource: r, heldBy });
          }
          taken.push(PARTICIPANT_KEYS.lock(r));
        }
        await kv.hset(PARTICIPANT_KEYS.staged(t.txId), {
          txId: t.txId,
          from: t.from,
          to: t.to,
          amount: t.amount,
          resources: JSON.stringify(resources),
          change: spec.describe(t),
          coordinator,
          preparedAt: ctx.now,
        });
        ctx.setTimer(DECISION_CHECK_MS, 'DecisionCheck', { txId: t.txId });
        ctx.emit({ type: 'domain', name: 'participant.prepared', data: { txId: t.txId, participant: ctx.service, locks: resources, change: spec.describe(t) } });
        return yes();
      },

      async Commit(p: { txId: string }, ctx) {
        return finish(ctx, spec, String(p?.txId), 'COMMIT', 'coordinator');
      },

      async Abort(p: { txId: string }, ctx) {
        return finish(ctx, spec, String(p?.txId), 'ABORT', 'coordinator');
      },

      async DecisionCheck(p: { txId: string }, ctx) {
        const staged = await ctx.stores.kv.hgetall(PARTICIPANT_KEYS.staged(p.txId));
        if (Object.keys(staged).length === 0) return; // decided meanwhile: stop asking
        ctx.request(staged.coordinator!, 'GetDecision', { txId: p.txId }, {
          onReply: 'DecisionAnswered',
          context: { txId: p.txId },
          timeoutMs: 100,
          retries: 0,
        });
      },

      async DecisionAnswered(p: ReplyMessagePayload, ctx) {
        const txId = (p.context as { txId: string }).txId;
        const kv = ctx.stores.kv;
        const staged = await kv.hgetall(PARTICIPANT_KEYS.staged(txId));
        if (Object.keys(staged).length === 0) return;
        if (p.reply.ok) {
          const answer = p.reply.value as unknown as DecisionAnswer;
          if (answer.decision === 'COMMIT' || answer.decision === 'ABORT') {
            await finish(ctx, spec, txId, answer.decision, 'GetDecision');
            return;
          }
        }
        // No decision: the participant may neither commit (others may have voted NO) nor abort
        // (the coordinator may have decided COMMIT). It keeps its locks and asks again.
        const resources = JSON.parse(staged.resources!) as string[];
        ctx.emit({
          type: 'domain',
          name: 'participant.blocked',
          data: {
            txId,
            participant: ctx.service,
            locks: resources,
            coordinator: staged.coordinator!,
            since: Number(staged.preparedAt),
            reason: p.reply.ok ? 'coordinator has not decided yet' : `coordinator unreachable (${p.reply.error.code})`,
          },
        });
        ctx.setTimer(DECISION_CHECK_MS, 'DecisionCheck', { txId });
      },
    },
  };
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

/** Accounts: balances; PREPARE locks both accounts and votes NO on insufficient funds. */
export const accountsSpec: ParticipantSpec = {
  name: 'accounts',
  title: 'Account Service',
  resources: (t) => sorted([`account:${t.from}`, `account:${t.to}`]),
  async check(t, kv) {
    const balance = Number((await kv.get(`balance:${t.from}`)) ?? '0');
    if (balance < t.amount) return { reason: 'INSUFFICIENT_FUNDS', message: `${t.from} has ${balance}, the transfer needs ${t.amount}.` };
    return null;
  },
  describe: (t) => `balance:${t.from} −${t.amount}, balance:${t.to} +${t.amount}`,
  apply(t, tx) {
    tx.decrby(`balance:${t.from}`, t.amount);
    tx.incrby(`balance:${t.to}`, t.amount);
  },
  async seed(kv) {
    await kv.mset({ 'balance:alice': 500, 'balance:bob': 100, 'balance:carol': 50, 'balance:mallory': 0 });
  },
};

/** Payments: a payment record per transfer; one in-flight payment per payer; a per-transfer limit. */
export const paymentsSpec: ParticipantSpec = {
  name: 'payments',
  title: 'Payment Service',
  resources: (t) => [`payer:${t.from}`],
  async check(t, kv) {
    const limit = Number((await kv.get('limit:per-transfer')) ?? '1000');
    if (t.amount > limit) return { reason: 'LIMIT_EXCEEDED', message: `${t.amount} is over the per-transfer limit of ${limit}.` };
    return null;
  },
  describe: (t) => `payment:${t.txId} = ${t.from} → ${t.to}, ${t.amount}`,
  apply(t, tx) {
    tx.hset(`payment:${t.txId}`, { from: t.from, to: t.to, amount: t.amount, status: 'SETTLED' });
  },
  async seed(kv) {
    await kv.set('limit:per-transfer', 1000);
  },
};

/** Audit: a journal entry per transfer; votes NO when either account is blocked by compliance. */
export const auditSpec: ParticipantSpec = {
  name: 'audit',
  title: 'Audit Service',
  resources: (t) => [`journal:${t.from}`],
  async check(t, kv) {
    for (const acct of [t.from, t.to]) {
      if ((await kv.exists(`blocked:${acct}`)) > 0) return { reason: 'BLOCKED_ACCOUNT', message: `${acct} is blocked by compliance.` };
    }
    return null;
  },
  describe: (t) => `audit:${t.txId} = TRANSFER ${t.from} → ${t.to} ${t.amount}`,
  apply(t, tx) {
    tx.hset(`audit:${t.txId}`, { kind: 'TRANSFER', from: t.from, to: t.to, amount: t.amount });
  },
  async seed(kv) {
    await kv.set('blocked:mallory', 'sanctions list');
  },
};

/** The three participants of the course's money-transfer example. */
export const PARTICIPANT_SPECS: readonly ParticipantSpec[] = [accountsSpec, paymentsSpec, auditSpec];
