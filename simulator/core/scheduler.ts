import type { VirtualTime } from './storeContext';

/**
 * A discrete-event queue: items ordered by time, then by insertion order, so two
 * items at the same virtual time always come out in the order they went in.
 * Items are plain data (no closures), which is what lets a simulation snapshot.
 */
export interface Scheduled<T> {
  time: VirtualTime;
  seq: number;
  item: T;
}

export class Scheduler<T> {
  private heap: Scheduled<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: VirtualTime, item: T): void {
    const entry = { time, seq: this.nextSeq++, item };
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  peekTime(): VirtualTime | undefined {
    return this.heap[0]?.time;
  }

  pop(): Scheduled<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  /** Queue content in pop order, plus the counter: enough to rebuild it exactly. */
  exportState(): { nextSeq: number; entries: Scheduled<T>[] } {
    return { nextSeq: this.nextSeq, entries: [...this.heap].sort((a, b) => (before(a, b) ? -1 : 1)) };
  }

  importState(state: { nextSeq: number; entries: Scheduled<T>[] }): void {
    this.nextSeq = state.nextSeq;
    this.heap = state.entries.map((e) => ({ ...e }));
  }

  items(): Scheduled<T>[] {
    return this.exportState().entries;
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
