import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FaultPlan } from '@/simulator';
import type { LearnerCodeSource, RunConfig } from '../state/controller';
import {
  isReplayScenarioId,
  loadReplay,
  parseReplayRequest,
  replayScenarioId,
  type ReplayRecord,
  type ReplayRequest,
} from './replayRecords';

export type ReplayStatus =
  /** The page was opened without a replay link. */
  | 'none'
  /** Reading the record from IndexedDB. */
  | 'loading'
  /** Loading QuickJS and the lesson's checks, building the scenario with the learner's code. */
  | 'building'
  | 'ready'
  /** The link's record is not in this browser. */
  | 'missing'
  /** The learner's code could not be set up (said in `message`). */
  | 'error';

export interface ReplayState {
  status: ReplayStatus;
  request: ReplayRequest | null;
  record: ReplayRecord | null;
  message: string | null;
}

/**
 * The sandbox side of "Replay in sandbox": reads the link, loads the graded code from IndexedDB,
 * and hands it to the controller (`learnerCode`) each time a run of it starts; the engine thread
 * builds the learner's scenario from it.
 */
export class ReplaySession {
  readonly store: StoreApi<ReplayState> = createStore<ReplayState>(() => ({ status: 'none', request: null, record: null, message: null }));

  /** Reads the URL. Resolves to the run to start, or null (no replay link, or its record is missing). */
  async begin(search: string): Promise<Pick<RunConfig, 'scenarioId' | 'seed' | 'faultPlan'> | null> {
    const request = parseReplayRequest(search);
    if (!request) return null;
    this.store.setState({ status: 'loading', request, record: null, message: null });
    let record: ReplayRecord | null = null;
    try {
      record = await loadReplay(request.key);
    } catch (e) {
      this.store.setState({ status: 'missing', message: `This browser's storage could not be read (${e instanceof Error ? e.message : String(e)}).` });
      return null;
    }
    if (!record) {
      this.store.setState({ status: 'missing', message: null });
      return null;
    }
    this.store.setState({ record });
    return this.gradedRun(record);
  }

  /** The run as it was graded: the learner's scenario, the failing seed and fault plan. */
  gradedRun(record: ReplayRecord): Pick<RunConfig, 'scenarioId' | 'seed' | 'faultPlan'> {
    return { scenarioId: replayScenarioId(record.id), seed: record.seed, faultPlan: record.faultPlan ?? { faults: [] } };
  }

  /**
   * The controller's learner code source: for a replay's scenario id, the graded code the engine
   * thread builds the scenario from (QuickJS and the lesson engine load there, only for a replay).
   */
  readonly learnerCode: LearnerCodeSource = (config) => {
    if (!isReplayScenarioId(config.scenarioId)) return null;
    const record = this.store.getState().record;
    if (!record || replayScenarioId(record.id) !== config.scenarioId) {
      throw new Error('This replay is not available any more: open it again from the lesson’s grade report.');
    }
    this.store.setState({ status: 'building', message: null });
    return { lessonId: record.lessonId, exerciseId: record.exerciseId, files: record.files, input: record.run.input };
  };

  /** Follows the run the learner's code was sent with: built (ready) or not (the reason, in words). */
  settle(outcome: { status: 'ready' } | { status: 'error'; message: string }): void {
    if (this.store.getState().status !== 'building') return;
    this.store.setState(outcome.status === 'ready' ? { status: 'ready' } : { status: 'error', message: outcome.message });
  }

  /** Whether a run config is exactly the graded one (same scenario, seed and fault plan). */
  isGradedRun(run: { scenarioId: string; seed: number; faultPlan: FaultPlan }): boolean {
    const record = this.store.getState().record;
    if (!record) return false;
    const graded = this.gradedRun(record);
    return run.scenarioId === graded.scenarioId && run.seed === graded.seed && JSON.stringify(run.faultPlan.faults) === JSON.stringify(graded.faultPlan.faults);
  }
}
