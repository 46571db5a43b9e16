import { describe, expect, it } from 'vitest';
import { headingOffsetFor, inlineText, parseInline, parseMarkdown, safeHref, slugify } from './markdown';

describe('parseMarkdown blocks', () => {
  it('headings, paragraphs, hr', () => {
    expect(parseMarkdown('# Title\n\nOne\ntwo\n\n---\n## Sub ##')).toEqual([
      { t: 'heading', level: 1, children: [{ t: 'text', text: 'Title' }] },
      { t: 'paragraph', children: [{ t: 'text', text: 'One\ntwo' }] },
      { t: 'hr' },
      { t: 'heading', level: 2, children: [{ t: 'text', text: 'Sub' }] },
    ]);
  });
  it('fenced code keeps its text verbatim', () => {
    expect(parseMarkdown('```ts\nconst a = `x` * 2;\n\n  indented\n```\nafter')).toEqual([
      { t: 'code', lang: 'ts', text: 'const a = `x` * 2;\n\n  indented' },
      { t: 'paragraph', children: [{ t: 'text', text: 'after' }] },
    ]);
  });
  it('lists, nested and numbered', () => {
    const [list] = parseMarkdown('- one\n- two\n  - inner\n- three');
    expect(list).toMatchObject({ t: 'list', ordered: false });
    if (list?.t !== 'list') throw new Error();
    expect(list.items).toHaveLength(3);
    expect(list.items[1]![1]).toMatchObject({ t: 'list', items: [[{ t: 'paragraph' }]] });
    expect(parseMarkdown('3. a\n4. b')[0]).toMatchObject({ t: 'list', ordered: true, start: 3 });
  });
  it('a list right after a paragraph line', () => {
    expect(parseMarkdown('Steps:\n1. a\n2. b').map((b) => b.t)).toEqual(['paragraph', 'list']);
  });
  it('block quotes and tables', () => {
    expect(parseMarkdown('> **Note** this')[0]).toMatchObject({ t: 'quote', children: [{ t: 'paragraph' }] });
    const [table] = parseMarkdown('| a | b |\n|:--|--:|\n| `x|y` | 2 |');
    expect(table).toMatchObject({ t: 'table', align: ['left', 'right'] });
    if (table?.t !== 'table') throw new Error();
    expect(table.rows[0]![0]).toEqual([{ t: 'code', text: 'x|y' }]);
  });
});

describe('parseInline', () => {
  it('code, strong, em, links', () => {
    expect(parseInline('a `b*c` **d** *e* [f](/x) ~~g~~')).toEqual([
      { t: 'text', text: 'a ' },
      { t: 'code', text: 'b*c' },
      { t: 'text', text: ' ' },
      { t: 'strong', children: [{ t: 'text', text: 'd' }] },
      { t: 'text', text: ' ' },
      { t: 'em', children: [{ t: 'text', text: 'e' }] },
      { t: 'text', text: ' ' },
      { t: 'link', href: '/x', children: [{ t: 'text', text: 'f' }] },
      { t: 'text', text: ' ' },
      { t: 'del', children: [{ t: 'text', text: 'g' }] },
    ]);
  });
  it('leaves snake_case, lone stars and unsafe links alone', () => {
    expect(inlineText(parseInline('event_store and 2 * 3'))).toBe('event_store and 2 * 3');
    expect(parseInline('[x](javascript:alert(1))')).toEqual([{ t: 'text', text: 'x' }, { t: 'text', text: ')' }]);
    expect(safeHref('javascript:x')).toBeNull();
    expect(safeHref('https://a.b')).toBe('https://a.b');
  });
  it('strong inside em and escapes', () => {
    expect(parseInline('*a **b** c*')).toEqual([
      { t: 'em', children: [{ t: 'text', text: 'a ' }, { t: 'strong', children: [{ t: 'text', text: 'b' }] }, { t: 'text', text: ' c' }] },
    ]);
    expect(parseInline('\\*not\\*')).toEqual([{ t: 'text', text: '*not*' }]);
  });
  it('hard breaks', () => {
    expect(parseMarkdown('a  \nb')[0]).toEqual({ t: 'paragraph', children: [{ t: 'text', text: 'a' }, { t: 'br' }, { t: 'text', text: '\nb' }] });
  });
});

it('slugify', () => {
  expect(slugify('Sagas & compensations: Ёж')).toBe('sagas-compensations-еж');
});

describe('headingOffsetFor', () => {
  it('puts the top headings of all the texts at the asked level, with no skipped levels', () => {
    expect(headingOffsetFor(['intro', '## Section\n\n### Sub', '## Another'], 2)).toBe(0);
    expect(headingOffsetFor(['# Section', '## Sub'], 2)).toBe(1);
    expect(headingOffsetFor(['### Deep only'], 2)).toBe(-1);
    expect(headingOffsetFor(['no headings at all'], 2)).toBe(1);
  });
});
