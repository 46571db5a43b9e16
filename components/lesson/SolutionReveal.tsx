'use client';

import { useState } from 'react';

/** The reference solution, behind a deliberate click and a confirmation. */
export function SolutionReveal({ files }: { files: Array<{ name: string; solution: string }> }) {
  const [step, setStep] = useState<'hidden' | 'confirm' | 'shown'>('hidden');
  return (
    <div className="solution">
      {step === 'hidden' && (
        <button type="button" className="button button--small button--quiet" onClick={() => setStep('confirm')}>
          Show the reference solution…
        </button>
      )}
      {step === 'confirm' && (
        <div className="confirm" role="group" aria-label="Show the solution?">
          <p>
            You learn more by getting stuck a little longer. Try the hints first. Show the reference solution anyway?
          </p>
          <div className="confirm__actions">
            <button type="button" className="button button--small" onClick={() => setStep('shown')} autoFocus>
              Yes, show it
            </button>
            <button type="button" className="button button--small button--quiet" onClick={() => setStep('hidden')}>
              Not yet
            </button>
          </div>
        </div>
      )}
      {step === 'shown' && (
        <div className="solution__files">
          <h4>Reference solution</h4>
          {files.map((f) => (
            <figure key={f.name} className="solution__file">
              <figcaption>
                <code>{f.name}</code>
              </figcaption>
              <pre className="md-code" tabIndex={0}>
                <code>{f.solution}</code>
              </pre>
            </figure>
          ))}
          <button type="button" className="button button--small button--quiet" onClick={() => setStep('hidden')}>
            Hide the solution
          </button>
        </div>
      )}
    </div>
  );
}
