'use client';

import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CLIENT, linkParams, type FaultAction, type ServiceName } from '@/simulator';
import { splitPair } from '../model';
import { useController, useSim } from '../state/SimProvider';
import styles from '../Workspace.module.css';

/** Fault injection for the selection: a link (cut, heal, latency, drop) or a service (crash, restart, pause). */
export function FaultsPanel() {
  const selectedLink = useSim((s) => s.selectedLink);
  const selectedService = useSim((s) => s.selectedService);
  const services = useSim(useShallow((s) => s.services.map((x) => x.name)));
  const links = useSim(useShallow((s) => [...new Set([...s.topology, ...s.fold.links])].filter((id) => !splitPair(id).includes(CLIENT)).sort()));
  const selectLink = useSim((s) => s.selectLink);
  const selectService = useSim((s) => s.selectService);
  return (
    <div className={styles.faults}>
      <div className={styles.pickers}>
        <label className={styles.field}>
          <span>Link</span>
          <select value={selectedLink ?? ''} onChange={(e) => selectLink(e.target.value || null)} data-testid="link-picker">
            <option value="">— choose —</option>
            {links.map((id) => (
              <option key={id} value={id}>
                {splitPair(id).join(' ↔ ')}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          <span>Service</span>
          <select value={selectedService ?? ''} onChange={(e) => selectService(e.target.value || null)} data-testid="service-picker">
            <option value="">— choose —</option>
            {services.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {selectedLink ? <LinkFaults id={selectedLink} /> : selectedService ? <ServiceFaults name={selectedService} /> : <p className={styles.empty}>Click a link or a service on the map (or pick one above) to break it.</p>}
      <SplitFaults services={services} />
    </div>
  );
}

function LinkFaults({ id }: { id: string }) {
  const controller = useController();
  const [a, b] = splitPair(id);
  const network = useSim((s) => s.network);
  const cutAB = network?.cut.includes(`${a}->${b}`) ?? false;
  const cutBA = network?.cut.includes(`${b}->${a}`) ?? false;
  const params = network ? linkParams(network, a, b) : null;
  const [latency, setLatency] = useState(params?.latencyMs ?? 0);
  const [drop, setDrop] = useState(Math.round((params?.dropRate ?? 0) * 100));
  useEffect(() => {
    if (params) {
      setLatency(params.latencyMs);
      setDrop(Math.round(params.dropRate * 100));
    }
    // Re-read when another link is selected or the network changes underneath.
  }, [id, params?.latencyMs, params?.dropRate]); // eslint-disable-line react-hooks/exhaustive-deps
  const apply = (f: FaultAction) => void controller.applyFault(f);
  const tune = (p: { latencyMs?: number; dropRate?: number }) => {
    // Both directions: a slider on an undirected link means the whole link.
    apply({ kind: 'link', from: a, to: b, params: p });
    apply({ kind: 'link', from: b, to: a, params: p });
  };
  const state = cutAB && cutBA ? 'cut both ways' : cutAB ? `cut ${a} → ${b}` : cutBA ? `cut ${b} → ${a}` : 'connected';
  return (
    <section className={styles.selection} aria-labelledby="link-title">
      <h3 id="link-title" className={styles.selectionTitle}>
        Link {a} ↔ {b}
      </h3>
      <p className={styles.state} data-testid="link-state">
        State: <strong>{state}</strong>
      </p>
      <div className={styles.buttonRow}>
        <button type="button" className={styles.danger} onClick={() => apply({ kind: 'partition', links: [[a, b]] })} disabled={cutAB && cutBA}>
          Cut both ways
        </button>
        <button type="button" onClick={() => apply({ kind: 'partition', links: [[a, b]], oneWay: true })} disabled={cutAB}>
          Cut {a} → {b}
        </button>
        <button type="button" onClick={() => apply({ kind: 'partition', links: [[b, a]], oneWay: true })} disabled={cutBA}>
          Cut {b} → {a}
        </button>
        <button type="button" className={styles.heal} onClick={() => apply({ kind: 'heal', links: [[a, b]] })} disabled={!cutAB && !cutBA}>
          Heal
        </button>
      </div>
      <label className={styles.slider}>
        <span>
          Latency <output>{latency} ms</output>
        </span>
        <input
          type="range"
          min={0}
          max={300}
          step={5}
          value={latency}
          onChange={(e) => setLatency(Number(e.target.value))}
          onPointerUp={() => tune({ latencyMs: latency })}
          onKeyUp={() => tune({ latencyMs: latency })}
        />
      </label>
      <label className={styles.slider}>
        <span>
          Drop <output>{drop}%</output>
        </span>
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          value={drop}
          onChange={(e) => setDrop(Number(e.target.value))}
          onPointerUp={() => tune({ dropRate: drop / 100 })}
          onKeyUp={() => tune({ dropRate: drop / 100 })}
        />
      </label>
    </section>
  );
}

function ServiceFaults({ name }: { name: ServiceName }) {
  const controller = useController();
  const status = useSim((s) => s.statuses[name] ?? 'up');
  const title = useSim((s) => s.services.find((x) => x.name === name)?.title ?? name);
  const apply = (f: FaultAction) => void controller.applyFault(f);
  return (
    <section className={styles.selection} aria-labelledby="service-title">
      <h3 id="service-title" className={styles.selectionTitle}>
        {title}
      </h3>
      <p className={styles.state}>
        State: <strong data-testid="selected-service-status">{status === 'down' ? 'crashed' : status}</strong>
      </p>
      <div className={styles.buttonRow}>
        <button type="button" className={styles.danger} onClick={() => apply({ kind: 'crash', service: name })} disabled={status === 'down'}>
          Crash
        </button>
        <button type="button" className={styles.heal} onClick={() => apply({ kind: 'restart', service: name })} disabled={status !== 'down'}>
          Restart
        </button>
        <button type="button" onClick={() => apply({ kind: 'pause', service: name })} disabled={status !== 'up'}>
          Pause
        </button>
        <button type="button" onClick={() => apply({ kind: 'resume', service: name })} disabled={status !== 'paused'}>
          Resume
        </button>
      </div>
      <p className={styles.hint}>A crash loses the service&apos;s memory and pending requests; its stores survive. Restart recovers from them.</p>
    </section>
  );
}

function SplitFaults({ services }: { services: ServiceName[] }) {
  const controller = useController();
  const [groups, setGroups] = useState<Record<string, '' | 'A' | 'B'>>({});
  const a = services.filter((s) => groups[s] === 'A');
  const b = services.filter((s) => groups[s] === 'B');
  return (
    <details className={styles.split}>
      <summary>Split the network into two groups</summary>
      <div className={styles.splitGrid}>
        {services.map((s) => (
          <label key={s} className={styles.field}>
            <span>{s}</span>
            <select value={groups[s] ?? ''} onChange={(e) => setGroups({ ...groups, [s]: e.target.value as '' | 'A' | 'B' })}>
              <option value="">both</option>
              <option value="A">group A</option>
              <option value="B">group B</option>
            </select>
          </label>
        ))}
      </div>
      <div className={styles.buttonRow}>
        <button type="button" className={styles.danger} disabled={a.length === 0 || b.length === 0} onClick={() => void controller.applyFault({ kind: 'split', groups: [a, b] })}>
          Split A | B
        </button>
        <button type="button" className={styles.heal} onClick={() => void controller.applyFault({ kind: 'heal' })}>
          Heal every link
        </button>
      </div>
    </details>
  );
}

