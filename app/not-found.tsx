import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="page-intro">
      <h1>Page not found</h1>
      <p className="muted">
        There is nothing at this address. <Link href="/">Back to the course map</Link>
      </p>
    </div>
  );
}
