'use client';

import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { SCENARIO_CATALOGUE } from '@/simulator';
import { defaultSavedState, parseSavedState, type SavedState } from '../persistence/savedState';
import { loadSavedState, saveState } from '../persistence/savedStateDb';
import { parseUrlRun } from '../persistence/urlParams';
import { isReplayScenarioId } from '../replay/replayRecords';
import { ReplaySession } from '../replay/replaySession';
import { SandboxController } from './controller';
import { createSandboxStore, type SandboxStore } from './store';

interface SimContextValue {
  store: StoreApi<SandboxStore>;
  controller: SandboxController;
  replay: ReplaySession;
}

const SimContext = createContext<SimContextValue | null>(null);

const SCENARIO_IDS = SCENARIO_CATALOGUE.map((e) => e.id);
const SAVE_DEBOUNCE_MS = 300;
/**
 * While playing, an order stream changes the run (its recorded orders) many times a second, and
 * a save writes them all: save once play has been quiet this long, or when it stops.
 */
const SAVE_WHILE_PLAYING_MS = 3_000;

/**
 * Creates the workspace's store and controller once (in a ref, never module-global),
 * restores the saved state from IndexedDB, starts the first run, and saves changes back.
 */
export function SimProvider({ children }: { children: ReactNode }) {
  const ref = useRef<SimContextValue | null>(null);
  if (ref.current === null) {
    const store = createSandboxStore();
    // A replay link's graded code comes from the session; catalogue ids go to the catalogue.
    const replay = new ReplaySession();
    ref.current = { store, controller: new SandboxController(store, { learnerCode: replay.learnerCode }), replay };
  }
  const { store, controller, replay } = ref.current;

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: (() => void) | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let saved: SavedState = defaultSavedState();
    // The replay's banner follows whether the engine thread could build the learner's scenario.
    const unsubscribeReplay = store.subscribe((s, prev) => {
      if (s.status === prev.status) return;
      if (s.status === 'ready') replay.settle({ status: 'ready' });
      else if (s.status === 'error') replay.settle({ status: 'error', message: s.error ?? 'The replay could not start.' });
    });

    const persist = () => {
      if (timer) clearTimeout(timer);
      const wait = store.getState().playing ? SAVE_WHILE_PLAYING_MS : SAVE_DEBOUNCE_MS;
      timer = setTimeout(() => {
        const s = store.getState();
        // A replay is opened from its link, not restored: the saved run stays the learner's own.
        if (s.status === 'loading' || isReplayScenarioId(s.scenarioId)) return;
        const state: SavedState = {
          ...saved,
          scenarioId: s.scenarioId,
          seed: s.seed,
          faultPlan: s.faultPlan,
          liveActions: controller.liveActions(),
          positions: { ...saved.positions, [s.scenarioId]: s.positions },
          speed: s.speed,
        };
        saved = state;
        saveState(state).catch((e: unknown) =>
          store.getState().addUiProblem({ level: 'warning', time: null, service: null, code: 'SAVE', message: `The sandbox state could not be saved: ${e instanceof Error ? e.message : String(e)}` }),
        );
      }, wait);
    };

    (async () => {
      // Started first, so the replay banner shows at once while IndexedDB is read.
      const replayOpening = replay.begin(window.location.search);
      let raw: unknown;
      try {
        raw = await loadSavedState();
      } catch (e) {
        store.getState().addUiProblem({ level: 'warning', time: null, service: null, code: 'LOAD', message: `The saved sandbox state could not be opened (${e instanceof Error ? e.message : String(e)}); starting from the defaults.` });
      }
      if (cancelled) return;
      const parsed = parseSavedState(raw, SCENARIO_IDS);
      saved = parsed.state;
      if (parsed.problem) store.getState().addUiProblem({ level: 'warning', time: null, service: null, code: 'SAVED_STATE', message: parsed.problem });
      // A replay of graded code (the grade report's "Replay in sandbox") wins over everything.
      const replayRun = await replayOpening;
      if (cancelled) return;
      if (replayRun) saved = { ...saved, ...replayRun, liveActions: [] };
      // A link (a lesson's scenario card, an older replay link) wins over the saved run.
      else if (window.location.search) {
        const fromUrl = parseUrlRun(
          window.location.search,
          SCENARIO_CATALOGUE.map((e) => ({ id: e.id, services: e.build().scenario.services.map((d) => d.name) })),
        );
        if (fromUrl.problem) store.getState().addUiProblem({ level: 'warning', time: null, service: null, code: 'LINK', message: fromUrl.problem });
        if (fromUrl.run) {
          saved = { ...saved, scenarioId: fromUrl.run.scenarioId, seed: fromUrl.run.seed ?? saved.seed, faultPlan: fromUrl.run.faultPlan ?? { faults: [] }, liveActions: [] };
        }
      }
      store.getState().setTimeline({ speed: saved.speed });
      store.getState().setPositions(saved.positions[saved.scenarioId] ?? {});
      await controller.start({ scenarioId: saved.scenarioId, seed: saved.seed, faultPlan: saved.faultPlan, liveActions: saved.liveActions });
      if (cancelled) return;
      if (store.getState().status === 'error' && !replayRun && (saved.faultPlan.faults.length > 0 || saved.liveActions.length > 0)) {
        // A saved plan that no longer fits its scenario must not lock the learner out.
        store.getState().addUiProblem({ level: 'warning', time: null, service: null, code: 'SAVED_STATE', message: `${store.getState().error ?? ''} The saved fault plan was set aside; the run started without it.` });
        await controller.start({ scenarioId: saved.scenarioId, seed: saved.seed, faultPlan: { faults: [] }, liveActions: [] });
      }
      unsubscribe = store.subscribe((s, prev) => {
        if (
          s.scenarioId !== prev.scenarioId ||
          s.seed !== prev.seed ||
          s.faultPlan !== prev.faultPlan ||
          s.liveActionCount !== prev.liveActionCount ||
          s.positions !== prev.positions ||
          s.speed !== prev.speed ||
          (s.playing !== prev.playing && s.liveActionCount > 0) ||
          (s.status === 'ready' && prev.status !== 'ready')
        ) {
          persist();
        }
      });
    })();

    return () => {
      cancelled = true;
      unsubscribe?.();
      unsubscribeReplay();
      if (timer) clearTimeout(timer);
      void controller.dispose();
    };
  }, [store, controller, replay]);

  return <SimContext.Provider value={ref.current}>{children}</SimContext.Provider>;
}

function useSimContext(): SimContextValue {
  const ctx = useContext(SimContext);
  if (!ctx) throw new Error('useSim must be used inside <SimProvider> (the sandbox workspace).');
  return ctx;
}

/** Selects from the workspace's store. Wrap selectors that build arrays/objects in useShallow. */
export function useSim<T>(selector: (s: SandboxStore) => T): T {
  return useStore(useSimContext().store, selector);
}

/** The controller that drives the engine (play, step, faults…). */
export function useController(): SandboxController {
  return useSimContext().controller;
}

export function useSandboxStore(): StoreApi<SandboxStore> {
  return useSimContext().store;
}

/** The replay of graded learner code the page was opened with (status 'none' when not). */
export function useReplaySession(): ReplaySession {
  return useSimContext().replay;
}
