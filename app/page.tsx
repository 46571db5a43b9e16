import Link from 'next/link';
import { LESSONS } from '@/lessons/content';
import { ChapterGrid } from '@/components/progress/ChapterGrid';
import type { CourseCatalogue } from '@/components/progress/importFile';
import { LessonIndex, type LessonCardData } from '@/components/progress/LessonIndex';
import { ProgressTransfer } from '@/components/progress/ProgressTransfer';
import '@/components/progress/progress.css';

// The course map. Server-rendered; the only JS it ships reads progress from this browser
// (a raw IndexedDB read, no Dexie) and loads Dexie when the learner exports or imports.
export default function HomePage() {
  // Only what the cards need crosses to the client: no lesson text, no code.
  const lessons: LessonCardData[] = LESSONS.map((l) => ({
    id: l.id,
    title: l.title,
    summary: l.summary,
    order: l.order,
    chapter: l.chapter,
    exercises: l.exercises.map((e) => ({ id: e.id, max: e.criteria.reduce((s, c) => s + c.points, 0) })),
  }));
  const catalogue: CourseCatalogue = Object.fromEntries(
    LESSONS.map((l) => [l.id, Object.fromEntries(l.exercises.map((e) => [e.id, e.files.map((f) => f.name)]))]),
  );

  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <p className="eyebrow">Block 4 · Microservices course</p>
        <h1 id="hero-title">Data management in microservices</h1>
        <p className="lead">
          When every service keeps its own database, a single transaction can no longer hold the system together. This
          block is about what takes its place. Five services run in this page, each on a real store of its own, and you
          watch an order travel between them, cut the network, crash a service mid-flight and see what your design does
          about it.
        </p>
        <ul className="hero__facts" aria-label="What you work with">
          <li>
            <strong>5 services</strong> User, Catalog, Inventory, Order, Payment
          </li>
          <li>
            <strong>Real stores</strong> PostgreSQL (PGlite), documents on IndexedDB, a Redis-style KV, an event store
          </li>
          <li>
            <strong>Graded by behaviour</strong> your code runs against seeded faults
          </li>
        </ul>
        <p className="hero__actions">
          <Link href="/sandbox/" className="button button--primary">
            Open the sandbox
          </Link>
        </p>
      </section>

      <section className="course-map" aria-labelledby="course-map-title">
        <div className="section-heading">
          <h2 id="course-map-title">Course map</h2>
          <p className="muted">Four chapters, then a graded project that uses all of them.</p>
        </div>
        <ChapterGrid lessons={lessons} />
      </section>

      <section className="lessons-section" aria-labelledby="lessons-title">
        <div className="section-heading">
          <h2 id="lessons-title">Lessons</h2>
          <p className="muted">Read, run the scenario, write the code, get graded. Your best score counts.</p>
        </div>
        <LessonIndex lessons={lessons} />
        <ProgressTransfer catalogue={catalogue} />
      </section>
    </>
  );
}
