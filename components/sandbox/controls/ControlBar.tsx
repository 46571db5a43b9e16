'use client';

import { useEffect, useMemo, useState } from 'react';
import { findScenario, parseFaultPlan, SCENARIO_CATALOGUE } from '@/simulator';
import { useController, useSandboxStore, useSim } from '../state/SimProvider';
import { faster, slower, SPEEDS, isSpeed } from '../state/pacing';
import { isOrderScenario } from '../state/scenarioInfo';
import styles from '../Workspace.module.css';

/** Starts a new run for a changed scenario or seed, keeping the plan when it still fits. */
export function useRestart() {
  const controller = useController();
  const store = useSandboxStore();
  return useMemo(() => ({
    reset: () => {
      const s = store.getState();
      return controller.start({ scenarioId: s.scenarioId, seed: s.seed, faultPlan: s.faultPlan, liveActions: [] });
    },
    replay: () => {
      const s = store.getState();
      return controller.start({ scenarioId: s.scenarioId, seed: s.seed, faultPlan: s.faultPlan, liveActions: controller.liveActions() });
    },
    changeScenario: (scenarioId: string) => {
      const s = store.getState();
      let plan = s.faultPlan;
      try {
        parseFaultPlan(plan, findScenario(scenarioId).build().scenario.services.map((x) => x.name));
      } catch {
        if (plan.faults.length > 0) {
          s.addUiProblem({ level: 'info', time: null, service: null, code: 'PLAN', message: 'The fault plan names services this scenario does not have, so it was cleared.' });
        }
        plan = { faults: [] };
      }
      s.selectService(null);
      s.selectLink(null);
      return controller.start({ scenarioId, seed: s.seed, faultPlan: plan, liveActions: [] });
    },
    changeSeed: (seed: number) => {
      const s = store.getState();
      return controller.start({ scenarioId: s.scenarioId, seed, faultPlan: s.faultPlan, liveActions: [] });
    },
  }), [controller, store]);
}

export function ControlBar() {
  const controller = useController();
  const { reset, replay, changeScenario, changeSeed } = useRestart();
  const scenarioId = useSim((s) => s.scenarioId);
  const seed = useSim((s) => s.seed);
  const playing = useSim((s) => s.playing);
  const speed = useSim((s) => s.speed);
  const status = useSim((s) => s.status);
  const busy = useSim((s) => s.busy);
  const setTimeline = useSim((s) => s.setTimeline);
  const setHelpOpen = useSim((s) => s.setHelpOpen);
  const stream = useSim((s) => s.orderStreamMs);
  const [seedText, setSeedText] = useState(String(seed));
  useEffect(() => setSeedText(String(seed)), [seed]);

  const ready = status === 'ready';
  const seedValid = /^\d{1,9}$/.test(seedText.trim());
  const commitSeed = () => {
    if (seedValid && Number(seedText) !== seed) void changeSeed(Number(seedText));
  };
  const entry = SCENARIO_CATALOGUE.find((e) => e.id === scenarioId);

  return (
    <div className={styles.controlBar} role="toolbar" aria-label="Simulation controls">
      <div className={styles.group}>
        <label className={styles.field}>
          <span>Scenario</span>
          <select value={scenarioId} onChange={(e) => void changeScenario(e.target.value)} aria-describedby="scenario-desc">
            {!entry && <option value={scenarioId}>Your solution (replay)</option>}
            {SCENARIO_CATALOGUE.map((e) => (
              <option key={e.id} value={e.id}>
                {e.title}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          <span>Seed</span>
          <input
            className={styles.seed}
            inputMode="numeric"
            value={seedText}
            onChange={(e) => setSeedText(e.target.value)}
            onBlur={commitSeed}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitSeed();
            }}
            aria-invalid={!seedValid}
            data-testid="seed-input"
          />
        </label>
      </div>

      <div className={styles.group}>
        <button type="button" className={styles.primary} onClick={() => controller.togglePlay()} disabled={!ready || busy} aria-keyshortcuts="Space" data-testid="play">
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={() => void controller.stepBack()} disabled={!ready || busy} aria-keyshortcuts="ArrowLeft" aria-label="Step back">
          ◀ Back
        </button>
        <button type="button" onClick={() => void controller.step()} disabled={!ready || busy} aria-keyshortcuts="ArrowRight" aria-label="Step forward one item">
          Step ▶
        </button>
        <button type="button" onClick={() => void controller.runToEnd()} disabled={!ready || busy} aria-keyshortcuts="E">
          Run to end
        </button>
        <label className={styles.field}>
          <span>Speed</span>
          <select
            value={speed}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (isSpeed(v)) setTimeline({ speed: v });
            }}
            aria-keyshortcuts="+ -"
            data-testid="speed"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
      </div>

      <div className={styles.group}>
        {isOrderScenario(scenarioId) && (
          <>
            <button type="button" onClick={() => void controller.injectOrder()} disabled={!ready} aria-keyshortcuts="I">
              Inject order
            </button>
            <label className={styles.field}>
              <span>Order stream</span>
              <select
                value={stream ?? ''}
                onChange={(e) => controller.setOrderStream(e.target.value === '' ? null : Number(e.target.value))}
                data-testid="order-stream"
              >
                <option value="">off</option>
                <option value="200">1 per 200 ms</option>
                <option value="50">1 per 50 ms</option>
                <option value="20">1 per 20 ms</option>
                <option value="10">1 per 10 ms</option>
              </select>
            </label>
          </>
        )}
        <ReplayButton onReplay={replay} disabled={status === 'loading'} />
        <button type="button" onClick={() => void reset()} disabled={status === 'loading'} aria-keyshortcuts="R">
          Reset
        </button>
        <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <p id="scenario-desc" className={styles.scenarioDesc}>
        {entry ? entry.description : 'Your code as it was graded, in the run where a criterion failed.'}
      </p>
    </div>
  );
}

/** Replay, with how many hand-applied actions it repeats: its own component, since an order stream changes that count many times a second. */
function ReplayButton({ onReplay, disabled }: { onReplay: () => Promise<void>; disabled: boolean }) {
  const liveActionCount = useSim((s) => s.liveActionCount);
  return (
    <button type="button" onClick={() => void onReplay()} disabled={disabled} title="Same seed, scenario, fault plan and hand-applied actions: the same run again">
      Replay{liveActionCount > 0 ? ` (${liveActionCount} recorded)` : ''}
    </button>
  );
}

/** Keyboard shortcuts of the workspace (listed on the help overlay). */
export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'Space', what: 'Play / pause' },
  { keys: '→', what: 'Step forward one item' },
  { keys: '←', what: 'Step back (to the previous checkpoint)' },
  { keys: '+ / −', what: 'Faster / slower (0.25× to 64×)' },
  { keys: 'E', what: 'Run to the end' },
  { keys: 'I', what: 'Inject an order (order scenarios)' },
  { keys: 'R', what: 'Reset the run' },
  { keys: '?', what: 'Show this help' },
  { keys: 'Esc', what: 'Close help, clear the selection' },
];

/** Installs the workspace's keyboard shortcuts on the document. */
export function useShortcuts() {
  const controller = useController();
  const store = useSandboxStore();
  const { reset } = useRestart();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const tag = t?.tagName;
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || t?.isContentEditable) return;
      const s = store.getState();
      if (s.helpOpen && e.key !== 'Escape' && e.key !== '?') return;
      switch (e.key) {
        case ' ':
          // Space on a focused button presses it; only take it elsewhere.
          if (tag === 'BUTTON' || tag === 'A') return;
          e.preventDefault();
          controller.togglePlay();
          break;
        case 'ArrowRight':
          e.preventDefault();
          void controller.step();
          break;
        case 'ArrowLeft':
          e.preventDefault();
          void controller.stepBack();
          break;
        case '+':
        case '=':
          s.setTimeline({ speed: faster(s.speed) });
          break;
        case '-':
        case '_':
          s.setTimeline({ speed: slower(s.speed) });
          break;
        case 'e':
        case 'E':
          void controller.runToEnd();
          break;
        case 'i':
        case 'I':
          if (isOrderScenario(s.scenarioId)) void controller.injectOrder();
          break;
        case 'r':
        case 'R':
          void reset();
          break;
        case '?':
          s.setHelpOpen(!s.helpOpen);
          break;
        case 'Escape':
          if (s.helpOpen) s.setHelpOpen(false);
          else {
            s.selectService(null);
            s.selectLink(null);
          }
          break;
        default:
          return;
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [controller, store, reset]);
}
