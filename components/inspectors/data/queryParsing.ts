/**
 * Parsing and validation of what a learner types into the inspectors' query boxes, with
 * errors in words (line and column, what was expected), never a thrown exception.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Where a 0-based offset falls in a text, 1-based. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** The 0-based offset JSON.parse complained about, across V8 versions' message formats. */
function jsonErrorOffset(message: string, text: string): number | null {
  const pos = /position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    let offset = 0;
    for (let i = 0; i < Number(lc[1]) - 1 && i < lines.length; i++) offset += lines[i]!.length + 1;
    return offset + Number(lc[2]) - 1;
  }
  if (/end of (JSON )?input|Unexpected end/i.test(message)) return text.length;
  return null;
}

/** Parses a JSON object (an empty box means `{}`). */
export function parseJsonObject(text: string, what = 'The filter'): Parsed<Record<string, unknown>> {
  const t = text.trim();
  if (t === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const offset = jsonErrorOffset(msg, text);
    const where = offset === null ? '' : (() => {
      const { line, column } = lineAndColumn(text, offset);
      return ` at line ${line}, column ${column}`;
    })();
    const hint = /'/.test(text) ? ' JSON needs double quotes around keys and strings.' : /\b[A-Za-z_$][\w$]*\s*:/.test(text) && !/"[^"]*"\s*:/.test(text) ? ' Keys must be in double quotes: {"price": 10}.' : '';
    return { ok: false, error: `${what} is not valid JSON${where}: ${msg.replace(/^JSON\.parse: /, '')}.${hint}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: `${what} must be a JSON object like {"category": "cables"}, not ${got}.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The query operators the document store understands (MongoDB's names). */
export const FILTER_OPERATORS = [
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$options',
  '$size', '$all', '$elemMatch', '$not', '$and', '$or', '$nor',
] as const;

const LOGICAL = new Set(['$and', '$or', '$nor']);

/** Finds operators the store does not know, with their path, before the store is asked. */
export function unknownOperators(filter: unknown, path = ''): string[] {
  const out: string[] = [];
  if (Array.isArray(filter)) {
    filter.forEach((f, i) => out.push(...unknownOperators(f, `${path}[${i}]`)));
    return out;
  }
  if (filter === null || typeof filter !== 'object') return out;
  for (const [k, v] of Object.entries(filter)) {
    const here = path ? `${path}.${k}` : k;
    if (k.startsWith('$') && !(FILTER_OPERATORS as readonly string[]).includes(k)) out.push(here);
    if (LOGICAL.has(k) && !Array.isArray(v)) out.push(`${here} (needs an array of filters)`);
    out.push(...unknownOperators(v, here));
  }
  return out;
}

/** A Mongo-style filter from the query box: valid JSON, an object, known operators. */
export function parseFilter(text: string): Parsed<Record<string, unknown>> {
  const parsed = parseJsonObject(text, 'The filter');
  if (!parsed.ok) return parsed;
  const bad = unknownOperators(parsed.value);
  if (bad.length > 0) return { ok: false, error: `Unknown or misused operator: ${bad.join(', ')}. Known: ${FILTER_OPERATORS.join(' ')}.` };
  return parsed;
}

/** A sort like {"price": -1}: every direction 1 or -1. */
export function parseSort(text: string): Parsed<Record<string, 1 | -1> | undefined> {
  if (text.trim() === '') return { ok: true, value: undefined };
  const parsed = parseJsonObject(text, 'The sort');
  if (!parsed.ok) return parsed;
  for (const [k, v] of Object.entries(parsed.value)) {
    if (v !== 1 && v !== -1) return { ok: false, error: `The sort direction of "${k}" must be 1 (ascending) or -1 (descending), not ${JSON.stringify(v)}.` };
  }
  return { ok: true, value: parsed.value as Record<string, 1 | -1> };
}

/** A row limit typed by a learner: a whole number from 1 to max. */
export function parseLimit(text: string, max = 500): Parsed<number> {
  const t = text.trim();
  if (t === '') return { ok: true, value: 50 };
  if (!/^\d+$/.test(t)) return { ok: false, error: `The limit must be a whole number, not "${t}".` };
  const n = Number(t);
  if (n < 1 || n > max) return { ok: false, error: `The limit must be between 1 and ${max}.` };
  return { ok: true, value: n };
}

/** A SQL error as the console shows it: PostgreSQL's message, where, and the statement with a caret. */
export interface SqlErrorView {
  message: string;
  /** 1-based character position PostgreSQL reported, if any. */
  position: number | null;
  line: number | null;
  column: number | null;
  /** The statement text (the line with the error when there is a position). */
  statement: string;
  /** The offending line and a caret under the position, for a <pre>. */
  pointer: string | null;
  sqlState: string | null;
}

/** Reads a SqlError (or anything thrown) into what the console shows. */
export function describeSqlError(err: unknown, sqlText: string): SqlErrorView {
  const e = (err ?? {}) as { message?: unknown; details?: { position?: unknown; sql?: unknown; sqlState?: unknown }; position?: unknown; sqlState?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const rawPos = e.details?.position ?? e.position;
  const position = typeof rawPos === 'number' && Number.isFinite(rawPos) && rawPos > 0 ? rawPos : null;
  const statement = typeof e.details?.sql === 'string' && e.details.sql !== '' ? e.details.sql : sqlText;
  const sqlState = typeof (e.details?.sqlState ?? e.sqlState) === 'string' ? String(e.details?.sqlState ?? e.sqlState) : null;
  if (position === null) return { message, position: null, line: null, column: null, statement, pointer: null, sqlState };
  const { line, column } = lineAndColumn(statement, position - 1);
  const text = statement.split('\n')[line - 1] ?? '';
  return { message, position, line, column, statement, pointer: `${text}\n${' '.repeat(column - 1)}^`, sqlState };
}
