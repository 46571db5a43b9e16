import type { Json } from '../../core/json';
import type { Scenario, ScenarioInput, Simulation } from '../../core/simulation';
import type { FaultPlan } from '../../core/types';
import type { KvEntry, KvStore } from '../../stores/kv/types';
import { coordinatorService } from './coordinator';
import { PARTICIPANT_SPECS, participantService, type TransferRequest } from './participant';

/** Name of the coordinator service in this scenario. */
export const COORDINATOR = 'coordinator';
/** The participants, after the course's transfer touching Account, Payment and Audit. */
export const PARTICIPANTS: readonly string[] = PARTICIPANT_SPECS.map((s) => s.name);

/**
 * Timing of the crash variant, ms. The Transfer input reaches the coordinator at 10–15 ms and the
 * PREPAREs leave at once; votes cannot be back before 30 ms. A crash at 20 ms therefore always
 * falls between "PREPARE sent" and "decision logged", the window where 2PC blocks.
 */
export const TWO_PC_CRASH = { crashAt: 20, restartAt: 3000, contenderAt: 600 } as const;

/** A transfer the scenario sends to the coordinator at a virtual time. */
export interface ScheduledTransfer extends TransferRequest {
  at: number;
}

/** Options of twoPhaseCommitScenario. */
export interface TwoPhaseCommitOptions {
  /** Crash the coordinator right after it sent PREPARE, restart it later (TWO_PC_CRASH). */
  crashCoordinatorAfterPrepare?: boolean;
  /** Transfers to run (default: tx-1, alice → bob, 100, at 0). */
  transfers?: readonly ScheduledTransfer[];
  /**
   * A second transaction (tx-2, alice → carol) whose PREPARE reaches `accounts` directly from
   * another coordinator while tx-1 holds alice's lock: it is refused, visibly blocked behind tx-1.
   * Default: on in the crash variant, off otherwise.
   */
  contender?: boolean;
}

/** A Scenario plus the fault plan it is meant to run with (empty unless the crash variant). */
export type TwoPhaseCommitScenario = Scenario & { readonly faultPlan: FaultPlan };

/** The fault plan of the crash variant: the coordinator dies after PREPARE and comes back later. */
export const twoPhaseCoordinatorCrashPlan: FaultPlan = {
  name: '2PC: coordinator crashes after PREPARE',
  faults: [
    { at: TWO_PC_CRASH.crashAt, action: { kind: 'crash', service: COORDINATOR } },
    { at: TWO_PC_CRASH.restartAt, action: { kind: 'restart', service: COORDINATOR } },
  ],
};

const DEFAULT_TRANSFERS: readonly ScheduledTransfer[] = [{ at: 0, txId: 'tx-1', from: 'alice', to: 'bob', amount: 100 }];

/**
 * Two-phase commit of a money transfer across three services, each with its own KV
 * (balances in `accounts`, payment records in `payments`, the journal in `audit`).
 * Accounts refuse overdrafts, payments refuse amounts over 1000, audit refuses
 * transfers touching `mallory` (blocked): each gives a way to see a NO vote abort everyone.
 */
export function twoPhaseCommitScenario(opts: TwoPhaseCommitOptions = {}): TwoPhaseCommitScenario {
  const crash = opts.crashCoordinatorAfterPrepare ?? false;
  const contender = opts.contender ?? crash;
  const inputs: ScenarioInput[] = (opts.transfers ?? DEFAULT_TRANSFERS).map(({ at, ...t }) => ({
    at,
    to: COORDINATOR,
    type: 'Transfer',
    payload: { ...t },
    correlationId: t.txId,
  }));
  if (contender) {
    inputs.push({
      at: TWO_PC_CRASH.contenderAt,
      to: 'accounts',
      type: 'Prepare',
      payload: { txId: 'tx-2', from: 'alice', to: 'carol', amount: 50, coordinator: COORDINATOR },
      correlationId: 'tx-2',
    });
  }
  const participants = PARTICIPANT_SPECS.map((spec) => participantService(spec));
  return {
    id: crash ? 'two-phase-commit-coordinator-crash' : 'two-phase-commit',
    title: crash ? '2PC: the coordinator crashes after PREPARE' : 'Two-phase commit of a transfer',
    description: crash
      ? 'The coordinator sends PREPARE, the participants lock and vote YES, and the coordinator dies before deciding. ' +
        'The participants may neither commit nor abort: they stay blocked holding their locks, and another transaction ' +
        'on the same account is refused. When the coordinator restarts, it finds PREPARING without a decision and aborts (presumed abort).'
      : 'The coordinator logs PREPARING, asks accounts, payments and audit to PREPARE, and commits only if all vote YES; ' +
        'one NO (or silence) aborts everywhere.',
    services: [coordinatorService(PARTICIPANTS, COORDINATOR), ...participants],
    inputs,
    network: { latencyMs: 10, jitterMs: 5 },
    async setup(stores) {
      for (const spec of PARTICIPANT_SPECS) if (spec.seed) await spec.seed(stores[spec.name]!.kv as KvStore);
    },
    faultPlan: crash ? twoPhaseCoordinatorCrashPlan : { name: 'no faults', faults: [] },
  };
}

/** One transaction in the coordinator's decision log. */
export interface CoordinatorLogEntry {
  txId: string;
  state: string;
  from: string;
  to: string;
  amount: number;
  votes: Record<string, string>;
  /** Participant → virtual time its decision ack arrived. */
  acks: Record<string, number>;
  reason: string | null;
  startedAt: number;
  decidedAt: number | null;
  endedAt: number | null;
}

/** A participant as the 2PC view draws it. */
export interface ParticipantStatus {
  name: string;
  status: 'up' | 'down' | 'paused';
  /** Locks held now: resource → transaction. */
  locks: Array<{ resource: string; txId: string }>;
  /** Prepared transactions waiting for their decision. */
  staged: Array<{ txId: string; change: string; locks: string[]; preparedAt: number; coordinator: string }>;
  /** How transactions ended here. */
  outcomes: Array<{ txId: string; outcome: string }>;
  /** The business data (balances, payments, journal…): every other key. */
  data: Record<string, Json>;
}

/** What the 2PC view draws: the coordinator's decision log and each participant's locks, staged changes and data. */
export interface TwoPhaseStatus {
  coordinator: { name: string; status: 'up' | 'down' | 'paused'; log: CoordinatorLogEntry[] };
  participants: ParticipantStatus[];
}

const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s));

function hash(e: KvEntry): Record<string, string> {
  return typeof e.value === 'string' ? {} : e.value;
}

/** Reads the coordinator's log and every participant's locks, staged changes and data, for the 2PC view. */
export async function twoPhaseStatus(sim: Simulation): Promise<TwoPhaseStatus> {
  return sim.inspect((stores) => {
    const log: CoordinatorLogEntry[] = [];
    for (const e of (stores[COORDINATOR]!.kv as KvStore).entries()) {
      if (!e.key.startsWith('tx:')) continue;
      const h = hash(e);
      const votes: Record<string, string> = {};
      const acks: Record<string, number> = {};
      for (const [k, v] of Object.entries(h)) {
        if (k.startsWith('vote:')) votes[k.slice(5)] = v;
        if (k.startsWith('ack:')) acks[k.slice(4)] = Number(v);
      }
      log.push({
        txId: h.txId!,
        state: h.state!,
        from: h.from!,
        to: h.to!,
        amount: Number(h.amount),
        votes,
        acks,
        reason: h.reason ?? null,
        startedAt: Number(h.startedAt),
        decidedAt: num(h.decidedAt),
        endedAt: num(h.endedAt),
      });
    }
    const participants: ParticipantStatus[] = PARTICIPANTS.map((name) => {
      const st: ParticipantStatus = { name, status: sim.serviceStatus(name), locks: [], staged: [], outcomes: [], data: {} };
      for (const e of (stores[name]!.kv as KvStore).entries()) {
        if (e.key.startsWith('lock:') && typeof e.value === 'string') st.locks.push({ resource: e.key.slice(5), txId: e.value });
        else if (e.key.startsWith('staged:')) {
          const h = hash(e);
          st.staged.push({ txId: h.txId!, change: h.change!, locks: JSON.parse(h.resources ?? '[]') as string[], preparedAt: Number(h.preparedAt), coordinator: h.coordinator! });
        } else if (e.key.startsWith('outcome:') && typeof e.value === 'string') st.outcomes.push({ txId: e.key.slice(8), outcome: e.value });
        else st.data[e.key] = e.value;
      }
      return st;
    });
    return { coordinator: { name: COORDINATOR, status: sim.serviceStatus(COORDINATOR), log }, participants };
  });
}
