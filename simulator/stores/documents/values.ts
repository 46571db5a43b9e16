/**
 * Value comparison and path resolution with MongoDB semantics, restricted to the JSON
 * types this store holds. Shared by the filter matcher, the update operators, sorting,
 * projection and distinct.
 */
import { SimError } from '../../core/errors';
import type { Json, JsonObject } from '../../core/json';

/** True for `{…}` objects (not arrays, not null, not class instances such as RegExp or Date). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Rank of a value's type in MongoDB's cross-type order (null < numbers < strings <
 * objects < arrays < booleans). A missing field sorts with null, as in MongoDB.
 */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'object') return 4;
  if (typeof v === 'boolean') return 6;
  return 7;
}

/** Same rank means the values are comparable by $gt/$lt (MongoDB's type bracketing). */
export function sameTypeClass(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b);
}

/**
 * Binary string order (UTF-16 code units), like MongoDB without a collation.
 * Never localeCompare: its result depends on the machine's locale, which would make
 * the same simulation order documents differently in two browsers.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Total order over JSON values, following MongoDB's BSON order across types.
 * Objects compare by their sorted keys and then values: key order is not significant
 * here (a deliberate simplification: MongoDB compares embedded documents field by field
 * in stored order, which surprises learners who build objects in TypeScript).
 */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return 0;
    case 2: {
      const x = a as number;
      const y = b as number;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3:
      return compareStrings(a as string, b as string);
    case 6:
      return Number(a) - Number(b);
    case 5: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case 4: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const kx = Object.keys(x).filter((k) => x[k] !== undefined).sort(compareStrings);
      const ky = Object.keys(y).filter((k) => y[k] !== undefined).sort(compareStrings);
      const n = Math.min(kx.length, ky.length);
      for (let i = 0; i < n; i++) {
        const ck = compareStrings(kx[i]!, ky[i]!);
        if (ck !== 0) return ck;
        const cv = compareValues(x[kx[i]!], y[ky[i]!]);
        if (cv !== 0) return cv;
      }
      return kx.length - ky.length;
    }
    default:
      return 0;
  }
}

/** Deep equality in the order above (so `null` equals a missing value, as in MongoDB's `{f: null}`). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

export function isArrayIndex(segment: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(segment);
}

/** Splits 'a.b.c' and rejects empty segments, which MongoDB rejects too. */
export function splitPath(path: string): string[] {
  if (typeof path !== 'string' || path === '') {
    throw new SimError('DOCUMENT', `A field path must be a non-empty string, got ${JSON.stringify(path)}`);
  }
  const segments = path.split('.');
  if (segments.some((s) => s === '')) {
    throw new SimError('DOCUMENT', `Invalid field path "${path}": empty segment`);
  }
  return segments;
}

/**
 * Every value a dotted path reaches, the way a MongoDB query sees it: a path through an
 * array of sub-documents visits each element ('variants.color' reaches every variant's
 * color), a numeric segment indexes an array ('tags.0'). A place where the path finds
 * nothing contributes `undefined`, so `{f: null}` and `$exists` can see missing fields.
 * Arrays at the end of the path are returned whole; the matcher decides whether to look
 * inside them.
 */
export function resolvePath(doc: unknown, path: string | string[]): unknown[] {
  const segments = typeof path === 'string' ? splitPath(path) : path;
  const out: unknown[] = [];
  walk(doc, segments, 0, out);
  return out;
}

function walk(value: unknown, segments: string[], i: number, out: unknown[]): void {
  if (i === segments.length) {
    out.push(value);
    return;
  }
  const seg = segments[i]!;
  if (Array.isArray(value)) {
    if (isArrayIndex(seg)) {
      walk(value[Number(seg)], segments, i + 1, out);
      return;
    }
    for (const el of value) {
      // MongoDB descends into array elements that are documents, not into nested arrays.
      if (isPlainObject(el)) walk(el, segments, i, out);
      else if (!Array.isArray(el)) out.push(undefined);
    }
    return;
  }
  if (isPlainObject(value)) {
    walk(Object.prototype.hasOwnProperty.call(value, seg) ? value[seg] : undefined, segments, i + 1, out);
    return;
  }
  out.push(undefined);
}

/**
 * Checks that a value is plain JSON and returns a fresh copy of it. Object properties
 * that are `undefined` are dropped and `undefined` array elements become null (what
 * JSON.stringify does); anything JSON cannot hold is an error rather than a silent loss,
 * because the store would otherwise keep something different from what the caller wrote.
 */
export function normalizeJson(value: unknown, where: string, depth = 0): Json {
  if (depth > 100) throw new SimError('DOCUMENT', `${where}: nested too deeply (or circular)`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SimError('DOCUMENT', `${where}: ${value} is not a JSON number`);
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => (v === undefined ? null : normalizeJson(v, `${where}[${i}]`, depth + 1)));
  }
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = normalizeJson(v, `${where}.${k}`, depth + 1);
    }
    return out;
  }
  const kind = value instanceof Date ? 'a Date (store an ISO string instead)' : typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  throw new SimError('DOCUMENT', `${where}: ${kind} is not a JSON value`);
}

/**
 * Validates a document for storage: plain JSON object, no field name starting with '$'
 * or containing '.', and `_id` (when present) a non-empty string.
 */
export function normalizeDocument(value: unknown, where = 'document'): JsonObject {
  if (!isPlainObject(value)) {
    throw new SimError('DOCUMENT', `${where} must be a plain object, got ${describe(value)}`);
  }
  const doc = normalizeJson(value, where) as JsonObject;
  checkFieldNames(doc, where);
  if ('_id' in doc && (typeof doc._id !== 'string' || doc._id === '')) {
    throw new SimError('DOCUMENT', `${where}: _id must be a non-empty string, got ${JSON.stringify(doc._id)}`);
  }
  return doc;
}

function checkFieldNames(v: Json, where: string): void {
  if (Array.isArray(v)) {
    v.forEach((el, i) => checkFieldNames(el, `${where}[${i}]`));
    return;
  }
  if (v === null || typeof v !== 'object') return;
  for (const [k, child] of Object.entries(v)) {
    // '$' names would be read as operators and '.' names cannot be reached by a path.
    if (k.startsWith('$')) {
      throw new SimError('DOCUMENT', `${where}: field name "${k}" must not start with '$' (did you mean to call updateOne?)`);
    }
    if (k.includes('.')) throw new SimError('DOCUMENT', `${where}: field name "${k}" must not contain '.'`);
    checkFieldNames(child, `${where}.${k}`);
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof RegExp) return 'a RegExp';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/** Orders documents by `_id`: the default order of every query result. */
export function byId(a: { _id?: unknown }, b: { _id?: unknown }): number {
  return compareStrings(String(a._id), String(b._id));
}
