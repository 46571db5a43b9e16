import type { Json, JsonObject } from '../core/json';
import { SimError } from '../core/errors';
import type { HandlerContext, ReplyMessagePayload, ServiceDefinition, ServiceName } from '../core/types';
import type { MemoryTables } from '../stores/memory/createMemoryTables';
import type { SqlStore } from '../stores/sql/types';
import {
  DEFAULT_COMPENSATION_RETRY,
  DEFAULT_STEP_RETRY,
  type RetryPolicy,
  type SagaDefinition,
  type SagaInstance,
  type SagaStep,
} from './definition';
import { SAGA_SCHEMA, sagaRepository, type SagaRepository } from './sagaRepository';

type OrchestratorStores = { sagas: SqlStore | MemoryTables };
type Ctx = HandlerContext<OrchestratorStores>;

/** What StartSaga carries in. */
export interface StartSagaPayload {
  saga: string;
  sagaId: string;
  data: JsonObject;
}

/** What rides along with every step request, so a reply finds its saga and step again. */
interface StepContext {
  sagaId: string;
  step: number;
  phase: 'action' | 'compensation';
  [key: string]: Json;
}

export const ORCHESTRATOR = 'orchestrator';

/** Idempotency key of a step's request: the same on every retry and after a restart. */
export function stepKey(sagaId: string, step: string, phase: 'action' | 'compensation'): string {
  return phase === 'action' ? `${sagaId}/${step}` : `${sagaId}/${step}/compensate`;
}

/**
 * A saga orchestrator as a service. It keeps every saga's state in its own store and
 * saves it before each request it sends, so a crash at any point is followed by a restart
 * that resumes the step in flight or carries on compensating.
 */
export function createOrchestratorService(
  definitions: readonly SagaDefinition[],
  opts: { name?: ServiceName; title?: string } = {},
): ServiceDefinition<OrchestratorStores> {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const definitionOf = (name: string): SagaDefinition => {
    const def = byName.get(name);
    if (!def) throw new SimError('SCENARIO', `No saga named "${name}" (known: ${[...byName.keys()].join(', ')}).`);
    return def;
  };
  const repo = (ctx: Ctx): SagaRepository => sagaRepository(ctx.stores.sagas);

  const save = (ctx: Ctx, s: SagaInstance): Promise<void> => {
    s.updatedAt = ctx.now;
    return repo(ctx).save(s);
  };

  /** Sends the action of the step at s.step, skipping steps whose condition is false. */
  async function runNextStep(ctx: Ctx, s: SagaInstance): Promise<void> {
    const def = definitionOf(s.saga);
    while (s.step < def.steps.length && def.steps[s.step]!.when && !def.steps[s.step]!.when!(s.data)) s.step++;
    if (s.step >= def.steps.length) {
      s.status = 'COMPLETED';
      await save(ctx, s);
      ctx.emit({ type: 'saga.completed', sagaId: s.sagaId });
      if (def.completedEvent) ctx.publish(def.completedEvent, { sagaId: s.sagaId, saga: s.saga, data: s.data }, { correlationId: s.sagaId });
      return;
    }
    await save(ctx, s);
    sendStep(ctx, def, s, def.steps[s.step]!, 'action');
  }

  function sendStep(ctx: Ctx, def: SagaDefinition, s: SagaInstance, step: SagaStep, phase: 'action' | 'compensation'): void {
    const req = phase === 'action' ? step.action : step.compensation!;
    const policy: RetryPolicy =
      phase === 'action'
        ? { ...DEFAULT_STEP_RETRY, ...def.defaultRetry, ...step.retry }
        : { ...DEFAULT_COMPENSATION_RETRY, ...def.compensationRetry };
    const context: StepContext = { sagaId: s.sagaId, step: def.steps.indexOf(step), phase };
    ctx.emit({ type: 'saga.step', sagaId: s.sagaId, step: step.name, phase, status: 'started' });
    ctx.request(req.service, req.type, req.payload(s.data), {
      onReply: 'StepReply',
      context,
      correlationId: s.sagaId,
      idempotencyKey: stepKey(s.sagaId, step.name, phase),
      timeoutMs: policy.timeoutMs,
      retries: policy.retries,
      backoffMs: policy.backoffMs,
    });
  }

  /** Compensates the most recent done step that is not yet undone; COMPENSATED when none is left. */
  async function compensateNext(ctx: Ctx, s: SagaInstance): Promise<void> {
    const def = definitionOf(s.saga);
    while (s.done.length > 0) {
      const last = s.done[s.done.length - 1]!;
      const step = def.steps.find((x) => x.name === last.step)!;
      if (step.compensation) {
        await save(ctx, s);
        sendStep(ctx, def, s, step, 'compensation');
        return;
      }
      s.done.pop();
    }
    s.status = 'COMPENSATED';
    await save(ctx, s);
    const reason = s.failure ? `${s.failure.step}: ${s.failure.reason}` : 'compensated';
    ctx.emit({ type: 'saga.compensated', sagaId: s.sagaId, reason });
    if (def.compensatedEvent) ctx.publish(def.compensatedEvent, { sagaId: s.sagaId, saga: s.saga, data: s.data, reason }, { correlationId: s.sagaId });
  }

  return {
    name: opts.name ?? ORCHESTRATOR,
    title: opts.title ?? 'Saga orchestrator',
    stores: [{ key: 'sagas', kind: 'sql', schema: SAGA_SCHEMA }],
    /** After a restart: every saga still in flight is picked up where its saved state says. */
    async onStart(ctx) {
      for (const s of await repo(ctx).active()) {
        ctx.log(`resuming saga ${s.sagaId} (${s.status}, step ${s.step})`);
        const def = definitionOf(s.saga);
        if (s.status === 'RUNNING') sendStep(ctx, def, s, def.steps[s.step]!, 'action');
        else await compensateNext(ctx, s);
      }
    },
    handlers: {
      async StartSaga(p: StartSagaPayload, ctx) {
        if (!p || typeof p.sagaId !== 'string' || !p.sagaId) throw new SimError('VALIDATION', 'StartSaga needs a sagaId.');
        definitionOf(p.saga);
        const existing = await repo(ctx).load(p.sagaId);
        // A client retry of the same start must not run the saga twice.
        if (existing) return { sagaId: existing.sagaId, status: existing.status };
        const s: SagaInstance = {
          sagaId: p.sagaId,
          saga: p.saga,
          status: 'RUNNING',
          data: p.data ?? {},
          step: 0,
          done: [],
          compensationRounds: 0,
          startedAt: ctx.now,
          updatedAt: ctx.now,
        };
        ctx.emit({ type: 'saga.started', sagaId: s.sagaId, saga: s.saga, data: s.data });
        await runNextStep(ctx, s);
        return { sagaId: s.sagaId, status: 'RUNNING' };
      },

      async StepReply(p: ReplyMessagePayload, ctx) {
        const c = p.context as StepContext;
        const s = await repo(ctx).load(c.sagaId);
        if (!s) return;
        const def = definitionOf(s.saga);
        const step = def.steps[c.step]!;
        // A reply for a step the saga has moved past (a duplicate, or one that arrived after a restart re-sent it).
        const current =
          (c.phase === 'action' && s.status === 'RUNNING' && s.step === c.step) ||
          (c.phase === 'compensation' && s.status === 'COMPENSATING' && s.done[s.done.length - 1]?.step === step.name);
        if (!current) return;

        if (c.phase === 'action') {
          if (p.reply.ok) {
            ctx.emit({ type: 'saga.step', sagaId: s.sagaId, step: step.name, phase: 'action', status: 'succeeded' });
            s.data = step.onResult ? step.onResult(s.data, p.reply.value) : { ...s.data, [step.name]: p.reply.value };
            s.done.push({ step: step.name });
            s.step++;
            await runNextStep(ctx, s);
            return;
          }
          const reason = p.reply.error.message;
          ctx.emit({ type: 'saga.step', sagaId: s.sagaId, step: step.name, phase: 'action', status: 'failed', reason });
          // A timeout leaves us not knowing whether the step happened: undo it too (compensations are idempotent).
          if (p.reply.error.code === 'TIMEOUT') s.done.push({ step: step.name, uncertain: true });
          s.status = 'COMPENSATING';
          s.failure = { step: step.name, reason };
          await compensateNext(ctx, s);
          return;
        }

        if (p.reply.ok) {
          ctx.emit({ type: 'saga.step', sagaId: s.sagaId, step: step.name, phase: 'compensation', status: 'succeeded' });
          s.done.pop();
          s.compensationRounds = 0;
          await compensateNext(ctx, s);
          return;
        }
        s.compensationRounds++;
        const reason = p.reply.error.message;
        const maxRounds = def.maxCompensationRounds ?? 3;
        if (s.compensationRounds >= maxRounds) {
          s.status = 'STUCK';
          s.stuckReason = `compensation "${step.name}" failed ${s.compensationRounds} times: ${reason}`;
          await save(ctx, s);
          ctx.emit({ type: 'saga.step', sagaId: s.sagaId, step: step.name, phase: 'compensation', status: 'failed', reason });
          ctx.emit({ type: 'saga.stuck', sagaId: s.sagaId, reason: s.stuckReason });
          return;
        }
        await save(ctx, s);
        ctx.emit({ type: 'saga.step', sagaId: s.sagaId, step: step.name, phase: 'compensation', status: 'retrying', reason });
        ctx.setTimer(500 * s.compensationRounds, 'RetryCompensation', { sagaId: s.sagaId }, { correlationId: s.sagaId });
      },

      async RetryCompensation(p: { sagaId: string }, ctx) {
        const s = await repo(ctx).load(p.sagaId);
        if (s && s.status === 'COMPENSATING') await compensateNext(ctx, s);
      },

      /** For an operator: a STUCK saga whose cause was fixed gets another compensation round. */
      async ResumeStuckSaga(p: { sagaId: string }, ctx) {
        const s = await repo(ctx).load(p.sagaId);
        if (!s || s.status !== 'STUCK') throw new SimError('VALIDATION', `Saga "${p.sagaId}" is not stuck.`);
        s.status = 'COMPENSATING';
        s.compensationRounds = 0;
        delete s.stuckReason;
        await compensateNext(ctx, s);
        return { sagaId: s.sagaId, status: s.status };
      },
    },
  };
}
