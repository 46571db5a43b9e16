'use client';

import { ServiceMapPlaceholder } from './ServiceMapPlaceholder';

/**
 * Where the live sandbox mounts: simulation provider, service map, fault controls, trace.
 *
 * Placeholder until simulator/index.ts is ready. When filling it in, keep the heavy parts
 * behind `next/dynamic(() => import(...), { ssr: false, loading: () => <ServiceMapPlaceholder /> })`
 * so this route's initial JS stays within budget, and keep the region's label (the e2e
 * smoke test finds the workspace by it).
 */
export function SandboxWorkspace() {
  return (
    <section className="workspace" aria-label="Sandbox workspace" aria-busy="true" data-state="placeholder">
      <ServiceMapPlaceholder />
      <p className="workspace__note">
        The interactive workspace is still being wired to the simulator. This preview shows the five services and
        the stores they will run on.
      </p>
    </section>
  );
}
