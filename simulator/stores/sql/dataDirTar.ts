/**
 * Trimming a PGlite data-dir dump (a ustar archive, as `dumpDataDir('none')` writes it).
 *
 * Every instance starts by unpacking the dump into its in-memory file system, so its size is
 * start-up time. A fresh data dir's WAL segment is 16 MB, of which initdb used about 7: the
 * rest is zeros that PostgreSQL does not need on disk (it finds the end of the WAL at the first
 * empty record and writes past the end of the file as it goes).
 */

const BLOCK = 512;
const WAL_PAGE = 8192;

function readOctal(header: Uint8Array, offset: number, length: number): number {
  let text = '';
  for (let i = offset; i < offset + length; i++) {
    const c = header[i]!;
    if (c === 0 || c === 0x20) {
      if (text.length > 0) break;
      continue;
    }
    text += String.fromCharCode(c);
  }
  return text.length === 0 ? 0 : parseInt(text, 8);
}

function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  // length − 1 octal digits, zero padded, then NUL (the form tar writers use).
  const text = value.toString(8).padStart(length - 1, '0');
  if (text.length > length - 1) throw new Error(`tar: ${value} does not fit in ${length - 1} octal digits`);
  for (let i = 0; i < length - 1; i++) header[offset + i] = text.charCodeAt(i);
  header[offset + length - 1] = 0;
}

function setChecksum(header: Uint8Array): void {
  for (let i = 148; i < 156; i++) header[i] = 0x20;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += header[i]!;
  // Six octal digits, NUL, space.
  const text = sum.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) header[148 + i] = text.charCodeAt(i);
  header[154] = 0;
  header[155] = 0x20;
}

function entryName(header: Uint8Array): string {
  const field = (offset: number, length: number) => {
    let end = offset;
    while (end < offset + length && header[end] !== 0) end++;
    return new TextDecoder().decode(header.subarray(offset, end));
  };
  const name = field(0, 100);
  const prefix = header[257] === 0x75 /* 'u' of ustar */ ? field(345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Bytes of `data` up to the end of its last WAL page that holds anything but zeros. */
function usedWalLength(data: Uint8Array): number {
  for (let page = Math.ceil(data.length / WAL_PAGE) - 1; page >= 0; page--) {
    const start = page * WAL_PAGE;
    const end = Math.min(start + WAL_PAGE, data.length);
    for (let i = start; i < end; i++) if (data[i] !== 0) return end;
  }
  return 0;
}

/**
 * Returns the dump with every WAL segment cut after its last non-empty 8 KB page; every other
 * entry is copied as it is. Throws on something that is not a ustar archive.
 */
export function trimWalPadding(tar: Uint8Array): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  let total = 0;
  for (;;) {
    if (offset + BLOCK > tar.length) throw new Error('tar: the archive ends inside a header');
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = readOctal(header, 124, 12);
    const type = header[156];
    const dataStart = offset + BLOCK;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (dataStart + padded > tar.length) throw new Error(`tar: "${entryName(header)}" runs past the end of the archive`);
    const data = tar.subarray(dataStart, dataStart + size);
    const isWal = (type === 0x30 || type === 0) && /(^|\/)pg_wal\/[0-9A-F]{24}$/.test(entryName(header));
    if (isWal) {
      const kept = usedWalLength(data);
      const newHeader = header.slice();
      writeOctal(newHeader, 124, 12, kept);
      setChecksum(newHeader);
      const block = new Uint8Array(Math.ceil(kept / BLOCK) * BLOCK);
      block.set(data.subarray(0, kept));
      parts.push(newHeader, block);
      total += BLOCK + block.length;
    } else {
      parts.push(tar.subarray(offset, dataStart + padded));
      total += BLOCK + padded;
    }
    offset = dataStart + padded;
  }
  // The end of the archive: two empty blocks.
  const out = new Uint8Array(total + 2 * BLOCK);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
