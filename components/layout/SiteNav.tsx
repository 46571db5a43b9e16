'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Course' },
  { href: '/sandbox/', label: 'Sandbox' },
] as const;

/** Strips the trailing slash that `trailingSlash: true` adds, so "/sandbox/" matches "/sandbox". */
function normalize(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Main navigation; marks the current section with aria-current. */
export function SiteNav() {
  const pathname = normalize(usePathname() ?? '/');
  return (
    <nav aria-label="Main" className="site-nav">
      <ul>
        {LINKS.map(({ href, label }) => {
          const target = normalize(href);
          const current = target === '/' ? pathname === '/' : pathname === target || pathname.startsWith(target + '/');
          return (
            <li key={href}>
              <Link href={href} className="site-nav__link" aria-current={current ? 'page' : undefined}>
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
