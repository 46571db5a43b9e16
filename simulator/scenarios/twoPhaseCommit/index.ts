/**
 * Two-phase commit (course block 4, chapter 2): a coordinator and three participants
 * (accounts, payments, audit), each on its own KV, and the blocking that follows a
 * coordinator crash between PREPARE and the decision.
 */
export {
  COORDINATOR,
  PARTICIPANTS,
  TWO_PC_CRASH,
  twoPhaseCommitScenario,
  twoPhaseCoordinatorCrashPlan,
  twoPhaseStatus,
  type CoordinatorLogEntry,
  type ParticipantStatus,
  type ScheduledTransfer,
  type TwoPhaseCommitOptions,
  type TwoPhaseCommitScenario,
  type TwoPhaseStatus,
} from './scenario';
export { COORDINATOR_KEYS, COORDINATOR_TIMING, coordinatorService, type CoordinatorState } from './coordinator';
export {
  DECISION_CHECK_MS,
  PARTICIPANT_KEYS,
  PARTICIPANT_SPECS,
  accountsSpec,
  auditSpec,
  participantService,
  paymentsSpec,
  type Decision,
  type DecisionAnswer,
  type ParticipantSpec,
  type PreparePayload,
  type TransferRequest,
  type Vote,
} from './participant';
