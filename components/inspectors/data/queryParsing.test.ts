import { describe, expect, it } from 'vitest';
import { SqlError } from '@/simulator';
import { describeSqlError, lineAndColumn, parseFilter, parseJsonObject, parseLimit, parseSort } from './queryParsing';

describe('query box parsing', () => {
  it('accepts an empty box as {} and a valid filter as is', () => {
    expect(parseFilter('  ')).toEqual({ ok: true, value: {} });
    expect(parseFilter('{"price": {"$lt": 40}, "$or": [{"category": "cables"}, {"tags": "usb"}]}')).toEqual({
      ok: true,
      value: { price: { $lt: 40 }, $or: [{ category: 'cables' }, { tags: 'usb' }] },
    });
  });

  it('says where the JSON breaks, in words', () => {
    const r = parseFilter('{\n  "price": {"$lt": 40,}\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^The filter is not valid JSON at line 2, column \d+/);
    const q = parseFilter("{'a': 1}");
    expect(q.ok).toBe(false);
    if (!q.ok) expect(q.error).toContain('double quotes');
    const k = parseFilter('{price: 1}');
    if (!k.ok) expect(k.error).toContain('Keys must be in double quotes');
    const end = parseFilter('{"a": ');
    expect(end.ok).toBe(false);
  });

  it('refuses what is not an object and unknown operators', () => {
    expect(parseFilter('[1]')).toEqual({ ok: false, error: 'The filter must be a JSON object like {"category": "cables"}, not an array.' });
    expect(parseJsonObject('null').ok).toBe(false);
    expect(parseJsonObject('"x"', 'The sort')).toEqual({ ok: false, error: 'The sort must be a JSON object like {"category": "cables"}, not a string.' });
    const r = parseFilter('{"price": {"$lessThan": 4}, "$or": {"a": 1}}');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain('price.$lessThan');
      expect(r.error).toContain('$or (needs an array of filters)');
    }
  });

  it('validates sort directions and limits', () => {
    expect(parseSort('')).toEqual({ ok: true, value: undefined });
    expect(parseSort('{"price": -1}')).toEqual({ ok: true, value: { price: -1 } });
    expect(parseSort('{"price": "desc"}').ok).toBe(false);
    expect(parseLimit('')).toEqual({ ok: true, value: 50 });
    expect(parseLimit('20')).toEqual({ ok: true, value: 20 });
    expect(parseLimit('0').ok).toBe(false);
    expect(parseLimit('2.5').ok).toBe(false);
    expect(parseLimit('9999').ok).toBe(false);
  });

  it('computes 1-based line and column', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });

  it('turns a SqlError into message, position, line/column and a caret', () => {
    const sql = 'SELECT *\nFROM userz';
    const v = describeSqlError(new SqlError('relation "userz" does not exist', sql, 15, '42P01'), sql);
    expect(v).toMatchObject({ message: 'relation "userz" does not exist', position: 15, line: 2, column: 6, sqlState: '42P01', statement: sql });
    expect(v.pointer).toBe('FROM userz\n     ^');
    const plain = describeSqlError(new Error('boom'), 'SELECT 1');
    expect(plain).toMatchObject({ message: 'boom', position: null, pointer: null, statement: 'SELECT 1' });
  });
});
