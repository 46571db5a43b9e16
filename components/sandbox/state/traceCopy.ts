import type { TraceEvent } from '@/simulator';

/**
 * Keeps the page's copy of the engine's trace in step with the views it receives (pure, in
 * place). `events` are the view's new events, `traceCount` how many the run has emitted.
 * Events at or after the first new event's seq, or at or after `traceCount`, were cut by a
 * step back: they are dropped before the new ones are added. Returns whether anything was cut
 * (the fold must then be rebuilt from the copy). Keeps at most about `limit` events, the newest.
 */
export function updateTraceCopy(copy: TraceEvent[], events: readonly TraceEvent[], traceCount: number, limit = 200_000): boolean {
  const cut = Math.min(events[0]?.seq ?? Infinity, traceCount);
  let keep = copy.length;
  while (keep > 0 && copy[keep - 1]!.seq >= cut) keep--;
  const cutSome = keep < copy.length;
  copy.length = keep;
  for (const e of events) copy.push(e);
  // Like the engine: drop the oldest in one go once a quarter over the limit.
  if (copy.length > limit * 1.25) copy.splice(0, copy.length - limit);
  return cutSome;
}
