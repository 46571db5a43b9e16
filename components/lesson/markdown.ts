/**
 * A small Markdown parser for lesson text: the subset lessons use, parsed into plain data
 * that Markdown.tsx turns into React elements (no HTML strings, so nothing to sanitise).
 *
 * Blocks: ATX headings, paragraphs, fenced code, bullet and numbered lists (nested by
 * indentation), block quotes, horizontal rules, GFM tables. Inline: `code`, **strong**,
 * *em* / _em_, ~~del~~, [links](url), <autolinks>, hard breaks (two trailing spaces or `\`).
 * Raw HTML is shown as text.
 */

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'del'; children: Inline[] }
  | { t: 'link'; href: string; children: Inline[] }
  | { t: 'br' };

export type Block =
  | { t: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { t: 'paragraph'; children: Inline[] }
  | { t: 'code'; lang: string; text: string }
  | { t: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { t: 'quote'; children: Block[] }
  | { t: 'hr' }
  | { t: 'table'; align: Array<'left' | 'center' | 'right' | null>; head: Inline[][]; rows: Inline[][][] };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const HR = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

const blank = (s: string) => s.trim() === '';

export function parseMarkdown(src: string): Block[] {
  return parseBlocks(src.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n'));
}

function parseBlocks(lines: string[]): Block[] {
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (blank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const indent = line.length - line.trimStart().length;
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`).test(lines[i]!)) {
        body.push(lines[i]!.slice(Math.min(indent, lines[i]!.length - lines[i]!.trimStart().length)));
        i++;
      }
      i++; // closing fence (or end of text)
      out.push({ t: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      out.push({ t: 'heading', level: heading[1]!.length as 1, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (HR.test(line)) {
      out.push({ t: 'hr' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && !blank(lines[i]!)) {
        const m = QUOTE.exec(lines[i]!);
        body.push(m ? m[1]! : lines[i]!);
        i++;
      }
      out.push({ t: 'quote', children: parseBlocks(body) });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const r = parseList(lines, i);
      out.push(r.block);
      i = r.next;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]!) && lines[i + 1]!.includes('-')) {
      const head = splitRow(line);
      const align = splitRow(lines[i + 1]!).map((c) => {
        const l = c.startsWith(':');
        const r = c.endsWith(':');
        return l && r ? 'center' : r ? 'right' : l ? 'left' : null;
      });
      i += 2;
      const rows: Inline[][][] = [];
      while (i < lines.length && !blank(lines[i]!) && lines[i]!.includes('|')) {
        const cells = splitRow(lines[i]!);
        rows.push(head.map((_, k) => parseInline(cells[k] ?? '')));
        i++;
      }
      out.push({ t: 'table', align, head: head.map((c) => parseInline(c)), rows });
      continue;
    }
    // Paragraph: until a blank line or the start of another block.
    const body: string[] = [];
    while (
      i < lines.length &&
      !blank(lines[i]!) &&
      !(body.length > 0 && (FENCE.test(lines[i]!) || HEADING.test(lines[i]!) || QUOTE.test(lines[i]!) || HR.test(lines[i]!) || LIST_ITEM.test(lines[i]!)))
    ) {
      body.push(lines[i]!);
      i++;
    }
    out.push({ t: 'paragraph', children: parseInline(joinParagraph(body)) });
  }
  return out;
}

/** Joins paragraph lines; a line ending in two spaces or a backslash becomes a hard break. */
function joinParagraph(lines: string[]): string {
  return lines
    .map((l, k) => {
      const last = k === lines.length - 1;
      if (!last && (/ {2,}$/.test(l) || /\\$/.test(l))) return l.replace(/( {2,}|\\)$/, '\u0000');
      return l.trim();
    })
    .join('\n')
    .trim();
}

function parseList(lines: string[], start: number): { block: Block; next: number } {
  const first = LIST_ITEM.exec(lines[start]!)!;
  const ordered = /\d/.test(first[2]!);
  const baseIndent = first[1]!.length;
  const items: Block[][] = [];
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i]!);
    if (!m || m[1]!.length !== baseIndent || /\d/.test(m[2]!) !== ordered) break;
    const contentIndent = baseIndent + m[2]!.length + Math.max(1, m[3]!.length);
    const body: string[] = [m[4]!];
    i++;
    while (i < lines.length) {
      const l = lines[i]!;
      if (blank(l)) {
        // A blank line continues the item only if the next line is indented under it.
        const nextLine = lines[i + 1];
        if (nextLine !== undefined && !blank(nextLine) && nextLine.length - nextLine.trimStart().length >= contentIndent) {
          body.push('');
          i++;
          continue;
        }
        break;
      }
      const indent = l.length - l.trimStart().length;
      if (indent >= contentIndent || (indent > baseIndent && LIST_ITEM.test(l))) {
        body.push(l.slice(Math.min(indent, contentIndent)));
      } else if (LIST_ITEM.test(l) || FENCE.test(l) || HEADING.test(l) || QUOTE.test(l)) {
        break;
      } else {
        body.push(l.trim()); // lazy continuation of the item's paragraph
      }
      i++;
    }
    items.push(parseBlocks(body));
    // Skip one blank line between items of a loose list.
    if (i < lines.length && blank(lines[i]!) && i + 1 < lines.length) {
      const n = LIST_ITEM.exec(lines[i + 1]!);
      if (n && n[1]!.length === baseIndent && /\d/.test(n[2]!) === ordered) i++;
    }
  }
  return { block: { t: 'list', ordered, start: ordered ? parseInt(first[2]!, 10) : 1, items }, next: i };
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  let inCode = false;
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (c === '\\' && s[k + 1] === '|') {
      cur += '|';
      k++;
    } else if (c === '`') {
      inCode = !inCode;
      cur += c;
    } else if (c === '|' && !inCode) {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

/** Only links that cannot run script: http(s), mailto, site-relative and in-page anchors. */
/**
 * The heading offset that puts a text's top headings at `level` (the lesson page's h1 is its
 * title, so its sections are h2, whether the author wrote them `#` or `##`). 1 when there are none.
 */
export function headingOffsetFor(sources: readonly string[], level: number): number {
  let top = Infinity;
  for (const src of sources) for (const b of parseMarkdown(src)) if (b.t === 'heading') top = Math.min(top, b.level);
  return top === Infinity ? 1 : level - top;
}

export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h)) return h;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h)) return null;
  return h;
}

export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ t: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\u0000') {
      flush();
      out.push({ t: 'br' });
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < src.length && /[\\`*_{}[\]()#+\-.!|~<>]/.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const ticks = /^`+/.exec(src.slice(i))![0];
      const end = src.indexOf(ticks, i + ticks.length);
      if (end !== -1) {
        flush();
        let code = src.slice(i + ticks.length, end).replace(/\n/g, ' ');
        if (/^ .* $/.test(code)) code = code.slice(1, -1);
        out.push({ t: 'code', text: code });
        i = end + ticks.length;
        continue;
      }
      text += ticks;
      i += ticks.length;
      continue;
    }
    if (c === '<') {
      const m = /^<((?:https?:\/\/|mailto:)[^\s>]+)>/.exec(src.slice(i));
      if (m) {
        flush();
        out.push({ t: 'link', href: m[1]!, children: [{ t: 'text', text: m[1]!.replace(/^mailto:/, '') }] });
        i += m[0].length;
        continue;
      }
    }
    if (c === '[') {
      const close = findClosing(src, i);
      if (close !== -1 && src[close + 1] === '(') {
        const end = src.indexOf(')', close + 2);
        if (end !== -1) {
          const href = safeHref(src.slice(close + 2, end).trim().split(/\s+/)[0] ?? '');
          const children = parseInline(src.slice(i + 1, close));
          flush();
          if (href !== null) out.push({ t: 'link', href, children });
          else out.push(...children);
          i = end + 1;
          continue;
        }
      }
    }
    if (c === '*' || c === '_' || c === '~') {
      const run = new RegExp(`^\\${c}+`).exec(src.slice(i))![0];
      const n = c === '~' ? (run.length >= 2 ? 2 : 0) : Math.min(run.length, 2);
      // `_` inside a word (snake_case) is not emphasis.
      const intraword = c === '_' && i > 0 && /\w/.test(src[i - 1]!);
      if (n > 0 && !intraword && i + n < src.length && !/\s/.test(src[i + n]!)) {
        const marker = c.repeat(n);
        const end = findDelimiter(src, i + n, marker);
        if (end !== -1) {
          flush();
          const children = parseInline(src.slice(i + n, end));
          out.push(c === '~' ? { t: 'del', children } : n === 2 ? { t: 'strong', children } : { t: 'em', children });
          i = end + n;
          continue;
        }
      }
      text += run;
      i += run.length;
      continue;
    }
    text += c;
    i++;
  }
  flush();
  return out;
}

function findClosing(src: string, open: number): number {
  let depth = 0;
  for (let k = open; k < src.length; k++) {
    if (src[k] === '\\') k++;
    else if (src[k] === '`') {
      const end = src.indexOf('`', k + 1);
      if (end !== -1) k = end;
    } else if (src[k] === '[') depth++;
    else if (src[k] === ']' && --depth === 0) return k;
  }
  return -1;
}

function findDelimiter(src: string, from: number, marker: string): number {
  for (let k = from; k < src.length; k++) {
    const c = src[k]!;
    if (c === '\\') {
      k++;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', k + 1);
      if (end !== -1) k = end;
      continue;
    }
    // For a single marker, skip a nested strong (**…**) as a whole.
    if (marker.length === 1 && src.startsWith(marker + marker, k) && !/\s/.test(src[k + 2] ?? ' ')) {
      const inner = findDelimiter(src, k + 2, marker + marker);
      if (inner !== -1) {
        k = inner + 1;
        continue;
      }
    }
    if (src.startsWith(marker, k) && !/\s/.test(src[k - 1]!)) {
      if (marker === '_' && k + 1 < src.length && /\w/.test(src[k + 1]!)) continue;
      return k;
    }
  }
  return -1;
}

/** Plain text of inline nodes (for ids and labels). */
export function inlineText(nodes: Inline[]): string {
  return nodes
    .map((n) => (n.t === 'text' || n.t === 'code' ? n.text : n.t === 'br' ? ' ' : inlineText(n.children)))
    .join('');
}

/** "Sagas & compensations" → "sagas-compensations" */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}
