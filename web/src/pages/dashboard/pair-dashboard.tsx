import { useQuery } from '@tanstack/react-query';
import { api, must } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { t } from '../../texts';
import { Attention } from './attention';
import { BudgetTable } from './budget-table';
import { ConnectionHealth } from './connection-health';
import { FlowCard } from './flow-card';

const d = t.dashboard;

/** One pair: what needs attention first, then its flows, its connections and its API budget. */
export function PairDashboard({ pairId, name }: { pairId: string; name: string }) {
  const dashboard = useQuery({
    queryKey: ['pair-dashboard', pairId],
    queryFn: () => must(api.GET('/api/pairs/{id}/dashboard', { params: { path: { id: pairId } } })),
  });
  const headingId = `pair-${pairId}`;
  return (
    <section aria-labelledby={headingId} className="card pair-dashboard">
      <h2 id={headingId}>{name}</h2>
      <QueryState query={dashboard}>
        {(data) => (
          <>
            <Attention pairId={pairId} attention={data.attention} />
            <h3>{d.flows}</h3>
            {data.flows.length === 0 ? (
              <p>{d.noFlows}</p>
            ) : (
              <div className="flow-cards">
                {data.flows.map((f) => (
                  <FlowCard key={f.id} flow={f} />
                ))}
              </div>
            )}
            <ConnectionHealth connections={data.connections} />
            <BudgetTable budget={data.budget} connections={data.connections} />
          </>
        )}
      </QueryState>
    </section>
  );
}
