import { describe, expect, it } from 'vitest';
import { globMatch } from './glob';

describe('globMatch (Redis KEYS patterns)', () => {
  const cases: Array<[pattern: string, key: string, expected: boolean]> = [
    ['*', '', true],
    ['*', 'stock:p1', true],
    ['stock:*', 'stock:p1', true],
    ['stock:*', 'stock:', true],
    ['stock:*', 'res:o1', false],
    ['*:p1', 'stock:p1', true],
    ['*:p1', 'stock:p12', false],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h?llo', 'heello', false],
    ['h*llo', 'hllo', true],
    ['h*llo', 'heeeello', true],
    ['h[ae]llo', 'hello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[a-b]llo', 'hcllo', false],
    ['h[b-a]llo', 'hallo', true], // reversed range is swapped, as in Redis
    ['h\\*llo', 'h*llo', true],
    ['h\\*llo', 'hello', false],
    ['[\\]]', ']', true],
    ['a*b*c', 'a-b-b-c', true],
    ['a*b*c', 'a-b-b-d', false],
    ['**x', 'abx', true],
    ['Stock:*', 'stock:p1', false], // case-sensitive
    ['[abc', 'b', true], // an unclosed class runs to the end of the pattern
    ['res:o?', 'res:o1', true],
    ['res:o?', 'res:o10', false],
  ];
  it.each(cases)('%j matches %j → %s', (pattern, key, expected) => {
    expect(globMatch(pattern, key)).toBe(expected);
  });
});
