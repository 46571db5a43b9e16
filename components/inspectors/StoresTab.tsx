'use client';

import { useId, useState } from 'react';
import type { StoreInfo } from './data/storeReaders';
import { DocumentsInspector } from './stores/DocumentsInspector';
import { EventStoreBrowser } from './stores/EventStoreBrowser';
import { KvInspector } from './stores/KvInspector';
import { ReadModels } from './stores/ReadModels';
import { SearchInspector } from './stores/SearchInspector';
import { SqlConsole } from './stores/SqlConsole';
import { TableBrowser } from './stores/TableBrowser';
import type { InspectorProps } from './types';
import { useInspected } from './useInspected';
import { StateNote } from './ui';
import './inspectors.css';

/** Pick a service, see each of its stores live, in the store's own terms. */
export function StoresTab({ source, tick }: InspectorProps) {
  const id = useId();
  const services = source.serviceNames;
  const [service, setService] = useState(() => services.find((s) => s === 'inventory') ?? services[0] ?? '');
  const stores = useInspected<StoreInfo[]>(source, 0, { kind: 'listStores', service }, [service]);

  if (services.length === 0) return <StateNote kind="empty">This scenario has no services.</StateNote>;
  return (
    <div className="insp insp-stores">
      <div className="insp-row">
        <label htmlFor={`${id}-svc`} className="insp-label">
          Service
        </label>
        <select
          id={`${id}-svc`}
          className="insp-input"
          data-testid="stores-service"
          value={service}
          // No onFocus here: the workspace answers a service focus by switching to its Faults tab.
          onChange={(e) => setService(e.target.value)}
        >
          {services.map((s) => (
            <option key={s} value={s}>
              {s} ({source.serviceStatus(s)})
            </option>
          ))}
        </select>
        <span className="muted">Reads run between simulation steps and are not part of the trace.</span>
      </div>
      {stores.loading ? (
        <StateNote kind="loading">Finding the stores of {service}…</StateNote>
      ) : stores.error ? (
        <StateNote kind="error">{stores.error}</StateNote>
      ) : !stores.data || stores.data.length === 0 ? (
        <StateNote kind="empty">{service} keeps no store: it lives in memory only.</StateNote>
      ) : (
        stores.data.map((s) => <StoreSection key={s.name} info={s} source={source} tick={tick} service={service} />)
      )}
    </div>
  );
}

function StoreSection({ info, source, tick, service }: { info: StoreInfo; source: InspectorProps['source']; tick: number; service: string }) {
  const props = { source, tick, service, storeKey: info.key, storeName: info.name };
  const [sqlRuns, setSqlRuns] = useState(0);
  return (
    <section className="insp-store" aria-labelledby={`store-${info.name}`}>
      <h3 id={`store-${info.name}`}>
        {info.name} <span className="insp-engine">{info.engineLabel}</span>
      </h3>
      {info.kind === 'sql' ? (
        info.memoryTables ? (
          <>
            <StateNote kind="info">This run uses in-memory tables instead of PostgreSQL (fast mode), so there is no SQL console; the rows are below.</StateNote>
            <TableBrowser {...props} memory />
          </>
        ) : (
          <>
            <SqlConsole {...props} onRan={() => setSqlRuns((n) => n + 1)} />
            <TableBrowser {...props} tick={tick + sqlRuns} memory={false} />
          </>
        )
      ) : info.kind === 'kv' ? (
        <KvInspector {...props} />
      ) : info.kind === 'documents' ? (
        <DocumentsInspector {...props} collections={info.collections} />
      ) : info.kind === 'search' ? (
        <SearchInspector {...props} />
      ) : info.kind === 'eventstore' ? (
        <>
          <h4>Event log</h4>
          <EventStoreBrowser {...props} />
          <h4>Read models (projections)</h4>
          <ReadModels {...props} />
        </>
      ) : (
        <StateNote kind="info">No inspector for this kind of store ({String((info as { kind: string }).kind)}).</StateNote>
      )}
    </section>
  );
}
