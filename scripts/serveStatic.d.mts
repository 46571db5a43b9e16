// Types for serveStatic.mjs, so its unit test (and any TS caller) is type-checked.
import type { Server } from 'node:http';

export const MIME_TYPES: Record<string, string>;
export function contentTypeFor(filePath: string): string;
export function worthGzipping(type: string, size: number): boolean;
export function precompressedOf(file: string, mtimeMs: number): Promise<{ file: string; size: number } | null>;
export type Resolved =
  | { kind: 'file'; file: string; size: number; mtimeMs: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'notFound' }
  | { kind: 'badRequest' };
export function resolveRequest(root: string, pathname: string): Promise<Resolved>;
export function entityTag(size: number, mtimeMs: number, gzipped: boolean): string;
export function notModified(requestHeaders: Record<string, string | string[] | undefined>, etag: string, mtimeMs: number): boolean;
export function createStaticServer(options: { root: string; log?: boolean }): Server;
