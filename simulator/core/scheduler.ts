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
    // Sift up: move parents down into the hole until the entry's place is found.
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = entry;
  }

  peekTime(): VirtualTime | undefined {
    return this.heap[0]?.time;
  }

  pop(): Scheduled<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      // Sift down: move the earlier child up into the hole until `last` fits there.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[child]!, last)) break;
        h[i] = h[child]!;
        i = child;
      }
      h[i] = last;
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
