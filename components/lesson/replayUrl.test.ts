import { expect, it } from 'vitest';
import { replayUrl, scenarioUrl } from './replayUrl';

it('encodes scenario, seed and plan so the sandbox can read them back', () => {
  const faultPlan = { name: 'cut payment', faults: [{ at: 300, action: { kind: 'crash' as const, service: 'payment' } }] };
  const url = replayUrl({ scenario: 'hotel-payment-declined', seed: 42, faultPlan });
  expect(url.startsWith('/sandbox/?scenario=hotel-payment-declined&seed=42&plan=')).toBe(true);
  const params = new URL(url, 'http://x').searchParams;
  expect(JSON.parse(params.get('plan')!)).toEqual(faultPlan);
  expect(url).not.toContain('+');
});

it('leaves out what is not there', () => {
  expect(replayUrl({ scenario: 'a b', seed: null, faultPlan: { faults: [] } })).toBe('/sandbox/?scenario=a%20b');
  expect(scenarioUrl('2pc')).toBe('/sandbox/?scenario=2pc');
});

import { describeFaultPlan } from './replayUrl';
it('describes a fault plan in words', () => {
  expect(
    describeFaultPlan({
      faults: [
        { at: 100, action: { kind: 'partition', links: [['order', 'payment']], oneWay: true } },
        { at: 200, action: { kind: 'crash', service: 'payment' } },
        { at: 300, action: { kind: 'link', to: 'payment', params: { dropRate: 0.5 } } },
        { at: 400, action: { kind: 'heal' } },
      ],
    }),
  ).toEqual(['100 ms — cut order↔payment (one way)', '200 ms — crash payment', '300 ms — link *→payment: dropRate 0.5', '400 ms — heal all links']);
  expect(describeFaultPlan(undefined)).toEqual([]);
});
