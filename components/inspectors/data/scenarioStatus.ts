/**
 * Reading and deriving what the CAP and 2PC views show. The stores are read by the engine's own
 * `capStatus(sim)` / `twoPhaseStatus(sim)` (they know the scenarios' key layouts); what is
 * derived from them for display lives here, pure and tested.
 */
import { capStatus, twoPhaseStatus, type CapStatus, type Json, type Simulation, type TraceEvent, type TwoPhaseStatus } from '@/simulator';

export type { CapStatus, TwoPhaseStatus };
export type CapWriteRecord = CapStatus['replicas'][number]['writes'][number];
export type CapConflict = CapStatus['replicas'][number]['conflicts'][number];

export const loadCapStatus = (sim: Simulation): Promise<CapStatus> => capStatus(sim);
export const loadTwoPhaseStatus = (sim: Simulation): Promise<TwoPhaseStatus> => twoPhaseStatus(sim);

/** Every write that entered the system, once, with the replica it entered through, by op id. */
export function capWrites(status: CapStatus): Array<CapWriteRecord & { replica: string }> {
  const key = (id: string) => {
    const m = /^(.*?)(\d+)$/.exec(id);
    return m ? [m[1]!, Number(m[2])] as const : [id, 0] as const;
  };
  return status.replicas
    .flatMap((r) => r.writes.map((w) => ({ ...w, replica: r.replica })))
    .sort((a, b) => {
      const [pa, na] = key(a.opId);
      const [pb, nb] = key(b.opId);
      return pa < pb ? -1 : pa > pb ? 1 : na - nb;
    });
}

/** Conflicts by product, with the replicas that found them. */
export function capConflicts(status: CapStatus): Array<CapConflict & { foundBy: string[] }> {
  const by = new Map<string, CapConflict & { foundBy: string[] }>();
  for (const r of status.replicas)
    for (const c of r.conflicts) {
      const cur = by.get(c.productId);
      if (cur) cur.foundBy.push(r.replica);
      else by.set(c.productId, { ...c, foundBy: [r.replica] });
    }
  return [...by.values()];
}

export interface BlockedParticipant {
  participant: string;
  txId: string;
  locks: string[];
  since: number;
  why: string;
}

/**
 * Participants holding a prepared transaction they cannot finish alone: prepared (locks held)
 * while the coordinator is down, or while its log has no decision. This is 2PC's blocking.
 */
export function blockedParticipants(s: TwoPhaseStatus): BlockedParticipant[] {
  const out: BlockedParticipant[] = [];
  for (const p of s.participants)
    for (const st of p.staged) {
      const entry = s.coordinator.log.find((l) => l.txId === st.txId);
      const coordinatorDown = s.coordinator.status !== 'up';
      const undecided = !entry || entry.state === 'PREPARING';
      if (coordinatorDown || undecided)
        out.push({
          participant: p.name,
          txId: st.txId,
          locks: st.locks,
          since: st.preparedAt,
          why: coordinatorDown ? `the coordinator is ${s.coordinator.status}: ${st.txId} is prepared and no decision can arrive` : `the coordinator has not decided ${st.txId} yet`,
        });
    }
  return out;
}

/** A participant's phase in one transaction, in words (with a glyph, never colour alone). */
export function participantPhase(s: TwoPhaseStatus, participant: string, txId: string): string {
  const p = s.participants.find((x) => x.name === participant);
  if (!p) return '—';
  if (p.staged.some((t) => t.txId === txId)) return '⏸ PREPARED (locks held, waiting for the decision)';
  const o = p.outcomes.find((t) => t.txId === txId);
  if (o) return o.outcome === 'COMMITTED' ? '✓ COMMITTED' : `✗ ${o.outcome}`;
  return '— not prepared';
}

/** 2PC protocol events from the trace (decisions, votes, lock conflicts, crashes), oldest first. */
export function twoPhaseEvents(trace: readonly TraceEvent[]): Array<{ time: number; service: string; name: string; data: Json | undefined }> {
  const out: Array<{ time: number; service: string; name: string; data: Json | undefined }> = [];
  for (const e of trace) {
    if (e.type === 'domain' && (e.name.startsWith('2pc.') || e.name.startsWith('participant.') || e.name.startsWith('coordinator.')))
      out.push({ time: e.time, service: e.service ?? '', name: e.name, data: e.data });
    else if (e.type === 'service.crashed' || e.type === 'service.restarted') out.push({ time: e.time, service: e.service ?? '', name: e.type, data: undefined });
  }
  return out;
}
