import { useEffect, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { api, must } from '../api/client';
import { usePrincipal } from '../session';
import { t } from '../texts';

const sections: Array<{ href: string; label: string }> = [
  { href: '/', label: t.nav.dashboard },
  { href: '/activity', label: t.nav.activity },
  { href: '/dead-letters', label: t.nav.deadLetters },
  { href: '/mappings', label: t.nav.mappings },
  { href: '/setup-wizard', label: t.nav.setupWizard },
  { href: '/settings', label: t.nav.settings },
];

/** The frame of every page: the app's name, the sections, who is signed in, and the page. */
export function Layout({ children }: { children: ReactNode }) {
  const who = usePrincipal();
  const [location] = useLocation();
  const signOut = async () => {
    await must(api.DELETE('/api/session'));
    window.location.assign('/login');
  };
  return (
    <>
      <a className="skip" href="#main">
        {t.skipToContent}
      </a>
      <header className="top">
        <span className="brand">{t.appName}</span>
        <nav aria-label={t.nav.label}>
          <ul>
            {sections.map((s) => (
              <li key={s.href}>
                <Link
                  href={s.href}
                  aria-current={
                    (s.href === '/' ? location === '/' : location.startsWith(s.href)) ? 'page' : undefined
                  }
                >
                  {s.label}
                </Link>
              </li>
            ))}
            <li>
              <a href="/api/docs">{t.nav.apiReference}</a>
            </li>
          </ul>
        </nav>
        <span className="who">
          {t.signedInAs(who.name, t.roles[who.role] ?? who.role)}{' '}
          <button type="button" onClick={() => void signOut()}>
            {t.signOut}
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The page's title, in the document too (what a screen reader and a tab say). */
export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} · ${t.appName}`;
  }, [children]);
  return <h1>{children}</h1>;
}
