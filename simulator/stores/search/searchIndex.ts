/**
 * The Catalog's Elasticsearch in the page: an Orama index over product documents.
 *
 * Orama and determinism (checked in @orama/orama 3.1.18):
 * - `create` and `insert` draw ids from a counter seeded by the wall clock when none is given:
 *   we always pass the index id and every document id.
 * - `insertMultiple` paces batches with the wall clock: not used.
 * - `search` measures `elapsed` with the high-resolution clock: dropped from our results.
 * - the zip tree (Math.random) and AnswerSession are not used by a plain full-text index.
 * - BM25 needs each field's average length, which Orama keeps as a running mean; an index
 *   built incrementally then differs in the last bits from one rebuilt from the same
 *   documents. We keep exact integer token totals and reset the average after every write,
 *   so both give bit-identical scores (the property test checks this).
 *
 * Orama's number index (its AVL tree) loses documents once entries are removed: in
 * `removeNode`, a rotation at the in-order successor's parent is never linked back into
 * the tree (reproduced with 3.1.18; catalogEvents.test.ts caught it). Number fields are
 * therefore not given to Orama: a range is evaluated by a scan of the source documents
 * and the matching ids reach Orama as an `in` filter on the document id, so scoring,
 * keyword filters and facets still all apply to one and the same set of documents.
 */
import { create, insert, remove as oramaRemove, search as oramaSearch, type AnyOrama } from '@orama/orama';
import { MalformedEventError, SimError, ValidationError } from '../../core/errors';
import type { Json, JsonObject } from '../../core/json';
import { runStoreOp, type StoreContext } from '../../core/storeContext';
import type {
  NumberRange,
  SearchFieldType,
  SearchHit,
  SearchIndex,
  SearchIndexOptions,
  SearchIndexState,
  SearchParams,
  SearchResult,
  WhereCondition,
} from './types';

const FIELD_TYPES: readonly SearchFieldType[] = ['text', 'keyword', 'number', 'boolean'];
const RANGE_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

interface Field {
  path: string;
  segments: string[];
  type: SearchFieldType;
  /** Property name inside Orama ('f0', 'f1', …): user paths may contain dots, which Orama reads as nesting. */
  prop: string;
}

/** What Orama sees of one document, computed (and validated) before anything is changed. */
type OramaDoc = Record<string, string | string[]>;

/** A document ready to index: its id, a copy of the source, Orama's view, and its numbers by field path. */
interface Prepared {
  id: string;
  source: JsonObject;
  indexed: OramaDoc;
  numbers: Record<string, number[]>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plain JSON check (no Dates, no NaN): the stored source document must export as-is. */
function checkJson(v: unknown, where: string, depth = 0): void {
  if (depth > 100) throw new ValidationError(`${where}: nested too deeply`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ValidationError(`${where}: ${v} is not a JSON number`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJson(x, `${where}[${i}]`, depth + 1));
    return;
  }
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) if (x !== undefined) checkJson(x, `${where}.${k}`, depth + 1);
    return;
  }
  throw new ValidationError(`${where}: not a JSON value`);
}

/** Every non-null value a path reaches, arrays flattened at any depth (Elasticsearch's view of a document). */
function leaves(doc: unknown, segments: string[]): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown, i: number): void => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) {
      for (const el of v) walk(el, i);
      return;
    }
    if (i === segments.length) {
      out.push(v);
      return;
    }
    if (isPlainObject(v)) walk(v[segments[i]!], i + 1);
  };
  walk(doc, 0);
  return out;
}

function inRange(v: number, r: NumberRange): boolean {
  return (
    (r.eq === undefined || v === r.eq) &&
    (r.gt === undefined || v > r.gt) &&
    (r.gte === undefined || v >= r.gte) &&
    (r.lt === undefined || v < r.lt) &&
    (r.lte === undefined || v <= r.lte)
  );
}

/** Scores are rounded so that sums whose terms Orama adds in a different order still tie. */
function roundScore(score: number): number {
  return Number(score.toPrecision(12));
}

/**
 * Creates an empty search index.
 *
 * @example
 * const index = createSearchIndex(ctx, {
 *   schema: { name: 'text', description: 'text', category: 'keyword', tags: 'keyword', price: 'number' },
 *   facets: ['category', 'tags'],
 * });
 * await index.applyCatalogEvent({ type: 'ProductCreated', data: product });
 * await index.search({ term: 'lamp', where: { price: { lt: 50 } }, facets: ['category'], limit: 10 });
 */
export function createSearchIndex(ctx: StoreContext, options: SearchIndexOptions): SearchIndex {
  const { fields, byPath, facetable, idField, indexName } = validateOptions(options);
  const textFields = fields.filter((f) => f.type === 'text');
  // `id` is declared so that a number range can be handed to Orama as a set of ids.
  const oramaSchema: Record<string, string> = { id: 'enum' };
  for (const f of fields) {
    if (f.type === 'number') continue; // see the module comment
    oramaSchema[f.prop] = f.type === 'text' ? 'string' : 'enum[]';
  }

  let closed = false;
  let db: AnyOrama;
  let docs: Map<string, JsonObject>;
  let numbers: Map<string, Record<string, number[]>>;
  let tokenTotals: Map<string, number>;
  fresh();

  function fresh(): void {
    db = create({ schema: oramaSchema as never, id: `${ctx.name}` }) as AnyOrama;
    docs = new Map();
    numbers = new Map();
    tokenTotals = new Map(textFields.map((f) => [f.prop, 0]));
  }

  /** Validates a source document against the schema and builds what Orama indexes. */
  function prepare(doc: unknown, where: string): Prepared {
    if (!isPlainObject(doc)) throw new ValidationError(`${where} must be an object`);
    checkJson(doc, where);
    const id = doc[idField];
    if (typeof id !== 'string' || id === '') throw new ValidationError(`${where}: "${idField}" must be a non-empty string`, { idField });
    const source = JSON.parse(JSON.stringify(doc)) as JsonObject;
    const indexed: OramaDoc = { id };
    const nums: Record<string, number[]> = {};
    for (const f of fields) {
      const values = leaves(source, f.segments);
      const wrong = (expected: string, v: unknown) =>
        new ValidationError(`${where}: field "${f.path}" is ${expected} in the index schema, got ${JSON.stringify(v)}`, { field: f.path });
      switch (f.type) {
        case 'text': {
          for (const v of values) if (typeof v !== 'string') throw wrong('text', v);
          // Always present (possibly empty): Orama only counts a document in a field's
          // average length when the field is there, which would make scores order-dependent.
          indexed[f.prop] = (values as string[]).join(' ');
          break;
        }
        case 'keyword': {
          for (const v of values) if (!['string', 'number', 'boolean'].includes(typeof v)) throw wrong('keyword', v);
          indexed[f.prop] = [...new Set(values.map(String))];
          break;
        }
        case 'boolean': {
          for (const v of values) if (typeof v !== 'boolean') throw wrong('boolean', v);
          indexed[f.prop] = [...new Set(values.map(String))];
          break;
        }
        case 'number': {
          for (const v of values) if (typeof v !== 'number') throw wrong('number', v);
          nums[f.path] = values as number[];
          break;
        }
      }
    }
    return { id, source, indexed, numbers: nums };
  }

  function internalId(id: string): number | undefined {
    return (db as unknown as { internalDocumentIDStore: { idToInternalId: Map<string, number> } }).internalDocumentIDStore.idToInternalId.get(id);
  }

  function fieldLengths(): Record<string, Record<number, number | undefined>> {
    return (db.data.index as unknown as { fieldLengths: Record<string, Record<number, number | undefined>> }).fieldLengths;
  }

  /** See the module comment: exact averages make incremental and rebuilt indexes score alike. */
  function fixAverages(): void {
    const avg = (db.data.index as unknown as { avgFieldLength: Record<string, number> }).avgFieldLength;
    const n = docs.size;
    for (const f of textFields) avg[f.prop] = n > 0 ? tokenTotals.get(f.prop)! / n : 0;
  }

  function insertPrepared(p: Prepared): void {
    const r = insert(db, p.indexed as never);
    if (r instanceof Promise) throw new SimError('HANDLER', 'Orama insert unexpectedly went async');
    docs.set(p.id, p.source);
    numbers.set(p.id, p.numbers);
    const iid = internalId(p.id)!;
    const lengths = fieldLengths();
    for (const f of textFields) tokenTotals.set(f.prop, tokenTotals.get(f.prop)! + (lengths[f.prop]?.[iid] ?? 0));
    fixAverages();
  }

  function removeExisting(id: string): boolean {
    if (!docs.has(id)) return false;
    const iid = internalId(id)!;
    const lengths = fieldLengths();
    for (const f of textFields) tokenTotals.set(f.prop, tokenTotals.get(f.prop)! - (lengths[f.prop]?.[iid] ?? 0));
    const r = oramaRemove(db, id);
    if (r instanceof Promise) throw new SimError('HANDLER', 'Orama remove unexpectedly went async');
    docs.delete(id);
    numbers.delete(id);
    fixAverages();
    return true;
  }

  function upsertPrepared(p: Prepared): void {
    const old = docs.get(p.id);
    removeExisting(p.id);
    try {
      insertPrepared(p);
    } catch (e) {
      // Validation ran before the removal, so this is an Orama failure: put the old one back.
      if (old) insertPrepared(prepare(old, 'document'));
      throw e;
    }
  }

  async function run<T>(op: string, summary: string, work: () => T | Promise<T>, count: (r: T) => number | undefined): Promise<T> {
    return runStoreOp(ctx, op, summary, work, {
      count,
      errorCode: 'VALIDATION',
      guard: () => {
        if (closed) throw new ValidationError(`The search index "${ctx.name}" is closed`);
      },
    });
  }

  function translateWhere(where: unknown): object | undefined {
    if (where === undefined) return undefined;
    if (!isPlainObject(where)) throw new ValidationError('where must be an object of field conditions');
    const clauses: object[] = [];
    const ranges: Array<{ path: string; range: NumberRange }> = [];
    for (const [path, cond] of Object.entries(where) as Array<[string, WhereCondition | undefined]>) {
      if (cond === undefined) continue;
      const f = byPath.get(path);
      if (!f) throw new ValidationError(`where: "${path}" is not a field of the index schema`, { field: path });
      if (f.type === 'text') throw new ValidationError(`where: "${path}" is a text field; search it with term`, { field: path });
      if (f.type === 'number') {
        const range: NumberRange = typeof cond === 'number' ? { eq: cond } : (cond as NumberRange);
        if (!isPlainObject(range) || Object.keys(range).length === 0) {
          throw new ValidationError(`where: "${path}" needs a number or a range like { gte: 10, lt: 50 }`);
        }
        for (const [op, v] of Object.entries(range)) {
          if (!(RANGE_OPS as readonly string[]).includes(op)) throw new ValidationError(`where: unknown range operator "${op}" on "${path}"`);
          if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`where: ${op} on "${path}" needs a number`);
        }
        ranges.push({ path, range });
        continue;
      }
      const values = Array.isArray(cond) ? cond : [cond];
      for (const v of values) {
        const ok = f.type === 'boolean' ? typeof v === 'boolean' : ['string', 'number', 'boolean'].includes(typeof v);
        if (!ok) throw new ValidationError(`where: "${path}" needs ${f.type === 'boolean' ? 'true or false' : 'a value or an array of values'}, got ${JSON.stringify(v)}`);
      }
      clauses.push({ [f.prop]: { containsAny: values.map(String) } });
    }
    if (ranges.length > 0) {
      // Like an Elasticsearch range on a multi-valued field: one value must meet all bounds.
      const ids: string[] = [];
      for (const [id, nums] of numbers) {
        if (ranges.every(({ path, range }) => (nums[path] ?? []).some((v) => inRange(v, range)))) ids.push(id);
      }
      clauses.push({ id: { in: ids } });
    }
    // An empty `and` matches nothing in Orama, so no clauses means no where at all.
    return clauses.length > 0 ? { and: clauses } : undefined;
  }

  async function doSearch(params: SearchParams): Promise<SearchResult> {
    if (!isPlainObject(params as unknown)) throw new ValidationError('search params must be an object');
    const term = params.term ?? '';
    if (typeof term !== 'string') throw new ValidationError('term must be a string');
    const limit = params.limit ?? 10;
    const offset = params.offset ?? 0;
    for (const [k, v] of [['limit', limit], ['offset', offset]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ValidationError(`${k} must be a non-negative integer`);
    }
    const tolerance = params.tolerance ?? 0;
    if (!Number.isInteger(tolerance) || tolerance < 0) throw new ValidationError('tolerance must be a non-negative integer');
    const facetNames = params.facets ?? [];
    if (!Array.isArray(facetNames)) throw new ValidationError('facets must be an array of field names');
    for (const name of facetNames) {
      if (!facetable.has(name)) {
        throw new ValidationError(`"${name}" is not a facet of this index (facets: ${[...facetable].join(', ') || 'none'})`, { field: name });
      }
    }
    const boost: Record<string, number> = {};
    for (const [path, b] of Object.entries(params.boost ?? {})) {
      const f = byPath.get(path);
      if (!f || f.type !== 'text') throw new ValidationError(`boost: "${path}" is not a text field`);
      if (typeof b !== 'number' || !(b > 0)) throw new ValidationError(`boost for "${path}" must be a positive number`);
      boost[f.prop] = b;
    }
    const where = translateWhere(params.where);
    const facetConfig: Record<string, object> = {};
    for (const name of facetNames) facetConfig[byPath.get(name)!.prop] = {};

    // Ask Orama for every match and page ourselves: Orama breaks score ties by its internal
    // insertion numbers, which differ between an incremental index and a rebuilt one.
    const raw = await oramaSearch(db, {
      term,
      ...(where ? { where } : {}),
      ...(facetNames.length > 0 ? { facets: facetConfig } : {}),
      ...(Object.keys(boost).length > 0 ? { boost } : {}),
      tolerance,
      limit: Math.max(docs.size, 1),
      offset: 0,
    } as never);
    const all: SearchHit[] = raw.hits.map((h: { id: string; score: number }) => ({
      id: h.id,
      score: roundScore(h.score),
      doc: docs.get(h.id)!,
    }));
    all.sort((a, b) => b.score - a.score || compareStrings(a.id, b.id));
    const hits = all.slice(offset, offset + limit).map((h) => ({ ...h, doc: JSON.parse(JSON.stringify(h.doc)) as JsonObject }));

    const facets: Record<string, Record<string, number>> = {};
    const rawFacets = (raw as { facets?: Record<string, { values: Record<string, number> }> }).facets ?? {};
    for (const name of facetNames) {
      const values = rawFacets[byPath.get(name)!.prop]?.values ?? {};
      const sorted: Record<string, number> = {};
      for (const key of Object.keys(values).sort(compareStrings)) sorted[key] = values[key]!;
      facets[name] = sorted;
    }
    return { hits, count: raw.count, facets };
  }

  function applyEvent(event: unknown): void {
    if (!isPlainObject(event)) throw new MalformedEventError('A catalog event must be an object with type and data');
    const { type, data } = event;
    if (type !== 'ProductCreated' && type !== 'ProductUpdated' && type !== 'ProductDeleted') {
      throw new MalformedEventError(`Unknown catalog event type ${JSON.stringify(type)}`, { type: String(type) });
    }
    if (!isPlainObject(data)) throw new MalformedEventError(`${type} needs a data object`, { type });
    if (type === 'ProductDeleted') {
      // The id may come as the id field or as `id`; both present and different is ambiguous.
      const a = data[idField];
      const b = data.id;
      const id = a ?? b;
      if (typeof id !== 'string' || id === '' || (a !== undefined && b !== undefined && a !== b)) {
        throw new MalformedEventError(`ProductDeleted needs the product id in data.${idField}`, { type });
      }
      removeExisting(id);
      return;
    }
    let prepared;
    try {
      prepared = prepare(data, `${type}.data`);
    } catch (e) {
      throw new MalformedEventError(e instanceof Error ? e.message : String(e), { type });
    }
    upsertPrepared(prepared);
  }

  const name = (s: string) => `${indexName}.${s}`;

  const index: SearchIndex = {
    kind: 'search',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: 'search index (Orama)',

    upsert: (doc) =>
      run('upsert', name(`upsert(${JSON.stringify(isPlainObject(doc) ? doc[idField] ?? null : null)})`), () => {
        upsertPrepared(prepare(doc, 'document'));
      }, () => 1),

    remove: (id) =>
      run('remove', name(`remove(${JSON.stringify(id)})`), () => {
        if (typeof id !== 'string') throw new ValidationError('remove needs a string id');
        return removeExisting(id);
      }, (r) => (r ? 1 : 0)),

    search: (params = {}) =>
      run('search', name(`search(${JSON.stringify(params)})`), () => doSearch(params), (r) => r.hits.length),

    count: () => run('count', name('count()'), () => docs.size, (n) => n),

    get: (id) =>
      run('get', name(`get(${JSON.stringify(id)})`), () => {
        const doc = docs.get(id);
        return doc ? (JSON.parse(JSON.stringify(doc)) as JsonObject) : null;
      }, (d) => (d ? 1 : 0)),

    applyCatalogEvent: (event) => {
      const e = event as unknown as Record<string, unknown> | null;
      const data = isPlainObject(e) && isPlainObject(e.data) ? e.data : {};
      const id = data[idField] ?? data.id;
      const label = `${isPlainObject(e) ? String(e.type) : 'event'}(${JSON.stringify(id ?? null)})`;
      return run('applyCatalogEvent', `${indexName} ← ${label}`, () => applyEvent(event), () => 1);
    },

    async exportState(): Promise<Json> {
      // Not recorded: snapshots for step-back must not change the trace they capture.
      ctx.checkAccess();
      if (closed) throw new ValidationError(`The search index "${ctx.name}" is closed`);
      const ids = [...docs.keys()].sort(compareStrings);
      const state: SearchIndexState = { docs: ids.map((id) => JSON.parse(JSON.stringify(docs.get(id))) as JsonObject) };
      return state as unknown as Json;
    },

    importState: (state) =>
      run('importState', name('importState()'), () => {
        if (!isPlainObject(state) || !Array.isArray(state.docs)) throw new ValidationError('importState: expected { docs: [...] }');
        const prepared = state.docs.map((d, i) => prepare(d, `importState docs[${i}]`));
        const seen = new Set<string>();
        for (const p of prepared) {
          if (seen.has(p.id)) throw new ValidationError(`importState: duplicate id ${JSON.stringify(p.id)}`);
          seen.add(p.id);
        }
        // Everything validated: only now drop the old index. Rebuilding in id order makes
        // the result independent of the order documents were exported in.
        fresh();
        prepared.sort((a, b) => compareStrings(a.id, b.id)).forEach(insertPrepared);
        return prepared.length;
      }, (n) => n).then(() => undefined),

    reset: () => run('reset', name('reset()'), () => fresh(), () => undefined),

    async close() {
      if (closed) return;
      await run('close', name('close()'), () => {
        closed = true;
        fresh(); // drop the documents; the instance is garbage from here on
      }, () => undefined);
    },
  };
  return index;
}

function validateOptions(options: SearchIndexOptions) {
  if (!isPlainObject(options) || !isPlainObject(options.schema)) throw new ValidationError('createSearchIndex: schema is required');
  const paths = Object.keys(options.schema).sort(compareStrings);
  if (paths.length === 0) throw new ValidationError('createSearchIndex: the schema needs at least one field');
  // Sorted paths give Orama the same property order for the same schema however it was
  // written, and the order in which BM25 sums fields is part of the score's last bits.
  const fields: Field[] = paths.map((path, i) => {
    const type = options.schema[path];
    if (!FIELD_TYPES.includes(type as SearchFieldType)) {
      throw new ValidationError(`createSearchIndex: field "${path}" has unknown type ${JSON.stringify(type)} (use ${FIELD_TYPES.join(', ')})`);
    }
    const segments = path.split('.');
    if (segments.some((s) => s === '')) throw new ValidationError(`createSearchIndex: invalid field path "${path}"`);
    return { path, segments, type: type as SearchFieldType, prop: `f${i}` };
  });
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const facetable = new Set<string>();
  for (const f of options.facets ?? []) {
    const field = byPath.get(f);
    if (!field) throw new ValidationError(`createSearchIndex: facet "${f}" is not in the schema`);
    if (field.type !== 'keyword' && field.type !== 'boolean') {
      throw new ValidationError(`createSearchIndex: facet "${f}" must be a keyword or boolean field, not ${field.type}`);
    }
    facetable.add(f);
  }
  const idField = options.idField ?? '_id';
  if (typeof idField !== 'string' || idField === '') throw new ValidationError('createSearchIndex: idField must be a non-empty string');
  return { fields, byPath, facetable, idField, indexName: options.indexName ?? 'products' };
}
