import type { Json, JsonObject } from '../../core/json';
import type { StoreBase } from '../../core/storeContext';
import type { UpdateSpec } from './applyUpdate';
import type { Filter } from './matchFilter';
import type { Projection, SortSpec } from './query';

export type { Filter, UpdateSpec, Projection, SortSpec };

/** A stored document: `_id` is always a string. */
export type WithId<T> = T & { _id: string };

/** Options of find: sort first, then skip, then limit, then projection (MongoDB's order). */
export interface FindOptions {
  sort?: SortSpec;
  /** 0 or absent: no limit. */
  limit?: number;
  skip?: number;
  projection?: Projection;
}

export interface InsertOneResult {
  insertedId: string;
}

export interface InsertManyResult {
  insertedCount: number;
  /** In the order of the input documents. */
  insertedIds: string[];
}

export interface UpdateResult {
  matchedCount: number;
  /** Documents whose content actually changed (`$set` to the same value changes nothing). */
  modifiedCount: number;
  upsertedCount: number;
  upsertedId: string | null;
}

export interface DeleteResult {
  deletedCount: number;
}

export interface UpdateOptions {
  /** Insert a document built from the filter's equalities and the update when nothing matches. */
  upsert?: boolean;
}

/** How a filter would be executed, like MongoDB's explain(): index scan or collection scan. */
export interface QueryPlan {
  stage: 'IXSCAN' | 'COLLSCAN';
  /** The indexed field used ('_id' for the primary key), when stage is IXSCAN. */
  index?: string;
  /** Documents read from IndexedDB before filtering. */
  docsExamined: number;
  /** Documents that match the filter. */
  nReturned: number;
}

/**
 * One collection, with the MongoDB driver's method names. Every call is access-checked
 * and recorded in the trace. Results without a sort are ordered by `_id`; "one" operations
 * (findOne, updateOne, replaceOne, deleteOne) pick the first match in that order.
 */
export interface Collection<T extends object = JsonObject> {
  readonly name: string;
  /** Inserts a document; a missing `_id` is generated. Duplicate `_id` → SimError('DOCUMENT', 'E11000 …'). */
  insertOne(doc: T): Promise<InsertOneResult>;
  /** Inserts all or nothing: one duplicate `_id` (in the batch or in the collection) writes none of them. */
  insertMany(docs: T[]): Promise<InsertManyResult>;
  findOne(filter?: Filter, options?: Omit<FindOptions, 'limit'>): Promise<WithId<T> | null>;
  find(filter?: Filter, options?: FindOptions): Promise<WithId<T>[]>;
  countDocuments(filter?: Filter): Promise<number>;
  updateOne(filter: Filter, update: UpdateSpec, options?: UpdateOptions): Promise<UpdateResult>;
  /** Updates every match in one transaction: if one document fails (e.g. $inc on a string), none changes. */
  updateMany(filter: Filter, update: UpdateSpec, options?: UpdateOptions): Promise<UpdateResult>;
  /** Replaces the whole document (keeping its `_id`). */
  replaceOne(filter: Filter, replacement: T, options?: UpdateOptions): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<DeleteResult>;
  deleteMany(filter: Filter): Promise<DeleteResult>;
  /** Distinct values of a field (arrays flattened) among matching documents, sorted. */
  distinct(field: string, filter?: Filter): Promise<Json[]>;
  /** Which index a filter would use and how many documents it reads. */
  explain(filter?: Filter): Promise<QueryPlan>;
}

/** State exported by a document store: every collection's documents sorted by `_id`. */
export interface DocumentStoreState {
  collections: Record<string, JsonObject[]>;
  /** Counter behind generated `_id`s, so a restored store generates the same next id. */
  idSeq: number;
}

/**
 * MongoDB-style documents on IndexedDB through Dexie: the Catalog service's store.
 */
export interface DocumentStore extends StoreBase {
  readonly kind: 'documents';
  /** Collection names, as declared. */
  readonly collectionNames: readonly string[];
  /** A collection handle. Unknown names → ValidationError (collections are declared up front). */
  collection<T extends object = JsonObject>(name: string): Collection<T>;
}

/** Options of createDocumentStore. */
export interface DocumentStoreOptions {
  /** IndexedDB database name; an existing database of that name is deleted first. */
  dbName: string;
  collections: string[];
  /**
   * Secondary indexes per collection: top-level field names. They are multi-entry, so an
   * index on `tags` serves `{ tags: 'red' }` for array-valued tags.
   */
  indexes?: Record<string, string[]>;
  /** IndexedDB factory (fake-indexeddb's in Node tests); defaults to Dexie's (the browser's). */
  indexedDB?: { open: Function };
  /** IDBKeyRange matching the factory. */
  IDBKeyRange?: { bound: Function; lowerBound: Function; upperBound: Function };
}
