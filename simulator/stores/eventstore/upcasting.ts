import { MalformedEventError, MissingUpcasterError } from '../../core/errors';
import type { JsonObject } from '../../core/json';
import type { NewEvent, StoredEvent, Upcaster } from './types';

/** Current schema versions and the upcasters between them, per event type. */
export class UpcasterRegistry {
  private readonly current = new Map<string, number>();
  private readonly upcasters = new Map<string, Upcaster>();

  setSchemaVersion(eventType: string, version: number): void {
    if (!Number.isInteger(version) || version < 1) throw new MalformedEventError(`Schema version of ${eventType} must be a whole number ≥ 1.`);
    this.current.set(eventType, version);
  }

  register(eventType: string, fromVersion: number, upcaster: Upcaster): void {
    this.upcasters.set(`${eventType}@${fromVersion}`, upcaster);
    if ((this.current.get(eventType) ?? 1) < fromVersion + 1) this.current.set(eventType, fromVersion + 1);
  }

  currentVersion(eventType: string): number {
    return this.current.get(eventType) ?? 1;
  }

  /** The event as the current schema sees it; throws MissingUpcasterError on a gap in the chain. */
  upcast(event: StoredEvent): StoredEvent {
    const target = this.currentVersion(event.type);
    if (event.schemaVersion >= target) return event;
    let data: JsonObject = event.data;
    for (let v = event.schemaVersion; v < target; v++) {
      const up = this.upcasters.get(`${event.type}@${v}`);
      if (!up) throw new MissingUpcasterError(event.type, v, target);
      data = up(structuredClone(data));
      if (!data || typeof data !== 'object' || Array.isArray(data))
        throw new MalformedEventError(`The upcaster of ${event.type} v${v} returned no object.`, { eventType: event.type, fromVersion: v });
    }
    return { ...event, data, schemaVersion: target };
  }
}

/** Rejects what cannot be an event, before anything is written. */
export function validateNewEvents(streamId: string, events: readonly NewEvent[]): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new MalformedEventError('A stream id must be a non-empty string.');
  if (!Array.isArray(events)) throw new MalformedEventError('Events must be a list.');
  events.forEach((e, i) => {
    if (!e || typeof e !== 'object') throw new MalformedEventError(`Event ${i + 1} of ${streamId} is not an object.`, { index: i });
    if (typeof e.type !== 'string' || e.type.length === 0) throw new MalformedEventError(`Event ${i + 1} of ${streamId} has no type.`, { index: i });
    if (!e.data || typeof e.data !== 'object' || Array.isArray(e.data))
      throw new MalformedEventError(`Event ${i + 1} (${e.type}) of ${streamId}: data must be a JSON object.`, { index: i, type: e.type });
    if (e.schemaVersion !== undefined && (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1))
      throw new MalformedEventError(`Event ${i + 1} (${e.type}) of ${streamId}: schemaVersion must be a whole number ≥ 1.`, { index: i });
  });
}
