/**
 * JavaScript evaluated in every sandbox before the learner's code. It receives one host
 * function and returns the few entry points the host keeps handles to; nothing of it stays
 * reachable from globalThis, so learner code cannot replace what the host calls.
 *
 * Everything crossing the boundary is a JSON string: the host never holds a learner object.
 */
export const PRELUDE = String.raw`(function (host) {
  'use strict';
  const G = globalThis;
  const parse = JSON.parse, stringify = JSON.stringify;
  const OString = String, OObject = Object, OArray = Array, OReflect = Reflect, OProxy = Proxy;
  const isArray = Array.isArray, keys = Object.keys, freeze = Object.freeze, defineProperty = Object.defineProperty;
  const call = (op, payload) => host(op, payload === undefined ? '' : stringify(payload));

  // Shallow stack traces: deep recursion should not spend seconds formatting frames.
  try { defineProperty(Error, 'stackTraceLimit', { value: 12, writable: false, configurable: false }); } catch (e) {}

  // ---- limits QuickJS cannot see: big native allocations ask the host whether to stop.
  const spin = () => { for (;;) {} }; // the interrupt handler stops this at once
  const guard = () => { if (host('guard', '') === '1') spin(); };
  const wrapMethod = (proto, name) => {
    const orig = proto[name];
    if (typeof orig !== 'function') return;
    defineProperty(proto, name, { value: { [name](...a) { const r = OReflect.apply(orig, this, a); guard(); return r; } }[name], writable: false, configurable: false });
  };
  for (const n of ['fill', 'concat', 'join', 'map', 'slice', 'flat', 'flatMap']) wrapMethod(Array.prototype, n);
  for (const n of ['repeat', 'padStart', 'padEnd', 'concat']) wrapMethod(String.prototype, n);
  const guarded = (C) => new OProxy(C, {
    construct(t, a, nt) { const r = OReflect.construct(t, a, nt === proxied.get(t) ? t : nt); guard(); return r; },
    apply(t, self, a) { const r = OReflect.apply(t, self, a); guard(); return r; },
  });
  const proxied = new Map();
  for (const n of ['Array', 'ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray', 'BigInt64Array', 'BigUint64Array']) {
    if (typeof G[n] !== 'function') continue;
    const p = guarded(G[n]);
    proxied.set(G[n], p);
    G[n] = p;
  }
  const ArrayFrom = Array.from;
  defineProperty(OArray, 'from', { value: function from(...a) { const r = OReflect.apply(ArrayFrom, OArray, a); guard(); return r; }, writable: false, configurable: false });

  // ---- determinism: seeded Math.random, Date on virtual time.
  let [sa, sb, sc, sd] = parse(host('seed', ''));
  Math.random = function random() {
    // sfc32
    sa >>>= 0; sb >>>= 0; sc >>>= 0; sd >>>= 0;
    let t = (sa + sb) | 0;
    sa = sb ^ (sb >>> 9);
    sb = (sc + (sc << 3)) | 0;
    sc = (sc << 21) | (sc >>> 11);
    sd = (sd + 1) | 0;
    t = (t + sd) | 0;
    sc = (sc + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  const RealDate = Date;
  const now = () => Number(host('now', ''));
  function VirtualDate(...a) {
    if (!new.target) return new RealDate(now()).toString();
    return a.length === 0 ? new RealDate(now()) : new RealDate(...a);
  }
  VirtualDate.prototype = RealDate.prototype;
  VirtualDate.now = () => now();
  VirtualDate.parse = RealDate.parse;
  VirtualDate.UTC = RealDate.UTC;
  G.Date = VirtualDate;
  try { defineProperty(RealDate.prototype, 'constructor', { value: VirtualDate }); } catch (e) {}

  // ---- console, tagged with virtual time by the host.
  const show = (v) => {
    if (typeof v === 'string') return v;
    if (v instanceof Error) return OString(v.name) + ': ' + OString(v.message);
    try { const s = stringify(v); return s === undefined ? OString(v) : s; } catch (e) { try { return OString(v); } catch (e2) { return '[unprintable]'; } }
  };
  const log = (level) => (...a) => { host('console', stringify([level, a.map(show).join(' ')])); };
  G.console = freeze({ log: log('log'), info: log('log'), debug: log('log'), warn: log('warn'), error: log('error') });

  // ---- a tiny CommonJS loader for the learner's files and the exercise's API module.
  const factories = new Map(), cache = new Map();
  const resolve = (spec) => {
    if (spec === '@lesson/api') return spec;
    const bare = spec.replace(/^\.\//, '');
    for (const c of [bare, bare + '.ts', bare + '.js']) if (factories.has(c)) return c;
    throw new Error('Cannot find module "' + spec + '": only ./' + [...factories.keys()].filter((k) => k !== '@lesson/api').join(', ./') + ' and @lesson/api exist here.');
  };
  const requireModule = (name) => {
    if (cache.has(name)) return cache.get(name).exports;
    const module = { exports: {} };
    cache.set(name, module);
    factories.get(name).call(undefined, module.exports, (s) => requireModule(resolve(s)), module);
    return module.exports;
  };

  // ---- calling learner functions with JSON in and out.
  const describeError = (e) => {
    let name = 'Error', message = '', stack = '';
    try { if (e && typeof e === 'object' && typeof e.name === 'string') name = e.name; } catch (x) {}
    try { message = e && typeof e === 'object' ? (typeof e.message === 'string' ? e.message : 'a thrown value that is not an Error') : OString(e); } catch (x) { message = '(an error whose message could not be read)'; }
    try { stack = e && typeof e === 'object' ? OString(e.stack) : ''; } catch (x) {}
    return { name: name.slice(0, 100), message: message.slice(0, 2000), stack: stack.slice(0, 4000) };
  };
  const apiErrorClass = (name) => {
    try { const api = cache.get('@lesson/api'); const C = api && api.exports[name]; if (typeof C === 'function') return C; } catch (e) {}
    return Error;
  };
  const makeApi = (name, methods) => {
    const o = {};
    for (const m of methods) {
      o[m] = (...a) => {
        const r = parse(host('api', stringify([name, m, a === undefined ? [] : a])));
        if (r.ok) return r.value;
        const C = apiErrorClass(r.error.name);
        const err = new C(r.error.message);
        try { err.name = r.error.name; } catch (e) {}
        if (r.error.data) for (const k of keys(r.error.data)) try { err[k] = r.error.data[k]; } catch (e) {}
        throw err;
      };
    }
    return freeze(o);
  };
  const lookup = (file, path) => {
    let v = requireModule(resolve(file));
    for (const p of path) {
      if (v === null || v === undefined) return undefined;
      v = v[p];
    }
    return v;
  };
  const describe = (v, depth) => {
    if (typeof v === 'function') return { $fn: true };
    if (v === null || typeof v !== 'object') return typeof v === 'undefined' ? null : v;
    if (depth > 8) return null;
    if (isArray(v)) return v.slice(0, 200).map((x) => describe(x, depth + 1));
    const out = {};
    for (const k of keys(v).slice(0, 200)) out[k] = describe(v[k], depth + 1);
    return out;
  };

  return {
    define(name, factory) { factories.set(name, factory); },
    load(name) {
      try { requireModule(name); return stringify({ ok: true }); }
      catch (e) { return stringify({ ok: false, error: describeError(e) }); }
    },
    describe(file, pathJson) {
      try { return stringify({ ok: true, value: describe(lookup(file, parse(pathJson)), 0) }); }
      catch (e) { return stringify({ ok: false, error: describeError(e) }); }
    },
    invoke(file, pathJson, argsJson, apisJson) {
      try {
        const path = parse(pathJson);
        const fn = lookup(file, path);
        if (typeof fn !== 'function') return stringify({ ok: false, error: { name: 'TypeError', message: path.join('.') + ' is not a function (it is ' + (fn === null ? 'null' : typeof fn) + ').', stack: '' } });
        let self = lookup(file, path.slice(0, -1));
        const apis = parse(apisJson);
        const args = parse(argsJson).map((a) => (a && typeof a === 'object' && typeof a.$api === 'string' && apis[a.$api] ? makeApi(a.$api, apis[a.$api]) : a));
        const value = OReflect.apply(fn, self, args);
        let out;
        try { out = stringify({ ok: true, value: value === undefined ? null : value }); }
        catch (e) { return stringify({ ok: false, error: { name: 'TypeError', message: 'The returned value is not plain data (' + describeError(e).message + ').', stack: '' } }); }
        return out;
      } catch (e) {
        return stringify({ ok: false, error: describeError(e) });
      }
    },
  };
})`;
