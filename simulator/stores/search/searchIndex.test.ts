import { describe, expect, it } from 'vitest';
import { MalformedEventError, SimError, ValidationError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import { createTestStoreContext } from '../../core/storeContext';
import { products } from '../documents/fixtures';
import { createSearchIndex } from './searchIndex';
import type { SearchIndexOptions } from './types';

const options: SearchIndexOptions = {
  schema: {
    name: 'text',
    description: 'text',
    category: 'keyword',
    tags: 'keyword',
    'brand.name': 'keyword',
    'variants.color': 'keyword',
    price: 'number',
    active: 'boolean',
  },
  facets: ['category', 'tags', 'brand.name', 'variants.color', 'active'],
};

/** The document store's sample catalog, with p13's string price made a number (the index schema is strict). */
function catalog(): JsonObject[] {
  return products().map((p) => (p._id === 'p13' ? { ...p, price: 12 } : p));
}

async function loaded(docs = catalog()) {
  const ctx = createTestStoreContext('catalog.search', 'catalog');
  const index = createSearchIndex(ctx, options);
  for (const d of docs) await index.upsert(d);
  ctx.reports.length = 0;
  return { index, ctx };
}

/** Facet counts computed with a plain loop over the source documents: the oracle. */
function countFacet(docs: JsonObject[], values: (d: JsonObject) => unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of docs) {
    const seen = new Set<string>();
    for (const v of values(d)) {
      if (v === undefined || v === null) continue;
      seen.add(String(v));
    }
    for (const v of seen) counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const facetOracle = {
  category: (d: JsonObject) => [d.category],
  tags: (d: JsonObject) => flat(d.tags),
  'brand.name': (d: JsonObject) => [(d.brand as JsonObject | null | undefined)?.name],
  'variants.color': (d: JsonObject) => flat(d.variants ?? []).map((v) => (v as JsonObject).color),
  active: (d: JsonObject) => [d.active],
};

/** Lower-cased words of the text fields, split the simple way (enough for this catalog's text). */
function words(d: JsonObject): string[] {
  return `${d.name ?? ''} ${d.description ?? ''}`.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

describe('search: relevance', () => {
  it('finds a term in the text fields, prefixes included, and ranks a title match first', async () => {
    const { index } = await loaded();
    const r = await index.search({ term: 'lamp', limit: 20 });
    const expected = catalog().filter((d) => words(d).some((w) => w.startsWith('lamp'))).map((d) => d._id);
    expect(r.hits.map((h) => h.id).sort()).toEqual([...expected].sort());
    expect(r.count).toBe(expected.length);
    // p03 has 'lamp' in its name and its description.
    expect(r.hits[0]!.id).toBe('p03');
    for (let i = 1; i < r.hits.length; i++) {
      const [a, b] = [r.hits[i - 1]!, r.hits[i]!];
      expect(a.score > b.score || (a.score === b.score && a.id < b.id)).toBe(true);
    }
  });

  it('a term in a short name outranks the same term buried in a long description', async () => {
    const filler = 'solid frame with a matte finish that suits any room and lasts for years of daily use';
    const { index } = await loaded([
      { _id: 'a', name: 'Oak desk', description: `${filler} and a lamp clip` },
      { _id: 'b', name: 'Brass lamp', description: filler },
      { _id: 'c', name: 'Wool rug', description: filler },
    ]);
    const r = await index.search({ term: 'lamp' });
    expect(r.hits.map((h) => h.id)).toEqual(['b', 'a']);
    expect(r.hits[0]!.score).toBeGreaterThan(r.hits[1]!.score);
    // A boost on the description turns it around.
    const boosted = await index.search({ term: 'lamp', boost: { description: 10 } });
    expect(boosted.hits.map((h) => h.id)).toEqual(['a', 'b']);
  });

  it('typo tolerance is opt-in', async () => {
    const { index } = await loaded();
    expect((await index.search({ term: 'lamq' })).count).toBe(0);
    expect((await index.search({ term: 'lamq', tolerance: 1 })).count).toBeGreaterThan(0);
  });

  it('without a term, every match scores 0 and comes in id order; pages tile the result', async () => {
    const { index } = await loaded();
    const all = await index.search({ limit: 100 });
    expect(all.hits.map((h) => h.id)).toEqual(catalog().map((d) => d._id));
    expect(all.hits.every((h) => h.score === 0)).toBe(true);
    const pages: string[] = [];
    for (let offset = 0; offset < 20; offset += 6) {
      pages.push(...(await index.search({ limit: 6, offset })).hits.map((h) => h.id));
    }
    expect(pages).toEqual(all.hits.map((h) => h.id));
    expect((await index.search({})).hits).toHaveLength(10); // default page size
  });

  it('hits carry a copy of the source document', async () => {
    const { index } = await loaded();
    const hit = (await index.search({ term: 'sofa' })).hits[0]!;
    expect(hit.doc).toEqual(catalog().find((d) => d._id === 'p12'));
    hit.doc.name = 'changed';
    expect((await index.get('p12'))!.name).toBe('Sofa');
  });
});

describe('search: filters and facets', () => {
  it('where on keywords, numbers and booleans matches a plain filter over the documents', async () => {
    const { index } = await loaded();
    const cases: Array<[Parameters<typeof index.search>[0], (d: JsonObject) => boolean]> = [
      [{ where: { category: 'books' } }, (d) => d.category === 'books'],
      [{ where: { category: ['books', 'office'] } }, (d) => d.category === 'books' || d.category === 'office'],
      [{ where: { tags: 'led' } }, (d) => flat(d.tags).includes('led')],
      [{ where: { 'brand.name': 'Lumo', active: true } }, (d) => (d.brand as JsonObject | undefined)?.name === 'Lumo' && d.active === true],
      [{ where: { price: { gte: 20, lt: 50 } } }, (d) => (d.price as number) >= 20 && (d.price as number) < 50],
      [{ where: { price: 15 } }, (d) => d.price === 15],
      [{ where: { active: false } }, (d) => d.active === false],
      [{ where: { 'variants.color': 'white', price: { lte: 40 } } }, (d) => facetOracle['variants.color'](d).includes('white') && (d.price as number) <= 40],
      [{ where: { category: [] } }, () => false],
    ];
    for (const [params, pred] of cases) {
      const r = await index.search({ ...params, limit: 100 });
      expect(r.hits.map((h) => h.id), JSON.stringify(params)).toEqual(catalog().filter(pred).map((d) => d._id));
    }
  });

  it('facet counts equal counts computed from the matching documents', async () => {
    const { index } = await loaded();
    const facetNames = Object.keys(facetOracle) as Array<keyof typeof facetOracle>;
    const queries: Array<[Parameters<typeof index.search>[0], (d: JsonObject) => boolean]> = [
      [{}, () => true],
      [{ where: { category: ['lighting', 'furniture'] } }, (d) => d.category === 'lighting' || d.category === 'furniture'],
      [{ term: 'desk' }, (d) => words(d).some((w) => w.startsWith('desk'))],
      [{ term: 'lamp', where: { price: { lt: 100 } } }, (d) => words(d).some((w) => w.startsWith('lamp')) && (d.price as number) < 100],
    ];
    for (const [params, pred] of queries) {
      // limit 1: facets describe every match, not just the page.
      const r = await index.search({ ...params, facets: facetNames, limit: 1 });
      const matching = catalog().filter(pred);
      expect(r.count, JSON.stringify(params)).toBe(matching.length);
      for (const f of facetNames) {
        expect(r.facets[f], `${JSON.stringify(params)} facet ${f}`).toEqual(countFacet(matching, facetOracle[f]));
        expect(Object.keys(r.facets[f]!)).toEqual(Object.keys(r.facets[f]!).sort());
      }
    }
  });

  it('returns only the facets asked for', async () => {
    const { index } = await loaded();
    const r = await index.search({ where: { category: 'books' }, facets: ['active'] });
    expect(r.facets).toEqual({ active: { true: 4 } });
    expect((await index.search({ term: 'x' })).facets).toEqual({});
  });

  it('rejects bad parameters', async () => {
    const { index } = await loaded();
    await expect(index.search({ where: { colour: 'red' } })).rejects.toThrow(/not a field/);
    await expect(index.search({ where: { name: 'Sofa' } })).rejects.toThrow(/text field/);
    await expect(index.search({ where: { price: { above: 3 } as never } })).rejects.toThrow(/unknown range operator/);
    await expect(index.search({ where: { active: 'yes' } })).rejects.toThrow(/true or false/);
    await expect(index.search({ facets: ['price'] })).rejects.toThrow(/not a facet/);
    await expect(index.search({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(index.search({ boost: { category: 2 } })).rejects.toThrow(/not a text field/);
  });
});

describe('search: documents and events', () => {
  it('upsert replaces the whole document: old words stop matching', async () => {
    const { index } = await loaded();
    await index.upsert({ _id: 'p12', name: 'Armchair', category: 'furniture', price: 400, active: true });
    expect((await index.search({ term: 'sofa' })).count).toBe(0);
    expect((await index.search({ term: 'armchair' })).hits.map((h) => h.id)).toEqual(['p12']);
    expect(await index.count()).toBe(20);
  });

  it('an invalid document is refused and the index keeps the old one', async () => {
    const { index } = await loaded();
    const before = await index.exportState();
    const withStringPrice = products().find((p) => p._id === 'p13')!;
    await expect(index.upsert(withStringPrice)).rejects.toThrow(/"price" is number/);
    await expect(index.upsert({ name: 'no id' })).rejects.toThrow(/"_id" must be a non-empty string/);
    await expect(index.upsert({ _id: 'x', name: 5 })).rejects.toBeInstanceOf(ValidationError);
    expect(await index.exportState()).toEqual(before);
  });

  it('applies ProductCreated, ProductUpdated and ProductDeleted', async () => {
    const { index, ctx } = await loaded([]);
    await index.applyCatalogEvent({ type: 'ProductCreated', data: { _id: 'n1', name: 'Walnut lamp', category: 'lighting', price: 60 } });
    // At-least-once delivery: the same event again changes nothing.
    await index.applyCatalogEvent({ type: 'ProductCreated', data: { _id: 'n1', name: 'Walnut lamp', category: 'lighting', price: 60 } });
    await index.applyCatalogEvent({ type: 'ProductCreated', data: { _id: 'n2', name: 'Walnut desk', category: 'furniture', price: 300 } });
    expect(await index.count()).toBe(2);
    await index.applyCatalogEvent({ type: 'ProductUpdated', data: { _id: 'n1', name: 'Walnut lamp', category: 'lighting', price: 45 } });
    expect((await index.search({ where: { price: { lt: 50 } } })).hits.map((h) => h.id)).toEqual(['n1']);
    await index.applyCatalogEvent({ type: 'ProductDeleted', data: { _id: 'n2' } });
    await index.applyCatalogEvent({ type: 'ProductDeleted', data: { id: 'n2' } }); // already gone: no-op
    expect((await index.search({ term: 'walnut' })).hits.map((h) => h.id)).toEqual(['n1']);
    expect(ctx.reports.filter((r) => r.op === 'applyCatalogEvent').map((r) => r.summary)).toEqual([
      'products ← ProductCreated("n1")',
      'products ← ProductCreated("n1")',
      'products ← ProductCreated("n2")',
      'products ← ProductUpdated("n1")',
      'products ← ProductDeleted("n2")',
      'products ← ProductDeleted("n2")',
    ]);
  });

  it('a malformed event throws MalformedEventError and leaves the index unchanged', async () => {
    const { index, ctx } = await loaded();
    const before = await index.exportState();
    const malformed: unknown[] = [
      null,
      { type: 'ProductRenamed', data: { _id: 'p01' } },
      { type: 'ProductCreated' },
      { type: 'ProductCreated', data: 'p01' },
      { type: 'ProductCreated', data: { name: 'no id' } },
      { type: 'ProductUpdated', data: { _id: 'p01', price: 'cheap' } },
      { type: 'ProductDeleted', data: {} },
      { type: 'ProductDeleted', data: { _id: 'p01', id: 'p02' } },
    ];
    for (const event of malformed) {
      ctx.reports.length = 0;
      const err = await index.applyCatalogEvent(event as never).then(() => undefined, (e: unknown) => e);
      expect(err, JSON.stringify(event)).toBeInstanceOf(MalformedEventError);
      expect((err as SimError).code).toBe('MALFORMED_EVENT');
      expect(ctx.reports).toEqual([expect.objectContaining({ op: 'applyCatalogEvent', ok: false, error: expect.objectContaining({ code: 'MALFORMED_EVENT' }) })]);
    }
    expect(await index.exportState()).toEqual(before);
  });

  it('records operations', async () => {
    const { index, ctx } = await loaded();
    await index.search({ term: 'lamp', facets: ['category'] });
    expect(ctx.reports).toEqual([{ op: 'search', summary: 'products.search({"term":"lamp","facets":["category"]})', ok: true, count: 3 }]);
  });
});

describe('search: state', () => {
  it('export → import rebuilds an index that answers exactly the same', async () => {
    const { index } = await loaded(catalog().reverse());
    const state = await index.exportState();
    expect((state as { docs: JsonObject[] }).docs.map((d) => d._id)).toEqual(catalog().map((d) => d._id));
    const other = createSearchIndex(createTestStoreContext(), options);
    await other.importState(state);
    expect(await other.exportState()).toEqual(state);
    for (const term of ['', 'lamp', 'desk', 'led', 'wool rug', 'the']) {
      const params = { term, facets: ['category', 'tags'], limit: 100 };
      expect(await other.search(params), term).toEqual(await index.search(params));
    }
  });

  it('importState refuses bad state without touching the index', async () => {
    const { index } = await loaded();
    const before = await index.exportState();
    await expect(index.importState({ docs: [{ _id: 'a' }, { _id: 'a' }] })).rejects.toThrow(/duplicate id/);
    await expect(index.importState({ docs: [{ _id: 'a', price: 'x' }] })).rejects.toThrow(/price/);
    await expect(index.importState([])).rejects.toBeInstanceOf(ValidationError);
    expect(await index.exportState()).toEqual(before);
  });

  it('reset empties, close refuses further calls', async () => {
    const { index } = await loaded();
    await index.reset();
    expect(await index.count()).toBe(0);
    expect((await index.search({ term: 'lamp' })).count).toBe(0);
    await index.upsert(catalog()[0]!);
    expect(await index.count()).toBe(1);
    await index.close();
    await expect(index.count()).rejects.toThrow(/closed/);
    await index.close();
  });

  it('describes itself and validates its options', () => {
    const index = createSearchIndex(createTestStoreContext('catalog.search', 'catalog'), options);
    expect([index.kind, index.name, index.owner, index.engineLabel]).toEqual(['search', 'catalog.search', 'catalog', 'search index (Orama)']);
    expect(() => createSearchIndex(createTestStoreContext(), { schema: { a: 'string' as never } })).toThrow(/unknown type/);
    expect(() => createSearchIndex(createTestStoreContext(), { schema: { a: 'text' }, facets: ['a'] })).toThrow(/keyword or boolean/);
    expect(() => createSearchIndex(createTestStoreContext(), { schema: { a: 'text' }, facets: ['b'] })).toThrow(/not in the schema/);
  });
});
