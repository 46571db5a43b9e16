'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { InspectRequest } from './data/inspectRequests';
import { errorText } from './data/storeReaders';
import type { InspectSource } from './types';

export interface Inspected<T> {
  data: T | undefined;
  error: string | null;
  /** True until the first read finished. Later reads keep showing the previous data. */
  loading: boolean;
  /** Reads again now (after a write from the inspector itself). */
  refresh: () => void;
}

/**
 * Asks the simulation for `request` (answered between engine steps) whenever `tick` or `deps`
 * change; a null request reads as null. Reads are coalesced: while one is running, further
 * ticks ask for exactly one more read after it, so a fast-running simulation never queues a
 * read per frame.
 */
export function useInspected<T>(
  source: InspectSource,
  tick: number,
  request: InspectRequest | null,
  deps: readonly unknown[] = [],
): Inspected<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const requestRef = useRef(request);
  requestRef.current = request;
  const inFlight = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);
  const depsKey = useRef(0);

  const run = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    const key = depsKey.current;
    const req = requestRef.current;
    (req ? source.request<T>(req) : Promise.resolve(null as T))
      .then(
        (data) => {
          if (alive.current && key === depsKey.current) setState({ data, error: null, loading: false });
        },
        (e: unknown) => {
          if (alive.current && key === depsKey.current) setState((s) => ({ data: s.data, error: errorText(e), loading: false }));
        },
      )
      .finally(() => {
        inFlight.current = false;
        if (again.current && alive.current) {
          again.current = false;
          run();
        }
      });
  }, [source]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // New deps (another store, another query): what was shown belongs to the old ones.
  useEffect(() => {
    depsKey.current++;
    setState({ data: undefined, error: null, loading: true });
    again.current = false;
    inFlight.current = false;
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source, ...deps]);

  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    run();
  }, [tick, run]);

  return { ...state, refresh: run };
}
