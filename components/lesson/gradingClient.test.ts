import { describe, expect, it } from 'vitest';
import type { WorkerRequest, WorkerResponse } from './gradeWorkerProtocol';
import { createGradingClient, GradingCancelledError, type WorkerLike } from './gradingClient';

/** A stand-in for the grading worker: records what it is asked, answers when told to. */
class FakeWorker implements WorkerLike {
  static all: FakeWorker[] = [];
  onmessage: ((e: { data: WorkerResponse }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  received: WorkerRequest[] = [];
  terminated = false;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(m: WorkerRequest) {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.received.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  say(m: WorkerResponse) {
    this.onmessage?.({ data: m });
  }
}

const grade = { kind: 'grade' as const, lessonId: 'l', exerciseId: 'e', files: {} };
const report = { lesson: 'l', exercise: 'e', score: 1, max: 1, criteria: [], diagnostics: [], console: [] };

describe('the grading client', () => {
  it('routes progress to the caller and resolves with the answer', async () => {
    FakeWorker.all = [];
    const client = createGradingClient(() => new FakeWorker());
    const progress: string[] = [];
    const p = client.ask(grade, (d, n, l) => progress.push(`${d}/${n} ${l}`));
    const w = FakeWorker.all[0]!;
    const id = w.received[0]!.id;
    w.say({ id, type: 'progress', done: 0, total: 2, label: 'first' });
    w.say({ id, type: 'progress', done: 1, total: 2, label: 'second' });
    expect(client.busy).toBe(true);
    w.say({ id, type: 'grade', report });
    await expect(p).resolves.toEqual({ id, type: 'grade', report });
    expect(progress).toEqual(['0/2 first', '1/2 second']);
    expect(client.busy).toBe(false);
  });

  it('cancel terminates the worker, fails the waiting grade, and the next grade starts on a fresh worker', async () => {
    FakeWorker.all = [];
    const client = createGradingClient(() => new FakeWorker());
    const progress: string[] = [];
    const first = client.ask(grade, (d, n, l) => progress.push(`${d}/${n} ${l}`));
    const w1 = FakeWorker.all[0]!;
    const id1 = w1.received[0]!.id;
    w1.say({ id: id1, type: 'progress', done: 0, total: 3, label: 'a' });

    expect(client.cancel()).toBe(true);
    await expect(first).rejects.toBeInstanceOf(GradingCancelledError);
    expect(w1.terminated).toBe(true);
    expect(client.busy).toBe(false);
    // Whatever the old worker still says is ignored.
    w1.say({ id: id1, type: 'progress', done: 1, total: 3, label: 'late' });
    w1.say({ id: id1, type: 'grade', report });
    expect(progress).toEqual(['0/3 a']);

    const second = client.ask(grade);
    expect(FakeWorker.all).toHaveLength(2);
    const w2 = FakeWorker.all[1]!;
    expect(w2.terminated).toBe(false);
    const id2 = w2.received[0]!.id;
    expect(id2).not.toBe(id1);
    w2.say({ id: id2, type: 'grade', report });
    await expect(second).resolves.toMatchObject({ type: 'grade' });
    expect(client.cancel()).toBe(false); // nothing running
  });

  it('a worker that dies fails what waits, and the next request gets a new worker', async () => {
    FakeWorker.all = [];
    const client = createGradingClient(() => new FakeWorker());
    const p = client.ask(grade);
    FakeWorker.all[0]!.onerror?.({ message: 'out of memory' });
    await expect(p).rejects.toThrow('out of memory');
    void client.ask(grade);
    expect(FakeWorker.all).toHaveLength(2);
  });

  it('prepare starts the worker ahead of the first grade, which then goes to the same worker', async () => {
    FakeWorker.all = [];
    const client = createGradingClient(() => new FakeWorker());
    const ready = client.ask({ kind: 'prepare' });
    expect(FakeWorker.all).toHaveLength(1);
    const w = FakeWorker.all[0]!;
    const prepareId = w.received[0]!.id;
    expect(w.received[0]).toEqual({ id: prepareId, kind: 'prepare' });
    w.say({ id: prepareId, type: 'ready', ms: 1234 });
    await expect(ready).resolves.toEqual({ id: prepareId, type: 'ready', ms: 1234 });
    const p = client.ask(grade);
    expect(FakeWorker.all).toHaveLength(1);
    const id = w.received[1]!.id;
    w.say({ id, type: 'grade', report });
    await expect(p).resolves.toMatchObject({ type: 'grade' });
  });
});
