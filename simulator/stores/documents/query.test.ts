import { describe, expect, it } from 'vitest';
import { SimError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import { products } from './fixtures';
import { chooseIndex, compileProjection, compileSort, distinctValues } from './query';
import { compareValues } from './values';

const ids = (docs: JsonObject[]) => docs.map((d) => d._id);

describe('compileSort', () => {
  it('sorts numbers before strings (MongoDB type order), ties by _id', () => {
    const sorted = products().sort(compileSort({ price: 1 }));
    // 14 (p20), 15 (p09), 18 (p14), 19 (p08), 22 (p19) … and the string '12' (p13) last.
    expect(ids(sorted).slice(0, 5)).toEqual(['p20', 'p09', 'p14', 'p08', 'p19']);
    expect(ids(sorted).at(-1)).toBe('p13');
  });

  it('breaks ties by _id and honours secondary keys', () => {
    const sorted = products().sort(compileSort({ category: 1, stock: -1 }));
    expect(ids(sorted).slice(0, 4)).toEqual(['p07', 'p09', 'p17', 'p08']); // books: 100, 60, 4, 0
    const zeroStock = products().filter((p) => p.stock === 0).sort(compileSort({ stock: 1 }));
    expect(ids(zeroStock)).toEqual(['p02', 'p08', 'p18', 'p20']);
  });

  it('sorts arrays by their smallest element ascending and largest descending', () => {
    const docs: JsonObject[] = [
      { _id: 'a', r: [5, 1] },
      { _id: 'b', r: [3] },
      { _id: 'c', r: [4, 9] },
      { _id: 'd' },
    ];
    expect(ids([...docs].sort(compileSort({ r: 1 })))).toEqual(['d', 'a', 'b', 'c']);
    expect(ids([...docs].sort(compileSort({ r: -1 })))).toEqual(['c', 'a', 'b', 'd']);
  });

  it('sorts through dotted paths; missing values come first ascending', () => {
    const sorted = products().sort(compileSort({ 'specs.weight': -1 }));
    expect(ids(sorted).slice(0, 3)).toEqual(['p11', 'p01', 'p08']);
  });

  it('rejects bad directions', () => {
    expect(() => compileSort({ price: 'asc' })).toThrow(/1 or -1/);
  });
});

describe('compileProjection', () => {
  const doc: JsonObject = { _id: 'p', name: 'n', price: 1, brand: { name: 'b', country: 'c' }, variants: [{ color: 'x', stock: 1 }, 'junk'] };

  it('inclusion keeps _id and the named paths', () => {
    expect(compileProjection({ name: 1, 'brand.country': 1 })(doc)).toEqual({ _id: 'p', name: 'n', brand: { country: 'c' } });
  });
  it('inclusion through an array of sub-documents', () => {
    expect(compileProjection({ 'variants.color': 1, _id: 0 })(doc)).toEqual({ variants: [{ color: 'x' }] });
  });
  it('exclusion removes the named paths', () => {
    expect(compileProjection({ price: 0, 'brand.name': 0, variants: 0 })(doc)).toEqual({ _id: 'p', name: 'n', brand: { country: 'c' } });
  });
  it('only _id: 0', () => {
    expect(compileProjection({ _id: 0 })(doc)).not.toHaveProperty('_id');
  });
  it('mixing inclusion and exclusion is an error', () => {
    expect(() => compileProjection({ name: 1, price: 0 })).toThrow(SimError);
  });
});

describe('chooseIndex', () => {
  const indexed = ['category', 'tags'];
  it('uses _id first, then an indexed equality', () => {
    expect(chooseIndex({ category: 'books', _id: 'p1' }, indexed)).toEqual({ index: '_id', keys: ['p1'] });
    expect(chooseIndex({ price: 5, category: 'books' }, indexed)).toEqual({ index: 'category', keys: ['books'] });
    expect(chooseIndex({ tags: { $in: ['a', 'b', 'a'] } }, indexed)).toEqual({ index: 'tags', keys: ['a', 'b'] });
    expect(chooseIndex({ category: { $eq: 'x', $ne: 'y' } }, indexed)).toEqual({ index: 'category', keys: ['x'] });
  });
  it('scans when no index can narrow the candidates', () => {
    expect(chooseIndex({ price: 5 }, indexed)).toBeNull(); // not indexed
    expect(chooseIndex({ category: { $ne: 'x' } }, indexed)).toBeNull();
    expect(chooseIndex({ category: true }, indexed)).toBeNull(); // booleans are not IndexedDB keys
    expect(chooseIndex({ category: null }, indexed)).toBeNull(); // null must also find missing fields
    expect(chooseIndex({ tags: ['a', 'b'] }, indexed)).toBeNull(); // whole-array equality
    expect(chooseIndex({ tags: { $in: ['a', /b/] } }, indexed)).toBeNull();
    expect(chooseIndex({ $or: [{ category: 'a' }] }, indexed)).toBeNull();
  });
});

describe('distinctValues', () => {
  it('flattens arrays, drops missing values, sorts in MongoDB order', () => {
    expect(distinctValues(products(), 'brand.country')).toEqual(['DE', 'DK', 'FI', 'IT', 'SE']);
    expect(distinctValues(products(), 'price').at(-1)).toBe('12');
    const tags = distinctValues(products(), 'tags');
    expect(tags).toContain('office');
    expect(tags.filter((t) => t === 'office')).toHaveLength(1);
    // The nested array is one value, and arrays sort after strings.
    expect(tags.at(-1)).toEqual(['scented', 'set']);
  });
});

describe('compareValues', () => {
  it('orders across types like MongoDB: null < number < string < object < array < boolean', () => {
    const values = [true, [1], { a: 1 }, 'a', 2, null];
    expect([...values].sort(compareValues)).toEqual([null, 2, 'a', { a: 1 }, [1], true]);
  });
  it('compares strings by code unit, not by locale', () => {
    expect(['b', 'B', 'a', 'é'].sort(compareValues)).toEqual(['B', 'a', 'b', 'é']);
  });
});
