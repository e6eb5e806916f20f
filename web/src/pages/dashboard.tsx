import { useQuery } from '@tanstack/react-query';
import { api, must, type Schemas } from '../api/client';
import { PageTitle } from '../components/layout';
import { QueryState } from '../components/query-state';
import { t } from '../texts';

const d = t.dashboard;

/** Per pair: its connections and its flows, how they last ran and what waits for a person. */
export function DashboardPage() {
  const pairs = useQuery({ queryKey: ['pairs'], queryFn: () => must(api.GET('/api/pairs')) });
  return (
    <>
      <PageTitle>{d.title}</PageTitle>
      <QueryState query={pairs}>
        {({ items }) =>
          items.length === 0 ? <p>{d.noPairs}</p> : items.map((p) => <PairSection key={p.id} pair={p} />)
        }
      </QueryState>
    </>
  );
}

function PairSection({ pair }: { pair: Schemas['Pair'] }) {
  return (
    <section aria-labelledby={`pair-${pair.id}`} className="card">
      <h2 id={`pair-${pair.id}`}>{pair.name}</h2>
      <table>
        <caption>{d.connections}</caption>
        <thead>
          <tr>
            <th scope="col">{d.columns.connection}</th>
            <th scope="col">{d.columns.app}</th>
            <th scope="col">{d.columns.status}</th>
          </tr>
        </thead>
        <tbody>
          {pair.connections.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td>{c.app}</td>
              <td>
                {c.status}
                {c.pausedReason ? `: ${c.pausedReason}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>{d.flows}</caption>
        <thead>
          <tr>
            <th scope="col">{d.columns.flow}</th>
            <th scope="col">{d.columns.kind}</th>
            <th scope="col">{d.columns.enabled}</th>
            <th scope="col">{d.columns.lastRun}</th>
          </tr>
        </thead>
        <tbody>
          {pair.flows.map((f) => (
            <tr key={f.id}>
              <td>{f.id}</td>
              <td>{f.kind}</td>
              <td>{f.enabled ? d.yes : d.no}</td>
              <td>{f.lastRunState ? (t.runStates[f.lastRunState] ?? f.lastRunState) : t.never}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
