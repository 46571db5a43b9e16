import type { LearnerScenario } from './EngineHost';
import type { LearnerCode } from './protocol';

/**
 * Builds the scenario of a learner's graded code for a replay: the lesson's checks with the code
 * running in QuickJS. The lesson engine and QuickJS (~840 KB) load only when this is called.
 */
export async function buildLearnerScenario(code: LearnerCode, seed: number): Promise<LearnerScenario> {
  const { createReplay } = await import('@/lessons');
  const replay = await createReplay({ lessonId: code.lessonId, exerciseId: code.exerciseId, files: code.files, input: code.input, seed });
  return { scenario: replay.scenario, attach: (sim) => replay.attach(sim), errors: () => replay.errors(), restart: () => replay.restart(), dispose: () => replay.dispose() };
}
