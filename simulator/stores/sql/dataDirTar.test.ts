import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { trimWalPadding } from './dataDirTar';
import { getNodePgliteRuntime } from './nodePgliteRuntime';

/** One ustar entry: a 512-byte header (name, size, type, checksum) and the data padded to 512. */
function entry(name: string, data: Uint8Array, type = '0'): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  };
  put(0, name);
  put(100, '0000644\0');
  put(124, data.length.toString(8).padStart(11, '0') + '\0');
  put(136, '00000000000\0');
  put(156, type);
  put(257, 'ustar\x0000');
  put(148, '        ');
  const sum = header.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  const body = new Uint8Array(Math.ceil(data.length / 512) * 512);
  body.set(data);
  return concat([header, body]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Entries of a ustar archive as name → data (just enough to read what trimWalPadding wrote). */
function readTar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset + 512 <= tar.length && tar.subarray(offset, offset + 512).some((b) => b !== 0)) {
    const header = tar.subarray(offset, offset + 512);
    let end = 0;
    while (end < 100 && header[end] !== 0) end++;
    const name = new TextDecoder().decode(header.subarray(0, end));
    const size = parseInt(new TextDecoder().decode(header.subarray(124, 135)), 8);
    // The checksum must still add up.
    const stored = parseInt(new TextDecoder().decode(header.subarray(148, 154)), 8);
    const sum = header.reduce((a, b, i) => a + (i >= 148 && i < 156 ? 0x20 : b), 0);
    if (stored !== sum) throw new Error(`bad checksum for ${name}`);
    files.set(name, tar.slice(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

describe('trimWalPadding', () => {
  it('cuts a WAL segment after its last non-empty 8 KB page and leaves other files alone', () => {
    const wal = new Uint8Array(64 * 1024);
    wal[3] = 1;
    wal[2 * 8192 + 100] = 7; // the third page holds the last record
    const zeros = new Uint8Array(20_000); // not WAL: kept whole, zeros and all
    const text = new TextEncoder().encode('shared_buffers = 128MB\n');
    const tar = concat([
      entry('/pg_wal', new Uint8Array(0), '5'),
      entry('/pg_wal/000000010000000000000001', wal),
      entry('/base/5/1259', zeros),
      entry('/postgresql.conf', text),
      new Uint8Array(1024),
    ]);
    const files = readTar(trimWalPadding(tar));
    expect([...files.keys()]).toEqual(['/pg_wal', '/pg_wal/000000010000000000000001', '/base/5/1259', '/postgresql.conf']);
    expect(files.get('/pg_wal/000000010000000000000001')).toEqual(wal.slice(0, 3 * 8192));
    expect(files.get('/base/5/1259')).toEqual(zeros);
    expect(files.get('/postgresql.conf')).toEqual(text);
  });

  it('refuses what is not a whole tar archive', () => {
    const tar = entry('/pg_wal/000000010000000000000001', new Uint8Array(8192).fill(1));
    expect(() => trimWalPadding(tar.subarray(0, 1000))).toThrow(/runs past the end/);
    expect(() => trimWalPadding(new Uint8Array(100))).toThrow(/ends inside a header/);
  });
});

describe('the pre-initialized data dir', () => {
  it('holds one database and one short WAL segment, starts, takes writes past the trimmed end, and starts again from its own dump', async () => {
    const runtime = await getNodePgliteRuntime();
    const tar = new Uint8Array(await (await runtime.dataDir()).arrayBuffer());
    const files = readTar(tar);
    const names = [...files.keys()];
    expect(names.some((n) => /^\/?base\/1\//.test(n))).toBe(false);
    const wal = names.filter((n) => /pg_wal\/[0-9A-F]{24}$/.test(n));
    // One segment, started just before the last checkpoint: initdb's WAL is gone, not recycled.
    expect(wal).toHaveLength(1);
    expect(files.get(wal[0]!)!.length).toBeLessThan(1024 * 1024);

    const db = await runtime.createInstance();
    try {
      expect((await db.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname)).toEqual(['postgres']);
      expect((await db.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers).toBe('16MB');
      // Enough WAL to run well past the trimmed segment's end, and into new segments.
      await db.exec(`CREATE TABLE t (id SERIAL PRIMARY KEY, v TEXT); CREATE INDEX ON t (v);`);
      for (let i = 0; i < 10; i++) await db.exec(`INSERT INTO t (v) SELECT md5(g::text) FROM generate_series(1, 2000) g`);
      await db.exec('CHECKPOINT');
      await expect(db.exec('CREATE DATABASE other')).rejects.toThrow(/template database "template1" does not exist/);
      const again = await PGlite.create({ loadDataDir: await db.dumpDataDir('none'), startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
      try {
        expect((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(20_000);
      } finally {
        await again.close();
      }
    } finally {
      await db.close();
    }
  });
});
