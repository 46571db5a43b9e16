'use client';

import dynamic from 'next/dynamic';
import { ControlBar, useShortcuts } from './controls/ControlBar';
import { Timeline } from './controls/Timeline';
import { HelpOverlay } from './panels/HelpOverlay';
import { ProblemsPanel } from './panels/ProblemsPanel';
import { ReplayBanner } from './replay/ReplayBanner';
import { SagaStrip } from './panels/SagaStrip';
import { SidePanel } from './panels/SidePanel';
import { ServiceMapPlaceholder } from './ServiceMapPlaceholder';
import { SimProvider, useSim } from './state/SimProvider';
import styles from './Workspace.module.css';

// The flow canvas is the heaviest part of the workspace: its own chunk, behind the skeleton.
const ServiceMap = dynamic(() => import('./map/ServiceMap').then((m) => m.ServiceMap), {
  ssr: false,
  loading: () => <ServiceMapPlaceholder message="Loading the service map…" />,
});

/** The live workspace: loaded lazily by SandboxWorkspace (engine, stores and canvas are client-only). */
export default function LiveSandbox() {
  return (
    <SimProvider>
      <Workspace />
    </SimProvider>
  );
}

/**
 * The trace size and hash as data attributes, for tests and the curious. A component of its
 * own: these change every frame, and the workspace above must not re-render that often.
 */
function RunStats() {
  const traceCount = useSim((s) => s.traceCount);
  const traceHash = useSim((s) => s.traceHash);
  return <span hidden data-testid="run-stats" data-trace-count={traceCount} data-trace-hash={traceHash} />;
}

/** While a run starts: how many of its stores are up (the first start also loads PostgreSQL). */
function StartingStores() {
  const reported = useSim((s) => s.storesReady);
  const ready = reported && reported.total > 0 ? reported : null;
  return (
    <div className={styles.loading} role="status" data-testid="stores-starting">
      <span>
        Starting the services and their stores…
        {ready && ` ${ready.done} of ${ready.total} ready`}
      </span>
      {ready && <progress className={styles.loadingBar} max={ready.total} value={ready.done} aria-label="Stores ready" />}
    </div>
  );
}

function Workspace() {
  useShortcuts();
  const status = useSim((s) => s.status);
  const realStores = useSim((s) => s.realStores);
  return (
    <div className={styles.workspace} data-status={status} data-testid="live-workspace">
      <RunStats />
      <ReplayBanner />
      <ControlBar />
      <Timeline />
      <div className={styles.body}>
        <div className={styles.centre}>
          <div className={styles.mapArea}>
            {status === 'loading' && <StartingStores />}
            <ServiceMap />
          </div>
          <div className={styles.below}>
            <SagaStrip />
            <ProblemsPanel />
          </div>
          {status === 'ready' && !realStores && (
            <p className={styles.note}>SQL stores run as in-memory tables in this build; PGlite-backed stores arrive with the engine&apos;s real store provider.</p>
          )}
        </div>
        <SidePanel />
      </div>
      <HelpOverlay />
    </div>
  );
}
