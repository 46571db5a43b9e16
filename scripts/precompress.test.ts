import { mkdtemp, mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompress } from './precompress.mjs';
import { serveForTest } from './serveForTest';

let root: string;
let base: string;
let stopServer: () => Promise<void>;

const script = 'export const answer = 42;\n'.repeat(400);
const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(8192, 7)]);
const data = Buffer.alloc(8192, 3);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'precompress-'));
  await mkdir(path.join(root, 'pglite'));
  await writeFile(path.join(root, 'index.html'), '<h1>home</h1>');
  await writeFile(path.join(root, 'app.js'), script);
  await writeFile(path.join(root, 'pglite', 'pglite.wasm'), wasm);
  await writeFile(path.join(root, 'pglite', 'pglite.data'), data);
  ({ base, close: stopServer } = await serveForTest(root));
});

afterAll(async () => {
  await stopServer();
  await rm(root, { recursive: true, force: true });
});

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('precompress', () => {
  it('gzips the text and wasm the server would gzip, and leaves small and binary files alone', async () => {
    const first = await precompress(root);
    expect(first.written).toBe(2);
    expect(gunzipSync(await readFile(path.join(root, 'app.js.gz'))).toString()).toBe(script);
    expect(gunzipSync(await readFile(path.join(root, 'pglite', 'pglite.wasm.gz')))).toEqual(wasm);
    expect(await exists(path.join(root, 'index.html.gz'))).toBe(false); // under the size threshold
    expect(await exists(path.join(root, 'pglite', 'pglite.data.gz'))).toBe(false); // not a compressible type

    const again = await precompress(root);
    expect(again).toMatchObject({ written: 0, kept: 2 });
  });

  it('the server sends the precompressed bytes, with their length', async () => {
    const gz = await stat(path.join(root, 'pglite', 'pglite.wasm.gz'));
    const res = await fetch(`${base}/pglite/pglite.wasm`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-type')).toBe('application/wasm');
    // Compressing on the fly streams without a length; the file on disk has one.
    expect(res.headers.get('content-length')).toBe(String(gz.size));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(wasm);

    const plain = await fetch(`${base}/pglite/pglite.wasm`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer())).toEqual(wasm);
  });

  it('a .gz older than its file is ignored by the server and redone by the next run', async () => {
    const changed = 'export const answer = 43;\n'.repeat(400);
    await writeFile(path.join(root, 'app.js'), changed);
    const past = new Date(Date.now() - 60_000);
    await utimes(path.join(root, 'app.js.gz'), past, past);

    const res = await fetch(`${base}/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-length')).toBeNull(); // compressed on the fly
    expect(await res.text()).toBe(changed);

    expect((await precompress(root)).written).toBe(1);
    expect(gunzipSync(await readFile(path.join(root, 'app.js.gz'))).toString()).toBe(changed);
  });
});
