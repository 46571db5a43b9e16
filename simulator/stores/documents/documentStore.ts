/**
 * The Catalog service's MongoDB, as it runs in the page: documents in IndexedDB through
 * Dexie, queried with MongoDB's filter and update language. Dexie stores and indexes;
 * matchFilter/applyUpdate/query decide every answer, so the semantics are the same in
 * Node tests (fake-indexeddb) and in the browser.
 */
import Dexie, { type DexieOptions, type Table } from 'dexie';
import { SimError, ValidationError } from '../../core/errors';
import { stableStringify, type Json, type JsonObject } from '../../core/json';
import { runStoreOp, type StoreContext } from '../../core/storeContext';
import { compileUpdate, upsertSeed } from './applyUpdate';
import { compileFilter, filterToString, type DocPredicate, type Filter } from './matchFilter';
import { checkCount, chooseIndex, compileProjection, compileSort, distinctValues } from './query';
import type {
  Collection,
  DeleteResult,
  DocumentStore,
  DocumentStoreOptions,
  DocumentStoreState,
  FindOptions,
  InsertManyResult,
  InsertOneResult,
  QueryPlan,
  UpdateOptions,
  UpdateResult,
  WithId,
} from './types';
import { byId, describe, isPlainObject, normalizeDocument } from './values';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validateOptions(options: DocumentStoreOptions): { collections: string[]; indexes: Record<string, string[]> } {
  if (!options || typeof options.dbName !== 'string' || options.dbName === '') {
    throw new ValidationError('createDocumentStore: dbName must be a non-empty string');
  }
  const collections = options.collections;
  if (!Array.isArray(collections) || collections.length === 0) {
    throw new ValidationError('createDocumentStore: collections must be a non-empty array of names');
  }
  const seen = new Set<string>();
  for (const c of collections) {
    if (typeof c !== 'string' || !NAME_RE.test(c)) throw new ValidationError(`Invalid collection name ${JSON.stringify(c)}`);
    if (seen.has(c)) throw new ValidationError(`Collection "${c}" is declared twice`);
    seen.add(c);
  }
  const indexes: Record<string, string[]> = {};
  for (const [c, fields] of Object.entries(options.indexes ?? {})) {
    if (!seen.has(c)) throw new ValidationError(`Indexes declared for unknown collection "${c}"`, { collection: c });
    if (!Array.isArray(fields)) throw new ValidationError(`Indexes of "${c}" must be an array of field names`);
    const unique = new Set<string>();
    for (const f of fields) {
      if (typeof f !== 'string' || f.includes('.')) {
        // IndexedDB key paths do not look inside arrays of sub-documents the way MongoDB
        // paths do, so an index on a nested path could hide matching documents.
        throw new ValidationError(
          `Index ${JSON.stringify(f)} on "${c}": only top-level fields can be indexed in this store; nested paths are still queryable (by scan)`,
        );
      }
      if (!NAME_RE.test(f)) throw new ValidationError(`Invalid index field ${JSON.stringify(f)} on "${c}"`);
      if (f === '_id') continue; // the primary key is always indexed
      unique.add(f);
    }
    indexes[c] = [...unique];
  }
  return { collections: [...collections], indexes };
}

function truncate(s: string, max = 240): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function duplicateKey(collection: string, id: string): SimError {
  return new SimError(
    'DOCUMENT',
    `E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`,
    { collection, _id: id },
  );
}

/**
 * Opens a document store on a fresh IndexedDB database (any existing database with the
 * same name is deleted first, so a simulation never starts from a previous page's data).
 *
 * @example
 * const store = await createDocumentStore(ctx, {
 *   dbName: 'catalog', collections: ['products', 'categories'],
 *   indexes: { products: ['category', 'tags'] },
 * });
 * await store.collection('products').find({ category: 'books' }, { sort: { price: 1 } });
 */
export async function createDocumentStore(ctx: StoreContext, options: DocumentStoreOptions): Promise<DocumentStore> {
  const { collections, indexes } = validateOptions(options);
  const dexieOptions: DexieOptions = {};
  if (options.indexedDB) dexieOptions.indexedDB = options.indexedDB;
  if (options.IDBKeyRange) dexieOptions.IDBKeyRange = options.IDBKeyRange;

  // Deleting first makes the start state part of the simulation's inputs, not of whatever
  // the browser kept from the last visit: same seed, same trace.
  await new Dexie(options.dbName, dexieOptions).delete();
  const db = new Dexie(options.dbName, dexieOptions);
  const schema: Record<string, string> = {};
  for (const c of collections) {
    // '*' makes each index multi-entry: an array value is indexed under each element,
    // which is exactly what a MongoDB equality on an array field needs.
    schema[c] = ['_id', ...(indexes[c] ?? []).map((f) => `*${f}`)].join(', ');
  }
  db.version(1).stores(schema);
  await db.open();

  let closed = false;
  let idSeq = 0;
  const handles = new Map<string, Collection<any>>();

  const tableOf = (name: string): Table<JsonObject, string> => db.table(name);

  /** Access check, the work, then one trace record whatever happened. */
  async function run<T>(op: string, summary: string, work: () => T | Promise<T>, count: (r: T) => number | undefined): Promise<T> {
    return runStoreOp(ctx, op, summary, work, {
      count,
      errorCode: 'DOCUMENT',
      guard: () => {
        if (closed) throw new SimError('DOCUMENT', `The document store "${ctx.name}" is closed`);
      },
    });
  }

  /**
   * Generated `_id`s look like MongoDB ObjectIds (8 hex digits of virtual seconds, then a
   * counter) and come from the virtual clock and a counter in the exported state, never
   * from the wall clock or randomness. The counter is taken synchronously and never given
   * back, like a PostgreSQL sequence: two concurrent inserts must not draw the same id,
   * and a failed insert may leave a gap.
   */
  function objectId(): string {
    const secs = Math.max(0, Math.floor(ctx.clock.now() / 1000));
    return secs.toString(16).padStart(8, '0').slice(-8) + (idSeq++).toString(16).padStart(16, '0');
  }

  /** Reads the candidates (through an index when the filter allows) and keeps the matches, in `_id` order. */
  async function matching(name: string, filter: Filter | undefined, pred: DocPredicate): Promise<{ docs: JsonObject[]; plan: QueryPlan }> {
    const table = tableOf(name);
    const choice = chooseIndex(filter, indexes[name] ?? []);
    let rows: JsonObject[];
    if (choice) {
      rows = choice.keys.length === 0 ? [] : await table.where(choice.index).anyOf(choice.keys).toArray();
      // A multi-entry index returns a document once per matching key.
      const seen = new Set<string>();
      rows = rows.filter((r) => (seen.has(r._id as string) ? false : (seen.add(r._id as string), true)));
    } else {
      rows = await table.toArray();
    }
    const docs = rows.filter((d) => pred(d)).sort(byId);
    const plan: QueryPlan = choice
      ? { stage: 'IXSCAN', index: choice.index, docsExamined: rows.length, nReturned: docs.length }
      : { stage: 'COLLSCAN', docsExamined: rows.length, nReturned: docs.length };
    return { docs, plan };
  }

  function makeCollection<T extends object>(name: string): Collection<T> {
    const table = tableOf(name);
    const call = (method: string, ...args: unknown[]) =>
      truncate(`${name}.${method}(${args.filter((a) => a !== undefined).map(filterToString).join(', ')})`);

    async function insertDocs(input: unknown[]): Promise<string[]> {
      const docs = input.map((d, i) => normalizeDocument(d, input.length === 1 ? 'document' : `documents[${i}]`));
      const prepared = docs.map((d) => (typeof d._id === 'string' ? d : { _id: objectId(), ...d }));
      const ids = prepared.map((d) => d._id as string);
      const inBatch = new Set<string>();
      for (const id of ids) {
        if (inBatch.has(id)) throw duplicateKey(name, id);
        inBatch.add(id);
      }
      await db.transaction('rw', table, async () => {
        const existing = await table.bulkGet(ids);
        const clash = existing.findIndex((d) => d !== undefined);
        if (clash >= 0) throw duplicateKey(name, ids[clash]!);
        await table.bulkAdd(prepared);
      });
      return ids;
    }

    async function updateDocs(
      method: 'updateOne' | 'updateMany' | 'replaceOne',
      filter: Filter,
      change: unknown,
      options: UpdateOptions | undefined,
    ): Promise<UpdateResult> {
      const pred = compileFilter(requireFilter(filter));
      if (options !== undefined && !isPlainObject(options)) throw new SimError('DOCUMENT', `options must be an object, got ${describe(options)}`);
      const upsert = options?.upsert === true;
      // Everything that can be rejected is rejected here, before the transaction starts.
      const compiled = method === 'replaceOne' ? undefined : compileUpdate(change);
      const replacement = method === 'replaceOne' ? normalizeDocument(change, 'replacement') : undefined;
      const result = await db.transaction('rw', table, async (): Promise<UpdateResult> => {
        const { docs } = await matching(name, filter, pred);
        const targets = method === 'updateMany' ? docs : docs.slice(0, 1);
        if (targets.length === 0) {
          if (!upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0, upsertedId: null };
          let doc: JsonObject;
          if (replacement) {
            const seed = upsertSeed(filter);
            doc = { ...replacement };
            if (doc._id === undefined && typeof seed._id === 'string') doc._id = seed._id;
          } else {
            doc = compiled!.apply(upsertSeed(filter), true);
          }
          if (doc._id === undefined) doc = { _id: objectId(), ...doc };
          doc = normalizeDocument(doc, 'upserted document');
          if ((await table.get(doc._id as string)) !== undefined) throw duplicateKey(name, doc._id as string);
          await table.add(doc);
          return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: doc._id as string };
        }
        const changed: JsonObject[] = [];
        for (const before of targets) {
          let after: JsonObject;
          if (replacement) {
            if (replacement._id !== undefined && replacement._id !== before._id) {
              throw new SimError('DOCUMENT', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(replacement._id)}`);
            }
            const { _id: _ignored, ...rest } = replacement;
            after = { _id: before._id as string, ...rest };
          } else {
            after = normalizeDocument(compiled!.apply(before), `document ${JSON.stringify(before._id)} after the update`);
          }
          if (stableStringify(after) !== stableStringify(before)) changed.push(after);
        }
        if (changed.length > 0) await table.bulkPut(changed);
        return { matchedCount: targets.length, modifiedCount: changed.length, upsertedCount: 0, upsertedId: null };
      });
      return result;
    }

    async function remove(filter: Filter, many: boolean): Promise<DeleteResult> {
      const pred = compileFilter(requireFilter(filter));
      return db.transaction('rw', table, async () => {
        const { docs } = await matching(name, filter, pred);
        const ids = (many ? docs : docs.slice(0, 1)).map((d) => d._id as string);
        await table.bulkDelete(ids);
        return { deletedCount: ids.length };
      });
    }

    async function findDocs(filter: Filter | undefined, options: FindOptions | undefined): Promise<JsonObject[]> {
      const pred = compileFilter(filter);
      if (options !== undefined && !isPlainObject(options)) throw new SimError('DOCUMENT', `options must be an object, got ${describe(options)}`);
      const sort = compileSort(options?.sort);
      const project = compileProjection(options?.projection);
      const skip = checkCount('skip', options?.skip);
      const limit = checkCount('limit', options?.limit);
      const { docs } = await matching(name, filter, pred);
      // `docs` is in _id order already; sorting again is cheap and keeps one code path.
      const sorted = options?.sort ? [...docs].sort(sort) : docs;
      const page = sorted.slice(skip, limit > 0 ? skip + limit : undefined);
      return page.map(project);
    }

    return {
      name,
      insertOne: (doc) =>
        run('insertOne', call('insertOne', doc), async (): Promise<InsertOneResult> => {
          const [insertedId] = await insertDocs([doc]);
          return { insertedId: insertedId! };
        }, () => 1),
      insertMany: (docs) =>
        run('insertMany', truncate(`${name}.insertMany([${Array.isArray(docs) ? `${docs.length} documents` : '?'}])`), async (): Promise<InsertManyResult> => {
          if (!Array.isArray(docs) || docs.length === 0) throw new SimError('DOCUMENT', 'insertMany needs a non-empty array of documents');
          const insertedIds = await insertDocs(docs);
          return { insertedCount: insertedIds.length, insertedIds };
        }, (r) => r.insertedCount),
      find: (filter, options) =>
        run('find', call('find', filter ?? {}, options), () => findDocs(filter, options) as Promise<WithId<T>[]>, (r) => r.length),
      findOne: (filter, options) =>
        run('findOne', call('findOne', filter ?? {}, options), async () => {
          const docs = await findDocs(filter, { ...(options ?? {}), limit: 1 });
          return (docs[0] ?? null) as WithId<T> | null;
        }, (r) => (r ? 1 : 0)),
      countDocuments: (filter) =>
        run('countDocuments', call('countDocuments', filter ?? {}), async () => {
          const pred = compileFilter(filter);
          return (await matching(name, filter, pred)).docs.length;
        }, (n) => n),
      updateOne: (filter, update, options) =>
        run('updateOne', call('updateOne', filter, update, options), () => updateDocs('updateOne', filter, update, options), updCount),
      updateMany: (filter, update, options) =>
        run('updateMany', call('updateMany', filter, update, options), () => updateDocs('updateMany', filter, update, options), updCount),
      replaceOne: (filter, replacement, options) =>
        run('replaceOne', call('replaceOne', filter, replacement, options), () => updateDocs('replaceOne', filter, replacement, options), updCount),
      deleteOne: (filter) => run('deleteOne', call('deleteOne', filter), () => remove(filter, false), (r) => r.deletedCount),
      deleteMany: (filter) => run('deleteMany', call('deleteMany', filter), () => remove(filter, true), (r) => r.deletedCount),
      distinct: (field, filter) =>
        run('distinct', call('distinct', field, filter), async () => {
          const pred = compileFilter(filter);
          const { docs } = await matching(name, filter, pred);
          return distinctValues(docs, field);
        }, (r) => r.length),
      explain: (filter) =>
        run('explain', call('explain', filter ?? {}), async () => {
          const pred = compileFilter(filter);
          return (await matching(name, filter, pred)).plan;
        }, (p) => p.nReturned),
    };
  }

  const updCount = (r: UpdateResult) => r.modifiedCount + r.upsertedCount;
  const allTables = () => collections.map(tableOf);

  const store: DocumentStore = {
    kind: 'documents',
    name: ctx.name,
    owner: ctx.owner,
    engineLabel: 'documents · IndexedDB (Dexie)',
    collectionNames: collections,
    collection<T extends object>(name: string): Collection<T> {
      if (!collections.includes(name)) {
        throw new ValidationError(`Unknown collection "${name}" (declared: ${collections.join(', ')})`, { collection: name });
      }
      let handle = handles.get(name);
      if (!handle) {
        handle = makeCollection<T>(name);
        handles.set(name, handle);
      }
      return handle as Collection<T>;
    },

    async exportState(): Promise<Json> {
      // Not recorded: the engine snapshots for step-back, and a snapshot must not change
      // the trace it is a snapshot of. It is still access-checked.
      ctx.checkAccess();
      if (closed) throw new SimError('DOCUMENT', `The document store "${ctx.name}" is closed`);
      const state: DocumentStoreState = { collections: {}, idSeq };
      await db.transaction('r', allTables(), async () => {
        for (const c of collections) state.collections[c] = (await tableOf(c).toArray()).sort(byId);
      });
      return state as unknown as Json;
    },

    importState: (state) =>
      run('importState', `${ctx.name}.importState()`, async () => {
        const parsed = parseState(state, collections);
        await db.transaction('rw', allTables(), async () => {
          for (const c of collections) {
            await tableOf(c).clear();
            const docs = parsed.collections[c] ?? [];
            if (docs.length > 0) await tableOf(c).bulkAdd(docs);
          }
        });
        idSeq = parsed.idSeq;
        return Object.values(parsed.collections).reduce((n, d) => n + d.length, 0);
      }, (n) => n).then(() => undefined),

    reset: () =>
      run('reset', `${ctx.name}.reset()`, async () => {
        await db.transaction('rw', allTables(), async () => {
          for (const t of allTables()) await t.clear();
        });
        idSeq = 0;
      }, () => undefined),

    async close() {
      if (closed) return; // closing twice is harmless
      await run('close', `${ctx.name}.close()`, async () => {
        closed = true;
        db.close();
        await db.delete();
      }, () => undefined);
    },
  };
  return store;
}

/** Writes and deletes need an explicit filter: `deleteMany()` must not mean "delete everything". */
function requireFilter(filter: unknown): Filter {
  if (!isPlainObject(filter)) throw new SimError('DOCUMENT', `A query filter must be an object, got ${describe(filter)}`);
  return filter;
}

function parseState(state: unknown, collections: string[]): DocumentStoreState {
  if (!isPlainObject(state) || !isPlainObject(state.collections)) {
    throw new ValidationError('importState: expected { collections: { name: documents[] }, idSeq }');
  }
  const out: DocumentStoreState = { collections: {}, idSeq: 0 };
  for (const [c, docs] of Object.entries(state.collections)) {
    if (!collections.includes(c)) throw new ValidationError(`importState: unknown collection "${c}"`, { collection: c });
    if (!Array.isArray(docs)) throw new ValidationError(`importState: "${c}" must be an array of documents`);
    const ids = new Set<string>();
    out.collections[c] = docs.map((d, i) => {
      const doc = normalizeDocument(d, `importState ${c}[${i}]`);
      if (typeof doc._id !== 'string') throw new ValidationError(`importState: ${c}[${i}] has no _id`);
      if (ids.has(doc._id)) throw new ValidationError(`importState: duplicate _id ${JSON.stringify(doc._id)} in "${c}"`);
      ids.add(doc._id);
      return doc;
    });
  }
  const seq = state.idSeq ?? 0;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0) throw new ValidationError('importState: idSeq must be a non-negative integer');
  out.idSeq = seq;
  return out;
}
