/**
 * Twenty catalog products for tests: nested sub-documents, arrays of scalars and of
 * sub-documents, missing fields, a null, a string price (type bracketing) and a nested
 * array (MongoDB does not descend into it).
 */
import type { JsonObject } from '../../core/json';
import type { Filter } from './matchFilter';

export const sampleProducts: JsonObject[] = [
  { _id: 'p01', name: 'Oak Desk', category: 'furniture', price: 250, stock: 5, tags: ['wood', 'office'], brand: { name: 'Nordik', country: 'SE' }, ratings: [5, 4, 5], variants: [{ color: 'oak', size: 'L', stock: 2 }, { color: 'walnut', size: 'M', stock: 3 }], active: true, specs: { weight: 30, dims: { w: 120, h: 75 } } },
  { _id: 'p02', name: 'Steel Chair', category: 'furniture', price: 89.5, stock: 0, tags: ['metal', 'office'], brand: { name: 'Nordik', country: 'SE' }, ratings: [3, 4], variants: [{ color: 'black', size: 'M', stock: 0 }], active: true },
  { _id: 'p03', name: 'Desk Lamp', category: 'lighting', price: 35, stock: 40, tags: ['office', 'led'], brand: { name: 'Lumo', country: 'FI' }, ratings: [4], variants: [{ color: 'white', stock: 25 }, { color: 'black', stock: 15 }], active: true, description: 'Adjustable LED desk lamp' },
  { _id: 'p04', name: 'Floor Lamp', category: 'lighting', price: 120, stock: 7, tags: ['led'], brand: { name: 'Lumo', country: 'FI' }, ratings: [], variants: [], active: false },
  { _id: 'p05', name: 'Cotton Throw', category: 'textiles', price: 45, stock: 12, tags: ['cotton', 'living room'], brand: { name: 'Weave' }, ratings: [5, 5], active: true },
  { _id: 'p06', name: 'Wool Rug', category: 'textiles', price: 300, stock: 2, tags: ['wool'], brand: { name: 'Weave', country: 'DK' }, ratings: [2, 3, 1], active: true, discontinued: true },
  { _id: 'p07', name: 'Cookbook: Nordic Kitchen', category: 'books', price: 29.99, stock: 100, tags: ['cooking', 'nordic'], brand: null, ratings: [5, 4, 4, 5], active: true, description: 'Recipes from the north' },
  { _id: 'p08', name: 'Garden Guide', category: 'books', price: 19, stock: 0, tags: [], ratings: [3], active: true, specs: { weight: 1 } },
  { _id: 'p09', name: 'Novel: The Lamp', category: 'books', price: 15, stock: 60, tags: ['fiction'], ratings: [4, 5], active: true },
  { _id: 'p10', name: 'LED Strip', category: 'lighting', price: 25, stock: 80, tags: ['led', 'smart'], brand: { name: 'Lumo', country: 'FI' }, variants: [{ color: 'rgb', size: '5m', stock: 50 }, { color: 'white', size: '2m', stock: 30 }], active: true },
  { _id: 'p11', name: 'Bookshelf', category: 'furniture', price: 180, stock: 3, tags: ['wood', 'living room'], brand: { name: 'Nordik', country: 'SE' }, ratings: [4, 4], variants: [{ color: 'oak', size: 'L', stock: 3 }], active: true, specs: { weight: 45, dims: { w: 80, h: 200 } } },
  { _id: 'p12', name: 'Sofa', category: 'furniture', price: 899, stock: 1, tags: ['living room'], brand: { name: 'Sofia', country: 'IT' }, ratings: [5], active: true },
  { _id: 'p13', name: 'Pillow', category: 'textiles', price: '12', stock: 30, tags: ['cotton'], active: true },
  { _id: 'p14', name: 'Smart Bulb', category: 'lighting', price: 18, stock: 200, tags: ['smart', 'led'], brand: { name: 'Lumo', country: 'FI' }, ratings: [4, 3], active: true, description: 'Wi-Fi bulb' },
  { _id: 'p15', name: 'Bedside Table', category: 'furniture', price: 75, stock: 9, tags: ['wood'], brand: { name: 'Nordik', country: 'SE' }, ratings: [], variants: [{ color: 'white', size: 'S', stock: 9 }], active: false },
  { _id: 'p16', name: 'Linen Sheets', category: 'textiles', price: 95, stock: 14, tags: ['linen', 'bedroom'], brand: { name: 'Weave', country: 'DK' }, ratings: [4, 5, 5], active: true },
  { _id: 'p17', name: 'Atlas of the World', category: 'books', price: 55, stock: 4, tags: ['maps'], ratings: [5], active: true, discontinued: false },
  { _id: 'p18', name: 'Pendant Light', category: 'lighting', price: 140, stock: 0, tags: ['led', 'dining'], brand: { name: 'Lumo', country: 'FI' }, ratings: [3], active: true },
  { _id: 'p19', name: 'Desk Organizer', category: 'office', price: 22, stock: 50, tags: ['office', 'plastic'], brand: { name: 'Orga', country: 'DE' }, ratings: [4], active: true },
  { _id: 'p20', name: 'Candle Set', category: 'home', price: 14, stock: 0, tags: ['gift', ['scented', 'set']], active: true },
];

/** A fresh deep copy, so a test can never change another test's data. */
export function products(): JsonObject[] {
  return JSON.parse(JSON.stringify(sampleProducts)) as JsonObject[];
}

const ALL = sampleProducts.map((p) => p._id as string);
const except = (...ids: string[]) => ALL.filter((id) => !ids.includes(id));

/**
 * Filters over sampleProducts with the ids they must match, worked out by hand from the
 * data above (independently of the matcher). Used by the matcher's tests and, through
 * Dexie and its indexes, by the store's.
 */
export const filterCases: Array<[string, Filter, string[]]> = [
  ['empty filter matches everything', {}, ALL],
  ['top-level equality', { category: 'books' }, ['p07', 'p08', 'p09', 'p17']],
  ['number equality', { price: 15 }, ['p09']],
  ['string and number never equal', { price: 12 }, []],
  ['string equality on a mixed-type field', { price: '12' }, ['p13']],
  ['two fields are an implicit $and', { stock: 0, category: 'books' }, ['p08']],
  ['boolean equality', { active: false }, ['p04', 'p15']],
  ['dotted path into a sub-document', { 'brand.name': 'Lumo' }, ['p03', 'p04', 'p10', 'p14', 'p18']],
  ['dotted path, another field', { 'brand.country': 'SE' }, ['p01', 'p02', 'p11', 'p15']],
  ['three-level path', { 'specs.dims.w': 80 }, ['p11']],
  ['scalar matches inside an array', { tags: 'office' }, ['p01', 'p02', 'p03', 'p19']],
  ['array equality is exact and ordered', { tags: ['wood', 'office'] }, ['p01']],
  ['array equality: other order does not match', { tags: ['office', 'wood'] }, []],
  ['array operand equals a nested array element', { tags: ['scented', 'set'] }, ['p20']],
  ['no descent into nested arrays', { tags: 'scented' }, []],
  ['empty array equality', { tags: [] }, ['p08']],
  ['path through an array of sub-documents', { 'variants.color': 'white' }, ['p03', 'p10', 'p15']],
  ['path through an array, number', { 'variants.stock': 0 }, ['p02']],
  ['numeric segment indexes an array', { 'tags.0': 'led' }, ['p04', 'p10', 'p18']],
  ['numeric segment then field', { 'variants.1.color': 'black' }, ['p03']],
  ['sub-document equality is exact', { brand: { name: 'Weave' } }, ['p05']],
  ['sub-document equality ignores key order', { brand: { country: 'DK', name: 'Weave' } }, ['p06', 'p16']],
  ['null matches null and missing', { brand: null }, ['p07', 'p08', 'p09', 'p13', 'p17', 'p20']],
  ['null through a path matches missing leaves', { 'brand.country': null }, ['p05', 'p07', 'p08', 'p09', 'p13', 'p17', 'p20']],
  ['$eq', { category: { $eq: 'office' } }, ['p19']],
  ['$ne includes documents without the value', { price: { $ne: 15 } }, except('p09')],
  ['$ne through an array of sub-documents', { 'variants.color': { $ne: 'white' } }, except('p03', 'p10', 'p15')],
  ['$exists true', { discontinued: { $exists: true } }, ['p06', 'p17']],
  ['$exists false', { description: { $exists: false } }, except('p03', 'p07', 'p14')],
  ['$exists through an array of sub-documents', { 'variants.size': { $exists: true } }, ['p01', 'p02', 'p10', 'p11', 'p15']],
  ['$gt on numbers only (type bracketing)', { price: { $gt: 100 } }, ['p01', 'p04', 'p06', 'p11', 'p12', 'p18']],
  ['$gte and $lt together', { price: { $gte: 25, $lt: 50 } }, ['p03', 'p05', 'p07', 'p10']],
  ['$lte skips the string price', { price: { $lte: 15 } }, ['p09', 'p20']],
  ['$gt with a string operand compares strings only', { price: { $gt: '1' } }, ['p13']],
  ['$lt on a nested number', { 'specs.weight': { $lt: 40 } }, ['p01', 'p08']],
  ['comparison matches any array element', { ratings: { $gt: 4 } }, ['p01', 'p05', 'p07', 'p09', 'p12', 'p16', 'p17']],
  ['equality matches any array element', { ratings: 4 }, ['p01', 'p02', 'p03', 'p07', 'p09', 'p11', 'p14', 'p16', 'p19']],
  ['two bounds may be met by different elements', { ratings: { $gt: 3, $lt: 4 } }, ['p02', 'p14']],
  ['$elemMatch needs one element to meet both', { ratings: { $elemMatch: { $gt: 3, $lt: 4 } } }, []],
  ['$elemMatch on sub-documents', { variants: { $elemMatch: { color: 'oak', stock: { $gte: 3 } } } }, ['p11']],
  ['without $elemMatch, conditions may hit different elements', { 'variants.color': 'oak', 'variants.stock': 3 }, ['p01', 'p11']],
  ['$in', { category: { $in: ['office', 'home'] } }, ['p19', 'p20']],
  ['$in on an array field', { tags: { $in: ['wool', 'linen'] } }, ['p06', 'p16']],
  ['$in with null matches missing', { discontinued: { $in: [null, false] } }, except('p06')],
  ['$in with regular expressions', { 'brand.name': { $in: [/^S/, 'Orga'] } }, ['p12', 'p19']],
  ['$nin', { category: { $nin: ['books', 'furniture', 'lighting'] } }, ['p05', 'p06', 'p13', 'p16', 'p19', 'p20']],
  ['$all', { tags: { $all: ['led', 'smart'] } }, ['p10', 'p14']],
  ['$regex with $options i', { name: { $regex: 'lamp', $options: 'i' } }, ['p03', 'p04', 'p09']],
  ['$regex is case-sensitive by default', { name: { $regex: 'lamp' } }, []],
  ['$regex anchored', { name: { $regex: '^Desk' } }, ['p03', 'p19']],
  ['RegExp literal', { name: /light|bulb/i }, ['p14', 'p18']],
  ['$regex on array elements', { tags: { $regex: '^li' } }, ['p05', 'p11', 'p12', 'p16']],
  ['$not with a regex', { name: { $not: /lamp/i } }, except('p03', 'p04', 'p09')],
  ['$not keeps values $gt cannot compare', { price: { $not: { $gt: 100 } } }, except('p01', 'p04', 'p06', 'p11', 'p12', 'p18')],
  ['$size 0', { tags: { $size: 0 } }, ['p08']],
  ['$size 2 counts a nested array as one element', { tags: { $size: 2 } }, ['p01', 'p02', 'p03', 'p05', 'p07', 'p10', 'p11', 'p14', 'p16', 'p18', 'p19', 'p20']],
  ['$size 3', { ratings: { $size: 3 } }, ['p01', 'p06', 'p16']],
  ['$exists and $size together', { ratings: { $exists: true, $size: 0 } }, ['p04', 'p15']],
  ['$or', { $or: [{ category: 'office' }, { stock: 0 }] }, ['p02', 'p08', 'p18', 'p19', 'p20']],
  ['$and', { $and: [{ category: 'lighting' }, { active: true }, { stock: { $gt: 10 } }] }, ['p03', 'p10', 'p14']],
  ['$nor', { $nor: [{ category: 'books' }, { category: 'furniture' }, { active: false }] }, ['p03', 'p05', 'p06', 'p10', 'p13', 'p14', 'p16', 'p18', 'p19', 'p20']],
  ['$or nested in $and with a field', { category: 'furniture', $and: [{ $or: [{ price: { $lt: 100 } }, { 'brand.country': 'IT' }] }] }, ['p02', 'p12', 'p15']],
];

