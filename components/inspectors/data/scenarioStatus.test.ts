import { describe, expect, it } from 'vitest';
import type { CapStatus, TraceEvent, TwoPhaseStatus } from '@/simulator';
import { blockedParticipants, capConflicts, capWrites, participantPhase, twoPhaseEvents } from './scenarioStatus';

const replica = (name: string, extra: Partial<CapStatus['replicas'][number]> = {}): CapStatus['replicas'][number] =>
  ({ replica: name, status: 'up', mode: 'AP', stock: { 'sku-1': 0 }, appliedOps: [], writes: [], conflicts: [], locks: {}, ...extra }) as CapStatus['replicas'][number];

describe('CAP derivations', () => {
  it('lists writes in op order (w2 before w10) with the replica they entered through', () => {
    const s = { converged: true, replicas: [
      replica('replica-1', { writes: [{ opId: 'w10', productId: 'sku-1', quantity: 1, mode: 'AP', outcome: 'ACCEPTED', reason: null }] }),
      replica('replica-3', { writes: [{ opId: 'w2', productId: 'sku-1', quantity: 2, mode: 'AP', outcome: 'REFUSED', reason: 'OUT_OF_STOCK' }] }),
    ] } as CapStatus;
    expect(capWrites(s).map((w) => [w.opId, w.replica, w.outcome])).toEqual([['w2', 'replica-3', 'REFUSED'], ['w10', 'replica-1', 'ACCEPTED']]);
  });
  it('merges a conflict found by several replicas', () => {
    const c = { productId: 'sku-1', oversoldBy: 5, ops: [{ opId: 'w3', origin: 'replica-3', units: 2 }], detectedAt: 1500 };
    const s = { converged: true, replicas: [replica('replica-1', { conflicts: [c] }), replica('replica-2', { conflicts: [c] }), replica('replica-3')] } as CapStatus;
    expect(capConflicts(s)).toEqual([{ ...c, foundBy: ['replica-1', 'replica-2'] }]);
  });
});

describe('2PC derivations', () => {
  const status = (coordinatorStatus: 'up' | 'down', state: string): TwoPhaseStatus => ({
    coordinator: { name: 'coordinator', status: coordinatorStatus, log: [{ txId: 'tx-1', state, from: 'alice', to: 'bob', amount: 100, votes: {}, acks: {}, reason: null, startedAt: 10, decidedAt: null, endedAt: null }] },
    participants: [
      { name: 'accounts', status: 'up', locks: [{ resource: 'alice', txId: 'tx-1' }], staged: [{ txId: 'tx-1', change: 'alice -100', locks: ['alice', 'bob'], preparedAt: 25, coordinator: 'coordinator' }], outcomes: [], data: {} },
      { name: 'audit', status: 'up', locks: [], staged: [], outcomes: [{ txId: 'tx-0', outcome: 'COMMITTED' }], data: {} },
    ],
  });
  it('finds prepared participants blocked by a dead coordinator', () => {
    const b = blockedParticipants(status('down', 'PREPARING'));
    expect(b).toEqual([{ participant: 'accounts', txId: 'tx-1', locks: ['alice', 'bob'], since: 25, why: 'the coordinator is down: tx-1 is prepared and no decision can arrive' }]);
  });
  it('does not call a participant blocked once the decision is logged and the coordinator is up', () => {
    expect(blockedParticipants(status('up', 'COMMIT'))).toEqual([]);
    expect(blockedParticipants(status('up', 'PREPARING'))[0]!.why).toContain('has not decided');
  });
  it('says each participant’s phase in words', () => {
    const s = status('down', 'PREPARING');
    expect(participantPhase(s, 'accounts', 'tx-1')).toMatch(/^⏸ PREPARED/);
    expect(participantPhase(s, 'audit', 'tx-0')).toBe('✓ COMMITTED');
    expect(participantPhase(s, 'audit', 'tx-1')).toBe('— not prepared');
  });
  it('keeps the protocol’s domain events and crashes from the trace', () => {
    const trace = [
      { seq: 0, time: 5, type: 'domain', service: 'coordinator', name: '2pc.decision', data: { txId: 'tx-1' } },
      { seq: 1, time: 6, type: 'domain', service: 'x', name: 'cap.mode' },
      { seq: 2, time: 20, type: 'service.crashed', service: 'coordinator' },
    ] as unknown as TraceEvent[];
    expect(twoPhaseEvents(trace).map((e) => e.name)).toEqual(['2pc.decision', 'service.crashed']);
  });
});
