import type { Metadata } from 'next';
import { SandboxWorkspace } from '@/components/sandbox/SandboxWorkspace';
import { PgliteEarlyStart } from '@/components/sandbox/engine/PgliteEarlyStart';

export const metadata: Metadata = {
  title: 'Sandbox',
  description: 'Five services on their own stores, one simulated network: run sagas, inject faults, watch the trace.',
};

export default function SandboxPage() {
  return (
    <div className="sandbox-page">
      <PgliteEarlyStart />
      <div className="page-intro">
        <h1>Sandbox</h1>
        <p className="muted">
          Five services, each with its own store, talking over a simulated network. Place an order, inject faults and
          follow the saga through the trace.
        </p>
      </div>
      <SandboxWorkspace />
    </div>
  );
}
