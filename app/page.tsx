import Link from 'next/link';
import { ChapterCard } from '@/components/course/ChapterCard';
import { CHAPTERS } from '@/components/course/courseMap';

// The course map. A server component: it ships no JS of its own.
export default function HomePage() {
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
        <ol className="chapter-grid">
          {CHAPTERS.map((chapter) => (
            <li key={chapter.id} className={chapter.grading ? 'chapter-grid__item--wide' : undefined}>
              <ChapterCard chapter={chapter} />
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
