/**
 * The learner's realm: one QuickJS runtime per sandbox, holding the learner's transpiled
 * files, a seeded Math.random, Date on virtual time, a captured console, and nothing else
 * (QuickJS has no fetch, XMLHttpRequest, WebSocket, importScripts, indexedDB or DOM at all).
 *
 * The host calls exported functions by path with JSON arguments and gets JSON back; an
 * exercise may also hand the learner small APIs (an event store facade, a projection draft)
 * whose methods are host functions taking and returning JSON. No engine object, store or
 * grader state is ever reachable from inside.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { Json } from '@/simulator';
import type { CodeDiagnostic, ConsoleLine } from '../types';
import { discardQuickJS, loadQuickJS } from './quickjs';
import { PRELUDE } from './prelude';
import { transpileAll } from './transpile';

export interface SandboxLimits {
  /** Longest a single call into learner code may run, wall-clock ms. */
  callMs: number;
  /** QuickJS heap limit (bounds ordinary objects). */
  memoryBytes: number;
  /** How much the wasm heap may grow during one sandbox's life (big strings, arrays, buffers). */
  heapGrowthBytes: number;
  /** QuickJS stack, bytes (depth ~1,500 frames at 256 KiB). */
  stackBytes: number;
  /** Longest JSON a learner function may return. */
  maxResultChars: number;
  /** Console lines kept per sandbox. */
  maxConsoleLines: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  callMs: 1000,
  memoryBytes: 32 * 1024 * 1024,
  heapGrowthBytes: 48 * 1024 * 1024,
  stackBytes: 256 * 1024,
  maxResultChars: 1_000_000,
  maxConsoleLines: 500,
};

/** Learner time shared by every sandbox of one grading run: a loop cannot cost more than this in total. */
export interface TimeBudget {
  remainingMs: number;
}

/** The learner's code threw (or returned something unusable). Carries the learner's file and line. */
export class LearnerError extends Error {
  constructor(
    message: string,
    readonly learnerName: string,
    readonly file: string | null,
    readonly line: number | null,
    readonly column: number | null,
  ) {
    super(message);
    this.name = 'LearnerError';
  }
  /** "saga.ts:12: Cannot read property 'x' of undefined" */
  describe(): string {
    const where = this.file ? `${this.file}${this.line ? `:${this.line}` : ''}: ` : '';
    return `${where}${this.learnerName && this.learnerName !== 'Error' ? `${this.learnerName}: ` : ''}${this.message}`;
  }
}

/** The sandbox stopped the code (time, memory): the sandbox is finished, later calls fail at once. */
export class SandboxLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxLimitError';
  }
}

/** An error a host API throws into learner code, e.g. ConcurrencyError with expected/actual. */
export class HostApiError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly data: Record<string, Json> = {},
  ) {
    super(message);
    this.name = errorName;
  }
}

export type HostApi = Record<string, (...args: Json[]) => Json | undefined>;

export interface SandboxOptions {
  /** File name → TypeScript source. */
  files: Record<string, string>;
  /** CommonJS JavaScript of the `@lesson/api` module the learner may import (classes, constants). */
  apiModule?: string;
  /** Seeds Math.random. */
  seed?: number;
  /** Virtual time for Date.now() and console lines; null outside a simulation. */
  clock?: () => number | null;
  limits?: Partial<SandboxLimits>;
  budget?: TimeBudget;
}

interface Entry {
  define: QuickJSHandle;
  load: QuickJSHandle;
  describe: QuickJSHandle;
  invoke: QuickJSHandle;
}

const API_FILE = 'lesson-api.js';

function seedState(seed: number): [number, number, number, number] {
  // splitmix32 to spread a small seed over sfc32's four words
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return [next(), next(), next(), next()];
}

/** Finds the first stack frame in a learner file: "    at f (saga.ts:12:5)". */
export function learnerFrame(stack: string, files: readonly string[]): { file: string; line: number; column: number | null } | null {
  for (const m of stack.matchAll(/\(?([\w.\-/]+):(\d+)(?::(\d+))?\)?/g)) {
    const file = m[1]!;
    if (files.includes(file)) return { file, line: Number(m[2]), column: m[3] ? Number(m[3]) : null };
  }
  return null;
}

export class LearnerSandbox {
  readonly console: ConsoleLine[] = [];
  /** Compile or load errors: when non-empty, nothing can be called. */
  readonly diagnostics: CodeDiagnostic[] = [];
  /** Set once a limit stopped the code. */
  fatal: string | null = null;
  private readonly limits: SandboxLimits;
  private rt: QuickJSRuntime | null = null;
  private vm: QuickJSContext | null = null;
  private entry: Entry | null = null;
  private deadline = 0;
  private killReason: string | null = null;
  private heapBase = 0;
  private lastMemoryCheck = 0;
  private apis: Record<string, HostApi> = {};
  private readonly files: string[];
  private droppedConsole = 0;

  private constructor(
    private mod: QuickJSWASMModule,
    private readonly opts: SandboxOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.files = Object.keys(opts.files);
  }

  /** Transpiles and loads the learner's files; compile and load errors land in `diagnostics`. */
  static async create(opts: SandboxOptions): Promise<LearnerSandbox> {
    const mod = await loadQuickJS();
    const sb = new LearnerSandbox(mod, opts);
    sb.init();
    return sb;
  }

  get ok(): boolean {
    return this.diagnostics.length === 0 && this.fatal === null;
  }

  private now(): number | null {
    return this.opts.clock ? this.opts.clock() : null;
  }

  /** Called by QuickJS's interrupt handler: time, and growth of the wasm heap (cheap to read). */
  private overLimit(): boolean {
    if (this.killReason) return true;
    if (Date.now() > this.deadline) {
      this.killReason = 'time';
      return true;
    }
    if (this.mod.getWasmMemory().buffer.byteLength - this.heapBase > this.limits.heapGrowthBytes) {
      this.killReason = 'memory';
      return true;
    }
    return false;
  }

  /**
   * Called from the prelude after big native allocations. QuickJS's own memory limit does not
   * count large strings, arrays and buffers (quickjs-emscripten #271), and a heap that grew
   * in an earlier run hides new use from the growth check, so ask QuickJS what it really
   * holds — at most every few ms, it builds an object.
   */
  private guard(): boolean {
    if (this.overLimit()) return true;
    const now = Date.now();
    if (now - this.lastMemoryCheck < 5 || !this.rt || !this.vm) return false;
    this.lastMemoryCheck = now;
    const h = this.rt.computeMemoryUsage();
    try {
      const usage = this.vm.dump(h) as { memory_used_size?: number };
      if ((usage.memory_used_size ?? 0) > this.limits.heapGrowthBytes) {
        this.killReason = 'memory';
        return true;
      }
    } finally {
      h.dispose();
    }
    return false;
  }

  private init(): void {
    const { modules, diagnostics } = transpileAll(this.opts.files);
    if (diagnostics.length > 0) {
      this.diagnostics.push(...diagnostics);
      return;
    }
    this.heapBase = this.mod.getWasmMemory().buffer.byteLength;
    const rt = this.mod.newRuntime();
    rt.setMemoryLimit(this.limits.memoryBytes);
    rt.setMaxStackSize(this.limits.stackBytes);
    rt.setInterruptHandler(() => this.overLimit());
    const vm = rt.newContext();
    this.rt = rt;
    this.vm = vm;
    this.deadline = Date.now() + this.limits.callMs;

    const host = vm.newFunction('host', (opH, payloadH) => {
      const op = vm.getString(opH);
      const payload = vm.getString(payloadH);
      return vm.newString(this.hostCall(op, payload));
    });
    const preludeFn = this.unwrap(vm.evalCode(PRELUDE, 'prelude.js'), 'prelude');
    const entryObj = this.unwrap(vm.callFunction(preludeFn, vm.undefined, host), 'prelude');
    preludeFn.dispose();
    host.dispose();
    this.entry = {
      define: vm.getProp(entryObj, 'define'),
      load: vm.getProp(entryObj, 'load'),
      describe: vm.getProp(entryObj, 'describe'),
      invoke: vm.getProp(entryObj, 'invoke'),
    };
    entryObj.dispose();

    const sources: Array<[string, string, string]> = [];
    if (this.opts.apiModule) sources.push(['@lesson/api', API_FILE, this.opts.apiModule]);
    for (const [name, code] of Object.entries(modules)) sources.push([name, name, code]);
    for (const [name, file, code] of sources) {
      // Same line as the code's first line: runtime line numbers stay the learner's.
      let r;
      try {
        r = this.run(() => vm.evalCode(`(function (exports, require, module) {${code}\n})`, file));
      } catch (e) {
        if (e instanceof SandboxLimitError) return; // `fatal` says why
        throw e;
      }
      if ('error' in r) {
        this.diagnostics.push({ file, line: r.error.line ?? 1, column: r.error.column ?? 1, message: r.error.message });
        return;
      }
      const nameH = vm.newString(name);
      vm.callFunction(this.entry.define, vm.undefined, nameH, r.handle).dispose();
      nameH.dispose();
      r.handle.dispose();
    }
    for (const name of Object.keys(modules)) {
      let res;
      try {
        res = this.callEntry('load', [name]);
      } catch (e) {
        if (e instanceof SandboxLimitError) return; // `fatal` says what stopped the top-level code
        throw e;
      }
      if (!res.ok) {
        this.diagnostics.push({ file: res.error.file ?? name, line: res.error.line ?? 1, column: res.error.column ?? 1, message: `${res.error.name && res.error.name !== 'Error' ? `${res.error.name}: ` : ''}${res.error.message}` });
        return;
      }
    }
  }

  private unwrap(r: { error?: QuickJSHandle; value?: QuickJSHandle }, what: string): QuickJSHandle {
    if (r.error) {
      const e = this.vm!.dump(r.error);
      r.error.dispose();
      throw new Error(`sandbox ${what} failed: ${JSON.stringify(e)}`);
    }
    return r.value!;
  }

  private hostCall(op: string, payload: string): string {
    switch (op) {
      case 'guard':
        return this.guard() ? '1' : '0';
      case 'now':
        return String(this.now() ?? 0);
      case 'seed':
        return JSON.stringify(seedState(this.opts.seed ?? 1));
      case 'console': {
        if (this.console.length >= this.limits.maxConsoleLines) {
          this.droppedConsole++;
          return '';
        }
        const [level, text] = JSON.parse(payload) as [ConsoleLine['level'], string];
        this.console.push({ time: this.now(), level: level === 'warn' || level === 'error' ? level : 'log', text: String(text).slice(0, 2000) });
        return '';
      }
      case 'api': {
        const [name, method, args] = JSON.parse(payload) as [string, string, Json[]];
        const fn = Object.prototype.hasOwnProperty.call(this.apis, name) && Object.prototype.hasOwnProperty.call(this.apis[name]!, method) ? this.apis[name]![method] : undefined;
        if (!fn) return JSON.stringify({ ok: false, error: { name: 'TypeError', message: `${name}.${method} is not available here.` } });
        try {
          const value = fn(...(Array.isArray(args) ? args : []));
          return JSON.stringify({ ok: true, value: value === undefined ? null : value });
        } catch (e) {
          if (e instanceof HostApiError) return JSON.stringify({ ok: false, error: { name: e.errorName, message: e.message, data: e.data } });
          return JSON.stringify({ ok: false, error: { name: 'Error', message: e instanceof Error ? e.message : String(e) } });
        }
      }
      default:
        return '';
    }
  }

  /** Runs one entry into QuickJS under the deadline and the shared budget; maps limit hits to SandboxLimitError. */
  private run<T extends { error?: QuickJSHandle; value?: QuickJSHandle }>(fn: () => T): { handle: QuickJSHandle } | { error: { name: string; message: string; file: string | null; line: number | null; column: number | null } } {
    if (this.fatal) throw new SandboxLimitError(this.fatal);
    const budget = this.opts.budget;
    if (budget && budget.remainingMs <= 0) {
      this.fatal = 'Stopped: your code used up its time for this grading run (an endless loop earlier?).';
      throw new SandboxLimitError(this.fatal);
    }
    const started = Date.now();
    this.deadline = started + Math.min(this.limits.callMs, budget ? budget.remainingMs : Infinity);
    this.killReason = null;
    let r: T;
    try {
      r = fn();
    } catch (e) {
      // The wasm itself failed (host stack exhausted by recursion, or an abort): this sandbox is done.
      this.fatal = /call stack|too much recursion/i.test(String(e))
        ? 'Stopped: the recursion went too deep (stack overflow).'
        : `Stopped: the sandbox failed (${String(e).slice(0, 200)}).`;
      this.rt = null; // do not touch a broken runtime again
      this.vm = null;
      discardQuickJS();
      throw new SandboxLimitError(this.fatal);
    } finally {
      if (budget) budget.remainingMs -= Date.now() - started;
    }
    const vm = this.vm!;
    if (r.error) {
      const dumped = vm.dump(r.error) as { name?: string; message?: string; stack?: string } | string;
      r.error.dispose();
      const e = typeof dumped === 'object' && dumped ? dumped : { message: String(dumped) };
      const message = String(e.message ?? '');
      if (this.killReason === 'memory' || message === 'out of memory') {
        this.fatal = `Stopped: your code used too much memory (more than ${Math.round(this.limits.heapGrowthBytes / 1048576)} MB).`;
        throw new SandboxLimitError(this.fatal);
      }
      if (this.killReason === 'time' || message === 'interrupted') {
        this.fatal = `Stopped after ${this.limits.callMs} ms: your code did not finish (an endless loop, or recursion that never ends?).`;
        throw new SandboxLimitError(this.fatal);
      }
      const frame = learnerFrame(String(e.stack ?? ''), [...this.files, API_FILE]);
      return { error: { name: String(e.name ?? 'Error'), message, file: frame?.file ?? null, line: frame?.line ?? null, column: frame?.column ?? null } };
    }
    return { handle: r.value! };
  }

  private callEntry(kind: keyof Entry, args: string[]): { ok: true; value: Json } | { ok: false; error: { name: string; message: string; file: string | null; line: number | null; column: number | null } } {
    const vm = this.vm!;
    const handles = args.map((a) => vm.newString(a));
    let r;
    try {
      r = this.run(() => vm.callFunction(this.entry![kind], vm.undefined, ...handles));
    } finally {
      if (this.vm) for (const h of handles) h.dispose();
    }
    if ('error' in r) return { ok: false, error: r.error };
    const h = r.handle;
    const text = vm.typeof(h) === 'string' ? vm.getString(h) : '';
    h.dispose();
    if (text.length > this.limits.maxResultChars) {
      return { ok: false, error: { name: 'RangeError', message: `The value returned is too large (${text.length} characters of JSON; at most ${this.limits.maxResultChars}).`, file: null, line: null, column: null } };
    }
    let parsed: { ok: boolean; value?: Json; error?: { name: string; message: string; stack: string } };
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, error: { name: 'TypeError', message: 'The value returned could not be read as plain data.', file: null, line: null, column: null } };
    }
    if (parsed && parsed.ok === true) return { ok: true, value: (parsed.value ?? null) as Json };
    const err = parsed?.error ?? { name: 'Error', message: 'unknown error', stack: '' };
    if (err.message === 'stack overflow') err.message = 'stack overflow (recursion too deep?)';
    const frame = learnerFrame(String(err.stack ?? ''), [...this.files, API_FILE]);
    return { ok: false, error: { name: String(err.name ?? 'Error'), message: String(err.message ?? ''), file: frame?.file ?? null, line: frame?.line ?? null, column: frame?.column ?? null } };
  }

  private assertUsable(): void {
    if (this.diagnostics.length > 0) throw new SandboxLimitError(`The code did not compile: ${this.diagnostics[0]!.file}:${this.diagnostics[0]!.line}: ${this.diagnostics[0]!.message}`);
    if (this.fatal) throw new SandboxLimitError(this.fatal);
  }

  /**
   * Starts the learner's code again in a fresh QuickJS context: module-level variables back to
   * their first values, Math.random back to its seed, the console emptied. No snapshot can hold
   * what lives inside QuickJS, so a run that steps back replays from its start with this.
   */
  async restart(): Promise<void> {
    this.dispose();
    this.console.length = 0;
    this.droppedConsole = 0;
    this.diagnostics.length = 0;
    this.fatal = null;
    this.killReason = null;
    // dispose() may have discarded a QuickJS that refused to free a runtime: load it again.
    this.mod = await loadQuickJS();
    this.init();
  }

  /** The shape of an export as data: functions become `{ $fn: true }`. Undefined exports are null. */
  describe(file: string, path: Array<string | number> = []): Json {
    this.assertUsable();
    const r = this.callEntry('describe', [file, JSON.stringify(path)]);
    if (!r.ok) throw new LearnerError(r.error.message, r.error.name, r.error.file, r.error.line, r.error.column);
    return r.value;
  }

  /**
   * Calls the learner function at `file` / `path` with JSON arguments. An argument
   * `{ $api: 'store' }` is replaced inside the sandbox by an object whose methods call `apis.store`.
   * @throws LearnerError when the learner's code throws; SandboxLimitError when it was stopped.
   */
  call(file: string, path: Array<string | number>, args: Json[], apis: Record<string, HostApi> = {}): Json {
    this.assertUsable();
    const methods: Record<string, string[]> = {};
    for (const [k, api] of Object.entries(apis)) methods[k] = Object.keys(api);
    const prev = this.apis;
    this.apis = apis;
    try {
      const r = this.callEntry('invoke', [file, JSON.stringify(path), JSON.stringify(args), JSON.stringify(methods)]);
      if (!r.ok) throw new LearnerError(r.error.message, r.error.name, r.error.file, r.error.line, r.error.column);
      return r.value;
    } finally {
      this.apis = prev;
    }
  }

  dispose(): void {
    if (this.droppedConsole > 0 && this.console.length > 0) {
      this.console.push({ time: null, level: 'warn', text: `(${this.droppedConsole} more console lines were dropped)` });
      this.droppedConsole = 0;
    }
    const vm = this.vm;
    const rt = this.rt;
    this.vm = null;
    this.rt = null;
    if (!vm || !rt) return;
    try {
      if (this.entry) for (const h of Object.values(this.entry)) h.dispose();
      this.entry = null;
      vm.dispose();
      rt.dispose();
    } catch {
      // QuickJS may refuse to free a runtime that hit a limit: leave it and start the next sandbox on a fresh module.
      discardQuickJS();
    }
  }
}
