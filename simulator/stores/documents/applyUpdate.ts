/**
 * MongoDB update operators as pure functions: an update is compiled once (validated
 * completely before anything is written) and applied to copies of documents; the input
 * document is never mutated.
 *
 * Supported: $set, $unset, $inc, $push (with $each), $addToSet (with $each), $pull
 * (a value, an operator condition or a sub-document query), $setOnInsert (upserts only).
 */
import { SimError } from '../../core/errors';
import type { Json, JsonObject } from '../../core/json';
import { compileCondition, compileFilter, type Filter } from './matchFilter';
import { describe, isArrayIndex, isPlainObject, normalizeJson, splitPath, valuesEqual } from './values';

/** `{ $set: { price: 10 }, $inc: { stock: -1 } }` */
export type UpdateSpec = Record<string, Record<string, unknown>>;

type Step = (doc: JsonObject, inserting: boolean) => void;

/** An update validated and ready to apply to any number of documents. */
export interface CompiledUpdate {
  /** Returns an updated copy of `doc`. `inserting` enables $setOnInsert. */
  apply(doc: JsonObject, inserting?: boolean): JsonObject;
}

const OPERATORS = new Set(['$set', '$unset', '$inc', '$push', '$addToSet', '$pull', '$setOnInsert']);

function bad(message: string, details: Record<string, unknown> = {}): SimError {
  return new SimError('DOCUMENT', message, details);
}

/**
 * Validates an update document and compiles it. Throws SimError('DOCUMENT') for unknown
 * operators, replacement-style documents (use replaceOne), conflicting paths
 * (`$set: {a: 1}, $inc: {'a.b': 1}`) and operands of the wrong type.
 */
export function compileUpdate(update: unknown): CompiledUpdate {
  if (!isPlainObject(update)) throw bad(`An update must be an object of operators, got ${describe(update)}`);
  const ops = Object.keys(update);
  if (ops.length === 0) throw bad('An update must contain at least one operator such as $set');
  const plain = ops.find((k) => !k.startsWith('$'));
  if (plain !== undefined) {
    throw bad(`An update may only contain operators ($set, $inc, …); found the field "${plain}". To replace a whole document use replaceOne`);
  }
  const steps: Step[] = [];
  const seenPaths: string[] = [];
  for (const op of ops) {
    if (!OPERATORS.has(op)) throw bad(`Unknown update operator ${op}`, { operator: op });
    const fields = update[op];
    if (!isPlainObject(fields)) throw bad(`${op} needs an object of { path: value }, got ${describe(fields)}`);
    for (const [path, raw] of Object.entries(fields)) {
      const segments = splitPath(path);
      if (segments.some((s) => s.startsWith('$'))) {
        throw bad(`Positional and $-prefixed paths are not supported ("${path}")`);
      }
      for (const other of seenPaths) {
        if (other === path || other.startsWith(path + '.') || path.startsWith(other + '.')) {
          throw bad(`Updating the path '${path}' would create a conflict at '${other}'`);
        }
      }
      seenPaths.push(path);
      steps.push(compileStep(op, path, segments, raw));
    }
  }
  return {
    apply(doc, inserting = false) {
      const copy = structuredCloneJson(doc);
      for (const step of steps) step(copy, inserting);
      if (!inserting && !valuesEqual(copy._id, doc._id)) {
        throw bad(`Performing an update on the path '_id' would modify the immutable field '_id'`);
      }
      return copy;
    },
  };
}

/** Applies an update to one document (compile + apply). */
export function applyUpdate(doc: JsonObject, update: UpdateSpec, inserting = false): JsonObject {
  return compileUpdate(update).apply(doc, inserting);
}

function structuredCloneJson(doc: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(doc)) as JsonObject;
}

function compileStep(op: string, path: string, segments: string[], raw: unknown): Step {
  switch (op) {
    case '$set':
    case '$setOnInsert': {
      const value = normalizeJson(raw, `${op}.${path}`);
      return (doc, inserting) => {
        if (op === '$setOnInsert' && !inserting) return;
        setPath(doc, segments, path, structuredCloneValue(value));
      };
    }
    case '$unset':
      return (doc) => unsetPath(doc, segments);
    case '$inc': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw bad(`$inc needs a number for "${path}", got ${describe(raw)}`);
      return (doc) => {
        const current = getPath(doc, segments);
        if (current === undefined) return setPath(doc, segments, path, raw);
        if (typeof current !== 'number') {
          throw bad(`Cannot apply $inc to a value of non-numeric type: "${path}" is ${describe(current)}`);
        }
        setPath(doc, segments, path, current + raw);
      };
    }
    case '$push':
    case '$addToSet': {
      const items = eachItems(op, path, raw);
      return (doc) => {
        const current = getPath(doc, segments);
        if (current !== undefined && !Array.isArray(current)) {
          throw bad(`The field '${path}' must be an array but is ${describe(current)}`);
        }
        const next: Json[] = current === undefined ? [] : [...current];
        for (const item of items) {
          if (op === '$addToSet' && next.some((x) => valuesEqual(x, item))) continue;
          next.push(structuredCloneValue(item));
        }
        setPath(doc, segments, path, next);
      };
    }
    case '$pull': {
      const matches = compilePullCondition(raw, path);
      return (doc) => {
        const current = getPath(doc, segments);
        if (current === undefined) return;
        if (!Array.isArray(current)) throw bad(`Cannot apply $pull to a non-array value: "${path}" is ${describe(current)}`);
        setPath(doc, segments, path, current.filter((el) => !matches(el)));
      };
    }
    default:
      throw bad(`Unknown update operator ${op}`, { operator: op });
  }
}

function eachItems(op: string, path: string, raw: unknown): Json[] {
  if (isPlainObject(raw) && '$each' in raw) {
    const extra = Object.keys(raw).filter((k) => k !== '$each');
    if (extra.length > 0) throw bad(`${op} modifier ${extra[0]} is not supported (only $each)`);
    if (!Array.isArray(raw.$each)) throw bad(`$each needs an array, got ${describe(raw.$each)}`);
    return raw.$each.map((v, i) => normalizeJson(v, `${op}.${path}.$each[${i}]`));
  }
  return [normalizeJson(raw, `${op}.${path}`)];
}

/**
 * $pull's condition is read the way MongoDB reads it: an operator object applies to each
 * element as a value, a plain object is a query on sub-document elements, anything else
 * is compared for equality.
 */
function compilePullCondition(raw: unknown, path: string): (el: unknown) => boolean {
  if (raw instanceof RegExp) {
    const pred = compileCondition(raw, path);
    return (el) => pred([el]);
  }
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    if (keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor'].includes(k))) {
      const pred = compileCondition(raw, path);
      return (el) => pred([el]);
    }
    if (keys.length > 0) {
      const pred = compileFilter(raw as Filter);
      return (el) => isPlainObject(el) && pred(el);
    }
  }
  const value = normalizeJson(raw, `$pull.${path}`);
  return (el) => valuesEqual(el, value);
}

function structuredCloneValue<T extends Json>(v: T): T {
  return v !== null && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as T) : v;
}

/** Reads a path without MongoDB's query-time array traversal: update paths name one place. */
export function getPath(doc: Json, segments: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      if (!isArrayIndex(seg)) return undefined;
      cur = cur[Number(seg)];
    } else if (cur !== null && typeof cur === 'object') {
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets a value, creating missing sub-documents; refuses to create a field inside a scalar. */
export function setPath(doc: JsonObject, segments: string[], path: string, value: Json): void {
  let container: JsonObject | Json[] = doc;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (Array.isArray(container)) {
      if (!isArrayIndex(seg)) {
        throw bad(`Cannot create field '${seg}' in an array (path "${path}"); use a numeric index or $push`);
      }
      const idx = Number(seg);
      // MongoDB pads with nulls when setting past the end of an array.
      while (container.length < idx) container.push(null);
      if (last) {
        container[idx] = value;
        return;
      }
      const next: Json | undefined = container[idx];
      if (next === undefined || next === null) {
        const created: JsonObject = {};
        container[idx] = created;
        container = created;
      } else if (typeof next === 'object') {
        container = next;
      } else {
        throw bad(`Cannot create field '${segments[i + 1]}' in element ${JSON.stringify(next)} (path "${path}")`);
      }
      continue;
    }
    if (last) {
      container[seg] = value;
      return;
    }
    const next: Json | undefined = Object.prototype.hasOwnProperty.call(container, seg) ? container[seg] : undefined;
    if (next === undefined) {
      const created: JsonObject = {};
      container[seg] = created;
      container = created;
    } else if (next !== null && typeof next === 'object') {
      container = next;
    } else {
      throw bad(`Cannot create field '${segments[i + 1]}' in element {${seg}: ${JSON.stringify(next)}} (path "${path}")`);
    }
  }
}

/** Removes a field; in an array the element becomes null, as in MongoDB (positions keep their meaning). */
export function unsetPath(doc: JsonObject, segments: string[]): void {
  const parent = getPath(doc, segments.slice(0, -1));
  const seg = segments[segments.length - 1]!;
  if (Array.isArray(parent)) {
    if (isArrayIndex(seg) && Number(seg) < parent.length) parent[Number(seg)] = null;
  } else if (parent !== null && typeof parent === 'object') {
    delete parent[seg];
  }
}

/**
 * The document an upsert starts from: the equality conditions of the filter
 * (`{ sku: 'A1', 'dims.w': 3 }` gives `{ sku: 'A1', dims: { w: 3 } }`), including those
 * inside a top-level $and. Operator conditions other than $eq add nothing.
 */
export function upsertSeed(filter: Filter | undefined): JsonObject {
  const seed: JsonObject = {};
  const visit = (f: Record<string, unknown>) => {
    for (const [key, cond] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(cond)) {
        for (const sub of cond) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (key.startsWith('$') || cond === undefined || cond instanceof RegExp) continue;
      let value: unknown = cond;
      if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
        if (!('$eq' in cond) || cond.$eq instanceof RegExp) continue;
        value = cond.$eq;
      }
      setPath(seed, splitPath(key), key, normalizeJson(value, `filter.${key}`));
    }
  };
  if (filter) visit(filter);
  return seed;
}
