import type { Scenario } from '../core/simulation';
import type { FaultPlan } from '../core/types';
import { ecommerceScenario, STORY_ORDERS } from './ecommerce';
import { hotelBookingScenario, TRIP_STORIES } from './hotelBooking';
import { twoPhaseCommitScenario } from './twoPhaseCommit';
import { capPartitionPlan, capScenario } from './capReplicas';

/** A scenario the sandbox offers, with the fault plan it starts with. */
export interface CatalogueEntry {
  id: string;
  title: string;
  /** One or two sentences for the picker. */
  description: string;
  /** Course chapter it illustrates (1–4, 5 = final project). */
  chapter: number;
  build(): { scenario: Scenario; faultPlan?: FaultPlan };
}

const allStories = () => Object.values(STORY_ORDERS).map((o, i) => ({ ...o, at: 200 + i * 150 }));

/** Every built-in scenario, in the order the sandbox lists them. */
export const SCENARIO_CATALOGUE: CatalogueEntry[] = [
  {
    id: 'order-orchestrated',
    title: 'Order saga — orchestration',
    description: 'Four orders through the final project’s shop: one completes, one is declined, one finds no stock, one cannot be shipped and is refunded.',
    chapter: 5,
    build: () => ({ scenario: ecommerceScenario({ style: 'orchestration', orders: allStories(), id: 'order-orchestrated' }) }),
  },
  {
    id: 'order-choreography',
    title: 'Order saga — choreography',
    description: 'The same four orders with no orchestrator: every service reacts to events and publishes its own.',
    chapter: 3,
    build: () => ({ scenario: ecommerceScenario({ style: 'choreography', orders: allStories(), id: 'order-choreography' }) }),
  },
  {
    id: 'order-happy',
    title: 'One order, happy path',
    description: 'A single order for two keyboards and a cable (total 130) from start to shipment.',
    chapter: 5,
    build: () => ({ scenario: ecommerceScenario({ style: 'orchestration', orders: [STORY_ORDERS.happy], id: 'order-happy', title: 'One order, happy path' }) }),
  },
  {
    id: 'hotel-happy',
    title: 'Hotel + car booking — happy path',
    description: 'Booking, room, car and payment all succeed; every reservation is confirmed.',
    chapter: 3,
    build: () => ({ scenario: hotelBookingScenario([TRIP_STORIES.happy]) }),
  },
  {
    id: 'hotel-no-room',
    title: 'Hotel + car booking — no room',
    description: 'The hotel is full: the booking is cancelled and nothing else is touched.',
    chapter: 3,
    build: () => ({ scenario: hotelBookingScenario([TRIP_STORIES.noRoom]) }),
  },
  {
    id: 'hotel-payment-declined',
    title: 'Hotel + car booking — payment declined',
    description: 'The card is declined: car, hotel and booking are cancelled, in that order.',
    chapter: 3,
    build: () => ({ scenario: hotelBookingScenario([TRIP_STORIES.paymentDeclined]) }),
  },
  {
    id: '2pc',
    title: 'Two-phase commit — happy path',
    description: 'A money transfer across accounts, payments and audit: PREPARE, every vote YES, COMMIT.',
    chapter: 2,
    build: () => ({ scenario: twoPhaseCommitScenario() }),
  },
  {
    id: '2pc-coordinator-crash',
    title: 'Two-phase commit — coordinator dies after PREPARE',
    description: 'The participants voted YES and now wait, holding their locks, until the coordinator comes back.',
    chapter: 2,
    build: () => {
      const s = twoPhaseCommitScenario({ crashCoordinatorAfterPrepare: true });
      return { scenario: s, ...(s.faultPlan ? { faultPlan: s.faultPlan } : {}) };
    },
  },
  {
    id: 'cap-cp',
    title: 'CAP — replicated stock, CP',
    description: 'Three inventory replicas with a majority quorum: the cut-off replica refuses writes until the partition heals.',
    chapter: 2,
    build: () => ({ scenario: capScenario({ mode: 'CP' }), faultPlan: capPartitionPlan }),
  },
  {
    id: 'cap-ap',
    title: 'CAP — replicated stock, AP',
    description: 'The same replicas accepting writes on both sides of a partition, then reconciling — and finding they oversold.',
    chapter: 2,
    build: () => ({ scenario: capScenario({ mode: 'AP' }), faultPlan: capPartitionPlan }),
  },
];

export function findScenario(id: string): CatalogueEntry {
  const entry = SCENARIO_CATALOGUE.find((e) => e.id === id);
  if (!entry) throw new Error(`Unknown scenario "${id}". Known: ${SCENARIO_CATALOGUE.map((e) => e.id).join(', ')}.`);
  return entry;
}
