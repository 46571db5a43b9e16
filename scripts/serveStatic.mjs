#!/usr/bin/env node
// A tiny static server for the exported app in out/ (`next build` with output: 'export').
// No dependencies: node:http, node:fs, node:zlib.
//
//   node scripts/serveStatic.mjs            # serves out/ on PORT or 3000
//   PORT=4000 node scripts/serveStatic.mjs
//   node scripts/serveStatic.mjs some/dir   # serves another directory
//
// URL resolution follows next.config.ts's `trailingSlash: true`: /sandbox redirects to
// /sandbox/, which serves sandbox/index.html. Unknown paths get out/404.html with 404.
//
// Text and wasm go out gzipped to clients that accept it: from the `.gz` beside the file when
// the build left one (scripts/precompress.mjs; pglite.wasm alone is 9 MB, and gzipping it per
// request cost the machine about half a second of CPU while the page was starting its stores),
// else compressed on the fly.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

/** @type {Record<string, string>} */
export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
  '.tar': 'application/x-tar',
  '.gz': 'application/gzip',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json|wasm)|image\/svg)/;

/** Smaller files go out as they are: gzip would save little and cost a round of work. */
const MIN_GZIP_BYTES = 1024;

/** Whether a file of this type and size is worth gzipping (text, JSON, wasm, SVG over 1 KB). */
export function worthGzipping(type, size) {
  return COMPRESSIBLE.test(type) && size > MIN_GZIP_BYTES;
}

export function contentTypeFor(filePath) {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

async function fileOrNull(p) {
  try {
    const s = await stat(p);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

/**
 * An entity tag for one representation of a file: its size and modification time, and whether
 * it goes out gzipped (other bytes, so another tag). Weak: gzip on the fly and the build's `.gz`
 * may differ byte for byte while meaning the same file.
 */
export function entityTag(size, mtimeMs, gzipped) {
  return `W/"${size.toString(36)}-${Math.floor(mtimeMs).toString(36)}${gzipped ? '-gz' : ''}"`;
}

/**
 * Whether a conditional GET may be answered 304: If-None-Match names the tag (or `*`); without
 * one, If-Modified-Since is not older than the file (HTTP dates have whole seconds).
 */
export function notModified(requestHeaders, etag, mtimeMs) {
  const ifNoneMatch = requestHeaders['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // Weak comparison, as HTTP asks for GET: the W/ prefixes do not count.
    const opaque = (t) => t.trim().replace(/^W\//, '');
    return String(ifNoneMatch)
      .split(',')
      .some((t) => opaque(t) === '*' || opaque(t) === opaque(etag));
  }
  const since = Date.parse(String(requestHeaders['if-modified-since'] ?? ''));
  return Number.isFinite(since) && since >= Math.floor(mtimeMs / 1000) * 1000;
}

/** The `.gz` beside a file modified at `mtimeMs`, if the build left one and it is not older. */
export async function precompressedOf(file, mtimeMs) {
  const gz = await fileOrNull(file + '.gz');
  return gz && gz.mtimeMs >= mtimeMs ? { file: file + '.gz', size: gz.size } : null;
}

async function isDir(p) {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Maps a URL pathname to what to send.
 * @param {string} root absolute directory being served
 * @param {string} pathname URL pathname, still percent-encoded
 * @returns {Promise<{kind: 'file', file: string, size: number} | {kind: 'redirect', location: string} | {kind: 'notFound'} | {kind: 'badRequest'}>}
 */
export async function resolveRequest(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'badRequest' };
  }
  if (decoded.includes('\0') || !decoded.startsWith('/')) return { kind: 'badRequest' };
  // Resolve against root and refuse anything that escapes it (../, encoded or not).
  const target = path.resolve(root, '.' + path.posix.normalize(decoded));
  if (target !== root && !target.startsWith(root + path.sep)) return { kind: 'notFound' };

  if (decoded.endsWith('/')) {
    const index = path.join(target, 'index.html');
    const s = await fileOrNull(index);
    return s ? { kind: 'file', file: index, size: s.size, mtimeMs: s.mtimeMs } : { kind: 'notFound' };
  }
  const s = await fileOrNull(target);
  if (s) return { kind: 'file', file: target, size: s.size, mtimeMs: s.mtimeMs };
  if (await isDir(target)) return { kind: 'redirect', location: pathname + '/' };
  // `trailingSlash: true` exports /x as x/index.html, but accept x.html too.
  const html = await fileOrNull(target + '.html');
  if (html) return { kind: 'file', file: target + '.html', size: html.size, mtimeMs: html.mtimeMs };
  return { kind: 'notFound' };
}

/**
 * Creates (does not start) the server.
 * @param {{ root: string, log?: boolean }} options
 */
export function createStaticServer({ root, log = false }) {
  const absRoot = path.resolve(root);

  return http.createServer(async (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    res.on('finish', () => {
      if (log) console.log(`${method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return;
    }

    let url;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400).end();
      return;
    }

    const found = await resolveRequest(absRoot, url.pathname);
    if (found.kind === 'badRequest') {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Bad Request\n');
      return;
    }
    if (found.kind === 'redirect') {
      res.writeHead(308, { Location: found.location + url.search });
      res.end();
      return;
    }

    let status = 200;
    let file;
    let size;
    let mtimeMs;
    if (found.kind === 'file') {
      file = found.file;
      size = found.size;
      mtimeMs = found.mtimeMs;
    } else {
      status = 404;
      file = path.join(absRoot, '404.html');
      const s = await fileOrNull(file);
      if (!s) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Not Found\n');
        return;
      }
      size = s.size;
      mtimeMs = s.mtimeMs;
    }

    const type = contentTypeFor(file);
    const headers = {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      // Hashed build output never changes; everything else is revalidated.
      'Cache-Control': url.pathname.startsWith('/_next/static/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    };
    const compressible = worthGzipping(type, size);
    const gzip = compressible && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (compressible) headers['Vary'] = 'Accept-Encoding';
    if (status === 200) {
      // Validators, so a return visit revalidates PGlite's 16 MB and the pages instead of
      // downloading them again (and Chromium keeps its compiled wasm for an unchanged file).
      headers['ETag'] = entityTag(size, mtimeMs, gzip);
      headers['Last-Modified'] = new Date(mtimeMs).toUTCString();
      if (notModified(req.headers, headers['ETag'], mtimeMs)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    // A precompressed copy counts only if it is at least as new as the file it stands for.
    const gzipped = gzip ? await precompressedOf(file, mtimeMs) : null;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    if (gzipped) headers['Content-Length'] = String(gzipped.size);
    else if (!gzip) headers['Content-Length'] = String(size);
    res.writeHead(status, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }

    const stream = createReadStream(gzipped ? gzipped.file : file);
    stream.on('error', () => res.destroy());
    if (gzip && !gzipped) stream.pipe(createGzip({ level: 6 })).pipe(res);
    else stream.pipe(res);
  });
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(process.argv[2] ?? path.join(here, '..', 'out'));
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serveStatic: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(1);
  }
  if (!(await fileOrNull(path.join(root, 'index.html')))) {
    console.error(`serveStatic: ${root}/index.html not found. Run \`npm run build\` first.`);
    process.exit(1);
  }

  const server = createStaticServer({ root, log: process.env.SERVE_LOG === '1' });
  server.on('error', (err) => {
    console.error(
      err.code === 'EADDRINUSE'
        ? `serveStatic: port ${port} is in use. Try PORT=${port + 1} npm start`
        : `serveStatic: ${err.message}`,
    );
    process.exit(1);
  });
  server.listen(port, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    console.log(`Serving ${path.relative(process.cwd(), root) || '.'}/ at http://localhost:${actual}/`);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
    });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
