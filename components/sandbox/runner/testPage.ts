import { createMemoryStoreProvider, type TraceEvent } from '@/simulator';
import type { LiveAction } from '../persistence/savedState';
import { updateTraceCopy } from '../state/traceCopy';
import { EngineHost, type EngineHostDeps } from './EngineHost';
import type { EngineView, HostCommand, HostMessage } from './protocol';

/**
 * The engine host driven as the page drives it, in one thread with memory stores: commands in,
 * views out, and the page's copy of the trace kept with updateTraceCopy.
 */
export function createPage(deps: Partial<Pick<EngineHostDeps, 'createStores' | 'buildLearnerScenario'>> = {}) {
  const messages: HostMessage[] = [];
  let wall = 0;
  const host = new EngineHost({
    createStores: async () => ({ provider: createMemoryStoreProvider(), real: false }),
    post: (m) => messages.push(m),
    // A clock that moves a little on every look, so budgets end.
    wallNow: () => (wall += 0.5),
    yieldToEvents: () => new Promise((r) => setTimeout(r, 0)),
    ...deps,
  });
  const trace: TraceEvent[] = [];
  let last: EngineView | null = null;
  const live: LiveAction[] = [];
  let learnerErrors: string[] = [];
  let nextId = 1;
  const absorb = (v: EngineView | undefined) => {
    if (!v) return;
    updateTraceCopy(trace, v.events, v.traceCount);
    if (v.learnerErrors) learnerErrors = v.learnerErrors;
    if (v.live) {
      live.length = Math.min(live.length, v.live.from);
      live.push(...v.live.add);
    }
    last = v;
  };
  const seen = new Set<HostMessage>();
  const absorbViews = () => {
    for (const m of messages) {
      if (seen.has(m)) continue;
      seen.add(m);
      if (m.type === 'view') absorb(m.view);
    }
  };
  async function send(command: HostCommand): Promise<{ result?: unknown; view?: EngineView }> {
    const id = nextId++;
    host.handle({ id, command });
    for (;;) {
      absorbViews();
      const answer = messages.find((m) => (m.type === 'done' || m.type === 'failed') && m.id === id);
      if (answer) {
        if (answer.type === 'failed') throw new Error(answer.message);
        if (answer.type === 'done') {
          absorb(answer.view);
          return { ...(answer.result !== undefined ? { result: answer.result } : {}), ...(answer.view ? { view: answer.view } : {}) };
        }
      }
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  /** Plays toward `time` until the host says it caught up. */
  async function playTo(time: number) {
    host.handle({ id: 0, command: { type: 'target', time } });
    for (;;) {
      absorbViews();
      if (last && last.idle && last.now >= time) break;
      await new Promise((r) => setTimeout(r, 0));
    }
    await send({ type: 'target', time: null });
  }
  /** The progress the host reported so far, in order. */
  const progress = () => messages.flatMap((m) => (m.type === 'progress' ? [{ id: m.id, done: m.done, total: m.total }] : []));
  return { host, send, playTo, trace, live, view: () => last!, learnerErrors: () => learnerErrors, progress };
}
