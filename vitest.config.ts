import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  test: {
    include: ['simulator/**/*.test.ts', 'lessons/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['fake-indexeddb/auto'],
    environment: 'node',
    // PGlite instances are heavy (~200 MB, ~0.5 s to start): keep files in few workers.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
