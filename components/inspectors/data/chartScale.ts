/** Scales and ticks for the inspectors' hand-drawn SVG charts. Pure. */

/** Maps [d0, d1] linearly onto [r0, r1]; a zero-width domain maps to r0. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0 || !Number.isFinite(span)) return () => r0;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** A "nice" step (1, 2, 5 × 10^k) so that about `count` steps cover `span`. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Ticks from 0 (or min) up to a nice maximum ≥ max; the last tick is the axis' top. */
export function niceTicks(max: number, count = 5, min = 0, integer = false): number[] {
  if (!(max > min)) return [min, min + 1];
  // Counts (sagas, messages) never get fractional ticks.
  const step = integer ? Math.max(1, niceStep(max - min, count)) : niceStep(max - min, count);
  const start = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = start; v < max + step * 1e-9; v += step) ticks.push(round(v));
  if (ticks[ticks.length - 1]! < max) ticks.push(round(ticks[ticks.length - 1]! + step));
  return ticks;
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

export interface BarLayout {
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
  label: string;
}

/**
 * Lays out vertical bars in a plot area: equal slots, a gap between bars, heights scaled to
 * the nice top tick. Zero values get zero height (the value is still labelled in text).
 */
export function layoutBars(
  values: ReadonlyArray<{ label: string; value: number }>,
  area: { x: number; y: number; width: number; height: number },
  gap = 0.2,
): { bars: BarLayout[]; ticks: number[]; scaleY: (v: number) => number } {
  const max = Math.max(0, ...values.map((v) => v.value));
  const ticks = niceTicks(max, 5, 0, values.every((v) => Number.isInteger(v.value)));
  const top = ticks[ticks.length - 1]!;
  const scaleY = linearScale([0, top], [area.y + area.height, area.y]);
  const slot = values.length ? area.width / values.length : 0;
  const width = slot * (1 - gap);
  const bars = values.map((v, i) => {
    const y = scaleY(v.value);
    return { x: area.x + i * slot + (slot - width) / 2, y, width, height: area.y + area.height - y, value: v.value, label: v.label };
  });
  return { bars, ticks, scaleY };
}

/** An SVG path through points (x ascending), as a step line (lag holds until the next sample). */
export function stepPath(points: ReadonlyArray<{ x: number; y: number }>): string {
  if (points.length === 0) return '';
  let d = `M${fmt(points[0]!.x)},${fmt(points[0]!.y)}`;
  for (let i = 1; i < points.length; i++) d += ` H${fmt(points[i]!.x)} V${fmt(points[i]!.y)}`;
  return d;
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Ticks on a time axis [from, to]: nice steps, aligned to multiples of the step. */
export function timeTicks(from: number, to: number, count = 6): number[] {
  if (!(to > from)) return [from];
  const step = niceStep(to - from, count);
  const out: number[] = [];
  for (let v = Math.ceil(from / step) * step; v <= to + 1e-9; v += step) out.push(round(v));
  return out;
}
