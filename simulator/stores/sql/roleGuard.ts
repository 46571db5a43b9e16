/**
 * Finds SQL that would step out of a store's database role (see `sharedPglite.ts`).
 *
 * A store's statements run as the role that owns its schema, on a connection whose session user
 * is PostgreSQL's superuser. PostgreSQL lets a session go back to its session user at any time,
 * so such statements must be refused before they are sent. The text is read by a small lexer
 * (comments, strings and quoted names as PostgreSQL reads them) and judged on its words.
 */

/** A piece of SQL text; comments and white space are left out. */
interface Token {
  /** word: a name or key word; string: a literal (or an unclosed quote or comment); other: a number, a parameter or one character. */
  kind: 'word' | 'string' | 'other';
  /** A word in lower case (a quoted name as written, without its quotes); a string's value with its escapes resolved. */
  text: string;
  /** A name in double quotes: PostgreSQL never reads it as a key word. */
  quoted?: boolean;
  /** '…' is standard; E'…' and U&'…' are escaped; $tag$…$tag$ is dollar; open runs to the end of the text. */
  quote?: 'standard' | 'escaped' | 'dollar' | 'open';
}

/** Parameters a store may not change: its role, and the string syntax this lexer assumes. */
const GUARDED = new Set(['role', 'session_authorization', 'standard_conforming_strings']);

/**
 * Text without any of these cannot leave the role, and is not lexed. Besides the words: a
 * backslash or UESCAPE (escapes can spell any word) and a quote at the end of a line (PostgreSQL
 * joins 'ro' and 'le' on the next line into one string).
 */
const MAY_LEAVE_ROLE = /role|authorization|discard|set_config|conforming|uescape|\\|'[ \t\f\v]*(?:--[^\n\r]*)?[\n\r](?:\s|--[^\n\r]*)*'/i;

/** Words that start a statement: a string inside a body that starts with one (or has one after a `;`) is read as SQL. */
const STATEMENT_WORDS = new Set([
  'select', 'insert', 'update', 'delete', 'merge', 'with', 'values', 'table', 'create', 'alter', 'drop', 'grant',
  'revoke', 'truncate', 'comment', 'set', 'reset', 'discard', 'do', 'call', 'execute', 'perform', 'begin', 'start',
  'commit', 'rollback', 'abort', 'end', 'savepoint', 'release', 'prepare', 'explain', 'copy', 'lock', 'declare',
]);

/** Words after which UPDATE starts a statement (ON CONFLICT DO UPDATE, MERGE … THEN UPDATE, rules, EXPLAIN, PL/pgSQL blocks). */
const BEFORE_UPDATE = new Set(['do', 'then', 'else', 'begin', 'loop', 'also', 'instead', 'as', 'explain', 'analyze', 'analyse', 'verbose', 'atomic']);

/**
 * True when `sql` would change the role it runs as, or may do so in a way this check cannot see
 * through. Refused, wherever it stands in the text (case does not matter, comments are skipped,
 * a quoted name counts as the name):
 *
 * - `SET [SESSION | LOCAL] ROLE …`, `RESET ROLE`, and the same with `session_authorization`,
 *   also spelled `SET SESSION AUTHORIZATION` / `RESET SESSION AUTHORIZATION`. This includes the
 *   `SET role = …` clause of CREATE/ALTER FUNCTION, which runs the function's body as that role.
 *   The one exception is an UPDATE's SET clause (`UPDATE users SET role = 'admin'`), where
 *   `role` is a column: the SET follows `UPDATE <table> [alias]`, and that UPDATE starts a
 *   statement (or is ON CONFLICT's DO UPDATE, MERGE's THEN UPDATE).
 * - `DISCARD ALL`, which resets the role with the rest of the session.
 * - A call to `set_config` whose first argument is anything but one plain '…' literal naming
 *   another parameter: `set_config('search_path', …)` passes, `set_config(E'role', …)`,
 *   `set_config('rol' || 'e', …)` or `set_config($1, …)` do not.
 * - Changing `standard_conforming_strings` (SET or set_config): with it off, PostgreSQL would
 *   read backslashes in '…' strings as escapes, and this lexer would read the text wrongly.
 *
 * Strings are read too, because PostgreSQL runs some of them as SQL:
 *
 * - A dollar-quoted string ($$…$$) is read as SQL: it is how DO blocks and function bodies are
 *   written. So is a '…' or E'…' string right after DO, AS, EXECUTE, `LANGUAGE <name>` or in
 *   `EXECUTE format('…')`: `DO $$ BEGIN EXECUTE 'SET ROLE postgres'; END $$` is refused.
 * - Inside such a body, any other string is read as SQL when it looks like a statement: a
 *   statement word (SELECT, SET, RESET, CREATE…) starts it or follows a `;` in it. It may be
 *   kept in a variable and run by EXECUTE later. The cost: a data string in a function body that
 *   starts with, say, 'set role …' is refused.
 * - Any other string in the statement itself is data (`INSERT INTO t VALUES ('set role x')`
 *   passes); only set_config calls in it are refused, since query_to_xml('SELECT set_config(…)')
 *   runs it. PostgreSQL itself refuses SET and RESET in such functions.
 * - A quote or comment left open in SQL runs to the end of the text, which is then read as
 *   SQL. PostgreSQL would refuse the whole text anyway; this only keeps a quote this lexer
 *   misreads from hiding a role change.
 *
 * What a textual check cannot catch: SQL assembled while it runs. `EXECUTE 'RE' || 'SET ROLE'`,
 * a string built by a function, or SQL passed as an argument to a function that EXECUTEs it
 * (`SELECT run('RESET ROLE')`) are not seen as role changes.
 */
export function leavesRole(sql: string): boolean {
  return textLeavesRole(sql, 'code', false);
}

/** How a text is read: as SQL, as data that may be SQL (inside a body), or as plain data. */
type Reading = 'code' | 'data' | 'plain';

/** @param inBody - the text is inside a DO block or function body (or SQL run by one). */
function textLeavesRole(sql: string, reading: Reading, inBody: boolean): boolean {
  if (!MAY_LEAVE_ROLE.test(sql)) return false;
  const tokens = lex(sql);
  if (reading === 'data') reading = looksLikeStatement(tokens) ? 'code' : 'plain';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'string') {
      if (textLeavesRole(t.text, readingOf(tokens, i, reading, inBody), true)) return true;
    } else if (callsSetConfig(tokens, i)) {
      if (!setsOtherParameter(tokens, i + 2)) return true;
    } else if (reading === 'code') {
      if (isKeyword(t, 'set') || isKeyword(t, 'reset')) {
        const name = parameterAfter(tokens, i);
        if (name !== null && GUARDED.has(name) && !(t.text === 'set' && inUpdate(tokens, i))) return true;
      } else if (isKeyword(t, 'discard') && isName(tokens[i + 1], 'all')) return true;
    }
  }
  return false;
}

/** How to read the string at tokens[i] of a text read as `reading`. */
function readingOf(tokens: Token[], i: number, reading: Reading, inBody: boolean): Reading {
  if (reading === 'plain') return 'plain';
  const t = tokens[i]!;
  if (t.quote === 'dollar' || t.quote === 'open' || isBodyPosition(tokens, i)) return 'code';
  return inBody ? 'data' : 'plain';
}

/** A string PostgreSQL runs: `DO '…'`, `AS '…'`, `EXECUTE '…'`, `LANGUAGE plpgsql '…'`, `EXECUTE format('…', …)`. */
function isBodyPosition(tokens: Token[], i: number): boolean {
  const before = tokens[i - 1];
  if (isKeyword(before, 'do') || isKeyword(before, 'as') || isKeyword(before, 'execute')) return true;
  if (before?.kind === 'word' && isKeyword(tokens[i - 2], 'language')) return true;
  return isOther(before, '(') && isKeyword(tokens[i - 2], 'format') && isKeyword(tokens[i - 3], 'execute');
}

/** A statement word at the start of the text or after a `;`. */
function looksLikeStatement(tokens: Token[]): boolean {
  return tokens.some((t, i) => (i === 0 || isOther(tokens[i - 1], ';')) && t.kind === 'word' && !t.quoted && STATEMENT_WORDS.has(t.text));
}

/** `set_config(` or `pg_catalog.set_config(`, quoted or not. */
function callsSetConfig(tokens: Token[], i: number): boolean {
  return isName(tokens[i], 'set_config') && isOther(tokens[i + 1], '(');
}

/** The argument starting at tokens[i] is one plain '…' literal, and names a parameter a store may set. */
function setsOtherParameter(tokens: Token[], i: number): boolean {
  const arg = tokens[i];
  const after = tokens[i + 1];
  return arg?.quote === 'standard' && (isOther(after, ',') || isOther(after, ')')) && !GUARDED.has(arg.text.toLowerCase());
}

/**
 * The parameter a SET or RESET at tokens[i] names, in lower case ('role', 'search_path',
 * 'session_authorization' for SESSION AUTHORIZATION), after an optional SESSION or LOCAL.
 */
function parameterAfter(tokens: Token[], i: number): string | null {
  let j = i + 1;
  if (isSessionAuthorization(tokens, j)) return 'session_authorization';
  // SESSION or LOCAL is a modifier only when a name follows (`UPDATE t SET local = 1` sets a column).
  if ((isKeyword(tokens[j], 'session') || isKeyword(tokens[j], 'local')) && tokens[j + 1]?.kind === 'word') j++;
  if (isSessionAuthorization(tokens, j)) return 'session_authorization';
  if (tokens[j]?.kind !== 'word') return null;
  let name = tokens[j]!.text.toLowerCase();
  // A dotted name (`SET myapp.role = …`) is another parameter.
  for (; isOther(tokens[j + 1], '.') && tokens[j + 2]?.kind === 'word'; j += 2) name += `.${tokens[j + 2]!.text.toLowerCase()}`;
  return name;
}

function isSessionAuthorization(tokens: Token[], i: number): boolean {
  return isKeyword(tokens[i], 'session') && isKeyword(tokens[i + 1], 'authorization');
}

/**
 * The SET at tokens[i] is an UPDATE's SET clause: `UPDATE [ONLY] table [[AS] alias] SET`, where
 * that UPDATE starts a statement. Not when UPDATE is a function's name (`ALTER FUNCTION update
 * SET role = …`) or a type's (`RETURNS update SET role = …`).
 */
function inUpdate(tokens: Token[], i: number): boolean {
  for (let j = i - 1; j >= 0 && j >= i - 8; j--) {
    const t = tokens[j]!;
    if (isKeyword(t, 'update')) return startsStatement(tokens, j);
    if (t.kind !== 'word' && !isOther(t, '.') && !isOther(t, '*')) return false;
  }
  return false;
}

/** tokens[j] starts a statement, or a clause that is one (DO UPDATE, THEN UPDATE, a CTE's body). */
function startsStatement(tokens: Token[], j: number): boolean {
  const before = tokens[j - 1];
  if (before === undefined) return true;
  // `)` ends a CTE or EXPLAIN's options; `>` ends a PL/pgSQL label (<<name>>).
  if (before.kind === 'other') return [';', '(', ')', '>'].includes(before.text);
  return before.kind === 'word' && !before.quoted && BEFORE_UPDATE.has(before.text);
}

/** A key word: unquoted. */
function isKeyword(t: Token | undefined, word: string): boolean {
  return t?.kind === 'word' && !t.quoted && t.text === word;
}

/** A word, quoted or not, case aside. */
function isName(t: Token | undefined, name: string): boolean {
  return t?.kind === 'word' && t.text.toLowerCase() === name;
}

function isOther(t: Token | undefined, text: string): boolean {
  return t?.kind === 'other' && t.text === text;
}

// ---- Lexer: PostgreSQL's own rules (scan.l), as far as they decide where strings and comments end.

/** Splits SQL into tokens. Never throws: an unclosed quote or comment becomes an 'open' string. */
function lex(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (isSpace(c)) i++;
    else if (c === '-' && sql[i + 1] === '-') i = lineEnd(sql, i);
    else if (c === '/' && sql[i + 1] === '*') i = blockComment(sql, i, tokens);
    else if (c === "'") i = quotedString(sql, i, false, tokens);
    else if (c === '"') i = quotedName(sql, i, tokens);
    else if (c === '$') i = dollar(sql, i, tokens);
    else if (isNameStart(c)) i = word(sql, i, tokens);
    else if (c >= '0' && c <= '9') i = number(sql, i, tokens);
    else {
      tokens.push({ kind: 'other', text: c });
      i++;
    }
  }
  return tokens;
}

/** PostgreSQL's white space; anything else above ASCII is part of a name. */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\u0080';
}

/** Names go on with digits and `$` (`a$b` is one name, not a dollar quote). */
function isNamePart(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9') || c === '$';
}

function lineEnd(sql: string, i: number): number {
  while (i < sql.length && sql[i] !== '\n' && sql[i] !== '\r') i++;
  return i;
}

const COMMENT_MARK = /\/\*|\*\//g;

/** Skips a /* comment, which nests. */
function blockComment(sql: string, start: number, tokens: Token[]): number {
  let depth = 0;
  COMMENT_MARK.lastIndex = start;
  for (let m = COMMENT_MARK.exec(sql); m; m = COMMENT_MARK.exec(sql)) {
    depth += m[0] === '/*' ? 1 : -1;
    if (depth === 0) return COMMENT_MARK.lastIndex;
  }
  tokens.push({ kind: 'string', text: sql.slice(start + 2), quote: 'open' });
  return sql.length;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const PARAMETER = /\$[0-9]*/y;

/** $tag$…$tag$ (the tag may be empty), or a parameter ($1). */
function dollar(sql: string, start: number, tokens: Token[]): number {
  DOLLAR_TAG.lastIndex = start;
  const tag = DOLLAR_TAG.exec(sql)?.[0];
  if (tag === undefined) {
    PARAMETER.lastIndex = start;
    const parameter = PARAMETER.exec(sql)![0];
    tokens.push({ kind: 'other', text: parameter });
    return start + parameter.length;
  }
  const body = start + tag.length;
  const close = sql.indexOf(tag, body);
  if (close < 0) {
    tokens.push({ kind: 'string', text: sql.slice(body), quote: 'open' });
    return sql.length;
  }
  tokens.push({ kind: 'string', text: sql.slice(body, close), quote: 'dollar' });
  return close + tag.length;
}

/** A name, key word, or the E / U& before a string. */
function word(sql: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  while (i < sql.length && isNamePart(sql[i]!)) i++;
  const w = sql.slice(start, i);
  if ((w === 'e' || w === 'E') && sql[i] === "'") return quotedString(sql, i, true, tokens);
  if ((w === 'u' || w === 'U') && sql[i] === '&' && (sql[i + 1] === "'" || sql[i + 1] === '"')) return unicodeQuoted(sql, i + 1, tokens);
  tokens.push({ kind: 'word', text: w.toLowerCase() });
  return i;
}

/** Digits and dots only: letters after a number are a word of their own (PostgreSQL refuses `1reset` anyway). */
function number(sql: string, start: number, tokens: Token[]): number {
  let i = start + 1;
  while (i < sql.length && ((sql[i]! >= '0' && sql[i]! <= '9') || sql[i] === '.')) i++;
  tokens.push({ kind: 'other', text: sql.slice(start, i) });
  return i;
}

/** '…' or E'…' (with backslash escapes) starting at the quote. */
function quotedString(sql: string, start: number, backslashes: boolean, tokens: Token[]): number {
  const { value, end, closed } = readQuoted(sql, start, "'", backslashes);
  tokens.push({ kind: 'string', text: value, quote: !closed ? 'open' : backslashes ? 'escaped' : 'standard' });
  return end;
}

/** "…": a name as written, `""` standing for one quote. */
function quotedName(sql: string, start: number, tokens: Token[]): number {
  const { value, end, closed } = readQuoted(sql, start, '"', false);
  tokens.push(closed ? { kind: 'word', text: value, quoted: true } : { kind: 'string', text: value, quote: 'open' });
  return end;
}

const UESCAPE = /(?:[ \t\n\r\f\v]|--[^\n\r]*|\/\*[\s\S]*?\*\/)*uescape(?:[ \t\n\r\f\v]|--[^\n\r]*|\/\*[\s\S]*?\*\/)*'([^'])'/iy;

/** U&'…' or U&"…" starting at the quote: \XXXX and \+XXXXXX stand for characters (or another escape given by UESCAPE). */
function unicodeQuoted(sql: string, start: number, tokens: Token[]): number {
  const q = sql[start] as "'" | '"';
  const { value, end, closed } = readQuoted(sql, start, q, false);
  if (!closed) {
    tokens.push({ kind: 'string', text: value, quote: 'open' });
    return end;
  }
  UESCAPE.lastIndex = end;
  const m = UESCAPE.exec(sql);
  const text = unicodeEscapes(value, m ? m[1]! : '\\');
  tokens.push(q === '"' ? { kind: 'word', text, quoted: true } : { kind: 'string', text, quote: 'escaped' });
  return m ? UESCAPE.lastIndex : end;
}

/** Reads up to the closing quote; a doubled quote is one quote, and '…' strings go on across a line break ('a'⏎'b' is 'ab'). */
function readQuoted(sql: string, start: number, q: "'" | '"', backslashes: boolean): { value: string; end: number; closed: boolean } {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === q) {
      if (sql[i + 1] === q) {
        value += q;
        i += 2;
        continue;
      }
      const next = q === "'" ? continuation(sql, i + 1) : -1;
      if (next < 0) return { value, end: i + 1, closed: true };
      i = next + 1;
    } else if (backslashes && c === '\\') {
      const [ch, length] = backslashEscape(sql, i);
      value += ch;
      i += length;
    } else {
      value += c;
      i++;
    }
  }
  return { value, end: i, closed: false };
}

/** Where the string closed before `i` goes on: the next quote, after white space with a line break (and -- comments). */
function continuation(sql: string, i: number): number {
  let lineBreak = false;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\n' || c === '\r') lineBreak = true;
    else if (c === '-' && sql[i + 1] === '-') {
      i = lineEnd(sql, i);
      continue;
    } else if (!isSpace(c)) break;
    i++;
  }
  return lineBreak && sql[i] === "'" ? i : -1;
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const OCTAL = /[0-7]{1,3}/y;
const HEX = /x([0-9A-Fa-f]{1,2})/y;
const UNICODE = /u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})/y;

/** The character a backslash escape at sql[i] in an E'…' string stands for, and its length. */
function backslashEscape(sql: string, i: number): [string, number] {
  const c = sql[i + 1];
  if (c === undefined) return ['', 1];
  if (SIMPLE_ESCAPES[c]) return [SIMPLE_ESCAPES[c], 2];
  for (const re of [OCTAL, HEX, UNICODE]) {
    re.lastIndex = i + 1;
    const m = re.exec(sql);
    if (m) return [character(parseInt(m[2] ?? m[1] ?? m[0], re === OCTAL ? 8 : 16)), 1 + m[0].length];
  }
  return [c, 2];
}

const UNICODE_ESCAPE = /^(?:\+([0-9A-Fa-f]{6})|([0-9A-Fa-f]{4}))/;

function unicodeEscapes(value: string, escape: string): string {
  let out = '';
  for (let i = 0; i < value.length; ) {
    if (value[i] !== escape) out += value[i++];
    else if (value[i + 1] === escape) {
      out += escape;
      i += 2;
    } else {
      const m = UNICODE_ESCAPE.exec(value.slice(i + 1, i + 8));
      if (!m) out += value[i++];
      else {
        out += character(parseInt(m[1] ?? m[2]!, 16));
        i += 1 + m[0].length;
      }
    }
  }
  return out;
}

function character(code: number): string {
  return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
}
