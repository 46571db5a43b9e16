/**
 * `npm run bench` runs every bench/rows/*.ts module; `npm run bench -- append-single pglite`
 * runs only rows whose name (or module file name) contains one of the words.
 * Each module exports `names: string[]` and `run(filter): Promise<Row[]>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mergeResults, printTable, type Row } from './harness';

interface RowModule {
  names?: string[];
  run(filter: (name: string) => boolean): Promise<Row[]>;
}

const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wanted = (name: string) => words.length === 0 || words.some((w) => name.includes(w));

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rows');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
const all: Row[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as RowModule;
  const names = mod.names ?? [];
  if (!wanted(file) && !names.some(wanted)) continue;
  const filter = (name: string) => wanted(file) || wanted(name);
  const t0 = performance.now();
  console.log(`\n# ${file}`);
  const rows = await mod.run(filter);
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  all.push(...rows);
}
console.log('');
printTable(all);
mergeResults(all);
// PGlite keeps handles open; the bench is done.
process.exit(0);
