/**
 * CAP in practice (course block 4, chapter 2): three replicas of an inventory counter,
 * CP (majority quorum, the minority refuses) or AP (accept locally, merge and list the overselling).
 */
export {
  CAP_PARTITION,
  CAP_PRODUCT,
  DEFAULT_CAP_WRITES,
  capPartitionPlan,
  capScenario,
  capStatus,
  type CapReplicaStatus,
  type CapScenarioOptions,
  type CapStatus,
  type CapWrite,
  type CapWriteRecord,
} from './scenario';
export {
  REPLICAS,
  REPLICA_KEYS,
  REPLICA_TIMING,
  compareOps,
  findOverselling,
  replicaService,
  type CapConflict,
  type CapMode,
  type OversoldOp,
  type RefusalReason,
  type ReplicaOp,
  type ReserveRequest,
} from './replica';
