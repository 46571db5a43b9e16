import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveForTest } from './serveForTest';
import { contentTypeFor } from './serveStatic.mjs';

let root: string;
let base: string;
let stopServer: () => Promise<void>;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'serve-static-'));
  await mkdir(path.join(root, 'sandbox'));
  await mkdir(path.join(root, 'pglite'));
  await writeFile(path.join(root, 'index.html'), '<h1>home</h1>');
  await writeFile(path.join(root, 'sandbox', 'index.html'), '<h1>sandbox</h1>');
  await writeFile(path.join(root, '404.html'), '<h1>not found</h1>');
  await writeFile(path.join(root, 'pglite', 'pglite.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await writeFile(path.join(root, 'big.js'), 'console.log("x");\n'.repeat(500));
  await writeFile(path.join(path.dirname(root), 'outside-secret.txt'), 'secret');
  ({ base, close: stopServer } = await serveForTest(root));
});

afterAll(async () => {
  await stopServer();
  await rm(root, { recursive: true, force: true });
  await rm(path.join(path.dirname(root), 'outside-secret.txt'), { force: true });
});

describe('serveStatic', () => {
  it('serves index.html for / and for a trailing-slash directory', async () => {
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toBe('<h1>home</h1>');

    const sandbox = await fetch(`${base}/sandbox/`);
    expect(sandbox.status).toBe(200);
    expect(await sandbox.text()).toBe('<h1>sandbox</h1>');
  });

  it('redirects a directory without its trailing slash, keeping the query', async () => {
    const res = await fetch(`${base}/sandbox?seed=7`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('/sandbox/?seed=7');
  });

  it('serves wasm as application/wasm, which WebAssembly.compileStreaming requires', async () => {
    const res = await fetch(`${base}/pglite/pglite.wasm`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    expect(contentTypeFor('x/pglite.data')).toBe('application/octet-stream');
  });

  it('answers unknown paths with 404.html and status 404', async () => {
    const res = await fetch(`${base}/no/such/page/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('<h1>not found</h1>');
  });

  it('does not serve files outside the root, encoded or not', async () => {
    for (const p of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/..%2foutside-secret.txt']) {
      const res = await fetch(`${base}${p}`);
      expect(res.status, p).not.toBe(200);
      expect(await res.text(), p).not.toContain('secret');
    }
  });

  it('gzips text when the client accepts it, and answers HEAD without a body', async () => {
    const res = await fetch(`${base}/big.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    // fetch decodes gzip transparently; the content must survive the round trip.
    expect(await res.text()).toBe('console.log("x");\n'.repeat(500));

    const head = await fetch(`${base}/pglite/pglite.wasm`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('8');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers a revalidation of an unchanged file with 304, and of a changed one with the new file', async () => {
    const first = await fetch(`${base}/pglite/pglite.wasm`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[0-9a-z]+-[0-9a-z]+"$/);
    expect(first.headers.get('last-modified')).toBeTruthy();

    const same = await fetch(`${base}/pglite/pglite.wasm`, { headers: { 'if-none-match': etag! } });
    expect(same.status).toBe(304);
    expect((await same.arrayBuffer()).byteLength).toBe(0);
    const byDate = await fetch(`${base}/pglite/pglite.wasm`, { headers: { 'if-modified-since': first.headers.get('last-modified')! } });
    expect(byDate.status).toBe(304);
    const otherTag = await fetch(`${base}/pglite/pglite.wasm`, { headers: { 'if-none-match': '"something-else"' } });
    expect(otherTag.status).toBe(200);

    // The gzipped representation is other bytes: its own tag, which the plain one does not match.
    const zipped = await fetch(`${base}/big.js`, { headers: { 'accept-encoding': 'gzip' } });
    const plain = await fetch(`${base}/big.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(zipped.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    const crossed = await fetch(`${base}/big.js`, { headers: { 'accept-encoding': 'identity', 'if-none-match': zipped.headers.get('etag')! } });
    expect(crossed.status).toBe(200);

    const changed = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0]);
    await writeFile(path.join(root, 'pglite', 'pglite.wasm'), changed);
    const later = new Date(Date.now() + 5_000);
    await utimes(path.join(root, 'pglite', 'pglite.wasm'), later, later);
    const after = await fetch(`${base}/pglite/pglite.wasm`, { headers: { 'if-none-match': etag! } });
    expect(after.status).toBe(200);
    expect(new Uint8Array(await after.arrayBuffer())).toEqual(new Uint8Array(changed));
  });

  it('rejects methods other than GET and HEAD', async () => {
    const res = await fetch(`${base}/`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});
