import type { Json } from '../../core/json';
import type { HandlerContext, ReplyMessagePayload, ServiceDefinition } from '../../core/types';
import type { KvStore } from '../../stores/kv/types';
import { parseTransfer, type Decision, type DecisionAnswer, type TransferRequest, type Vote } from './participant';

/** Where a transaction stands in the coordinator's decision log. */
export type CoordinatorState = 'PREPARING' | Decision;

/** Key layout of the coordinator's KV: one hash per transaction, the decision log. */
export const COORDINATOR_KEYS = {
  /**
   * Hash tx:<txId>: txId, from, to, amount, participants (JSON), state, startedAt,
   * decidedAt, reason, vote:<participant>, ack:<participant>, endedAt.
   */
  tx: (txId: string) => `tx:${txId}`,
} as const;

/** Request timing of the coordinator, ms. */
export const COORDINATOR_TIMING = {
  /** A participant that has not voted by then counts as NO. */
  prepareTimeoutMs: 150,
  decisionTimeoutMs: 100,
  decisionRetries: 3,
  /** After the retries are spent, the decision is sent again after this long, forever: it must get through. */
  resendMs: 300,
} as const;

type Stores = { kv: KvStore };
type Ctx = HandlerContext<Stores>;

function participantsOf(tx: Record<string, string>): string[] {
  return JSON.parse(tx.participants ?? '[]') as string[];
}

function sendDecision(ctx: Ctx, txId: string, decision: Decision, participant: string): void {
  ctx.request(participant, decision === 'COMMIT' ? 'Commit' : 'Abort', { txId }, {
    onReply: 'DecisionAcked',
    context: { txId, participant, decision },
    timeoutMs: COORDINATOR_TIMING.decisionTimeoutMs,
    retries: COORDINATOR_TIMING.decisionRetries,
    backoffMs: 50,
    idempotencyKey: `${txId}:${decision}`,
  });
}

/** Writes the decision to the log first (the commit point), then tells every participant. */
async function decide(ctx: Ctx, txId: string, decision: Decision, reason: string): Promise<void> {
  const kv = ctx.stores.kv;
  await kv.hset(COORDINATOR_KEYS.tx(txId), { state: decision, decidedAt: ctx.now, reason });
  const tx = await kv.hgetall(COORDINATOR_KEYS.tx(txId));
  ctx.emit({ type: 'domain', name: '2pc.decision', data: { txId, decision, reason } });
  for (const participant of participantsOf(tx)) sendDecision(ctx, txId, decision, participant);
}

/**
 * The 2PC coordinator. Its KV holds the decision log; everything else (which votes are still
 * missing) is re-read from there, so a restart can finish what a crash interrupted.
 */
export function coordinatorService(participants: readonly string[], name = 'coordinator'): ServiceDefinition<Stores> {
  return {
    name,
    title: 'Transaction Coordinator',
    stores: [{ key: 'kv', kind: 'kv' }],
    async onStart(ctx) {
      const kv = ctx.stores.kv;
      for (const key of await kv.keys('tx:*')) {
        const tx = await kv.hgetall(key);
        const txId = tx.txId!;
        if (tx.state === 'PREPARING') {
          // Votes lived only in flight; without a logged COMMIT nobody can have committed,
          // so aborting is always safe (presumed abort).
          ctx.emit({ type: 'domain', name: '2pc.recovered', data: { txId, found: 'PREPARING', action: 'presumed abort' } });
          await decide(ctx, txId, 'ABORT', 'presumed abort: the coordinator restarted before deciding');
        } else if (!tx.endedAt) {
          const pending = participantsOf(tx).filter((p) => !tx[`ack:${p}`]);
          ctx.emit({ type: 'domain', name: '2pc.recovered', data: { txId, found: tx.state!, action: `re-send ${tx.state} to ${pending.join(', ')}` } });
          for (const p of pending) sendDecision(ctx, txId, tx.state as Decision, p);
        }
      }
    },
    handlers: {
      async Transfer(p: TransferRequest, ctx): Promise<Json> {
        const t = parseTransfer(p);
        const kv = ctx.stores.kv;
        const existing = await kv.hget(COORDINATOR_KEYS.tx(t.txId), 'state');
        if (existing !== null) return { txId: t.txId, state: existing, repeated: true };
        // The log entry comes before any PREPARE leaves: a restart must know the transaction existed.
        await kv.hset(COORDINATOR_KEYS.tx(t.txId), {
          txId: t.txId,
          from: t.from,
          to: t.to,
          amount: t.amount,
          participants: JSON.stringify(participants),
          state: 'PREPARING',
          startedAt: ctx.now,
        });
        ctx.emit({ type: 'domain', name: '2pc.started', data: { txId: t.txId, participants: [...participants] } });
        for (const participant of participants) {
          ctx.request(participant, 'Prepare', { ...t, coordinator: name }, {
            onReply: 'Vote',
            context: { txId: t.txId, participant },
            timeoutMs: COORDINATOR_TIMING.prepareTimeoutMs,
            retries: 0,
          });
        }
        return { txId: t.txId, state: 'PREPARING' };
      },

      async Vote(p: ReplyMessagePayload, ctx) {
        const { txId, participant } = p.context as { txId: string; participant: string };
        const kv = ctx.stores.kv;
        const vote = p.reply.ok ? (p.reply.value as unknown as Vote) : null;
        const yes = vote?.vote === 'YES';
        const reason = yes ? '' : vote && vote.vote === 'NO' ? vote.reason : p.reply.ok ? 'UNKNOWN' : p.reply.error.code;
        await kv.hset(COORDINATOR_KEYS.tx(txId), `vote:${participant}`, yes ? 'YES' : `NO (${reason})`);
        ctx.emit({ type: 'domain', name: '2pc.vote', data: { txId, participant, vote: yes ? 'YES' : 'NO', ...(yes ? {} : { reason }) } });
        const tx = await kv.hgetall(COORDINATOR_KEYS.tx(txId));
        if (tx.state !== 'PREPARING') return; // decided already; a late vote changes nothing
        if (!yes) {
          await decide(ctx, txId, 'ABORT', `${participant} voted NO: ${reason}`);
          return;
        }
        if (participantsOf(tx).every((q) => tx[`vote:${q}`] === 'YES')) await decide(ctx, txId, 'COMMIT', 'all participants voted YES');
      },

      async DecisionAcked(p: ReplyMessagePayload, ctx) {
        const { txId, participant, decision } = p.context as { txId: string; participant: string; decision: Decision };
        const kv = ctx.stores.kv;
        if (!p.reply.ok) {
          if (p.reply.error.code === 'TIMEOUT') {
            ctx.setTimer(COORDINATOR_TIMING.resendMs, 'ResendDecision', { txId, participant });
          } else {
            await kv.hset(COORDINATOR_KEYS.tx(txId), `ackError:${participant}`, `${p.reply.error.code}: ${p.reply.error.message}`);
          }
          return;
        }
        await kv.hset(COORDINATOR_KEYS.tx(txId), `ack:${participant}`, ctx.now);
        const tx = await kv.hgetall(COORDINATOR_KEYS.tx(txId));
        if (!tx.endedAt && participantsOf(tx).every((q) => tx[`ack:${q}`])) {
          await kv.hset(COORDINATOR_KEYS.tx(txId), 'endedAt', ctx.now);
          ctx.emit({ type: 'domain', name: '2pc.completed', data: { txId, decision } });
        }
      },

      async ResendDecision(p: { txId: string; participant: string }, ctx) {
        const tx = await ctx.stores.kv.hgetall(COORDINATOR_KEYS.tx(p.txId));
        if (tx.state !== 'COMMIT' && tx.state !== 'ABORT') return;
        if (tx[`ack:${p.participant}`]) return;
        sendDecision(ctx, p.txId, tx.state, p.participant);
      },

      async GetDecision(p: { txId: string }, ctx): Promise<Json> {
        const state = await ctx.stores.kv.hget(COORDINATOR_KEYS.tx(String(p?.txId)), 'state');
        // No record at all: the transaction never reached a COMMIT here, so it is aborted (presumed abort).
        const answer: DecisionAnswer = { txId: String(p?.txId), decision: state === null ? 'ABORT' : state === 'PREPARING' ? 'PENDING' : (state as Decision) };
        return answer as unknown as Json;
      },
    },
  };
}
