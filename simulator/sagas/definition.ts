import type { Json, JsonObject } from '../core/json';
import type { ServiceName } from '../core/types';

/** How a step's request is retried. */
export interface RetryPolicy {
  /** Ms before one attempt counts as lost. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** First backoff, ms; doubles per attempt. */
  backoffMs: number;
}

/** A request a step sends: to which service, which type, with what payload. */
export interface StepRequest {
  service: ServiceName;
  type: string;
  payload(data: JsonObject): Json;
}

/**
 * One local transaction of a saga and the compensation that semantically undoes it.
 * Functions only read saga data; everything the saga remembers lives in `data`.
 */
export interface SagaStep {
  name: string;
  action: StepRequest;
  /** Omitted for steps with nothing to undo (read-only checks, the last step). */
  compensation?: StepRequest;
  /** Skip the step when this returns false (an optional car rental). */
  when?(data: JsonObject): boolean;
  /** Folds the action's reply into saga data; by default stored under data[step.name]. */
  onResult?(data: JsonObject, result: Json): JsonObject;
  retry?: Partial<RetryPolicy>;
}

/** A saga as data: an ordered list of steps. The orchestrator runs it. */
export interface SagaDefinition {
  name: string;
  title: string;
  steps: SagaStep[];
  /** Retry policy of actions when a step gives none. */
  defaultRetry?: Partial<RetryPolicy>;
  /** Policy for compensations, which must eventually succeed: more patient. */
  compensationRetry?: Partial<RetryPolicy>;
  /** After this many failed compensation rounds the saga is STUCK (visible, never silent). */
  maxCompensationRounds?: number;
  /** Event published when the saga completes (for eventual consumers: notification, read models). */
  completedEvent?: string;
  /** Event published when the saga has compensated. */
  compensatedEvent?: string;
}

export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'COMPENSATED' | 'STUCK';

/** A saga's durable state: everything needed to resume it after a crash. */
export interface SagaInstance {
  sagaId: string;
  saga: string;
  status: SagaStatus;
  data: JsonObject;
  /** Index of the step whose action is in flight (RUNNING). */
  step: number;
  /** Steps whose action succeeded, or may have (a timeout), in order; compensated from the end. */
  done: Array<{ step: string; uncertain?: boolean }>;
  /** Why compensation started. */
  failure?: { step: string; reason: string };
  /** Failed attempts of the current compensation round. */
  compensationRounds: number;
  /** Why the saga is stuck. */
  stuckReason?: string;
  startedAt: number;
  updatedAt: number;
}

export const DEFAULT_STEP_RETRY: RetryPolicy = { timeoutMs: 200, retries: 2, backoffMs: 50 };
export const DEFAULT_COMPENSATION_RETRY: RetryPolicy = { timeoutMs: 200, retries: 4, backoffMs: 50 };

/** Checks a saga definition and throws a message that names what is wrong. */
export function validateSagaDefinition(def: SagaDefinition, services: readonly ServiceName[]): void {
  const where = `saga "${def.name}"`;
  if (!def.name) throw new Error('A saga needs a name.');
  if (!Array.isArray(def.steps) || def.steps.length === 0) throw new Error(`${where} has no steps.`);
  const names = new Set<string>();
  for (const step of def.steps) {
    if (!step.name) throw new Error(`${where}: a step has no name.`);
    if (names.has(step.name)) throw new Error(`${where}: two steps are named "${step.name}".`);
    names.add(step.name);
    for (const req of [step.action, step.compensation]) {
      if (!req) continue;
      if (!services.includes(req.service)) throw new Error(`${where}, step "${step.name}": unknown service "${req.service}".`);
      if (!req.type) throw new Error(`${where}, step "${step.name}": a request has no type.`);
    }
  }
}
