/**
 * `npm run bench` runs every bench/rows/*.ts module; `npm run bench -- append-single pglite`
 * runs only rows whose name (or module file name) contains one of the words.
 * Each module exports `names: string[]` and `run(filter): Promise<Row[]>`.
 *
 * Each module runs in a Node process of its own: what one leaves behind (Playwright's client
 * and a browser's worth of objects on the heap, JIT feedback from other code) must not slow
 * the next. saga-memory measured 15–20% slower after the browser rows in a shared process.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mergeResults, printTable, type Row } from './harness';

interface RowModule {
  names?: string[];
  run(filter: (name: string) => boolean): Promise<Row[]>;
}

const here = fileURLToPath(import.meta.url);
const dir = path.join(path.dirname(here), 'rows');
/** Set in a child: the module to run and the file to write its rows to. */
const CHILD_MODULE = 'BENCH_CHILD_MODULE';
const CHILD_OUT = 'BENCH_CHILD_OUT';

const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wanted = (name: string) => words.length === 0 || words.some((w) => name.includes(w));

async function runInThisProcess(file: string, out: string): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as RowModule;
  const rows = await mod.run((name: string) => wanted(file) || wanted(name));
  fs.writeFileSync(out, JSON.stringify(rows));
}

/** Runs one module in a fresh Node process (with the same loader flags) and returns its rows. */
function runInChild(file: string): Promise<Row[]> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'rows.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, here, ...process.argv.slice(2)], {
      env: { ...process.env, [CHILD_MODULE]: file, [CHILD_OUT]: out },
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) return reject(new Error(`bench/rows/${file} failed (${signal ?? `exit code ${code}`}).`));
      try {
        resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as Row[]);
      } catch (e) {
        reject(new Error(`bench/rows/${file} wrote no rows: ${(e as Error).message}`));
      } finally {
        fs.rmSync(path.dirname(out), { recursive: true, force: true });
      }
    });
  });
}

const childModule = process.env[CHILD_MODULE];
if (childModule) {
  await runInThisProcess(childModule, process.env[CHILD_OUT]!);
  // PGlite keeps handles open; the module is done.
  process.exit(0);
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
const all: Row[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as RowModule;
  const names = mod.names ?? [];
  if (!wanted(file) && !names.some(wanted)) continue;
  const t0 = performance.now();
  console.log(`\n# ${file}`);
  all.push(...(await runInChild(file)));
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log('');
printTable(all);
mergeResults(all);
process.exit(0);
