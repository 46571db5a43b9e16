/**
 * MongoDB query filters as a pure function: a filter is compiled once (which validates it
 * completely, so a bad operator fails before any document is read or written) into a
 * predicate over documents.
 *
 * Supported: equality (dotted paths, matching inside arrays), $eq $ne $gt $gte $lt $lte
 * $in $nin $all $exists $regex (+ $options i, m, s) $not $elemMatch $size, and the
 * top-level $and $or $nor. A RegExp value (`{ name: /lamp/i }`) works as in the shell.
 */
import { SimError } from '../../core/errors';
import {
  compareValues,
  describe,
  isPlainObject,
  resolvePath,
  sameTypeClass,
  splitPath,
  valuesEqual,
} from './values';

/** A MongoDB-style query filter. `{}` matches every document. */
export type Filter = Record<string, unknown>;

/** A compiled filter. */
export type DocPredicate = (doc: unknown) => boolean;

/** A compiled condition on the values one path reaches in a document. */
type ValuesPredicate = (values: unknown[]) => boolean;

const VALUE_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$all',
  '$exists', '$regex', '$options', '$not', '$elemMatch', '$size',
]);
const LOGICAL_OPERATORS = new Set(['$and', '$or', '$nor']);

function unknownOperator(op: string): SimError {
  return new SimError('DOCUMENT', `Unknown query operator ${op}`, { operator: op });
}

function bad(message: string): SimError {
  return new SimError('DOCUMENT', message);
}

/**
 * Compiles a filter into a predicate. Throws SimError('DOCUMENT') for anything MongoDB
 * would reject: unknown operators, operands of the wrong type, invalid regular expressions.
 */
export function compileFilter(filter: unknown): DocPredicate {
  if (filter === undefined) return () => true;
  if (!isPlainObject(filter)) throw bad(`A query filter must be an object, got ${describe(filter)}`);
  const parts: DocPredicate[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (key.startsWith('$')) {
      if (!LOGICAL_OPERATORS.has(key)) {
        if (VALUE_OPERATORS.has(key)) throw bad(`${key} cannot be used at the top level of a filter; put it under a field: { field: { ${key}: … } }`);
        throw unknownOperator(key);
      }
      parts.push(compileLogical(key, cond));
      continue;
    }
    const segments = splitPath(key);
    const pred = compileCondition(cond, key);
    parts.push((doc) => pred(resolvePath(doc, segments)));
  }
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0]!;
  return (doc) => parts.every((p) => p(doc));
}

/** One-shot convenience: does `doc` match `filter`? */
export function matchFilter(doc: unknown, filter: Filter): boolean {
  return compileFilter(filter)(doc);
}

function compileLogical(op: string, cond: unknown): DocPredicate {
  if (!Array.isArray(cond) || cond.length === 0) throw bad(`${op} needs a non-empty array of filters`);
  const preds = cond.map((c, i) => {
    if (!isPlainObject(c)) throw bad(`${op}[${i}] must be a filter object, got ${describe(c)}`);
    return compileFilter(c);
  });
  if (op === '$and') return (doc) => preds.every((p) => p(doc));
  if (op === '$or') return (doc) => preds.some((p) => p(doc));
  return (doc) => !preds.some((p) => p(doc));
}

/** An object whose keys start with '$' is an operator expression; anything else is a literal. */
function isOperatorObject(cond: unknown): cond is Record<string, unknown> {
  if (!isPlainObject(cond)) return false;
  const keys = Object.keys(cond);
  return keys.length > 0 && keys.some((k) => k.startsWith('$'));
}

/**
 * Compiles the condition under one field: either a literal (equality, or a RegExp) or an
 * operator expression such as `{ $gte: 10, $lt: 20 }`.
 */
export function compileCondition(cond: unknown, path: string): ValuesPredicate {
  if (cond instanceof RegExp) {
    const re = cleanRegExp(cond);
    return (values) => anyLeaf(values, (v) => typeof v === 'string' && re.test(v));
  }
  if (!isOperatorObject(cond)) return compileEq(cond);

  const keys = Object.keys(cond);
  const literalKey = keys.find((k) => !k.startsWith('$'));
  if (literalKey !== undefined) {
    throw bad(`The condition on "${path}" mixes operators with the field "${literalKey}"; an operator object holds only $-operators`);
  }
  if ('$options' in cond && !('$regex' in cond)) throw bad(`$options on "${path}" needs a $regex`);

  const preds: ValuesPredicate[] = [];
  for (const op of keys) {
    const arg = cond[op];
    switch (op) {
      case '$eq':
        preds.push(compileEq(arg));
        break;
      case '$ne': {
        const eq = compileEq(arg);
        preds.push((values) => !eq(values));
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        preds.push(compileComparison(op, arg));
        break;
      case '$in': {
        const pred = compileIn(arg, op);
        preds.push(pred);
        break;
      }
      case '$nin': {
        const pred = compileIn(arg, op);
        preds.push((values) => !pred(values));
        break;
      }
      case '$all': {
        if (!Array.isArray(arg)) throw bad(`$all needs an array, got ${describe(arg)}`);
        const each = arg.map((x) => (x instanceof RegExp ? compileCondition(x, path) : compileEq(x)));
        // MongoDB: an empty $all matches nothing.
        preds.push((values) => each.length > 0 && each.every((p) => p(values)));
        break;
      }
      case '$exists': {
        const want = Boolean(arg);
        preds.push((values) => values.some((v) => v !== undefined) === want);
        break;
      }
      case '$regex': {
        const re = buildRegex(arg, cond.$options);
        preds.push((values) => anyLeaf(values, (v) => typeof v === 'string' && re.test(v)));
        break;
      }
      case '$options':
        break; // consumed by $regex
      case '$not': {
        if (!(arg instanceof RegExp) && !isOperatorObject(arg)) {
          throw bad(`$not needs a regular expression or an operator object, got ${describe(arg)}`);
        }
        const inner = compileCondition(arg, path);
        preds.push((values) => !inner(values));
        break;
      }
      case '$elemMatch':
        preds.push(compileElemMatch(arg, path));
        break;
      case '$size': {
        if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0) {
          throw bad(`$size needs a non-negative integer, got ${describe(arg)}`);
        }
        preds.push((values) => values.some((v) => Array.isArray(v) && v.length === arg));
        break;
      }
      default:
        throw unknownOperator(op);
    }
  }
  return preds.length === 1 ? preds[0]! : (values) => preds.every((p) => p(values));
}

/**
 * True when some reached value, or some element of a reached array, satisfies `test`:
 * MongoDB's rule that `{ tags: 'red' }` matches `tags: ['red', 'blue']`.
 */
function anyLeaf(values: unknown[], test: (v: unknown) => boolean): boolean {
  for (const v of values) {
    if (test(v)) return true;
    if (Array.isArray(v) && v.some(test)) return true;
  }
  return false;
}

function compileEq(operand: unknown): ValuesPredicate {
  if (operand instanceof RegExp) {
    // { $eq: /x/ } compares with the regex itself in MongoDB; JSON documents never hold one.
    return () => false;
  }
  checkOperand(operand);
  return (values) => anyLeaf(values, (v) => valuesEqual(v, operand));
}

function checkOperand(operand: unknown): void {
  if (operand === undefined || typeof operand === 'function' || typeof operand === 'symbol' || typeof operand === 'bigint') {
    throw bad(`A filter value must be JSON, got ${typeof operand}`);
  }
  if (isPlainObject(operand)) {
    for (const v of Object.values(operand)) if (v !== undefined) checkOperand(v);
  } else if (Array.isArray(operand)) {
    for (const v of operand) checkOperand(v);
  } else if (operand !== null && typeof operand === 'object') {
    throw bad(`A filter value must be JSON, got ${describe(operand)}`);
  }
}

function compileComparison(op: string, operand: unknown): ValuesPredicate {
  checkOperand(operand);
  const ok = (c: number) => (op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0);
  if (operand === null) {
    // Only $gte/$lte null match (null or missing), as in MongoDB.
    if (op === '$gt' || op === '$lt') return () => false;
    return (values) => anyLeaf(values, (v) => v === null || v === undefined);
  }
  // Type bracketing: { price: { $gt: 10 } } never matches a string price.
  return (values) =>
    anyLeaf(values, (v) => v !== undefined && v !== null && sameTypeClass(v, operand) && ok(compareValues(v, operand)));
}

function compileIn(arg: unknown, op: string): ValuesPredicate {
  if (!Array.isArray(arg)) throw bad(`${op} needs an array, got ${describe(arg)}`);
  const tests = arg.map((x): ((v: unknown) => boolean) => {
    if (x instanceof RegExp) {
      const re = cleanRegExp(x);
      return (v) => typeof v === 'string' && re.test(v);
    }
    if (isOperatorObject(x)) throw bad(`${op} cannot contain an operator expression`);
    checkOperand(x);
    return (v) => valuesEqual(v, x);
  });
  return (values) => anyLeaf(values, (v) => tests.some((t) => t(v)));
}

function compileElemMatch(arg: unknown, path: string): ValuesPredicate {
  if (!isPlainObject(arg)) throw bad(`$elemMatch needs an object, got ${describe(arg)}`);
  const keys = Object.keys(arg);
  const valueForm = keys.length > 0 && keys.every((k) => k.startsWith('$') && !LOGICAL_OPERATORS.has(k));
  let elementMatches: (el: unknown) => boolean;
  if (valueForm) {
    // { scores: { $elemMatch: { $gte: 80, $lt: 85 } } }: both bounds on the same element.
    const pred = compileCondition(arg, path);
    elementMatches = (el) => pred([el]);
  } else {
    // { variants: { $elemMatch: { color: 'red', stock: { $gt: 0 } } } }: a query per element.
    const pred = compileFilter(arg);
    elementMatches = (el) => isPlainObject(el) && pred(el);
  }
  return (values) => values.some((v) => Array.isArray(v) && v.some(elementMatches));
}

/** Drops the g and y flags: they make RegExp.test stateful, so the same query could answer differently twice. */
function cleanRegExp(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
}

function buildRegex(pattern: unknown, options: unknown): RegExp {
  if (options !== undefined && typeof options !== 'string') throw bad(`$options must be a string, got ${describe(options)}`);
  const opts = (options as string | undefined) ?? '';
  for (const ch of opts) {
    if (!'ims'.includes(ch)) throw bad(`$options "${opts}": only i, m and s are supported`);
  }
  if (pattern instanceof RegExp) {
    const flags = new Set([...pattern.flags.replace(/[gy]/g, ''), ...opts]);
    return new RegExp(pattern.source, [...flags].join(''));
  }
  if (typeof pattern !== 'string') throw bad(`$regex needs a string or a RegExp, got ${describe(pattern)}`);
  try {
    return new RegExp(pattern, opts);
  } catch (e) {
    throw bad(`Invalid $regex ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** The filter as one line for the trace (`{"category":"books"}`); RegExps as MongoDB's extended JSON. */
export function filterToString(value: unknown): string {
  const text = JSON.stringify(value ?? {}, (_k, v: unknown) =>
    v instanceof RegExp ? { $regex: v.source, $options: v.flags } : v,
  );
  return text === undefined ? String(value) : text;
}
