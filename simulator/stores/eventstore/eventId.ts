import { hashString } from '../../core/json';

/**
 * Deterministic event id: a UUID (version 8, "custom") built from the stream id and
 * the event's version. Unique within a stream by construction (the version is the
 * last 12 hex digits); across streams it relies on a 76-bit hash of the stream id.
 * Same stream + version → same id, so replays and re-runs of a seed match byte for byte.
 */
export function eventIdFor(streamId: string, version: number): string {
  const h = hashString(streamId); // 16 hex
  const g = hashString('\u0000' + streamId); // second, differently-seeded half
  const variant = ((parseInt(g[0]!, 16) & 0x3) | 0x8).toString(16);
  const v = version.toString(16).padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(12, 15)}-${variant}${g.slice(1, 4)}-${v}`;
}
