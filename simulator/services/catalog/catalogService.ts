import { SimError, ValidationError } from '../../core/errors';
import type { Json, JsonObject } from '../../core/json';
import type { ServiceDefinition } from '../../core/types';
import type { DocumentStore } from '../../stores/documents';
import type { SearchFieldType, SearchIndex } from '../../stores/search';
import { requireAmount, requireString } from '../shared/validate';

export type CatalogStores = { docs: DocumentStore; search: SearchIndex };

export interface Product {
  _id: string;
  name: string;
  description: string;
  category: string;
  price: number;
  tags: string[];
}

/** Fields the search index holds and the facet it counts. */
export const SEARCH_SCHEMA: Record<string, SearchFieldType> = { name: 'text', description: 'text', category: 'keyword', price: 'number', tags: 'keyword' };
export const SEARCH_FACETS = ['category'];

function toProduct(p: Record<string, unknown>): Product {
  const tags = p.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) throw new ValidationError('"tags" must be a list of strings.', { field: 'tags' });
  return {
    _id: requireString(p.id ?? p._id, 'id'),
    name: requireString(p.name, 'name'),
    description: typeof p.description === 'string' ? p.description : '',
    category: requireString(p.category, 'category'),
    price: requireAmount(p.price, 'price'),
    tags: tags as string[],
  };
}

const eventData = (p: Product): JsonObject => ({ id: p._id, name: p.name, description: p.description, category: p.category, price: p.price, tags: p.tags });

/**
 * The Catalog service: products as documents (MongoDB's role, played by IndexedDB through Dexie),
 * and a full-text index with facets (Elasticsearch's role) kept in sync from its own events,
 * so a new product shows up in search a moment after it is saved.
 */
export const catalogService: ServiceDefinition<CatalogStores> = {
  name: 'catalog',
  title: 'Catalog',
  stores: [
    { key: 'docs', kind: 'documents', collections: ['products', 'categories'], indexes: { products: ['category', 'tags'] } },
    // Catalog events carry the product as { id, … }: the index keys on `id`.
    { key: 'search', kind: 'search', schema: { ...SEARCH_SCHEMA }, facets: SEARCH_FACETS, idField: 'id' },
  ],
  subscribes: ['ProductCreated', 'ProductUpdated', 'ProductDeleted'],
  handlers: {
    async CreateProduct(p: Record<string, unknown>, ctx) {
      const product = toProduct(p ?? {});
      const products = ctx.stores.docs.collection<Product>('products');
      if (await products.findOne({ _id: product._id })) return { id: product._id, duplicate: true };
      await products.insertOne(product);
      ctx.publish('ProductCreated', eventData(product));
      return { id: product._id };
    },
    async UpdateProduct(p: { id: string; changes: Record<string, unknown> }, ctx) {
      const id = requireString(p?.id, 'id');
      const products = ctx.stores.docs.collection<Product>('products');
      const current = await products.findOne({ _id: id });
      if (!current) throw new SimError('VALIDATION', `No product "${id}".`, { id });
      const next = toProduct({ ...current, ...(p.changes ?? {}), _id: id });
      await products.replaceOne({ _id: id }, next);
      ctx.publish('ProductUpdated', eventData(next));
      return { id };
    },
    async DeleteProduct(p: { id: string }, ctx) {
      const id = requireString(p?.id, 'id');
      const r = await ctx.stores.docs.collection('products').deleteOne({ _id: id });
      if (r.deletedCount > 0) ctx.publish('ProductDeleted', { id });
      return { id, deleted: r.deletedCount > 0 };
    },
    async GetProduct(p: { id: string }, ctx) {
      const doc = await ctx.stores.docs.collection('products').findOne({ _id: requireString(p?.id, 'id') });
      if (!doc) throw new SimError('VALIDATION', `No product "${p.id}".`, { id: p.id });
      return doc as unknown as Json;
    },
    async FindProducts(p: { filter?: JsonObject; limit?: number }, ctx) {
      return (await ctx.stores.docs.collection('products').find(p?.filter ?? {}, { limit: p?.limit ?? 50 })) as unknown as Json;
    },
    async SearchProducts(p: { term?: string; category?: string; limit?: number }, ctx) {
      const result = await ctx.stores.search.search({
        term: p?.term ?? '',
        ...(p?.category ? { where: { category: p.category } } : {}),
        facets: SEARCH_FACETS,
        limit: p?.limit ?? 10,
      });
      return result as unknown as Json;
    },
    // ---- the search index follows the catalog's own events (eventually consistent)
    async ProductCreated(e: JsonObject, ctx) {
      await ctx.stores.search.applyCatalogEvent({ type: 'ProductCreated', data: e });
    },
    async ProductUpdated(e: JsonObject, ctx) {
      await ctx.stores.search.applyCatalogEvent({ type: 'ProductUpdated', data: e });
    },
    async ProductDeleted(e: JsonObject, ctx) {
      await ctx.stores.search.applyCatalogEvent({ type: 'ProductDeleted', data: e });
    },
  },
};
