import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, must } from '../../api/client';
import { PageTitle } from '../../components/layout';
import { QueryState } from '../../components/query-state';
import { t } from '../../texts';
import { AlertsPanel } from './alerts-panel';
import { PairDashboard } from './pair-dashboard';
import './dashboard.css';

const d = t.dashboard;

/** Every pair the reader may see, each at a glance; the data refreshes itself. */
export function DashboardPage() {
  const pairs = useQuery({ queryKey: ['pairs'], queryFn: () => must(api.GET('/api/pairs')) });
  return (
    <>
      <PageTitle>{d.title}</PageTitle>
      <AlertsPanel />
      <QueryState query={pairs}>
        {({ items }) =>
          items.length === 0 ? (
            <p>
              {d.noPairs} <Link href="/setup-wizard">{d.connectFirst}</Link>
            </p>
          ) : (
            items.map((p) => <PairDashboard key={p.id} pairId={p.id} name={p.name} />)
          )
        }
      </QueryState>
    </>
  );
}
