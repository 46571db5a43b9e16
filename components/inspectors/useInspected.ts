'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Simulation } from '@/simulator';
import { errorText, type StoreMap } from './data/storeReaders';

export interface Inspected<T> {
  data: T | undefined;
  error: string | null;
  /** True until the first read finished. Later reads keep showing the previous data. */
  loading: boolean;
  /** Reads again now (after a write from the inspector itself). */
  refresh: () => void;
}

/**
 * Reads stores through `sim.inspect` (between engine steps) whenever `tick` or `deps` change.
 * Reads are coalesced: while one is running, further ticks ask for exactly one more read after it,
 * so a fast-running simulation never queues a read per frame.
 */
export function useInspected<T>(
  sim: Simulation,
  tick: number,
  read: (stores: StoreMap) => Promise<T> | T,
  deps: readonly unknown[] = [],
): Inspected<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const readRef = useRef(read);
  readRef.current = read;
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
    sim
      .inspect((stores) => readRef.current(stores as StoreMap))
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
  }, [sim]);

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
  }, [sim, ...deps]);

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
