/**
 * Search index (the Catalog service's Elasticsearch → an in-page Orama index with facets).
 */
export { createSearchIndex } from './searchIndex';
export type {
  CatalogEvent,
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
