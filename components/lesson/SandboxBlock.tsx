import Link from 'next/link';
import { SCENARIO_CATALOGUE } from '@/simulator';
import { scenarioUrl } from './replayUrl';

/**
 * A place in the lesson where the learner watches a scenario run.
 *
 * The sandbox workspace (components/sandbox/) does not take a scenario to embed yet, so this
 * is a card that opens the scenario in /sandbox. When the workspace exports an embeddable
 * component (`<SandboxWorkspace scenario=… embedded />`), lazy-load it here behind this card.
 */
export function SandboxBlock({ scenario, caption }: { scenario: string; caption: string }) {
  const entry = SCENARIO_CATALOGUE.find((e) => e.id === scenario);
  return (
    <figure className="sandbox-block" data-scenario={scenario}>
      <div className="sandbox-block__body">
        <p className="eyebrow">Try it in the sandbox</p>
        <p className="sandbox-block__title">{entry?.title ?? scenario}</p>
        {entry?.description && <p className="sandbox-block__desc">{entry.description}</p>}
        <Link className="button button--primary button--small" href={scenarioUrl(scenario)}>
          Open “{entry?.title ?? scenario}” in the sandbox
        </Link>
      </div>
      {caption && <figcaption className="sandbox-block__caption">{caption}</figcaption>}
    </figure>
  );
}
