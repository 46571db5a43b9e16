import { describe, expect, it } from 'vitest';
import { SimError } from '../../core/errors';
import { compileFilter, filterToString, matchFilter } from './matchFilter';
import { filterCases as cases, sampleProducts } from './fixtures';

describe('matchFilter: MongoDB query semantics over the sample catalog', () => {
  it.each(cases)('%s', (_name, filter, expected) => {
    const pred = compileFilter(filter);
    const got = sampleProducts.filter((p) => pred(p)).map((p) => p._id);
    expect(got).toEqual(expected);
  });

  it('matchFilter is the one-shot form of compileFilter', () => {
    expect(matchFilter(sampleProducts[0], { 'brand.name': 'Nordik' })).toBe(true);
    expect(matchFilter(sampleProducts[0], { 'brand.name': 'Lumo' })).toBe(false);
  });
});

describe('matchFilter: rejected filters', () => {
  const errors: Array<[string, unknown, RegExp]> = [
    ['unknown field operator', { price: { $foo: 1 } }, /^Unknown query operator \$foo$/],
    ['unknown top-level operator', { $where: 'this.price > 1' }, /^Unknown query operator \$where$/],
    ['unknown operator deep inside $or', { $or: [{ a: 1 }, { b: { $bar: 1 } }] }, /Unknown query operator \$bar/],
    ['unknown operator inside $elemMatch', { variants: { $elemMatch: { stock: { $gtx: 1 } } } }, /Unknown query operator \$gtx/],
    ['value operator at top level', { $gt: 1 }, /top level/],
    ['$in needs an array', { price: { $in: 5 } }, /\$in needs an array/],
    ['invalid regex', { name: { $regex: '(' } }, /Invalid \$regex/],
    ['unsupported regex option', { name: { $regex: 'a', $options: 'x' } }, /only i, m and s/],
    ['$options without $regex', { name: { $options: 'i' } }, /needs a \$regex/],
    ['operators mixed with fields', { price: { $gt: 1, currency: 'EUR' } }, /mixes operators/],
    ['empty $or', { $or: [] }, /non-empty array/],
    ['$and that is not an array', { $and: { a: 1 } }, /non-empty array/],
    ['negative $size', { tags: { $size: -1 } }, /\$size/],
    ['$not with a plain value', { name: { $not: 5 } }, /\$not needs/],
    ['filter that is not an object', 'category', /must be an object/],
    ['empty path segment', { 'brand..name': 1 }, /empty segment/],
  ];
  it.each(errors)('%s', (_name, filter, message) => {
    let caught: unknown;
    try {
      compileFilter(filter);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SimError);
    expect((caught as SimError).code).toBe('DOCUMENT');
    expect((caught as SimError).message).toMatch(message);
  });
});

describe('filterToString', () => {
  it('renders filters as one JSON line, RegExps as $regex', () => {
    expect(filterToString({ category: 'books' })).toBe('{"category":"books"}');
    expect(filterToString({ name: /lamp/i })).toBe('{"name":{"$regex":"lamp","$options":"i"}}');
  });
});
