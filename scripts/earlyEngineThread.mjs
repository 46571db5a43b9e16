#!/usr/bin/env node
// After `next build`: gives the pages whose early-start script looks for it
// (components/sandbox/engine/pgliteAssets.ts) a `<meta name="sandbox-engine-thread">` with the
// engine thread's script URL in their head, so the script starts the thread while the HTML is
// parsed rather than after hydration. On a 2-core machine the thread's megabyte of code and
// PostgreSQL's boot then overlap the page's hydration: stores ready 0.2-0.3 s sooner (first
// visits to two builds served side by side, taken in turn).
//
//   node scripts/earlyEngineThread.mjs        # out/
//   node scripts/earlyEngineThread.mjs dir    # another export directory
//
// The URL exists only once the bundler has written the chunks. Turbopack compiles
// `new Worker(new URL('./sandbox.worker.ts', import.meta.url), { name: 'sandbox.engine', … })` into
//   <id>,e=>{e.v(e.r(<helper>).f("static/chunks/turbopack-worker-….js",["static/chunks/….js", …]))}
//   … e.r(<id>)(Worker,{type:"module",name:"sandbox.engine"}) …
// and its runtime starts the worker at `/_next/<bootstrap>#params=<JSON>`, the JSON holding the
// chunk URLs (last to load first), the asset suffix, the base path and two unset deployment
// values. This step reads the same two places and builds the same URL. If Turbopack changes that
// shape, the step fails the build and says so: the page would otherwise quietly lose the early start.

import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder } from './filesUnder.mjs';

/** The thread's name, as engineThread.ts passes it (ENGINE_THREAD_NAME in pgliteAssets.ts). */
export const ENGINE_THREAD_NAME = 'sandbox.engine';
/** The meta's name (ENGINE_THREAD_META in pgliteAssets.ts). */
export const ENGINE_THREAD_META = 'sandbox-engine-thread';
/** What the early-start script's text holds where a page wants the meta. */
const WANTS_META = `meta[name="${ENGINE_THREAD_META}"]`;
/** The meta, as an earlier run of this step left it. */
const WRITTEN_META = new RegExp(`<meta name="${ENGINE_THREAD_META}" content="[^"]*">`);
/** Where Next puts its static files, under the export root and in URLs. */
const ASSET_PREFIX = '/_next/';

/**
 * Finds where the bundle creates the engine thread and returns the URL Turbopack's runtime would
 * start it at, or null when no chunk creates a worker of that name.
 * @param {Array<{ name: string, text: string }>} chunks the build's JavaScript chunks
 * @returns {{ url: string, files: string[] } | null} the URL and the files it loads (relative to `_next/`)
 */
export function findEngineThread(chunks) {
  const name = ENGINE_THREAD_NAME.replace(/\./g, '\\.');
  const creation = new RegExp(`\\b\\w+\\.r\\((\\d+)\\)\\(Worker,\\{[^}]*\\bname:"${name}"`);
  const id = chunks.map((c) => creation.exec(c.text)?.[1]).find(Boolean);
  if (!id) return null;
  const module = new RegExp(`[,{\\[]${id},\\w+=>\\{\\w+\\.v\\(\\w+\\.r\\(\\d+\\)\\.f\\("([^"]+)",(\\[[^\\]]*\\])\\)\\)\\}`);
  for (const chunk of chunks) {
    const m = module.exec(chunk.text);
    if (!m) continue;
    const bootstrap = m[1];
    /** @type {string[]} */
    const list = JSON.parse(m[2]);
    const params = [list.map((c) => ASSET_PREFIX + c).reverse(), '', ASSET_PREFIX, null, null];
    return { url: `${ASSET_PREFIX}${bootstrap}#params=${encodeURIComponent(JSON.stringify(params))}`, files: [bootstrap, ...list] };
  }
  throw new Error(`Module ${id} creates the "${ENGINE_THREAD_NAME}" worker, but no chunk defines it in the shape this step knows (Turbopack's output changed?).`);
}

/**
 * Puts the meta with `url` at the top of the page's head (or updates the one there). The page's
 * React tree does not render it, and React skips tags it did not render in the head when it
 * hydrates; the early-start script (in the body) reads it as the parser reaches the script.
 * @param {string} html a page that wants the meta
 * @param {string} url
 */
export function withEngineThreadMeta(html, url) {
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const meta = `<meta name="${ENGINE_THREAD_META}" content="${escaped}">`;
  if (WRITTEN_META.test(html)) return html.replace(WRITTEN_META, () => meta);
  if (!/<head>/.test(html)) throw new Error('A page that wants the engine thread\'s meta has no <head>.');
  return html.replace('<head>', () => `<head>${meta}`);
}

/**
 * Writes the meta into every HTML page under `root` whose early-start script looks for it.
 * @param {string} root the export directory
 * @returns {Promise<{ pages: string[], url: string | null }>} the pages written, and the URL
 */
export async function writeEngineThreadUrl(root) {
  const pages = [];
  for await (const file of filesUnder(root)) {
    if (file.endsWith('.html') && (await readFile(file, 'utf8')).includes(WANTS_META)) pages.push(file);
  }
  if (pages.length === 0) return { pages, url: null };
  const chunks = [];
  for await (const file of filesUnder(path.join(root, '_next', 'static', 'chunks'))) {
    if (file.endsWith('.js')) chunks.push({ name: file, text: await readFile(file, 'utf8') });
  }
  const found = findEngineThread(chunks);
  if (!found) throw new Error(`${pages.length} page(s) start the engine thread early, but no chunk creates a worker named "${ENGINE_THREAD_NAME}".`);
  for (const f of found.files) {
    if (!(await stat(path.join(root, '_next', f)).catch(() => null))?.isFile()) throw new Error(`The engine thread would load ${f}, which the build did not write.`);
  }
  for (const page of pages) await writeFile(page, withEngineThreadMeta(await readFile(page, 'utf8'), found.url));
  return { pages, url: found.url };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out'));
  try {
    const { pages } = await writeEngineThreadUrl(root);
    console.log(`earlyEngineThread: the engine thread's meta written into ${pages.length} page(s): ${pages.map((p) => path.relative(root, p)).join(', ') || 'none'}`);
  } catch (e) {
    console.error(`earlyEngineThread: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
