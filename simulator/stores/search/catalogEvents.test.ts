/**
 * The search index is fed by catalog events one at a time. After any sequence of events it
 * must answer exactly like an index built from scratch from the final documents (same hits,
 * same scores to the bit, same facets), and like a plain loop over those documents.
 */
import { describe, expect, it } from 'vitest';
import { MalformedEventError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import { createRng, type Rng } from '../../core/rng';
import { createTestStoreContext } from '../../core/storeContext';
import { createSearchIndex } from './searchIndex';
import type { CatalogEvent, SearchIndexOptions, SearchParams } from './types';

const options: SearchIndexOptions = {
  schema: { name: 'text', description: 'text', category: 'keyword', tags: 'keyword', 'brand.name': 'keyword', price: 'number', active: 'boolean' },
  facets: ['category', 'tags', 'brand.name', 'active'],
};

// Words share prefixes on purpose ('lamp', 'lamps', 'lampshade'): a prefix search then
// sums several words' scores per document, the case where summation order could show.
const VOCAB = ['lamp', 'lamps', 'lampshade', 'desk', 'desks', 'oak', 'oaken', 'steel', 'wool', 'cotton', 'led', 'light', 'lighting', 'chair', 'nordic', 'guide'];
const CATEGORIES = ['lighting', 'furniture', 'textiles', 'books'];
const TAGS = ['office', 'wood', 'led', 'sale', 'new', 'eco'];
const BRANDS = ['Nordik', 'Lumo', 'Weave'];
const IDS = Array.from({ length: 14 }, (_, i) => `p${String(i).padStart(2, '0')}`);

function phrase(rng: Rng, min: number, max: number): string {
  return Array.from({ length: rng.int(min, max) }, () => rng.pick(VOCAB)).join(' ');
}

function randomProduct(rng: Rng, id: string): JsonObject {
  const doc: JsonObject = { _id: id, name: phrase(rng, 1, 4), category: rng.pick(CATEGORIES), price: rng.int(100, 40000) / 100 };
  if (rng.chance(0.7)) doc.description = phrase(rng, 0, 12);
  if (rng.chance(0.8)) doc.tags = Array.from({ length: rng.int(0, 3) }, () => rng.pick(TAGS));
  if (rng.chance(0.7)) doc.brand = { name: rng.pick(BRANDS) };
  if (rng.chance(0.8)) doc.active = rng.chance(0.7);
  return doc;
}

function randomMalformed(rng: Rng, id: string): unknown {
  return rng.pick<unknown>([
    { type: 'ProductCreated', data: { name: 'no id' } },
    { type: 'ProductUpdated', data: { _id: id, price: 'free' } },
    { type: 'ProductUpdated', data: { _id: id, name: ['ok', 3] } },
    { type: 'ProductDeleted', data: {} },
    { type: 'ProductArchived', data: { _id: id } },
    { type: 'ProductCreated', data: null },
  ]);
}

/** Every query the two indexes are compared on. */
function queries(): SearchParams[] {
  const out: SearchParams[] = [];
  const wheres: Array<SearchParams['where']> = [undefined, { category: 'lighting' }, { price: { gte: 50, lt: 250 } }, { active: true, tags: ['sale', 'eco'] }];
  for (const term of ['', ...VOCAB, 'lamp desk', 'oak lamps', 'la', 'nothing']) {
    for (const where of wheres) out.push({ term, where, facets: options.facets, limit: 100 });
  }
  return out;
}

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** Facets of the documents with no term: a plain loop, independent of the index. */
function oracleFacets(docs: JsonObject[]): Record<string, Record<string, number>> {
  const get: Record<string, (d: JsonObject) => unknown[]> = {
    category: (d) => [d.category],
    tags: (d) => flat(d.tags ?? []),
    'brand.name': (d) => [(d.brand as JsonObject | undefined)?.name],
    active: (d) => [d.active],
  };
  const out: Record<string, Record<string, number>> = {};
  for (const [facet, values] of Object.entries(get)) {
    const counts: Record<string, number> = {};
    for (const d of docs) {
      for (const v of new Set(values(d).filter((x) => x !== undefined).map(String))) counts[v] = (counts[v] ?? 0) + 1;
    }
    out[facet] = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return out;
}

async function runSeed(seed: number, steps: number): Promise<void> {
  const rng = createRng(seed);
  const index = createSearchIndex(createTestStoreContext('catalog.search', 'catalog'), options);
  const truth = new Map<string, JsonObject>();
  const log: string[] = [];

  for (let step = 0; step < steps; step++) {
    const id = rng.pick(IDS);
    const roll = rng.next();
    if (roll < 0.06) {
      const event = randomMalformed(rng, id);
      log.push(`malformed ${JSON.stringify(event)}`);
      const before = await index.exportState();
      const err = await index.applyCatalogEvent(event as CatalogEvent).then(() => undefined, (e: unknown) => e);
      expect(err, `seed ${seed} step ${step}: ${log.at(-1)}`).toBeInstanceOf(MalformedEventError);
      expect(await index.exportState(), `seed ${seed} step ${step}: a malformed event changed the index`).toEqual(before);
      continue;
    }
    let event: CatalogEvent;
    if (roll < 0.3) {
      event = { type: 'ProductDeleted', data: { _id: id } };
      truth.delete(id);
    } else {
      // Created or Updated, for a known or unknown id: both upsert, as a consumer of
      // at-least-once, possibly reordered events must.
      const doc = randomProduct(rng, id);
      event = { type: truth.has(id) && rng.chance(0.8) ? 'ProductUpdated' : 'ProductCreated', data: doc };
      truth.set(id, doc);
      // Sometimes the broker delivers the same event twice.
      if (rng.chance(0.1)) await index.applyCatalogEvent(event);
    }
    log.push(`${event.type} ${JSON.stringify(event.data)}`);
    await index.applyCatalogEvent(event);
  }

  const finalDocs = [...truth.values()].sort((a, b) => ((a._id as string) < (b._id as string) ? -1 : 1));
  const context = () => `seed ${seed} (re-run runSeed(${seed}, ${steps}))\n${log.slice(-15).join('\n')}`;

  // The rebuilt index gets the documents in a different order than the events did.
  const rebuilt = createSearchIndex(createTestStoreContext(), options);
  for (const d of [...finalDocs].reverse()) await rebuilt.upsert(d);

  expect(await index.count(), context()).toBe(finalDocs.length);
  expect(await index.exportState(), context()).toEqual({ docs: finalDocs });
  for (const q of queries()) {
    const a = await index.search(q);
    const b = await rebuilt.search(q);
    expect(a, `${context()}\nquery ${JSON.stringify(q)}`).toEqual(b);
  }
  const everything = await index.search({ facets: options.facets, limit: 100 });
  expect(everything.hits.map((h) => h.id), context()).toEqual(finalDocs.map((d) => d._id));
  expect(everything.facets, context()).toEqual(oracleFacets(finalDocs));
}

describe('search index fed by catalog events equals a rebuild from the final documents', () => {
  const seeds = Array.from({ length: 30 }, (_, i) => 1000 + i);
  it.each(seeds)('seed %i', async (seed) => {
    await runSeed(seed, 120);
  });
});
