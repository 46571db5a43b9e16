import { describe, expect, it } from 'vitest';
import { SimError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import { applyUpdate, compileUpdate, upsertSeed, type UpdateSpec } from './applyUpdate';

const base = (): JsonObject => ({
  _id: 'p1',
  name: 'Desk',
  price: 100,
  tags: ['wood', 'office'],
  brand: { name: 'Nordik' },
  variants: [
    { color: 'oak', stock: 2 },
    { color: 'white', stock: 0 },
  ],
  scores: [3, 8, 5, 8],
});

const cases: Array<[string, UpdateSpec, JsonObject]> = [
  ['$set a top-level field', { $set: { price: 120 } }, { ...base(), price: 120 }],
  ['$set a new nested path creates sub-documents', { $set: { 'specs.dims.w': 80 } }, { ...base(), specs: { dims: { w: 80 } } }],
  ['$set inside an existing sub-document', { $set: { 'brand.country': 'SE' } }, { ...base(), brand: { name: 'Nordik', country: 'SE' } }],
  ['$set an array element by index', { $set: { 'variants.1.stock': 5 } }, { ...base(), variants: [{ color: 'oak', stock: 2 }, { color: 'white', stock: 5 }] }],
  ['$set past the end pads with null', { $set: { 'tags.3': 'x' } }, { ...base(), tags: ['wood', 'office', null, 'x'] }],
  ['$unset a field', { $unset: { brand: '' } }, (() => { const d = base(); delete d.brand; return d; })()],
  ['$unset a missing field is a no-op', { $unset: { nothing: 1 } }, base()],
  ['$unset an array element leaves null', { $unset: { 'tags.0': 1 } }, { ...base(), tags: [null, 'office'] }],
  ['$inc a number', { $inc: { price: -15.5 } }, { ...base(), price: 84.5 }],
  ['$inc a missing field sets it', { $inc: { 'stats.views': 1 } }, { ...base(), stats: { views: 1 } }],
  ['$inc inside an array of sub-documents', { $inc: { 'variants.0.stock': 3 } }, { ...base(), variants: [{ color: 'oak', stock: 5 }, { color: 'white', stock: 0 }] }],
  ['$push one value', { $push: { tags: 'sale' } }, { ...base(), tags: ['wood', 'office', 'sale'] }],
  ['$push with $each', { $push: { tags: { $each: ['a', 'b'] } } }, { ...base(), tags: ['wood', 'office', 'a', 'b'] }],
  ['$push to a missing field creates the array', { $push: { history: { at: 1 } } }, { ...base(), history: [{ at: 1 }] }],
  ['$addToSet skips present values', { $addToSet: { tags: { $each: ['office', 'new', 'new'] } } }, { ...base(), tags: ['wood', 'office', 'new'] }],
  ['$pull by value removes every copy', { $pull: { scores: 8 } }, { ...base(), scores: [3, 5] }],
  ['$pull by condition', { $pull: { scores: { $gte: 5 } } }, { ...base(), scores: [3] }],
  ['$pull sub-documents by query', { $pull: { variants: { stock: 0 } } }, { ...base(), variants: [{ color: 'oak', stock: 2 }] }],
  ['$pull with $in', { $pull: { tags: { $in: ['wood', 'x'] } } }, { ...base(), tags: ['office'] }],
  ['$pull on a missing field is a no-op', { $pull: { nothing: 1 } }, base()],
  ['several operators at once', { $set: { name: 'Big Desk' }, $inc: { price: 10 }, $push: { tags: 'xl' } }, { ...base(), name: 'Big Desk', price: 110, tags: ['wood', 'office', 'xl'] }],
  ['$setOnInsert is ignored on an update', { $setOnInsert: { createdAt: 5 }, $set: { price: 1 } }, { ...base(), price: 1 }],
];

describe('applyUpdate: operators', () => {
  it.each(cases)('%s', (_name, update, expected) => {
    const input = base();
    const out = applyUpdate(input, update);
    expect(out).toEqual(expected);
    // Pure: the input document is untouched.
    expect(input).toEqual(base());
  });

  it('$setOnInsert applies when inserting', () => {
    expect(applyUpdate({ _id: 'n' }, { $setOnInsert: { createdAt: 5 } }, true)).toEqual({ _id: 'n', createdAt: 5 });
  });

  it('values are copied, not shared with the update', () => {
    const value = { w: 1 };
    const out = applyUpdate(base(), { $set: { dims: value } });
    value.w = 2;
    expect(out.dims).toEqual({ w: 1 });
  });
});

describe('applyUpdate: rejected updates', () => {
  const errors: Array<[string, unknown, RegExp]> = [
    ['unknown operator', { $foo: { a: 1 } }, /^Unknown update operator \$foo$/],
    ['replacement document', { name: 'x' }, /only contain operators.*replaceOne/],
    ['empty update', {}, /at least one operator/],
    ['$inc with a string', { $inc: { price: '1' } }, /\$inc needs a number/],
    ['$inc on a string field', { $inc: { name: 1 } }, /non-numeric/],
    ['$push to a non-array', { $push: { name: 'x' } }, /must be an array/],
    ['$pull from a non-array', { $pull: { price: 1 } }, /non-array/],
    ['conflicting paths', { $set: { brand: {} }, $inc: { 'brand.stock': 1 } }, /conflict/],
    ['same path twice', { $set: { price: 1 }, $inc: { price: 1 } }, /conflict/],
    ['field inside a scalar', { $set: { 'price.amount': 1 } }, /Cannot create field 'amount'/],
    ['named field inside an array', { $set: { 'tags.first': 'x' } }, /Cannot create field 'first' in an array/],
    ['changing _id', { $set: { _id: 'p2' } }, /immutable field '_id'/],
    ['unsetting _id', { $unset: { _id: 1 } }, /immutable field '_id'/],
    ['positional operator', { $set: { 'variants.$.stock': 1 } }, /Positional/],
    ['non-JSON value', { $set: { at: new Date(0) } }, /Date/],
    ['operator operand not an object', { $set: 5 }, /needs an object/],
  ];
  it.each(errors)('%s', (_name, update, message) => {
    let caught: unknown;
    try {
      compileUpdate(update).apply(base());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SimError);
    expect((caught as SimError).code).toBe('DOCUMENT');
    expect((caught as SimError).message).toMatch(message);
  });

  it('setting _id to its current value is allowed', () => {
    expect(applyUpdate(base(), { $set: { _id: 'p1', price: 1 } }).price).toBe(1);
  });
});

describe('upsertSeed', () => {
  it('takes equalities (dotted, $eq, inside $and) and ignores other conditions', () => {
    expect(
      upsertSeed({ sku: 'A1', 'dims.w': 3, price: { $gt: 5 }, color: { $eq: 'red' }, $and: [{ brand: 'X' }], $or: [{ a: 1 }], name: /x/ }),
    ).toEqual({ sku: 'A1', dims: { w: 3 }, color: 'red', brand: 'X' });
  });
});
