'use client';

import dynamic from 'next/dynamic';
import { ServiceMapPlaceholder } from './ServiceMapPlaceholder';

// Everything heavy (engine, stores, zustand, the flow canvas) is in this chunk, loaded after
// the page is interactive; the server-rendered skeleton stands in until then.
const LiveSandbox = dynamic(() => import('./LiveSandbox'), {
  ssr: false,
  loading: () => <ServiceMapPlaceholder />,
});

/**
 * Where the live sandbox mounts. The region's label is what tests and assistive
 * technology find the workspace by.
 */
export function SandboxWorkspace() {
  return (
    <section className="workspace" aria-label="Sandbox workspace">
      <LiveSandbox />
    </section>
  );
}
