import { describe, expect, it } from 'vitest';
import { createSimulation, type StoreProvider } from '../../core/simulation';
import { SimError } from '../../core/errors';
import type { TraceEvent } from '../../core/types';
import { createKvStore } from '../../stores/kv';
import { TWO_PC_CRASH, twoPhaseCommitScenario, twoPhaseStatus, type TwoPhaseCommitOptions } from './index';

const kvOnly: StoreProvider = {
  async create(spec, ctx) {
    if (spec.kind !== 'kv') throw new SimError('SCENARIO', `only KV stores here, got ${spec.kind}`);
    return createKvStore(ctx);
  },
};

async function start(opts: TwoPhaseCommitOptions = {}, seed = 1) {
  const scenario = twoPhaseCommitScenario(opts);
  return createSimulation({ seed, scenario, faultPlan: scenario.faultPlan, stores: kvOnly });
}

const domain = (trace: readonly TraceEvent[], name: string) =>
  trace.flatMap((e) => (e.type === 'domain' && e.name === name ? [{ time: e.time, service: e.service, data: e.data as Record<string, unknown> }] : []));

describe('two-phase commit', () => {
  it('happy path: all three vote YES, the coordinator logs COMMIT and every participant applies its change', async () => {
    const sim = await start();
    const run = await sim.runToQuiescence({ maxTime: 10_000 });
    expect(run.quiescent).toBe(true);
    const st = await twoPhaseStatus(sim);

    expect(st.coordinator.log).toHaveLength(1);
    const tx = st.coordinator.log[0]!;
    expect(tx).toMatchObject({ txId: 'tx-1', state: 'COMMIT', votes: { accounts: 'YES', payments: 'YES', audit: 'YES' } });
    expect(Object.keys(tx.acks).sort()).toEqual(['accounts', 'audit', 'payments']);
    expect(tx.endedAt).not.toBeNull();

    const [accounts, payments, audit] = st.participants;
    expect(accounts!.data['balance:alice']).toBe('400');
    expect(accounts!.data['balance:bob']).toBe('200');
    expect(payments!.data['payment:tx-1']).toEqual({ from: 'alice', to: 'bob', amount: '100', status: 'SETTLED' });
    expect(audit!.data['audit:tx-1']).toMatchObject({ kind: 'TRANSFER', amount: '100' });
    for (const p of st.participants) {
      expect(p.locks, p.name).toEqual([]);
      expect(p.staged, p.name).toEqual([]);
      expect(p.outcomes, p.name).toEqual([{ txId: 'tx-1', outcome: 'COMMITTED' }]);
    }
    // The decision is logged before any COMMIT is sent (the commit point), and after the last vote.
    const trace = sim.trace();
    const decision = domain(trace, '2pc.decision')[0]!;
    const lastVote = Math.max(...domain(trace, '2pc.vote').map((v) => v.time));
    const firstCommitSent = trace.find((e) => e.type === 'message.sent' && e.message.type === 'Commit')!;
    expect(decision.time).toBeGreaterThanOrEqual(lastVote);
    expect(firstCommitSent.seq).toBeGreaterThan(trace.find((e) => e.type === 'domain' && e.name === '2pc.decision')!.seq);
    expect(domain(trace, 'participant.blocked')).toEqual([]);
  });

  it('one participant votes NO: everyone aborts, no staged change is applied, all locks are released', async () => {
    // audit refuses transfers to the blocked account; accounts and payments vote YES and stage.
    const sim = await start({ transfers: [{ at: 0, txId: 'tx-9', from: 'alice', to: 'mallory', amount: 100 }] });
    await sim.runToQuiescence({ maxTime: 10_000 });
    const st = await twoPhaseStatus(sim);
    const tx = st.coordinator.log[0]!;
    expect(tx.state).toBe('ABORT');
    expect(tx.reason).toMatch(/audit voted NO: BLOCKED_ACCOUNT/);
    expect(tx.votes.audit).toBe('NO (BLOCKED_ACCOUNT)');

    const trace = sim.trace();
    // accounts did prepare (it locked and staged) before the abort: the abort really undid something.
    expect(domain(trace, 'participant.prepared').map((e) => e.data.participant)).toContain('accounts');
    const [accounts, payments, audit] = st.participants;
    expect(accounts!.data['balance:alice']).toBe('500');
    expect(accounts!.data['balance:mallory']).toBe('0');
    expect(payments!.data['payment:tx-9']).toBeUndefined();
    expect(audit!.data['audit:tx-9']).toBeUndefined();
    for (const p of st.participants) {
      expect(p.locks, p.name).toEqual([]);
      expect(p.staged, p.name).toEqual([]);
      expect(p.outcomes, p.name).toEqual([{ txId: 'tx-9', outcome: 'ABORTED' }]);
    }
    expect(trace.some((e) => e.type === 'message.sent' && e.message.type === 'Commit')).toBe(false);
  });

  it('a participant that does not answer PREPARE counts as NO', async () => {
    const scenario = twoPhaseCommitScenario();
    const sim = await createSimulation({
      seed: 4,
      scenario,
      faultPlan: { faults: [{ at: 0, action: { kind: 'partition', links: [['coordinator', 'payments']] } }, { at: 1000, action: { kind: 'heal' } }] },
      stores: kvOnly,
    });
    await sim.runToQuiescence({ maxTime: 20_000 });
    const st = await twoPhaseStatus(sim);
    expect(st.coordinator.log[0]).toMatchObject({ state: 'ABORT', votes: { payments: 'NO (TIMEOUT)' } });
    expect(st.coordinator.log[0]!.endedAt).not.toBeNull(); // the ABORT reached payments after the heal
    expect(st.participants[0]!.data['balance:alice']).toBe('500');
    for (const p of st.participants) expect(p.locks, p.name).toEqual([]);
  });

  it('coordinator crashes after PREPARE: participants stay blocked holding locks; restart delivers presumed abort', async () => {
    const sim = await start({ crashCoordinatorAfterPrepare: true });

    // Well after the crash, long before the restart.
    await sim.runUntil(TWO_PC_CRASH.restartAt - 500);
    expect(sim.serviceStatus('coordinator')).toBe('down');
    const blocked = await twoPhaseStatus(sim);
    expect(blocked.coordinator.log[0]).toMatchObject({ txId: 'tx-1', state: 'PREPARING', decidedAt: null });
    const lockOf = (name: string) => blocked.participants.find((p) => p.name === name)!.locks;
    expect(lockOf('accounts')).toEqual([
      { resource: 'account:alice', txId: 'tx-1' },
      { resource: 'account:bob', txId: 'tx-1' },
    ]);
    expect(lockOf('payments')).toEqual([{ resource: 'payer:alice', txId: 'tx-1' }]);
    expect(lockOf('audit')).toEqual([{ resource: 'journal:alice', txId: 'tx-1' }]);
    for (const p of blocked.participants) expect(p.staged.map((s) => s.txId), p.name).toEqual(['tx-1']);

    // Each participant keeps saying it is blocked, with the locks it holds.
    const blockedEvents = domain(sim.trace(), 'participant.blocked');
    for (const name of ['accounts', 'payments', 'audit']) {
      const mine = blockedEvents.filter((e) => e.service === name);
      expect(mine.length, name).toBeGreaterThan(3);
      expect(mine[0]!.data).toMatchObject({ txId: 'tx-1' });
      expect(mine[0]!.data.locks).toEqual(lockOf(name).map((l) => l.resource));
    }

    // The second transaction on alice's account was refused, behind tx-1.
    const contender = sim.clientReplies().find((r) => r.correlationId === 'tx-2')!;
    expect(contender.reply).toEqual({
      ok: true,
      value: expect.objectContaining({ vote: 'NO', reason: 'LOCKED', resource: 'account:alice', heldBy: 'tx-1' }),
    });
    expect(blocked.participants[0]!.data['balance:alice']).toBe('500');

    // Restart: the coordinator finds PREPARING without a decision and aborts everywhere.
    const end = await sim.runToQuiescence({ maxTime: 20_000 });
    expect(end.quiescent).toBe(true);
    const after = await twoPhaseStatus(sim);
    expect(after.coordinator.status).toBe('up');
    expect(after.coordinator.log[0]).toMatchObject({ state: 'ABORT', reason: expect.stringMatching(/presumed abort/) });
    expect(after.coordinator.log[0]!.decidedAt!).toBeGreaterThanOrEqual(TWO_PC_CRASH.restartAt);
    for (const p of after.participants) {
      expect(p.locks, p.name).toEqual([]);
      expect(p.staged, p.name).toEqual([]);
      expect(p.outcomes, p.name).toEqual([{ txId: 'tx-1', outcome: 'ABORTED' }]);
    }
    expect(after.participants[0]!.data['balance:alice']).toBe('500');
    const recovered = domain(sim.trace(), '2pc.recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.data).toMatchObject({ txId: 'tx-1', found: 'PREPARING', action: 'presumed abort' });
    // No participant stayed blocked after the decision went out.
    const lastBlocked = Math.max(...domain(sim.trace(), 'participant.blocked').map((e) => e.time));
    expect(lastBlocked).toBeLessThan(TWO_PC_CRASH.restartAt + 50);
  });

  it('a logged COMMIT survives a coordinator crash and is re-sent on restart', async () => {
    const scenario = twoPhaseCommitScenario();
    const sim = await createSimulation({ seed: 8, scenario, stores: kvOnly });
    // After two votes, cut the coordinator's outgoing links: the COMMITs it sends are lost,
    // then it crashes, so only its decision log knows the transaction committed.
    while ((await sim.step()) && domain(sim.trace(), '2pc.vote').length < 2);
    await sim.applyFault({ kind: 'partition', links: ['accounts', 'payments', 'audit'].map((p) => ['coordinator', p] as [string, string]), oneWay: true });
    while ((await sim.step()) && domain(sim.trace(), '2pc.decision').length === 0);
    expect(domain(sim.trace(), '2pc.decision')[0]!.data).toMatchObject({ decision: 'COMMIT' });
    await sim.applyFault({ kind: 'crash', service: 'coordinator' });
    // Heal only once the COMMITs in flight have reached the cut (the network checks links on arrival).
    await sim.runUntil(sim.now + 100);
    await sim.applyFault({ kind: 'heal' });
    await sim.runUntil(sim.now + 1000);
    let st = await twoPhaseStatus(sim);
    expect(st.coordinator.log[0]!.state).toBe('COMMIT');
    // The participants never heard COMMIT: they are prepared, blocked, holding their locks.
    for (const p of st.participants) {
      expect(p.staged.map((s) => s.txId), p.name).toEqual(['tx-1']);
      expect(p.outcomes, p.name).toEqual([]);
    }
    expect(st.participants[0]!.data['balance:bob']).toBe('100');
    await sim.applyFault({ kind: 'restart', service: 'coordinator' });
    await sim.runToQuiescence({ maxTime: 30_000 });
    st = await twoPhaseStatus(sim);
    expect(domain(sim.trace(), '2pc.recovered')[0]!.data).toMatchObject({ found: 'COMMIT' });
    expect(st.coordinator.log[0]!.endedAt).not.toBeNull();
    for (const p of st.participants) {
      expect(p.outcomes, p.name).toEqual([{ txId: 'tx-1', outcome: 'COMMITTED' }]);
      expect(p.locks, p.name).toEqual([]);
    }
    expect(st.participants[0]!.data['balance:bob']).toBe('200');
  });

  it('is deterministic: the same seed gives the same trace hash', async () => {
    const hashes: string[] = [];
    for (const seed of [21, 21, 22]) {
      const sim = await start({ crashCoordinatorAfterPrepare: true }, seed);
      await sim.runToQuiescence({ maxTime: 20_000 });
      hashes.push(sim.traceHash());
    }
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[2]).not.toBe(hashes[0]);
  });
});
