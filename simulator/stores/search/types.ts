import type { JsonObject } from '../../core/json';
import type { StoreBase } from '../../core/storeContext';

/**
 * Field types, in Elasticsearch mapping terms:
 * - `text`: analysed full text (tokenised, lower-cased), searched by `term`, scored with BM25;
 * - `keyword`: exact values (strings, numbers or booleans, or arrays of them), for `where` and facets;
 * - `number`: numbers (or arrays of numbers), for range filters;
 * - `boolean`: true/false, for `where` and facets.
 * A field may be a dotted path ('brand.name'); arrays along the path are flattened, as in Elasticsearch.
 */
export type SearchFieldType = 'text' | 'keyword' | 'number' | 'boolean';

export interface SearchIndexOptions {
  /** Field path → type. Fields not in the schema are kept in the stored document but not indexed. */
  schema: Record<string, SearchFieldType>;
  /** Fields that may be faceted (keyword or boolean fields). */
  facets?: string[];
  /** Where a document keeps its id; '_id' by default, as documents come from the document store. */
  idField?: string;
  /** Name used in trace summaries ('products.search(…)'); 'products' by default. */
  indexName?: string;
}

/** A range on a number field; several bounds combine with AND. */
export interface NumberRange {
  eq?: number;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/**
 * A filter on one field: a value (`category: 'books'`), any of several values
 * (`category: ['books', 'maps']`), or a range on a number field (`price: { gte: 10, lt: 50 }`).
 * Conditions on different fields combine with AND.
 */
export type WhereCondition = string | number | boolean | Array<string | number | boolean> | NumberRange;

export interface SearchParams {
  /** Words to look for in the text fields (any of them; prefixes match: 'lam' finds 'lamp'). Empty: every document. */
  term?: string;
  where?: Record<string, WhereCondition>;
  /** Facets to count over all matching documents (not only the returned page). */
  facets?: string[];
  /** Page size, 10 by default (as in Elasticsearch). */
  limit?: number;
  offset?: number;
  /** Per text field score multipliers, e.g. `{ name: 2 }`. */
  boost?: Record<string, number>;
  /** Typo tolerance (Levenshtein distance), 0 by default. */
  tolerance?: number;
}

export interface SearchHit {
  id: string;
  /** BM25 relevance (0 when there is no term), rounded to 12 significant digits. */
  score: number;
  /** The source document as it was last upserted (a copy). */
  doc: JsonObject;
}

export interface SearchResult {
  /** Score descending, then id ascending: a total order, so pages never overlap or shuffle. */
  hits: SearchHit[];
  /** Number of matching documents (all pages). */
  count: number;
  /** For each requested facet: value → number of matching documents with it, keys sorted. */
  facets: Record<string, Record<string, number>>;
}

/** Catalog events as published by the Catalog service; the index consumes them. */
export type CatalogEvent =
  | { type: 'ProductCreated'; data: JsonObject }
  | { type: 'ProductUpdated'; data: JsonObject }
  | { type: 'ProductDeleted'; data: JsonObject };

/** State exported by the index: the source documents, sorted by id. The index itself is rebuilt on import. */
export interface SearchIndexState {
  docs: JsonObject[];
}

/**
 * The Catalog's Elasticsearch, as it runs in the page: an Orama full-text index with
 * facets, fed by catalog events and therefore eventually consistent with the document store.
 */
export interface SearchIndex extends StoreBase {
  readonly kind: 'search';
  /** Inserts or replaces a document (by its id field). Invalid documents → ValidationError, index unchanged. */
  upsert(doc: JsonObject): Promise<void>;
  /** Removes a document; false when it was not there. */
  remove(id: string): Promise<boolean>;
  search(params?: SearchParams): Promise<SearchResult>;
  /** Number of indexed documents. */
  count(): Promise<number>;
  /** The stored source document, or null. */
  get(id: string): Promise<JsonObject | null>;
  /**
   * ProductCreated/ProductUpdated carry the full product and upsert it (so a redelivered
   * event is harmless); ProductDeleted carries the id and removes it (a missing id is a
   * no-op). A malformed event → MalformedEventError, index unchanged.
   */
  applyCatalogEvent(event: CatalogEvent): Promise<void>;
}
