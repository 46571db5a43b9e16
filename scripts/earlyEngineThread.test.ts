import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EARLY_START_SCRIPT, ENGINE_THREAD_META as META_IN_PAGE, ENGINE_THREAD_NAME as NAME_IN_PAGE } from '../components/sandbox/engine/pgliteAssets';
import { ENGINE_THREAD_META, ENGINE_THREAD_NAME, findEngineThread, withEngineThreadMeta, writeEngineThreadUrl } from './earlyEngineThread.mjs';

// The two places of a Turbopack chunk the step reads, as `next build` writes them (shortened).
const CREATING_CHUNK =
  'function(){let e=globalThis,t=e[n];return delete e[n],t}])},63883,e=>{"use strict";var t=e.i(46459);let n=null;function r(){let n=(0,t.r)();' +
  'if(n?.thread)return n.thread;let r=e.r(53395)(Worker,{type:"module",name:"sandbox.engine"});return n}';
const WORKER_MODULE_CHUNK =
  '},82510,e=>{e.v(e.r(10914).f("static/chunks/turbopack-worker-1h.js",["static/chunks/monaco.js"]))},' +
  '53395,e=>{e.v(e.r(10914).f("static/chunks/turbopack-worker-1h.js",["static/chunks/a.js","static/chunks/b.js","static/chunks/turbopack-r.js"]))},90317,(e,t,n)=>{}';
const OTHER_CHUNK = 'let s=r(()=>e.r(41065)(Worker,{type:"module",name:"grade.worker"}))';

const PAGE = `<!DOCTYPE html><html lang="en"><head><title>Sandbox</title></head><body><script>${EARLY_START_SCRIPT}</script></body></html>`;

describe('the engine thread early start (build step)', () => {
  it('agrees with the page on the thread’s name and the meta’s, and finds pages by the early-start script', () => {
    expect(ENGINE_THREAD_NAME).toBe(NAME_IN_PAGE);
    expect(ENGINE_THREAD_META).toBe(META_IN_PAGE);
    expect(EARLY_START_SCRIPT).toContain(`meta[name="${ENGINE_THREAD_META}"]`);
  });

  it('builds the URL Turbopack’s runtime starts the thread at, from the creating chunk and the worker module in another', () => {
    const found = findEngineThread([
      { name: 'other.js', text: OTHER_CHUNK },
      { name: 'workers.js', text: WORKER_MODULE_CHUNK },
      { name: 'page.js', text: CREATING_CHUNK },
    ])!;
    expect(found.files).toEqual(['static/chunks/turbopack-worker-1h.js', 'static/chunks/a.js', 'static/chunks/b.js', 'static/chunks/turbopack-r.js']);
    const [bootstrap, hash] = found.url.split('#params=');
    expect(bootstrap).toBe('/_next/static/chunks/turbopack-worker-1h.js');
    // Last to load first, as the runtime's `.reverse()` lists them; then suffix, base path, deployment values.
    expect(JSON.parse(decodeURIComponent(hash!))).toEqual([
      ['/_next/static/chunks/turbopack-r.js', '/_next/static/chunks/b.js', '/_next/static/chunks/a.js'],
      '',
      '/_next/',
      null,
      null,
    ]);
  });

  it('says nothing is there when no chunk creates the thread, and fails when the worker module is in an unknown shape', () => {
    expect(findEngineThread([{ name: 'other.js', text: OTHER_CHUNK }])).toBeNull();
    expect(() => findEngineThread([{ name: 'page.js', text: CREATING_CHUNK }, { name: 'w.js', text: '53395,e=>{e.v(somethingElse())}' }])).toThrow(
      /Module 53395 creates the "sandbox.engine" worker, but no chunk defines it/,
    );
  });

  it('puts the meta at the top of the head, escaped, and replaces it on a second run', () => {
    const once = withEngineThreadMeta(PAGE, '/w.js#params=a&b"c');
    expect(once).toContain('<head><meta name="sandbox-engine-thread" content="/w.js#params=a&amp;b&quot;c"><title>');
    const twice = withEngineThreadMeta(once, '/other.js');
    expect(twice.match(/<meta name="sandbox-engine-thread"/g)).toHaveLength(1);
    expect(twice).toContain('content="/other.js"');
  });

  describe('on an export directory', () => {
    let root = '';
    afterEach(() => rm(root, { recursive: true, force: true }));

    async function exportDir(files: Record<string, string>): Promise<string> {
      root = await mkdtemp(path.join(tmpdir(), 'early-thread-'));
      for (const [name, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(root, name)), { recursive: true });
        await writeFile(path.join(root, name), text);
      }
      return root;
    }

    it('writes the meta into the pages that start the thread early and leaves the others alone', async () => {
      const dir = await exportDir({
        'sandbox/index.html': PAGE,
        'index.html': '<html><head></head><body><h1>Course</h1></body></html>',
        '_next/static/chunks/page.js': CREATING_CHUNK,
        '_next/static/chunks/workers.js': WORKER_MODULE_CHUNK,
        '_next/static/chunks/turbopack-worker-1h.js': '',
        '_next/static/chunks/a.js': '',
        '_next/static/chunks/b.js': '',
        '_next/static/chunks/turbopack-r.js': '',
      });
      const { pages, url } = await writeEngineThreadUrl(dir);
      expect(pages.map((p) => path.relative(dir, p))).toEqual(['sandbox/index.html']);
      expect(await readFile(path.join(dir, 'sandbox/index.html'), 'utf8')).toContain(`<meta name="sandbox-engine-thread" content="${url!.replace(/&/g, '&amp;')}">`);
      expect(await readFile(path.join(dir, 'index.html'), 'utf8')).not.toContain('sandbox-engine-thread');
    });

    it('fails the build when the thread would load a file the build did not write, or when no chunk creates it', async () => {
      const missing = await exportDir({
        'sandbox/index.html': PAGE,
        '_next/static/chunks/page.js': CREATING_CHUNK,
        '_next/static/chunks/workers.js': WORKER_MODULE_CHUNK,
        '_next/static/chunks/turbopack-worker-1h.js': '',
      });
      await expect(writeEngineThreadUrl(missing)).rejects.toThrow('The engine thread would load static/chunks/a.js, which the build did not write.');
      await rm(missing, { recursive: true, force: true });
      const none = await exportDir({ 'sandbox/index.html': PAGE, '_next/static/chunks/other.js': OTHER_CHUNK });
      await expect(writeEngineThreadUrl(none)).rejects.toThrow('1 page(s) start the engine thread early, but no chunk creates a worker named "sandbox.engine".');
      expect(await readFile(path.join(none, 'sandbox/index.html'), 'utf8')).toBe(PAGE);
    });
  });
});
