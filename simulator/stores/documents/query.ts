/**
 * The pure parts of a find: choosing an index, sorting, projecting, skip and limit.
 * The Dexie adapter fetches candidates; everything that decides the answer is here.
 */
import { SimError } from '../../core/errors';
import type { Json, JsonObject } from '../../core/json';
import type { Filter } from './matchFilter';
import { compareStrings, compareValues, describe, isPlainObject, resolvePath, splitPath } from './values';

/** `{ price: -1, name: 1 }`: fields in priority order, 1 ascending, -1 descending. */
export type SortSpec = Record<string, 1 | -1>;
/** `{ name: 1, price: 1 }` (inclusion) or `{ description: 0 }` (exclusion); `_id` is included unless `_id: 0`. */
export type Projection = Record<string, 0 | 1 | boolean>;

/** How a query reads the collection: through an index on equality keys, or a full scan. */
export type IndexChoice = { index: string; keys: (string | number)[] } | null;

function bad(message: string): SimError {
  return new SimError('DOCUMENT', message);
}

function isIndexKey(v: unknown): v is string | number {
  // Only strings and finite numbers are IndexedDB keys that mean the same as a MongoDB
  // equality; booleans and null are not valid keys at all, so those queries scan.
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Picks an index for a filter: a top-level equality (`{category: 'books'}`, `$eq`, or an
 * `$in` of strings/numbers) on `_id` or on an indexed field. The index only narrows the
 * candidates; the full filter still runs on each of them, so using an index can never
 * change a result. Indexes are multi-entry, so `{tags: 'red'}` finds `tags: ['red']` too.
 */
export function chooseIndex(filter: Filter | undefined, indexed: readonly string[]): IndexChoice {
  if (!filter) return null;
  const fields = ['_id', ...indexed.filter((f) => f !== '_id')];
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(filter, field)) continue;
    const cond = filter[field];
    if (isIndexKey(cond)) return { index: field, keys: [cond] };
    if (isPlainObject(cond)) {
      if (isIndexKey(cond.$eq)) return { index: field, keys: [cond.$eq] };
      if (Array.isArray(cond.$in) && cond.$in.every(isIndexKey)) {
        const keys = [...new Set(cond.$in as (string | number)[])];
        return { index: field, keys };
      }
    }
  }
  return null;
}

/** Validates a sort spec and returns a comparator; ties are broken by `_id` so every order is total. */
export function compileSort(sort: unknown): (a: JsonObject, b: JsonObject) => number {
  const byIdAsc = (a: JsonObject, b: JsonObject) => compareStrings(String(a._id), String(b._id));
  if (sort === undefined) return byIdAsc;
  if (!isPlainObject(sort)) throw bad(`sort must be an object like { price: -1 }, got ${describe(sort)}`);
  const keys = Object.entries(sort).map(([path, dir]) => {
    if (dir !== 1 && dir !== -1) throw bad(`sort direction for "${path}" must be 1 or -1, got ${JSON.stringify(dir)}`);
    return { segments: splitPath(path), dir: dir as 1 | -1 };
  });
  return (a, b) => {
    for (const { segments, dir } of keys) {
      const c = compareValues(sortKey(a, segments, dir), sortKey(b, segments, dir));
      if (c !== 0) return c * dir;
    }
    return byIdAsc(a, b);
  };
}

/**
 * The value a document sorts by: MongoDB sorts an array by its smallest element when
 * ascending and its largest when descending.
 */
function sortKey(doc: JsonObject, segments: string[], dir: 1 | -1): unknown {
  const leaves: unknown[] = [];
  for (const v of resolvePath(doc, segments)) {
    if (Array.isArray(v)) leaves.push(...v);
    else if (v !== undefined) leaves.push(v);
  }
  if (leaves.length === 0) return undefined;
  let best = leaves[0];
  for (const v of leaves) {
    const c = compareValues(v, best);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best;
}

type Trie = Map<string, Trie | true>;

/** Validates a projection and returns the function that applies it. */
export function compileProjection(projection: unknown): (doc: JsonObject) => JsonObject {
  if (projection === undefined) return (d) => d;
  if (!isPlainObject(projection)) throw bad(`projection must be an object like { name: 1 }, got ${describe(projection)}`);
  let includeId = true;
  let mode: 'include' | 'exclude' | undefined;
  const trie: Trie = new Map();
  for (const [path, flag] of Object.entries(projection)) {
    if (flag !== 0 && flag !== 1 && flag !== true && flag !== false) {
      throw bad(`projection value for "${path}" must be 0 or 1, got ${JSON.stringify(flag)}`);
    }
    const include = flag === 1 || flag === true;
    if (path === '_id') {
      includeId = include;
      continue;
    }
    const m = include ? 'include' : 'exclude';
    if (mode && mode !== m) {
      throw bad(`Cannot do ${m === 'include' ? 'inclusion' : 'exclusion'} on field ${path} in ${mode === 'include' ? 'inclusion' : 'exclusion'} projection`);
    }
    mode = m;
    addToTrie(trie, splitPath(path));
  }
  if (mode === 'include') {
    return (doc) => {
      const out = pick(doc, trie) as JsonObject;
      if (includeId && doc._id !== undefined) return { _id: doc._id, ...out };
      return out;
    };
  }
  return (doc) => {
    const out = omit(doc, trie) as JsonObject;
    if (!includeId) delete out._id;
    return out;
  };
}

function addToTrie(trie: Trie, segments: string[]): void {
  let node = trie;
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    const existing = node.get(seg);
    if (last || existing === true) {
      node.set(seg, true);
      return;
    }
    const child: Trie = existing ?? new Map();
    node.set(seg, child);
    node = child;
  });
}

function pick(value: JsonObject, trie: Trie): JsonObject {
  const out: JsonObject = {};
  // Iterate the document, not the projection, so fields keep their stored order.
  for (const [key, v] of Object.entries(value)) {
    const node = trie.get(key);
    if (node === undefined) continue;
    if (node === true) out[key] = v;
    else if (isPlainObject(v)) out[key] = pick(v as JsonObject, node);
    else if (Array.isArray(v)) out[key] = v.filter(isPlainObject).map((el) => pick(el as JsonObject, node)) as Json[];
  }
  return out;
}

function omit(value: JsonObject, trie: Trie): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const node = trie.get(key);
    if (node === true) continue;
    if (node === undefined) out[key] = v;
    else if (isPlainObject(v)) out[key] = omit(v as JsonObject, node);
    else if (Array.isArray(v)) out[key] = v.map((el) => (isPlainObject(el) ? omit(el as JsonObject, node) : el));
    else out[key] = v;
  }
  return out;
}

/** Validates skip/limit: non-negative integers (limit 0 means no limit, as in MongoDB). */
export function checkCount(name: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(`${name} must be a non-negative integer, got ${describe(v)}`);
  return v;
}

/** Distinct values a path reaches across documents, arrays flattened, sorted in MongoDB's order. */
export function distinctValues(docs: readonly JsonObject[], path: string): Json[] {
  const segments = splitPath(path);
  const out: Json[] = [];
  for (const doc of docs) {
    for (const v of resolvePath(doc, segments)) {
      const leaves = Array.isArray(v) ? v : [v];
      for (const leaf of leaves) {
        if (leaf === undefined) continue;
        out.push(leaf as Json);
      }
    }
  }
  out.sort(compareValues);
  return out.filter((v, i) => i === 0 || compareValues(out[i - 1], v) !== 0);
}
