import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  test: {
    include: ['simulator/**/*.test.ts', 'lessons/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['fake-indexeddb/auto'],
    // Lesson content is generated from the lesson folders (lessons/generated/content.json).
    globalSetup: ['lessons/test/globalSetup.ts'],
    environment: 'node',
    // PGlite instances are heavy (~200 MB, ~0.5 s to start): keep files in few workers.
    pool: 'forks',
    maxWorkers: 2,
    // Generous: a file's first simulation on real stores starts a PGlite instance (cold,
    // ~0.5-1.5 s, much more on a loaded machine). Tests assert behaviour, never time.
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
