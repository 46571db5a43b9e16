import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { ForeignStoreAccessError, SimError, ValidationError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import { createTestStoreContext } from '../../core/storeContext';
import { createDocumentStore } from './documentStore';
import { filterCases, products } from './fixtures';
import type { DocumentStore, DocumentStoreState } from './types';

const open: DocumentStore[] = [];

/** Each store gets its own in-memory IndexedDB, so tests cannot see each other's data. */
async function makeStore(ctx = createTestStoreContext('catalog.documents', 'catalog'), factory = new IDBFactory()) {
  const store = await createDocumentStore(ctx, {
    dbName: 'catalog',
    collections: ['products', 'categories'],
    indexes: { products: ['category', 'tags'] },
    indexedDB: factory,
    IDBKeyRange,
  });
  open.push(store);
  return { store, ctx, products: store.collection('products'), factory };
}

async function seeded() {
  const s = await makeStore();
  await s.products.insertMany(products());
  s.ctx.reports.length = 0;
  return s;
}

async function rejection(p: Promise<unknown>): Promise<SimError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SimError);
    return e as SimError;
  }
  throw new Error('expected the operation to fail');
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('document store: queries through Dexie', () => {
  it.each(filterCases)('%s', async (_name, filter, expected) => {
    const { products: col } = await seeded();
    const docs = await col.find(filter);
    expect(docs.map((d) => d._id)).toEqual(expected);
    expect(await col.countDocuments(filter)).toBe(expected.length);
  });

  it('records each operation with its Mongo-style summary', async () => {
    const { products: col, ctx } = await seeded();
    await col.find({ category: 'books' });
    expect(ctx.reports).toEqual([{ op: 'find', summary: 'products.find({"category":"books"})', ok: true, count: 4 }]);
  });

  it('uses an index for equality on an indexed field and scans otherwise', async () => {
    const { products: col } = await seeded();
    expect(await col.explain({ category: 'books', price: { $gt: 16 } })).toEqual({ stage: 'IXSCAN', index: 'category', docsExamined: 4, nReturned: 3 });
    // Multi-entry: the array-valued tags are indexed per element.
    expect(await col.explain({ tags: 'office' })).toEqual({ stage: 'IXSCAN', index: 'tags', docsExamined: 4, nReturned: 4 });
    expect(await col.explain({ tags: { $in: ['office', 'wood'] } })).toEqual({ stage: 'IXSCAN', index: 'tags', docsExamined: 6, nReturned: 6 });
    expect(await col.explain({ _id: { $in: ['p02', 'p99'] } })).toEqual({ stage: 'IXSCAN', index: '_id', docsExamined: 1, nReturned: 1 });
    expect(await col.explain({ price: 15 })).toEqual({ stage: 'COLLSCAN', docsExamined: 20, nReturned: 1 });
  });

  it('find applies sort, skip, limit and projection', async () => {
    const { products: col } = await seeded();
    const page = await col.find({ category: 'lighting' }, { sort: { price: -1 }, skip: 1, limit: 2, projection: { name: 1, price: 1 } });
    // lighting by price desc: p18 140, p04 120, p03 35, p10 25, p14 18
    expect(page).toEqual([
      { _id: 'p04', name: 'Floor Lamp', price: 120 },
      { _id: 'p03', name: 'Desk Lamp', price: 35 },
    ]);
    expect(await col.findOne({ category: 'books' }, { sort: { price: 1 } })).toMatchObject({ _id: 'p09' });
    expect(await col.findOne({ category: 'toys' })).toBeNull();
  });

  it('returns copies: changing a result does not change the store', async () => {
    const { products: col } = await seeded();
    const doc = (await col.findOne({ _id: 'p01' }))!;
    (doc as JsonObject).price = 1;
    expect((await col.findOne({ _id: 'p01' }))!.price).toBe(250);
  });

  it('distinct flattens arrays and sorts', async () => {
    const { products: col } = await seeded();
    expect(await col.distinct('category')).toEqual(['books', 'furniture', 'home', 'lighting', 'office', 'textiles']);
    expect(await col.distinct('variants.color', { category: 'furniture' })).toEqual(['black', 'oak', 'walnut', 'white']);
  });
});

describe('document store: writes', () => {
  it('insertOne generates ObjectId-like ids from the virtual clock and a counter', async () => {
    const { products: col, ctx } = await makeStore();
    ctx.setNow(5_000);
    const a = await col.insertOne({ name: 'A' });
    const b = await col.insertOne({ name: 'B' });
    expect(a.insertedId).toBe('00000005' + '0000000000000000');
    expect(b.insertedId).toBe('00000005' + '0000000000000001');
    expect(await col.findOne({ name: 'B' })).toEqual({ _id: b.insertedId, name: 'B' });
  });

  it('insertOne with a duplicate _id fails with E11000 and is recorded', async () => {
    const { products: col, ctx } = await seeded();
    const err = await rejection(col.insertOne({ _id: 'p01', name: 'again' }));
    expect(err.code).toBe('DOCUMENT');
    expect(err.message).toBe('E11000 duplicate key error collection: products index: _id_ dup key: { _id: "p01" }');
    expect(ctx.reports.at(-1)).toMatchObject({ op: 'insertOne', ok: false, error: { code: 'DOCUMENT', message: err.message } });
    expect((await col.findOne({ _id: 'p01' }))!.name).toBe('Oak Desk');
  });

  it('insertMany with a duplicate already in the collection writes nothing', async () => {
    const { store, products: col } = await seeded();
    const before = await store.exportState();
    const err = await rejection(col.insertMany([{ _id: 'n1', name: 'new' }, { _id: 'p05', name: 'dup' }, { _id: 'n2', name: 'new' }]));
    expect(err.message).toMatch(/E11000.*"p05"/);
    expect(await col.countDocuments({ _id: { $in: ['n1', 'n2'] } })).toBe(0);
    expect(await store.exportState()).toEqual(before);
  });

  it('insertMany with a duplicate inside the batch writes nothing', async () => {
    const { store, products: col } = await makeStore();
    const err = await rejection(col.insertMany([{ name: 'gen' }, { _id: 'x', n: 1 }, { _id: 'x', n: 2 }]));
    expect(err.message).toMatch(/E11000.*"x"/);
    // The generated id is spent (like a sequence value), but no document is written.
    expect(await store.exportState()).toEqual({ collections: { products: [], categories: [] }, idSeq: 1 });
  });

  it('concurrent inserts without _id draw distinct ids', async () => {
    const { products: col } = await makeStore();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => col.insertOne({ n })));
    expect(results.map((r) => r.insertedId)).toEqual([0, 1, 2, 3, 4].map((i) => '00000000' + i.toString(16).padStart(16, '0')));
    expect(await col.countDocuments()).toBe(5);
    // And concurrent upserts on the same missing key: one inserts, the other then updates.
    const ups = await Promise.all([1, 2].map(() => col.updateOne({ sku: 'S' }, { $inc: { hits: 1 } }, { upsert: true })));
    expect(ups.map((u) => u.upsertedCount + u.modifiedCount)).toEqual([1, 1]);
    expect((await col.findOne({ sku: 'S' }))!.hits).toBe(2);
  });

  it('rejects documents that are not JSON or use reserved field names', async () => {
    const { products: col } = await makeStore();
    expect((await rejection(col.insertOne({ _id: 'd', at: new Date(0) } as never))).message).toMatch(/Date/);
    expect((await rejection(col.insertOne({ _id: 'd', $set: { a: 1 } }))).message).toMatch(/must not start with '\$'/);
    expect((await rejection(col.insertOne({ _id: 7 } as never))).message).toMatch(/_id must be a non-empty string/);
    expect((await rejection(col.insertMany([]))).message).toMatch(/non-empty array/);
    await col.insertOne({ _id: 'u', keep: 1, drop: undefined } as never);
    expect(await col.findOne({ _id: 'u' })).toEqual({ _id: 'u', keep: 1 });
  });

  it('updateOne changes the first match in _id order', async () => {
    const { products: col } = await seeded();
    const r = await col.updateOne({ category: 'books' }, { $inc: { stock: -1 }, $push: { tags: 'sale' } });
    expect(r).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    const p07 = (await col.findOne({ _id: 'p07' }))!;
    expect(p07.stock).toBe(99);
    expect(p07.tags).toEqual(['cooking', 'nordic', 'sale']);
    expect((await col.findOne({ _id: 'p08' }))!.stock).toBe(0);
  });

  it('updateMany counts matched and modified separately', async () => {
    const { products: col, ctx } = await seeded();
    const r = await col.updateMany({ 'brand.name': 'Lumo' }, { $set: { 'brand.country': 'FI', onSale: true } });
    expect(r).toEqual({ matchedCount: 5, modifiedCount: 5, upsertedCount: 0, upsertedId: null });
    expect(await col.countDocuments({ onSale: true })).toBe(5);
    const again = await col.updateMany({ 'brand.name': 'Lumo' }, { $set: { onSale: true } });
    expect(again.modifiedCount).toBe(0);
    expect(ctx.reports.at(-1)).toMatchObject({ op: 'updateMany', ok: true, count: 0 });
  });

  it('updateMany that fails on one document leaves every document unchanged', async () => {
    const { store, products: col } = await seeded();
    const before = await store.exportState();
    // p13's price is the string '12': $inc fails there, after p05 and p06 were already updated in memory.
    const err = await rejection(col.updateMany({ category: 'textiles' }, { $inc: { price: 1 } }));
    expect(err.message).toMatch(/non-numeric/);
    expect(await store.exportState()).toEqual(before);
  });

  it('$pull and $unset through the store', async () => {
    const { products: col } = await seeded();
    await col.updateOne({ _id: 'p01' }, { $pull: { variants: { color: 'walnut' } }, $unset: { specs: '' } });
    const p01 = (await col.findOne({ _id: 'p01' }))!;
    expect(p01.variants).toEqual([{ color: 'oak', size: 'L', stock: 2 }]);
    expect(p01).not.toHaveProperty('specs');
  });

  it('upsert inserts from the filter equalities and the update', async () => {
    const { products: col, ctx } = await seeded();
    ctx.setNow(2_000);
    const r = await col.updateOne({ sku: 'X1', 'dims.w': 3 }, { $set: { price: 9 }, $setOnInsert: { stock: 0 } }, { upsert: true });
    expect(r).toEqual({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: '000000020000000000000000' });
    expect(await col.findOne({ sku: 'X1' })).toEqual({ _id: '000000020000000000000000', sku: 'X1', dims: { w: 3 }, price: 9, stock: 0 });
    const byId = await col.updateOne({ _id: 'new-1' }, { $inc: { views: 1 } }, { upsert: true });
    expect(byId.upsertedId).toBe('new-1');
    const existing = await col.updateOne({ _id: 'new-1' }, { $inc: { views: 1 } }, { upsert: true });
    expect(existing).toEqual({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    expect((await col.findOne({ _id: 'new-1' }))!.views).toBe(2);
  });

  it('replaceOne keeps _id and refuses to change it', async () => {
    const { products: col } = await seeded();
    const r = await col.replaceOne({ _id: 'p12' }, { name: 'Sofa v2', price: 999 });
    expect(r.modifiedCount).toBe(1);
    expect(await col.findOne({ _id: 'p12' })).toEqual({ _id: 'p12', name: 'Sofa v2', price: 999 });
    expect((await rejection(col.replaceOne({ _id: 'p12' }, { _id: 'other', name: 'x' }))).message).toMatch(/immutable/);
    expect((await rejection(col.replaceOne({ _id: 'p12' }, { $set: { name: 'x' } }))).message).toMatch(/must not start with '\$'/);
    const up = await col.replaceOne({ _id: 'p99' }, { name: 'new' }, { upsert: true });
    expect(up.upsertedId).toBe('p99');
  });

  it('deleteOne, deleteMany, and a missing filter is an error', async () => {
    const { products: col } = await seeded();
    expect(await col.deleteOne({ category: 'books' })).toEqual({ deletedCount: 1 });
    expect(await col.findOne({ _id: 'p07' })).toBeNull();
    expect(await col.deleteMany({ tags: 'led' })).toEqual({ deletedCount: 5 });
    expect((await rejection(col.deleteMany(undefined as never))).message).toMatch(/must be an object/);
    expect(await col.countDocuments()).toBe(14);
    expect(await col.deleteMany({})).toEqual({ deletedCount: 14 });
  });
});

describe('document store: rejected queries change nothing', () => {
  const bad = { price: { $foo: 1 } };
  it.each([
    ['find', (s: Awaited<ReturnType<typeof seeded>>) => s.products.find(bad)],
    ['countDocuments', (s: Awaited<ReturnType<typeof seeded>>) => s.products.countDocuments(bad)],
    ['updateMany', (s: Awaited<ReturnType<typeof seeded>>) => s.products.updateMany(bad, { $set: { x: 1 } })],
    ['updateOne with an unknown update operator', (s: Awaited<ReturnType<typeof seeded>>) => s.products.updateOne({}, { $rename: { a: 'b' } })],
    ['deleteMany', (s: Awaited<ReturnType<typeof seeded>>) => s.products.deleteMany({ $or: [{ category: 'books' }, bad] })],
  ] as const)('%s', async (name, op) => {
    const s = await seeded();
    const before = await s.store.exportState();
    const err = await rejection(op(s));
    expect(err.code).toBe('DOCUMENT');
    expect(err.message).toMatch(/^Unknown (query|update) operator \$(foo|rename)$/);
    expect(await s.store.exportState()).toEqual(before);
    expect(s.ctx.reports).toHaveLength(1);
    expect(s.ctx.reports[0]).toMatchObject({ ok: false, error: { code: 'DOCUMENT', message: err.message } });
    expect(s.ctx.reports[0]!.op).toBe(name.split(' ')[0]);
  });

  it('an unknown operator fails even on an empty collection', async () => {
    const { products: col } = await makeStore();
    expect((await rejection(col.find({ a: { $foo: 1 } }))).message).toBe('Unknown query operator $foo');
  });
});

describe('document store: state', () => {
  it('exportState lists every collection sorted by _id; importState restores it exactly', async () => {
    const { store, products: col, ctx } = await makeStore();
    const shuffled = products().reverse();
    await col.insertMany(shuffled);
    await store.collection('categories').insertOne({ _id: 'books', title: 'Books' });
    ctx.setNow(1_000);
    await col.insertOne({ name: 'generated' });
    const state = (await store.exportState()) as unknown as DocumentStoreState;
    expect(state.collections.products!.map((d) => d._id)).toEqual(['000000010000000000000000', ...products().map((d) => d._id)]); // '0' < 'p'
    expect(state.collections.categories).toEqual([{ _id: 'books', title: 'Books' }]);
    expect(state.idSeq).toBe(1);

    await store.reset();
    expect(await col.countDocuments()).toBe(0);
    expect(await store.exportState()).toEqual({ collections: { products: [], categories: [] }, idSeq: 0 });

    await store.importState(state as never);
    expect(await store.exportState()).toEqual(state);
    // The restored counter generates the same next id as the original would have.
    const next = await col.insertOne({ name: 'after import' });
    expect(next.insertedId).toBe('000000010000000000000001');

    const other = await makeStore();
    await other.store.importState(state as never);
    expect(await other.store.exportState()).toEqual(state);
    // Indexes are rebuilt by IndexedDB on import: the index path sees imported documents.
    expect(await other.products.explain({ category: 'books' })).toMatchObject({ stage: 'IXSCAN', nReturned: 4 });
  });

  it('importState rejects bad state and keeps the old content', async () => {
    const { store } = await seeded();
    const before = await store.exportState();
    await expect(store.importState({ collections: { nope: [] } })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.importState({ collections: { products: [{ _id: 'a' }, { _id: 'a' }] } })).rejects.toThrow(/duplicate _id/);
    await expect(store.importState({ collections: { products: [{ name: 'no id' }] } })).rejects.toThrow(/no _id/);
    expect(await store.exportState()).toEqual(before);
  });

  it('close deletes the database and later calls fail clearly', async () => {
    const { store, products: col, factory } = await seeded();
    await store.close();
    open.splice(open.indexOf(store), 1);
    expect((await factory.databases()).map((d) => d.name)).not.toContain('catalog');
    expect((await rejection(col.find({}))).message).toMatch(/closed/);
    await store.close(); // twice is fine
  });

  it('a new store on the same database name starts empty', async () => {
    const factory = new IDBFactory();
    const first = await makeStore(undefined, factory);
    await first.products.insertOne({ _id: 'left-over' });
    await first.store.close();
    open.splice(open.indexOf(first.store), 1);
    const second = await makeStore(undefined, factory);
    expect(await second.products.countDocuments()).toBe(0);
  });
});

describe('document store: access and configuration', () => {
  it('checks access before doing anything, and records the refusal', async () => {
    const ctx = createTestStoreContext('catalog.documents', 'catalog');
    const { store, products: col } = await makeStore(ctx);
    await col.insertOne({ _id: 'a' });
    let caller = 'catalog';
    ctx.checkAccess = () => {
      if (caller !== 'catalog') throw new ForeignStoreAccessError(caller, 'catalog', ctx.name);
    };
    caller = 'order';
    const err = await rejection(col.deleteMany({}));
    expect(err.code).toBe('FOREIGN_STORE_ACCESS');
    expect(ctx.reports.at(-1)).toMatchObject({ op: 'deleteMany', ok: false, error: { code: 'FOREIGN_STORE_ACCESS' } });
    await expect(store.exportState()).rejects.toBeInstanceOf(ForeignStoreAccessError);
    caller = 'catalog';
    expect(await col.countDocuments()).toBe(1);
  });

  it('describes itself as a StoreBase', async () => {
    const { store } = await makeStore();
    expect([store.kind, store.name, store.owner, store.engineLabel]).toEqual(['documents', 'catalog.documents', 'catalog', 'documents · IndexedDB (Dexie)']);
    expect(() => store.collection('orders')).toThrow(ValidationError);
  });

  it('validates options', async () => {
    const ctx = createTestStoreContext();
    const opts = { dbName: 'x', indexedDB: new IDBFactory(), IDBKeyRange };
    await expect(createDocumentStore(ctx, { ...opts, collections: [] })).rejects.toBeInstanceOf(ValidationError);
    await expect(createDocumentStore(ctx, { ...opts, collections: ['a', 'a'] })).rejects.toThrow(/twice/);
    await expect(createDocumentStore(ctx, { ...opts, collections: ['a'], indexes: { b: ['x'] } })).rejects.toThrow(/unknown collection/);
    await expect(createDocumentStore(ctx, { ...opts, collections: ['a'], indexes: { a: ['brand.name'] } })).rejects.toThrow(/top-level/);
  });
});
