import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { COURSE_TITLE } from '@/components/course/courseMap';
import { SiteNav } from '@/components/layout/SiteNav';
import './globals.css';

export const metadata: Metadata = {
  title: { default: COURSE_TITLE, template: `%s · ${COURSE_TITLE}` },
  description:
    'A hands-on course sandbox: five microservices on real stores in your browser. Run sagas, inject faults, rebuild projections and get graded.',
};

export const viewport: Viewport = {
  themeColor: '#f6f7f9',
  colorScheme: 'light',
};

// Keep this file light: it is on every page's critical path. No heavy imports here
// (Monaco, PGlite, the flow canvas load lazily inside the sandbox).
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container site-header__inner">
            <Link href="/" className="brand">
              <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
                <rect width="32" height="32" rx="7" />
                <g>
                  <ellipse cx="16" cy="9.5" rx="7" ry="2.8" />
                  <path d="M9 9.5v13c0 1.6 3.1 2.8 7 2.8s7-1.2 7-2.8v-13" />
                  <path d="M9 16c0 1.6 3.1 2.8 7 2.8s7-1.2 7-2.8" />
                </g>
              </svg>
              <span className="brand__name">{COURSE_TITLE}</span>
            </Link>
            <SiteNav />
          </div>
        </header>
        <main id="main" tabIndex={-1} className="container site-main">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            Everything runs in this page: the services, their databases and the network between them.
          </div>
        </footer>
      </body>
    </html>
  );
}
