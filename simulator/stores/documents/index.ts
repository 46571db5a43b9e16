/**
 * Document store (the Catalog service's MongoDB → IndexedDB via Dexie).
 */
export { createDocumentStore } from './documentStore';
export { compileFilter, matchFilter, filterToString } from './matchFilter';
export type { Filter, DocPredicate } from './matchFilter';
export { compileUpdate, applyUpdate, upsertSeed } from './applyUpdate';
export type { UpdateSpec, CompiledUpdate } from './applyUpdate';
export type {
  Collection,
  DeleteResult,
  DocumentStore,
  DocumentStoreOptions,
  DocumentStoreState,
  FindOptions,
  InsertManyResult,
  InsertOneResult,
  Projection,
  QueryPlan,
  SortSpec,
  UpdateOptions,
  UpdateResult,
  WithId,
} from './types';
