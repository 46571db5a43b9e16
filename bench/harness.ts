/**
 * A tiny benchmark harness. Machines here are noisy, so every row compares the engine
 * with a baseline measured side by side in the same process (runs alternate, medians
 * are kept) and reports the ratio; absolute figures are context only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Row {
  name: string;
  /** Engine figure. */
  value: number;
  unit: string;
  /** Baseline figure, same unit. */
  baseline: number;
  /** Engine relative to baseline, oriented so that higher is better (see each row). */
  ratio: number;
  /** The ratio to reach, when the row has one. */
  goal?: number;
  /** One line on what was measured. */
  note?: string;
}

export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');

/** Median of numbers (upper median for even counts). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Runs `engine` and `baseline` alternately `rounds` times (after `warmup` unmeasured pairs)
 * and returns the median wall time of each, in ms. Each function runs one round of work.
 */
export async function sideBySide(opts: {
  engine: (round: number) => Promise<void>;
  baseline: (round: number) => Promise<void>;
  rounds?: number;
  warmup?: number;
}): Promise<{ engineMs: number; baselineMs: number }> {
  const rounds = opts.rounds ?? 5;
  const warmup = opts.warmup ?? 1;
  const e: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    // Alternate who goes first, so drift on a noisy machine hits both sides alike.
    const order = i % 2 === 0 ? (['e', 'b'] as const) : (['b', 'e'] as const);
    for (const who of order) {
      const t0 = performance.now();
      if (who === 'e') await opts.engine(i);
      else await opts.baseline(i);
      const dt = performance.now() - t0;
      if (i >= warmup) (who === 'e' ? e : b).push(dt);
    }
  }
  return { engineMs: median(e), baselineMs: median(b) };
}

/** Prints rows as a table. */
export function printTable(rows: Row[]): void {
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  const head = ['name', 'value', 'baseline', 'unit', 'ratio', 'goal', ''];
  const body = rows.map((r) => [
    r.name,
    fmt(r.value),
    fmt(r.baseline),
    r.unit,
    r.ratio.toFixed(2),
    r.goal === undefined ? '' : `≥ ${r.goal}`,
    r.goal === undefined ? '' : r.ratio >= r.goal ? 'ok' : 'MISS',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

/** Merges rows into bench/results.json by name (other benches keep their rows). */
export function mergeResults(rows: Row[], file = RESULTS_FILE): void {
  let existing: Row[] = [];
  if (fs.existsSync(file)) {
    try {
      existing = (JSON.parse(fs.readFileSync(file, 'utf8')) as { rows?: Row[] }).rows ?? [];
    } catch {
      existing = [];
    }
  }
  const byName = new Map(existing.map((r) => [r.name, r]));
  for (const r of rows) byName.set(r.name, r);
  const merged = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  fs.writeFileSync(file, JSON.stringify({ rows: merged }, null, 2) + '\n');
}
