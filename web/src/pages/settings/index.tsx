import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { PageTitle } from '../../components/layout';
import { useCan, usePrincipal } from '../../session';
import { t } from '../../texts';
import { AuditSection } from './audit';
import { NotificationsSection } from './notifications';
import { RetentionSection } from './retention';
import { TokensSection } from './tokens';
import { UsersSection } from './users';
import './settings.css';

const s = t.settings;

/**
 * The installation's settings, one section per sub-path. Users, tokens and the audit log are for
 * owners who see every pair (the API refuses everyone else), so the others see only the settings.
 */
export function SettingsPage() {
  const owner = useCan('owner');
  const scoped = usePrincipal().pairScope !== null;
  const [location] = useLocation();
  if (scoped)
    return (
      <>
        <PageTitle>{s.title}</PageTitle>
        <p>{s.scopedNote}</p>
      </>
    );
  const sections = [
    ...(owner
      ? [
          { href: '/users', label: s.sections.users },
          { href: '/tokens', label: s.sections.tokens },
        ]
      : []),
    { href: '/retention', label: s.sections.retention },
    { href: '/notifications', label: s.sections.notifications },
    ...(owner ? [{ href: '/audit', label: s.sections.audit }] : []),
  ];
  return (
    <>
      <PageTitle>{s.title}</PageTitle>
      <nav aria-label={s.sections.label} className="settings-sections">
        <ul>
          {sections.map((x) => (
            <li key={x.href}>
              <Link href={x.href} aria-current={location.startsWith(x.href) ? 'page' : undefined}>
                {x.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Switch>
        {owner && <Route path="/users" component={UsersSection} />}
        {owner && <Route path="/tokens" component={TokensSection} />}
        <Route path="/retention" component={RetentionSection} />
        <Route path="/notifications" component={NotificationsSection} />
        {owner && <Route path="/audit" component={AuditSection} />}
        <Route>
          <Redirect to={owner ? '/users' : '/retention'} replace />
        </Route>
      </Switch>
    </>
  );
}
