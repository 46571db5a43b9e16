'use client';

import dynamic from 'next/dynamic';
import { useEffect, useState } from 'react';
import { prewarmEngineThread } from './runner/engineThread';
import { ServiceMapPlaceholder } from './ServiceMapPlaceholder';

// Everything heavy (zustand, the flow canvas, the engine's thread with its stores) is in this
// chunk; the server-rendered skeleton stands in until it is there.
const LiveSandbox = dynamic(() => import('./LiveSandbox'), {
  ssr: false,
  loading: () => <ServiceMapPlaceholder />,
});

/**
 * Calls `fn` once the page has loaded and the main thread has a quiet moment: the static text
 * is painted and readable before the workspace's chunks (the engine's code is most of a
 * megabyte) are parsed and run. Returns a cancel function.
 */
function whenPageIsIdle(fn: () => void): () => void {
  let cancelled = false;
  let idle: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const go = () => {
    if (cancelled) return;
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(() => !cancelled && fn(), { timeout: 250 });
    else timer = setTimeout(() => !cancelled && fn(), 50);
  };
  if (document.readyState === 'complete') go();
  else window.addEventListener('load', go, { once: true });
  return () => {
    cancelled = true;
    window.removeEventListener('load', go);
    if (idle !== null) cancelIdleCallback(idle);
    if (timer !== null) clearTimeout(timer);
  };
}

/**
 * Where the live sandbox mounts. The region's label is what tests and assistive
 * technology find the workspace by.
 */
export function SandboxWorkspace() {
  const [live, setLive] = useState(false);
  // The engine's thread starts at once: it fetches and compiles PGlite off the main thread while
  // the page paints and then loads the workspace.
  useEffect(() => prewarmEngineThread(), []);
  useEffect(() => whenPageIsIdle(() => setLive(true)), []);
  return (
    <section className="workspace" aria-label="Sandbox workspace">
      {live ? <LiveSandbox /> : <ServiceMapPlaceholder />}
    </section>
  );
}
