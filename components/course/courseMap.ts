// The block's map as data: what the home page shows before any lesson is opened.
// Summaries paraphrase the ideas of the course text (shared/course/block-4-data-management.md);
// once lessons/ has a loader, titles and ids should come from it and this file keeps only
// the short blurbs.

export type GradingTier = {
  points: number;
  summary: string;
};

export type Chapter = {
  /** Stable id, also used for element ids and, later, progress records. */
  id: string;
  /** "Chapter 1" … or "Final project". */
  kicker: string;
  title: string;
  summary: string;
  topics: readonly string[];
  /** Only the final project is graded in tiers. */
  grading?: readonly GradingTier[];
};

export const COURSE_TITLE = 'Data management in microservices';

export const CHAPTERS: readonly Chapter[] = [
  {
    id: 'database-per-service',
    kicker: 'Chapter 1',
    title: 'Database per service & polyglot persistence',
    summary:
      'Each service owns its data, and everyone else asks through its API. Once data is private, every service can pick the store that fits its job: tables for users, documents for a catalog, a fast key-value store for stock. You will also see how a shared database quietly couples everything back together.',
    topics: ['Data ownership', 'Polyglot persistence', 'Shared-database anti-pattern'],
  },
  {
    id: 'distributed-transactions',
    kicker: 'Chapter 2',
    title: 'Distributed transactions, 2PC, CAP, BASE vs ACID',
    summary:
      'One ACID transaction cannot span databases that belong to different services. Try two-phase commit and meet its price: a coordinator everyone waits on and locks held across the network. Then use CAP to reason about what a network partition forces you to give up, and decide where eventual consistency is fine and where it is not.',
    topics: ['Two-phase commit', 'CAP in practice', 'ACID vs BASE', 'Consistency requirements'],
  },
  {
    id: 'sagas',
    kicker: 'Chapter 3',
    title: 'Sagas: orchestration, choreography, compensations',
    summary:
      'Replace one big transaction with a chain of local ones, each paired with a compensating step that undoes it in business terms: a refund, not a deleted row. Run the same order flow with a central orchestrator and as a choreography of events, then break it and check that compensations run in reverse and are safe to repeat.',
    topics: ['Orchestration', 'Choreography', 'Compensating actions', 'Idempotency'],
  },
  {
    id: 'event-sourcing-cqrs',
    kicker: 'Chapter 4',
    title: 'Event sourcing & CQRS',
    summary:
      'Store what happened rather than what is: an append-only stream of events per aggregate, guarded by optimistic concurrency on its version. Rebuild state by replaying, speed that up with snapshots, answer queries from projections shaped for reading, and evolve event schemas by upcasting old versions as they are read.',
    topics: ['Event store', 'Snapshots', 'Projections & read models', 'Event versioning'],
  },
  {
    id: 'final-project',
    kicker: 'Final project',
    title: 'An e-commerce system across five services',
    summary:
      'Put it all together for an online shop: User, Catalog, Inventory, Order and Payment, each on its own store. Orders go through a saga with compensations, are event-sourced, and are read through CQRS views. The grader runs your code against seeded faults and scores what the system does, not how the code looks.',
    topics: ['User', 'Catalog', 'Inventory', 'Order', 'Payment'],
    grading: [
      { points: 50, summary: 'Every service owns its store, a basic saga works, no service reads another’s data.' },
      { points: 75, summary: 'Event-sourced orders, CQRS read models, real compensations, optimistic concurrency.' },
      { points: 100, summary: 'Event versioning, several projections, tuned performance, observability, full error handling.' },
    ],
  },
];
