/*
 * NOTE (PGlite event-store engineer): this file was written by another engineer at 23:00 and
 * was overwritten by mistake at 23:08. It is RECONSTRUCTED from its users
 * (createMemoryEventStore.ts, upcasting.ts, services/order, services/payment, checks/,
 * scenarios/) so that they type-check unchanged. The owner should compare it with their
 * own copy and restore their wording; the members and types are meant to be identical.
 */
import type { Json, JsonObject } from '../../core/json';
import type { StoreBase } from '../../core/storeContext';

/** An event as a command produces it, before it is stored. */
export interface NewEvent {
  type: string;
  data: JsonObject;
  /** Schema version of `data`; the type's current version when omitted. */
  schemaVersion?: number;
}

export interface AppendMeta {
  correlationId?: string;
  causationId?: string;
}

/** An event as stored in the log. */
export interface StoredEvent {
  /** Position in the whole log, from 1. */
  globalPosition: number;
  eventId: string;
  /** The aggregate id (`aggregate_id`). */
  streamId: string;
  aggregateType: string;
  type: string;
  data: JsonObject;
  /** Schema version of `data` (upcasters turn old versions into the current one on read). */
  schemaVersion: number;
  /** Position in its stream, from 1 (`event_version`). */
  version: number;
  /** Virtual ms. */
  createdAt: number;
  correlationId: string | null;
  causationId: string | null;
}

/** Turns the payload of schema version v into version v + 1. */
export type Upcaster = (data: JsonObject) => JsonObject;

/** The documents of a read model while a projection applies events. */
export interface ProjectionDraft {
  get(key: string): JsonObject | undefined;
  set(key: string, doc: JsonObject): void;
  delete(key: string): void;
}

/** A keyed read model fed by events (CQRS read side). */
export interface ProjectionDefinition {
  name: string;
  /** Event types it reads; every type when omitted. */
  handles?: string[];
  apply(draft: ProjectionDraft, event: StoredEvent): void;
}

export interface AppendResult {
  /** Stream version after the append. */
  version: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
}

/** The Order service's event store (and Payment's audit). */
export interface EventStore extends StoreBase {
  readonly kind: 'eventstore';
  /** Appends with optimistic concurrency: throws ConcurrencyError when the stream is not at expectedVersion. */
  append(streamId: string, aggregateType: string, events: readonly NewEvent[], expectedVersion: number, meta?: AppendMeta): Promise<AppendResult>;
  /** Events of a stream with version > fromVersion, upcast. */
  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** Events with global position > from, upcast. */
  readAll(from?: number, limit?: number): Promise<StoredEvent[]>;
  /** Like readAll, as stored (no upcasting). */
  readAllRaw(from?: number, limit?: number): Promise<StoredEvent[]>;
  streamVersion(streamId: string): Promise<number>;
  headPosition(): Promise<number>;
  setSchemaVersion(eventType: string, version: number): void;
  registerUpcaster(eventType: string, fromVersion: number, upcaster: Upcaster): void;
  saveSnapshot(streamId: string, aggregateType: string, state: JsonObject, version: number): Promise<void>;
  loadSnapshot(streamId: string): Promise<{ state: JsonObject; version: number } | undefined>;
  defineProjection(def: ProjectionDefinition): void;
  /** Applies the events after each projection's checkpoint; returns events applied per projection. */
  catchUpProjections(): Promise<Record<string, number>>;
  rebuildProjection(name: string, onProgress?: (done: number, total: number) => void): Promise<void>;
  readModel(name: string): Promise<Record<string, JsonObject>>;
  projectionCheckpoint(name: string): Promise<number>;
  exportState(): Promise<Json>;
  importState(state: Json): Promise<void>;
}

/**
 * Alias kept for simulator/index.ts, which briefly exported the overwritten file's names.
 * Prefer StoredEvent.
 */
export type RecordedEvent = StoredEvent;

/** One row of a read-model table `rm_<name>` (see the PGlite event store). */
export interface ReadModelRow {
  key: string;
  doc: JsonObject;
}
