/**
 * The event store contract. Two implementations: PGlite (createPgliteEventStore, the real one,
 * with subscriptions and snapshot policies on top) and memory (createMemoryEventStore, for fast runs).
 */
import type { JsonObject } from '../../core/json';
import type { StoreBase, VirtualTime } from '../../core/storeContext';

/** An event to append. */
export interface NewEvent {
  type: string;
  data: JsonObject;
  /** Schema version of `data` (for upcasting); defaults to the type's current version. */
  schemaVersion?: number;
}

/** An event as read back. */
export interface StoredEvent {
  /** Position in the whole store, from 1, gap-free in commit order. */
  globalPosition: number;
  /** Deterministic: `${streamId}:${version}`. */
  eventId: string;
  streamId: string;
  aggregateType: string;
  type: string;
  data: JsonObject;
  schemaVersion: number;
  /** Position in its stream, from 1. */
  version: number;
  /** Virtual ms. */
  createdAt: VirtualTime;
  correlationId: string | null;
  causationId: string | null;
}

export interface AppendMeta {
  correlationId?: string | null;
  causationId?: string | null;
}

export interface AppendResult {
  /** The stream's version after the append. */
  version: number;
  /** Global positions of the appended events. */
  positions: number[];
}

/** Converts data of schema version N to N+1. */
export type Upcaster = (data: JsonObject) => JsonObject;

/** A document collection keyed by string that a projection folds events into. */
export interface ProjectionDraft {
  get(key: string): JsonObject | undefined;
  set(key: string, doc: JsonObject): void;
  delete(key: string): void;
}

/** A CQRS read model: a keyed fold over the event log. `apply` must be deterministic. */
export interface ProjectionDefinition {
  name: string;
  /** Event types it cares about (all when omitted). */
  handles?: readonly string[];
  apply(draft: ProjectionDraft, event: StoredEvent): void;
}

/** Where a projection stands against the log. */
export interface ProjectionStatus {
  /** Global position applied up to (the checkpoint). */
  position: number;
  /** Last global position of the log. */
  head: number;
  /** Events after the checkpoint of the types the projection handles. */
  lag: number;
}

/** One document of a read model. */
export interface ReadModelRow {
  key: string;
  doc: JsonObject;
}

/** @deprecated the same as StoredEvent. */
export type RecordedEvent = StoredEvent;

export interface EventStore extends StoreBase {
  readonly kind: 'eventstore';
  /**
   * Appends events to a stream if the stream is at expectedVersion (0 = new stream).
   * Throws ConcurrencyError otherwise, MalformedEventError for a bad event; writes all or nothing.
   */
  append(streamId: string, aggregateType: string, events: readonly NewEvent[], expectedVersion: number, meta?: AppendMeta): Promise<AppendResult>;
  /** Events of one stream with version > fromVersion, upcast to current schema versions. */
  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** Events with globalPosition > fromPosition, in order, upcast. */
  readAll(fromPosition?: number, limit?: number): Promise<StoredEvent[]>;
  /** Like readAll but as stored (no upcasting): the inspector shows both side by side. */
  readAllRaw(fromPosition?: number, limit?: number): Promise<StoredEvent[]>;
  /** Events of one stream as stored (no upcasting): the inspector's "before". */
  readStreamRaw(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** One stored event as the current schema sees it (the inspector's "after"). Throws MissingUpcasterError. */
  upcast(event: StoredEvent): StoredEvent;
  /** Current schema version of an event type. */
  schemaVersion(eventType: string): number;
  /** Current version of a stream (0 when it does not exist). */
  streamVersion(streamId: string): Promise<number>;
  /** Highest global position (0 when empty). */
  headPosition(): Promise<number>;
  /** Declares the current schema version of an event type (default 1). */
  setSchemaVersion(eventType: string, version: number): void;
  /** Registers the converter from fromVersion to fromVersion + 1. */
  registerUpcaster(eventType: string, fromVersion: number, upcaster: Upcaster): void;
  saveSnapshot(streamId: string, aggregateType: string, state: JsonObject, version: number): Promise<void>;
  loadSnapshot(streamId: string): Promise<{ state: JsonObject; version: number } | undefined>;
  /** Registers a read model (idempotent by name). */
  defineProjection(def: ProjectionDefinition): void;
  /** Applies every event after each projection's checkpoint; returns how many events were applied per projection. */
  catchUpProjections(): Promise<Record<string, number>>;
  /** Empties a read model and replays the whole log into it, reporting progress per page. */
  rebuildProjection(name: string, onProgress?: (done: number, total: number) => void, opts?: { pageSize?: number }): Promise<void>;
  /** All documents of a read model, by key. */
  readModel(name: string): Promise<Record<string, JsonObject>>;
  /** The position a projection has applied up to. */
  projectionCheckpoint(name: string): Promise<number>;
  /** Checkpoint, head and lag of a projection. */
  projectionStatus(name: string): Promise<ProjectionStatus>;
}
