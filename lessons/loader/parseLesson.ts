/**
 * Lesson text → blocks. The text stays readable Markdown; embedded parts are one-line
 * directives:
 *
 *     ::sandbox[hotel-payment-declined]{caption="The card is declined"}
 *     ::exercise[booking-saga]
 *
 * Front matter between `---` lines holds `title`, `chapter` and `summary`.
 */
import type { LessonBlock } from '../types';

export class LessonContentError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'LessonContentError';
  }
}

export interface ParsedLessonText {
  title: string;
  chapter: number;
  summary: string;
  blocks: LessonBlock[];
}

const DIRECTIVE = /^::(\w+)\[([^\]]*)\](?:\{(.*)\})?\s*$/;

function parseAttributes(raw: string, file: string, lineNo: number): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
  let rest = raw;
  for (const m of raw.matchAll(re)) {
    out[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    rest = rest.replace(m[0], '');
  }
  if (rest.trim() !== '') throw new LessonContentError(file, `line ${lineNo}: cannot read the attributes {${raw}} (write them as name="value").`);
  return out;
}

/** Parses lesson.md; throws LessonContentError naming the file and line. */
export function parseLessonText(text: string, file: string): ParsedLessonText {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') throw new LessonContentError(file, 'must start with front matter (a line "---", then title, chapter, summary, then "---").');
  const end = lines.indexOf('---', 1);
  if (end < 0) throw new LessonContentError(file, 'the front matter is not closed by a "---" line.');
  const meta: Record<string, string> = {};
  for (const [i, line] of lines.slice(1, end).entries()) {
    if (!line.trim()) continue;
    const m = /^(\w+):\s*(.*)$/.exec(line);
    if (!m) throw new LessonContentError(file, `line ${i + 2}: front matter lines are "key: value".`);
    meta[m[1]!] = m[2]!.trim().replace(/^"(.*)"$/, '$1');
  }
  for (const key of ['title', 'chapter', 'summary']) if (!meta[key]) throw new LessonContentError(file, `front matter has no "${key}".`);
  const chapter = Number(meta.chapter);
  if (!Number.isInteger(chapter) || chapter < 1 || chapter > 5) throw new LessonContentError(file, `chapter must be a whole number from 1 to 5 (got "${meta.chapter}").`);

  const blocks: LessonBlock[] = [];
  let markdown: string[] = [];
  const flush = () => {
    const md = markdown.join('\n').trim();
    if (md) blocks.push({ kind: 'markdown', markdown: md });
    markdown = [];
  };
  let fenced = false;
  for (let i = end + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : DIRECTIVE.exec(line);
    if (!m) {
      markdown.push(line);
      continue;
    }
    const [, name, arg, attrs] = m;
    const lineNo = i + 1;
    const attributes = attrs ? parseAttributes(attrs, file, lineNo) : {};
    if (!arg) throw new LessonContentError(file, `line ${lineNo}: ::${name} needs an id in brackets.`);
    flush();
    if (name === 'sandbox') {
      if (!attributes.caption) throw new LessonContentError(file, `line ${lineNo}: ::sandbox[${arg}] needs a caption="…".`);
      blocks.push({ kind: 'sandbox', scenario: arg, caption: attributes.caption });
    } else if (name === 'exercise') {
      blocks.push({ kind: 'exercise', exerciseId: arg });
    } else {
      throw new LessonContentError(file, `line ${lineNo}: unknown directive ::${name} (known: ::sandbox, ::exercise).`);
    }
  }
  if (fenced) throw new LessonContentError(file, 'a ``` code block is not closed.');
  flush();
  return { title: meta.title!, chapter, summary: meta.summary!, blocks };
}
