import { describe, expect, it } from 'vitest';
import { LearnerError, LearnerSandbox, SandboxLimitError } from './sandbox';
import { transpile } from './transpile';

async function sandbox(code: string, opts: { clock?: () => number | null; seed?: number } = {}) {
  return LearnerSandbox.create({ files: { 'main.ts': code }, ...opts });
}

/** Runs `f()` of main.ts and says how it ended, with the time it took. */
async function runF(code: string) {
  const started = Date.now();
  const sb = await sandbox(code);
  try {
    if (sb.diagnostics.length) return { kind: 'diagnostic', message: sb.diagnostics[0]!.message, ms: Date.now() - started };
    if (sb.fatal) return { kind: 'limit', message: sb.fatal, ms: Date.now() - started };
    const value = sb.call('main.ts', ['f'], []);
    return { kind: 'value', value, ms: Date.now() - started };
  } catch (e) {
    return { kind: e instanceof SandboxLimitError ? 'limit' : e instanceof LearnerError ? 'learner' : 'other', message: (e as Error).message, error: e, ms: Date.now() - started };
  } finally {
    sb.dispose();
  }
}

/** A plain function still works: a limit hit earlier leaves nothing behind. */
async function nextRunIsClean() {
  const r = await runF('export function f() { return [1, 2, 3].map((x) => x * 2); }');
  expect(r).toMatchObject({ kind: 'value', value: [2, 4, 6] });
}

describe('transpile', () => {
  it('reports syntax errors with the learner’s line and column', () => {
    const r = transpile('saga.ts', 'export const a = 1;\nexport const b = ;\n');
    expect(r.diagnostics).toEqual([{ file: 'saga.ts', line: 2, column: 18, message: 'Unexpected token' }]);
  });
  it('strips types and keeps line numbers', () => {
    const r = transpile('a.ts', "import type { X } from '@lesson/api';\nexport const f = (x: X): number =>\n  1;\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.code.split('\n').length).toBe(4);
  });
});

describe('the learner sandbox', () => {
  it('calls exports with JSON, across files, and maps a throw to the learner’s file and line', async () => {
    const sb = await LearnerSandbox.create({
      files: {
        'a.ts': "import { twice } from './b';\nexport const api = { run: (d: { n: number }) => ({ n: twice(d.n) }) };\nexport function boom() {\n  throw new Error('nope');\n}\n",
        'b.ts': 'export const twice = (n: number) => n * 2;\n',
      },
    });
    expect(sb.diagnostics).toEqual([]);
    expect(sb.describe('a.ts', ['api'])).toEqual({ run: { $fn: true } });
    expect(sb.call('a.ts', ['api', 'run'], [{ n: 21 }])).toEqual({ n: 42 });
    try {
      sb.call('a.ts', ['boom'], []);
      throw new Error('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(LearnerError);
      expect((e as LearnerError).describe()).toBe('a.ts:4: nope');
    }
    sb.dispose();
  });

  it('reports a compile error as a diagnostic, with line and column, and runs nothing', async () => {
    const sb = await sandbox('export function f() {\n  return 1 +;\n}\n');
    expect(sb.diagnostics).toEqual([{ file: 'main.ts', line: 2, column: 13, message: 'Unexpected token' }]);
    expect(() => sb.call('main.ts', ['f'], [])).toThrow(/did not compile: main\.ts:2/);
    sb.dispose();
  });

  it('reports an error thrown while loading a module as a diagnostic with its line', async () => {
    const sb = await sandbox("const x = 1;\nthrow new TypeError('at load');\nexport const f = 1;\n");
    expect(sb.diagnostics).toEqual([{ file: 'main.ts', line: 2, column: expect.any(Number), message: 'TypeError: at load' }]);
    sb.dispose();
  });

  it('has no fetch, XMLHttpRequest, WebSocket, importScripts, indexedDB, DOM, self or window', async () => {
    const r = await runF(
      'export function f() { return [typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof importScripts, typeof indexedDB, typeof document, typeof self, typeof window, typeof process, typeof globalThis.fetch]; }',
    );
    expect(r).toMatchObject({ kind: 'value', value: Array(10).fill('undefined') });
  });

  it('calling fetch or indexedDB is a plain ReferenceError at the learner’s line', async () => {
    const a = await runF("export function f() {\n  return fetch('https://example.com');\n}\n");
    expect(a.kind).toBe('learner');
    expect((a.error as LearnerError).describe()).toMatch(/^main\.ts:2: ReferenceError: .*fetch.* is not defined/);
    const b = await runF("export function f() {\n  return indexedDB.open('app');\n}\n");
    expect((b.error as LearnerError).describe()).toMatch(/^main\.ts:2: ReferenceError: .*indexedDB.* is not defined/);
  });

  it('stops an endless loop within 2 s, says so, and the next run starts clean', async () => {
    const r = await runF('export function f() { while (true) {} }');
    expect(r.kind).toBe('limit');
    expect(r.message).toMatch(/did not finish.*endless loop/);
    expect(r.ms).toBeLessThan(2000);
    await nextRunIsClean();
  });

  it('an endless loop cannot be caught by the learner’s try/catch', async () => {
    const r = await runF('export function f() { for (;;) { try { while (true) {} } catch (e) { /* swallow */ } } }');
    expect(r.kind).toBe('limit');
    expect(r.ms).toBeLessThan(2000);
  });

  it('stops an endless loop at the top level of a module', async () => {
    const r = await runF('while (true) {}\nexport const f = () => 1;\n');
    expect(r).toMatchObject({ kind: 'limit' });
    expect(r.message).toMatch(/did not finish/);
    expect(r.ms).toBeLessThan(2500);
  });

  it('stops deep recursion with a stack overflow at the learner’s line', async () => {
    const r = await runF('export function f(n = 0): number {\n  return f(n + 1) + 1;\n}\n');
    expect(r.kind).toBe('learner');
    expect((r.error as LearnerError).describe()).toMatch(/^main\.ts:2: InternalError: stack overflow/);
    expect(r.ms).toBeLessThan(2000);
    await nextRunIsClean();
  });

  it('allows ordinary recursion depth', async () => {
    const r = await runF('export function f(): number { const g = (n: number): number => (n === 0 ? 0 : 1 + g(n - 1)); return g(1000); }');
    expect(r).toMatchObject({ kind: 'value', value: 1000 });
  });

  it('stops a memory bomb of big arrays within 2 s', async () => {
    const r = await runF('export function f() { const a: number[][] = []; while (true) a.push(new Array(100000).fill(0)); }');
    expect(r.kind).toBe('limit');
    // Filling arrays is slow in QuickJS: on a slow machine the deadline may come before the memory limit.
    expect(r.message).toMatch(/too much memory|did not finish/);
    expect(r.ms).toBeLessThan(2000);
    await nextRunIsClean();
  });

  it('stops a memory bomb of strings and of typed arrays', async () => {
    const s = await runF("export function f() { const a: string[] = []; let i = 0; while (true) a.push('x'.repeat(1_000_000) + i++); }");
    expect(s.kind).toBe('limit');
    // Which limit trips first depends on how far the shared wasm heap had grown before.
    expect(s.message).toMatch(/too much memory|did not finish/);
    expect(s.ms).toBeLessThan(2000);
    const t = await runF('export function f() { const a: Uint8Array[] = []; while (true) a.push(new Uint8Array(1_000_000)); }');
    expect(t.kind).toBe('limit');
    expect(t.ms).toBeLessThan(2000);
    await nextRunIsClean();
  });

  it('refuses a huge return value instead of copying it into the host', async () => {
    const r = await runF("export function f() { return 'x'.repeat(3_000_000); }");
    expect(r.kind).toBe('learner');
    expect(r.message).toMatch(/too large/);
  });

  it('turns cyclic or unreadable results and hostile thrown objects into learner errors', async () => {
    const cyc = await runF('export function f() { const o: any = {}; o.o = o; return o; }');
    expect(cyc.kind).toBe('learner');
    expect(cyc.message).toMatch(/not plain data/);
    const getter = await runF("export function f() { throw { get message(): string { throw new Error('gotcha'); }, get name(): string { throw new Error('gotcha'); } }; }");
    expect(getter.kind).toBe('learner');
    expect(getter.message).toMatch(/could not be read/);
    const looping = await runF('export function f() { throw { get message(): string { while (true) {} } }; }');
    expect(looping.kind).toBe('limit');
    const str = await runF("export function f() { throw 'just a string'; }");
    expect(str).toMatchObject({ kind: 'learner', message: 'just a string' });
  });

  it('cannot reach the host through globalThis, prototypes or constructors', async () => {
    const r = await runF(`export function f() {
      const seen: string[] = [];
      (Object.prototype as any).polluted = 'yes';
      (Array.prototype as any).push = () => 0;
      (JSON as any).stringify = () => '{"ok":true,"value":"forged"}';
      try { seen.push(typeof (globalThis as any).constructor.constructor('return process')()); } catch (e) { seen.push('no process'); }
      seen.push(Object.keys(globalThis).join(','));
      return seen;
    }`);
    // The learner broke its own JSON.stringify and Array.prototype.push: only its own result is affected.
    expect(r.kind === 'value' || r.kind === 'learner').toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1].push(2)).toBe(2);
    expect(JSON.stringify({ a: 1 })).toBe('{"a":1}');
    await nextRunIsClean();
  });

  it('a second sandbox does not see what the first one left on globalThis', async () => {
    const a = await sandbox('(globalThis as any).leak = 42; export const f = () => 1;');
    a.dispose();
    const r = await runF('export function f() { return typeof (globalThis as any).leak; }');
    expect(r).toMatchObject({ kind: 'value', value: 'undefined' });
  });

  it('replaces Math.random with a seeded generator and Date.now with virtual time', async () => {
    let now = 1234;
    const code = 'export function f() { return { r: [Math.random(), Math.random()], t: Date.now(), d: new Date().getTime() }; }';
    const a = await sandbox(code, { seed: 5, clock: () => now });
    const b = await sandbox(code, { seed: 5, clock: () => now });
    const c = await sandbox(code, { seed: 6, clock: () => now });
    const ra = a.call('main.ts', ['f'], []) as { r: number[]; t: number; d: number };
    expect(b.call('main.ts', ['f'], [])).toEqual(ra);
    expect((c.call('main.ts', ['f'], []) as { r: number[] }).r).not.toEqual(ra.r);
    expect(ra.t).toBe(1234);
    expect(ra.d).toBe(1234);
    now = 2000;
    expect((a.call('main.ts', ['f'], []) as { t: number }).t).toBe(2000);
    for (const s of [a, b, c]) s.dispose();
  });

  it('restarts the learner’s code as it first was: module variables, Math.random, the console', async () => {
    const sb = await sandbox("let calls = 0;\nexport function f() { calls++; console.log('call', calls); return [calls, Math.random()]; }", { seed: 9 });
    const first = sb.call('main.ts', ['f'], []) as [number, number];
    const second = sb.call('main.ts', ['f'], []) as [number, number];
    expect(second[0]).toBe(2);
    expect(second[1]).not.toBe(first[1]);
    await sb.restart();
    expect(sb.console).toEqual([]);
    expect(sb.call('main.ts', ['f'], [])).toEqual(first);
    expect(sb.call('main.ts', ['f'], [])).toEqual(second);
    expect(sb.console.map((l) => l.text)).toEqual(['call 1', 'call 2']);
    sb.dispose();
  });

  it('a restart after an endless loop gives a sandbox that runs again', async () => {
    const sb = await sandbox('export function spin() { while (true) {} }\nexport function f() { return 42; }');
    expect(() => sb.call('main.ts', ['spin'], [])).toThrow(SandboxLimitError);
    expect(sb.ok).toBe(false);
    await sb.restart();
    expect(sb.ok).toBe(true);
    expect(sb.call('main.ts', ['f'], [])).toBe(42);
    sb.dispose();
  });

  it('captures console output with virtual time', async () => {
    let now: number | null = 17;
    const sb = await sandbox("export function f(x: unknown) { console.log('saw', x); console.warn('careful'); console.error(new Error('bad')); }", { clock: () => now });
    sb.call('main.ts', ['f'], [{ a: 1 }]);
    now = null;
    sb.call('main.ts', ['f'], [2]);
    expect(sb.console).toEqual([
      { time: 17, level: 'log', text: 'saw {"a":1}' },
      { time: 17, level: 'warn', text: 'careful' },
      { time: 17, level: 'error', text: 'Error: bad' },
      { time: null, level: 'log', text: 'saw 2' },
      { time: null, level: 'warn', text: 'careful' },
      { time: null, level: 'error', text: 'Error: bad' },
    ]);
    sb.dispose();
  });

  it('hands APIs to learner code as objects whose methods call the host with JSON; host errors become learner-realm errors', async () => {
    const sb = await LearnerSandbox.create({
      files: {
        'main.ts':
          "import { Conflict } from '@lesson/api';\nexport function f(store: any) {\n  try { store.write(1); } catch (e) { return { isConflict: e instanceof Conflict, name: (e as any).name, at: (e as any).actual, read: store.read('k') }; }\n}\n",
      },
      apiModule: "class Conflict extends Error {}\nexports.Conflict = Conflict;\n",
    });
    const { HostApiError } = await import('./sandbox');
    const r = sb.call('main.ts', ['f'], [{ $api: 'store' }], {
      store: {
        read: (k) => `value of ${String(k)}`,
        write: () => {
          throw new HostApiError('Conflict', 'stale', { actual: 3 });
        },
      },
    });
    expect(r).toEqual({ isConflict: true, name: 'Conflict', at: 3, read: 'value of k' });
    sb.dispose();
  });

  it('shares a time budget across sandboxes: once spent, later calls stop at once', async () => {
    const budget = { remainingMs: 300 };
    const a = await LearnerSandbox.create({ files: { 'main.ts': 'export function f() { while (true) {} }' }, budget });
    expect(() => a.call('main.ts', ['f'], [])).toThrow(SandboxLimitError);
    a.dispose();
    const started = Date.now();
    const b = await LearnerSandbox.create({ files: { 'main.ts': 'export function f() { return 1; }' }, budget });
    expect(b.fatal ?? '').toMatch(/used up its time/);
    expect(Date.now() - started).toBeLessThan(500);
    b.dispose();
  });
});
