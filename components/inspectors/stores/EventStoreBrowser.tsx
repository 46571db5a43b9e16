'use client';

import { useId, useState } from 'react';
import type { EventLog, EventRow } from '../data/storeReaders';
import { useInspected } from '../useInspected';
import { JsonBlock, StateNote } from '../ui';
import type { StoreViewProps } from './common';

const ALL = '__all__';
/** A long run logs thousands of events: the table shows the newest this many (the stream picker narrows it). */
export const MAX_EVENT_ROWS = 300;

/** The log, all or per stream, and one event as stored beside the same event as read (upcast). */
export function EventStoreBrowser({ source, tick, service, storeKey, storeName }: StoreViewProps) {
  const id = useId();
  const [stream, setStream] = useState(ALL);
  const [picked, setPicked] = useState<number | null>(null);
  const log = useInspected<EventLog>(source, tick, { kind: 'eventLog', service, storeKey }, [service, storeKey]);

  if (log.loading) return <StateNote kind="loading">Reading the log of {storeName}…</StateNote>;
  if (log.error) return <StateNote kind="error">Could not read {storeName}: {log.error}</StateNote>;
  const data = log.data!;
  if (data.events.length === 0) return <StateNote kind="empty">{storeName} has no events yet.</StateNote>;

  const all = stream === ALL ? data.events : data.events.filter((e) => e.raw.streamId === stream);
  const rows = all.length > MAX_EVENT_ROWS ? all.slice(-MAX_EVENT_ROWS) : all;
  const upcasted = data.events.filter((e) => e.upcasted);
  const compare: EventRow | undefined = data.events.find((e) => e.raw.globalPosition === picked) ?? upcasted[0];

  return (
    <div className="insp-es" data-testid={`eventstore-${storeName}`}>
      <div className="insp-row">
        <label htmlFor={`${id}-s`} className="insp-label">
          Stream
        </label>
        <select id={`${id}-s`} className="insp-input" value={stream} onChange={(e) => setStream(e.target.value)}>
          <option value={ALL}>All events ({data.events.length}, by global position)</option>
          {data.streams.map((s) => (
            <option key={s.streamId} value={s.streamId}>
              {s.streamId} ({s.aggregateType}, version {s.version})
            </option>
          ))}
        </select>
        <span className="muted">
          head position {data.head} · {data.streams.length} stream{data.streams.length === 1 ? '' : 's'}
        </span>
      </div>
      <div className="insp-grid-wrap insp-grid-wrap--tall" tabIndex={0} role="region" aria-label={`Events of ${storeName}`}>
        <table className="insp-grid">
          <caption>
            {stream === ALL ? `All events of ${storeName}` : `Stream ${stream}`}
            {rows.length < all.length ? ` (the newest ${rows.length} of ${all.length})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">global</th>
              <th scope="col">stream</th>
              <th scope="col">version</th>
              <th scope="col">type</th>
              <th scope="col">schema</th>
              <th scope="col">data (as read)</th>
              <th scope="col">
                <span className="visually-hidden">compare</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.raw.globalPosition} aria-current={compare?.raw.globalPosition === e.raw.globalPosition ? 'true' : undefined}>
                <th scope="row">{e.raw.globalPosition}</th>
                <td className="insp-mono">{e.raw.streamId}</td>
                <td>{e.raw.version}</td>
                <td>{e.raw.type}</td>
                <td>
                  v{e.raw.schemaVersion}
                  {e.upcasted ? ` → v${e.read!.schemaVersion} (upcast)` : ''}
                  {e.upcastError ? ' (upcast failed)' : ''}
                </td>
                <td className="insp-mono insp-cell-json">{JSON.stringify(e.read?.data ?? e.raw.data)}</td>
                <td>
                  <button type="button" className="button insp-small" onClick={() => setPicked(e.raw.globalPosition)} aria-label={`Compare event ${e.raw.globalPosition} as stored and as read`}>
                    Compare
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section className="insp-upcast" aria-label="Event as stored and as read">
        <h4>Before and after upcasting</h4>
        {upcasted.length === 0 ? (
          <p className="muted">
            No stored event is older than its type’s current schema here, so every event reads as it was stored. Pick any event
            with Compare to see both sides.
          </p>
        ) : (
          <p className="muted">{upcasted.length} event(s) are stored with an older schema and upcast on read.</p>
        )}
        {compare ? (
          <div className="insp-side-by-side">
            <div>
              <h5>
                As stored (readAllRaw): #{compare.raw.globalPosition} {compare.raw.type} v{compare.raw.schemaVersion}
              </h5>
              <JsonBlock value={compare.raw.data} label="Event data as stored" />
            </div>
            <div>
              <h5>
                As read (upcast): {compare.read ? `v${compare.read.schemaVersion}` : 'failed'}
              </h5>
              {compare.read ? <JsonBlock value={compare.read.data} label="Event data as read" /> : <StateNote kind="error">{compare.upcastError}</StateNote>}
            </div>
          </div>
        ) : null}
      </section>
    </div>
  );
}
