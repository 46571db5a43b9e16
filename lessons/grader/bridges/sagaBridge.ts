/**
 * Turns the saga definition a learner exports (plain object with functions, inside the
 * sandbox) into the engine's SagaDefinition, whose functions call back into the sandbox
 * with JSON. The engine never sees a learner object; the learner never sees the engine.
 */
import type { Json, JsonObject, RetryPolicy, SagaDefinition, SagaStep, ServiceName } from '@/simulator';
import { validateSagaDefinition } from '@/simulator';
import { LearnerError, type LearnerSandbox } from '../../runtime/sandbox';

type Shape = Record<string, Json>;
const isObj = (v: Json | undefined): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFn = (v: Json | undefined) => isObj(v) && v.$fn === true;

/** A learner definition that is not usable, said in words. */
export class DefinitionError extends Error {}

function retryOf(v: Json | undefined, where: string): Partial<RetryPolicy> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new DefinitionError(`${where} must be an object like { timeoutMs: 150, retries: 3, backoffMs: 40 }.`);
  const out: Partial<RetryPolicy> = {};
  const bounds: Record<keyof RetryPolicy, [number, number]> = { timeoutMs: [10, 10_000], retries: [0, 10], backoffMs: [0, 10_000] };
  for (const k of Object.keys(bounds) as Array<keyof RetryPolicy>) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    const [lo, hi] = bounds[k];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) throw new DefinitionError(`${where}.${k} must be a whole number from ${lo} to ${hi} (got ${JSON.stringify(x)}).`);
    out[k] = x;
  }
  return out;
}

export interface LearnerSaga {
  definition: SagaDefinition;
  /** Errors the learner's functions threw while the simulation ran (first few). */
  errors: string[];
}

/**
 * Reads `exportName` from `file` and builds a SagaDefinition for the given services.
 * @throws DefinitionError (or LearnerError) when the export is missing or malformed.
 */
export function learnerSaga(sb: LearnerSandbox, file: string, exportName: string, services: readonly ServiceName[]): LearnerSaga {
  const shape = sb.describe(file, [exportName]);
  if (!isObj(shape)) throw new DefinitionError(`${file} must export a saga definition named \`${exportName}\` (found ${shape === null ? 'nothing' : typeof shape}).`);
  const errors: string[] = [];
  const callLearner = (path: Array<string | number>, args: Json[]): Json => {
    try {
      return sb.call(file, [exportName, ...path], args);
    } catch (e) {
      const msg = e instanceof LearnerError ? e.describe() : e instanceof Error ? e.message : String(e);
      if (errors.length < 5 && !errors.includes(msg)) errors.push(msg);
      throw e;
    }
  };
  const name = typeof shape.name === 'string' && shape.name.length > 0 && shape.name.length <= 100 ? shape.name : null;
  if (!name) throw new DefinitionError(`\`${exportName}.name\` must be a short, non-empty string.`);
  if (!Array.isArray(shape.steps) || shape.steps.length === 0) throw new DefinitionError(`\`${exportName}.steps\` must be a non-empty array of steps.`);
  const steps: SagaStep[] = shape.steps.map((raw, i) => {
    const where = `${exportName}.steps[${i}]`;
    if (!isObj(raw)) throw new DefinitionError(`${where} must be an object with a name and an action.`);
    if (typeof raw.name !== 'string' || !raw.name) throw new DefinitionError(`${where} needs a name.`);
    const request = (r: Json | undefined, key: 'action' | 'compensation'): SagaStep['action'] => {
      const w = `${where}.${key}`;
      if (!isObj(r)) throw new DefinitionError(`${w} must be { service, type, payload(data) }.`);
      if (typeof r.service !== 'string' || !services.includes(r.service)) throw new DefinitionError(`${w}.service must be one of ${services.join(', ')} (got ${JSON.stringify(r.service)}).`);
      if (typeof r.type !== 'string' || !r.type) throw new DefinitionError(`${w}.type must name the message type, e.g. "ReserveRoom".`);
      if (!isFn(r.payload)) throw new DefinitionError(`${w}.payload must be a function (data) => payload.`);
      return {
        service: r.service,
        type: r.type,
        payload: (data: JsonObject) => {
          const v = callLearner(['steps', i, key, 'payload'], [data]);
          if (!isObj(v)) throw new LearnerError(`${w}.payload returned ${v === null ? 'nothing' : typeof v}, not an object.`, 'TypeError', null, null, null);
          return v;
        },
      };
    };
    const step: SagaStep = { name: raw.name, action: request(raw.action, 'action') };
    if (raw.compensation !== undefined && raw.compensation !== null) step.compensation = request(raw.compensation, 'compensation');
    if (raw.when !== undefined && raw.when !== null) {
      if (!isFn(raw.when)) throw new DefinitionError(`${where}.when must be a function (data) => boolean.`);
      step.when = (data) => callLearner(['steps', i, 'when'], [data]) === true;
    }
    if (raw.onResult !== undefined && raw.onResult !== null) {
      if (!isFn(raw.onResult)) throw new DefinitionError(`${where}.onResult must be a function (data, result) => data.`);
      step.onResult = (data, result) => {
        const v = callLearner(['steps', i, 'onResult'], [data, result]);
        if (!isObj(v)) throw new LearnerError(`${where}.onResult must return the new saga data object.`, 'TypeError', null, null, null);
        return v;
      };
    }
    const retry = retryOf(raw.retry, `${where}.retry`);
    if (retry) step.retry = retry;
    return step;
  });
  const definition: SagaDefinition = {
    name,
    title: typeof shape.title === 'string' ? shape.title.slice(0, 200) : name,
    steps,
  };
  const defaultRetry = retryOf(shape.defaultRetry, `${exportName}.defaultRetry`);
  if (defaultRetry) definition.defaultRetry = defaultRetry;
  const compensationRetry = retryOf(shape.compensationRetry, `${exportName}.compensationRetry`);
  if (compensationRetry) definition.compensationRetry = compensationRetry;
  try {
    validateSagaDefinition(definition, services);
  } catch (e) {
    throw new DefinitionError(e instanceof Error ? e.message : String(e));
  }
  return { definition, errors };
}
