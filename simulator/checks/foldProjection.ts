import type { JsonObject } from '../core/json';
import type { ProjectionDefinition, StoredEvent } from '../stores/eventstore/types';

/** A read model computed from scratch: the reference an incrementally kept one must equal. */
export function foldProjection(def: ProjectionDefinition, events: readonly StoredEvent[]): Record<string, JsonObject> {
  const model: Record<string, JsonObject> = {};
  const draft = {
    get: (k: string) => model[k],
    set: (k: string, d: JsonObject) => void (model[k] = d),
    delete: (k: string) => void delete model[k],
  };
  for (const e of events) if (!def.handles || def.handles.includes(e.type)) def.apply(draft, e);
  return model;
}
