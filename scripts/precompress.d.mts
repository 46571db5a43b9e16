// Types for precompress.mjs, so its unit test (and any TS caller) is type-checked.
export function precompress(root: string): Promise<{ written: number; kept: number; bytesIn: number; bytesOut: number }>;
