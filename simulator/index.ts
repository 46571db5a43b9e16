/**
 * The engine's public API. The UI, the grader, the benchmarks and the tests import from here only.
 *
 * A run: pick a scenario from {@link SCENARIO_CATALOGUE} (or build one), choose a store provider
 * (real engines: PGlite, Dexie, the KV, the search index; or memory stores for speed), then
 * {@link createSimulation}. Drive it with `step`, `runUntil`, `runToQuiescence`; watch it with
 * `subscribe`; step back with `snapshot`/`restore`; break it with `applyFault` or a {@link FaultPlan}.
 */

// ---- the engine
export { createSimulation, Simulation, CLIENT } from './core/simulation';
export type {
  Scenario,
  ScenarioInput,
  SimulationOptions,
  SimulationSnapshot,
  StoreProvider,
  TraceListener,
  EngineState,
} from './core/simulation';
export type {
  DomainTraceEvent,
  FaultAction,
  FaultPlan,
  Handler,
  HandlerContext,
  LinkParams,
  Message,
  MessageKind,
  ReplyMessagePayload,
  ReplyPayload,
  RequestOptions,
  ServiceDefinition,
  ServiceName,
  StoreSpec,
  TimedFault,
  TraceEvent,
  TraceEventType,
} from './core/types';
export { DEFAULT_LINK } from './core/types';
export { parseFaultPlan, randomFaultPlan, type RandomFaultPlanOptions } from './core/faultPlan';
export { linkParams, isCut, linkKey, type NetworkState } from './core/network';
export { createRng, type Rng, type RngState } from './core/rng';
export { computeMetrics, histogram, type Metrics, type SagaSummary, type SagaOutcome, type HistogramBucket } from './core/metrics';
export { stableStringify, hashString, type Json, type JsonObject } from './core/json';
export type { StoreBase, StoreKind, StoreContext, StoreOpReport, VirtualTime } from './core/storeContext';
export {
  SimError,
  ForeignStoreAccessError,
  ConcurrencyError,
  SqlError,
  ValidationError,
  RejectedError,
  UnknownProductError,
  MalformedEventError,
  MissingUpcasterError,
  isSimError,
  toSimError,
  type SimErrorCode,
} from './core/errors';

// ---- stores
export { createMemoryStoreProvider } from './stores/memoryProvider';
export { createRealStoreProvider } from './stores/realProvider';
export { createPgliteRuntime, type PgliteRuntime, type PgliteRuntimeAssets } from './stores/sql/pgliteRuntime';
export type { SqlStore, SqlResult, SqlExecutor } from './stores/sql/types';
export type { KvStore, KvEntry } from './stores/kv/types';
export type { DocumentStore } from './stores/documents';
export type { SearchIndex, SearchResult } from './stores/search';
export type { EventStore, RecordedEvent, NewEvent, ProjectionDefinition, ProjectionDraft, Upcaster, ReadModelRow } from './stores/eventstore/types';
export { createMemoryEventStore } from './stores/eventstore/createMemoryEventStore';
export { isMemoryTables, type MemoryTables } from './stores/memory/createMemoryTables';

// ---- sagas and scenarios
export type { SagaDefinition, SagaStep, SagaInstance, SagaStatus, RetryPolicy } from './sagas/definition';
export { validateSagaDefinition } from './sagas/definition';
export { createOrchestratorService, ORCHESTRATOR, stepKey } from './sagas/orchestrator';
export { sagaRepository } from './sagas/sagaRepository';
export { orderSaga, orderSagaData } from './sagas/orderSaga';
export { hotelBookingSaga } from './sagas/hotelBookingSaga';
export { SCENARIO_CATALOGUE, findScenario, type CatalogueEntry } from './scenarios/catalogue';
export { ecommerceScenario, orderInput, STORY_ORDERS, DEFAULT_CATALOG, DEFAULT_CUSTOMERS, type OrderRequest, type SagaStyle } from './scenarios/ecommerce';
export { hotelBookingScenario, TRIP_STORIES, HOTELS, CARS, type TripRequest, type HotelStory } from './scenarios/hotelBooking';

export { twoPhaseCommitScenario, twoPhaseStatus, type TwoPhaseStatus } from './scenarios/twoPhaseCommit';
export { capScenario, capStatus, capPartitionPlan, type CapStatus } from './scenarios/capReplicas';

// ---- services (for inspectors and lessons)
export { stockLevels, type StockLevel } from './services/inventory/inventoryService';
export { ORDER_PROJECTIONS } from './services/order/orderProjections';
export { loadOrder } from './services/order/orderService';
export { applyOrderEvent, decide as orderDecide, initialOrder, type OrderState } from './services/order/orderAggregate';
export { paymentRepository, type PaymentRecord } from './services/payment/paymentRepository';

// ---- checks
export { checkEcommerceInvariants, sagaOutcomesFromTrace, type InvariantReport } from './checks/ecommerceInvariants';
export { foldProjection } from './checks/foldProjection';
