/**
 * Redis glob patterns, as KEYS understands them (Redis `stringmatchlen`):
 *
 * - `*` any sequence, including the empty one; `?` exactly one character;
 * - `[abc]` one of, `[^abc]` none of, `[a-z]` a range (a reversed range `[z-a]` is swapped);
 * - `\x` the character x taken literally, inside or outside brackets.
 *
 * Matching is case-sensitive and works on Unicode code points (Redis works on bytes;
 * the two agree on ASCII keys, which is what the course uses).
 */

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'char'; ch: string }
  | { kind: 'class'; negate: boolean; singles: string[]; ranges: Array<[string, string]> };

function tokenize(pattern: string): Token[] {
  const p = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '*') {
      // Consecutive stars match the same as one; collapsing them keeps backtracking linear.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (c === '\\' && i + 1 < p.length) {
      tokens.push({ kind: 'char', ch: p[i + 1]! });
      i += 2;
    } else if (c === '[') {
      i++;
      const negate = p[i] === '^';
      if (negate) i++;
      const singles: string[] = [];
      const ranges: Array<[string, string]> = [];
      // Mirrors Redis: an unclosed class runs to the end of the pattern, and `x-` needs two
      // more characters to be a range (so in `[a-]` the `]` is the end of the range).
      while (i < p.length) {
        const d = p[i]!;
        if (d === '\\' && i + 1 < p.length) {
          singles.push(p[i + 1]!);
          i += 2;
        } else if (d === ']') {
          i++;
          break;
        } else if (p[i + 1] === '-' && i + 2 < p.length) {
          const a = d;
          const b = p[i + 2]!;
          ranges.push(a <= b ? [a, b] : [b, a]);
          i += 3;
        } else {
          singles.push(d);
          i++;
        }
      }
      tokens.push({ kind: 'class', negate, singles, ranges });
    } else {
      tokens.push({ kind: 'char', ch: c });
      i++;
    }
  }
  return tokens;
}

function matchesOne(t: Exclude<Token, { kind: 'star' }>, ch: string): boolean {
  switch (t.kind) {
    case 'any':
      return true;
    case 'char':
      return t.ch === ch;
    case 'class': {
      // Ranges compare code points, so compare through codePointAt rather than `<=` on strings
      // (which compares UTF-16 units and disagrees above U+FFFF).
      const cp = ch.codePointAt(0)!;
      const hit =
        t.singles.includes(ch) ||
        t.ranges.some(([a, b]) => a.codePointAt(0)! <= cp && cp <= b.codePointAt(0)!);
      return t.negate ? !hit : hit;
    }
  }
}

/**
 * Compiles a Redis glob pattern into a predicate. Compile once when testing many keys.
 */
export function compileGlob(pattern: string): (s: string) => boolean {
  const tokens = tokenize(pattern);
  return (s: string) => {
    const str = Array.from(s);
    // Greedy match with one backtrack point (the last star): every non-star token consumes
    // exactly one character, so retrying from the last star is enough and runs in O(n·m).
    let ti = 0;
    let si = 0;
    let starTi = -1;
    let starSi = 0;
    while (si < str.length) {
      const t = tokens[ti];
      if (t && t.kind === 'star') {
        starTi = ti++;
        starSi = si;
      } else if (t && matchesOne(t, str[si]!)) {
        ti++;
        si++;
      } else if (starTi >= 0) {
        ti = starTi + 1;
        si = ++starSi;
      } else {
        return false;
      }
    }
    while (tokens[ti]?.kind === 'star') ti++;
    return ti === tokens.length;
  };
}

/** True when `s` matches the Redis glob `pattern`. */
export function globMatch(pattern: string, s: string): boolean {
  return compileGlob(pattern)(s);
}
