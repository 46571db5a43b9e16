#!/usr/bin/env node
// Copies PGlite's browser assets from node_modules into public/pglite/ so the app never
// fetches them from a CDN: the page passes them to PGlite itself
// (`pgliteWasmModule`, `initdbWasmModule`, `fsBundle`), which also sidesteps bundler
// URL rewriting of assets referenced from inside node_modules.
//
// Idempotent and cheap when up to date: a file is copied only when its size or mtime
// differs from the source (copies keep the source mtime). Runs before `next dev` and
// `next build` (see package.json).

import { copyFile, mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Files the browser needs, from @electric-sql/pglite/dist (0.5.x layout). */
const PGLITE_ASSETS = [
  'pglite.wasm', // the Postgres backend compiled to wasm
  'pglite.data', // the filesystem bundle (share/, lib/) passed as `fsBundle`
  'initdb.wasm', // 0.5.x runs initdb as a separate wasm module
];

async function statOrNull(file) {
  try {
    return await stat(file);
  } catch (err) {
    if (err && err.code === 'ENOENT') return null;
    throw err;
  }
}

async function pgliteDistDir() {
  // The package's exports map hides package.json, so resolve the main entry and walk up.
  const entry = require.resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  while (path.basename(dir) !== 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find dist/ above ${entry}`);
    dir = parent;
  }
  const pkg = JSON.parse(await readFile(path.join(dir, '..', 'package.json'), 'utf8'));
  return { dir, version: pkg.version };
}

async function copyIfChanged(src, dest) {
  const [s, d] = await Promise.all([stat(src), statOrNull(dest)]);
  // utimes goes through a float of seconds, so the copy's mtime can be off by a few µs.
  if (d && d.size === s.size && Math.abs(d.mtimeMs - s.mtimeMs) < 2) return false;
  await copyFile(src, dest);
  await utimes(dest, s.atime, s.mtime);
  return true;
}

async function main() {
  const started = performance.now();
  const { dir, version } = await pgliteDistDir();
  const outDir = path.join(root, 'public', 'pglite');
  await mkdir(outDir, { recursive: true });

  const files = {};
  let copied = 0;
  for (const name of PGLITE_ASSETS) {
    const src = path.join(dir, name);
    if (!(await statOrNull(src))) {
      throw new Error(`@electric-sql/pglite@${version} has no dist/${name}; update PGLITE_ASSETS in ${path.relative(root, fileURLToPath(import.meta.url))}`);
    }
    if (await copyIfChanged(src, path.join(outDir, name))) copied++;
    files[name] = (await stat(src)).size;
  }

  // A small manifest so the page can check it loads assets from the same PGlite version
  // as the JS it bundled. Rewritten only when its content changes.
  const manifestPath = path.join(outDir, 'manifest.json');
  const manifest = JSON.stringify({ package: '@electric-sql/pglite', version, files }, null, 2) + '\n';
  const current = await readFile(manifestPath, 'utf8').catch(() => null);
  if (current !== manifest) await writeFile(manifestPath, manifest);

  const ms = Math.round(performance.now() - started);
  const rel = path.relative(root, outDir);
  console.log(
    copied === 0
      ? `prepareAssets: ${rel}/ up to date (PGlite ${version}, ${ms} ms)`
      : `prepareAssets: copied ${copied} file(s) into ${rel}/ (PGlite ${version}, ${ms} ms)`,
  );
}

main().catch((err) => {
  console.error(`prepareAssets: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
