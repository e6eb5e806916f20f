import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import { PageTitle } from '../../components/layout';
import { QueryState } from '../../components/query-state';
import { formatDateTime, formatDuration, formatNumber } from '../../format';
import { t } from '../../texts';
import { RecordsTable, stateClass } from './records-table';
import { countColumns, runStateText } from './runs-table';

const r = t.activity.run;

/** One run: when and why it ran, how its records ended, the API calls it made, and its records. */
export function RunPage({ id }: { id: string }) {
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => must(api.GET('/api/runs/{id}', { params: { path: { id } } })),
  });
  return (
    <>
      <p>
        <Link href="~/activity">{r.back}</Link>
      </p>
      <QueryState query={run}>{(data) => <RunDetail run={data} />}</QueryState>
    </>
  );
}

function RunDetail({ run }: { run: Schemas['Run'] }) {
  const records = useQuery({
    queryKey: ['records', { run: run.id }],
    queryFn: () => must(api.GET('/api/records', { params: { query: { run: run.id, limit: 100 } } })),
  });
  const calls = Object.entries(run.apiCalls);
  return (
    <>
      <PageTitle>{r.title(run.flowId, formatDateTime(run.startedAt ?? run.createdAt))}</PageTitle>
      <section aria-labelledby="run-facts" className="card">
        <h2 id="run-facts">{r.facts}</h2>
        <dl className="facts">
          <dt>{t.activity.runs.state}</dt>
          <dd className={stateClass(run.state)}>{runStateText(run.state)}</dd>
          <dt>{t.activity.runs.trigger}</dt>
          <dd>{t.activity.triggers[run.trigger] ?? run.trigger}</dd>
          <dt>{r.pair}</dt>
          <dd>{run.pairId}</dd>
          <dt>{r.created}</dt>
          <dd>{formatDateTime(run.createdAt)}</dd>
          <dt>{t.activity.runs.started}</dt>
          <dd>{run.startedAt ? formatDateTime(run.startedAt) : t.activity.runs.notStarted}</dd>
          <dt>{r.finished}</dt>
          <dd>{run.finishedAt ? formatDateTime(run.finishedAt) : r.running}</dd>
          <dt>{t.activity.runs.duration}</dt>
          <dd>{formatDuration(run.durationMs)}</dd>
          {run.error && (
            <>
              <dt>{r.error}</dt>
              <dd className="error">{run.error.message}</dd>
            </>
          )}
        </dl>
      </section>
      <div className="side-by-side">
        <table>
          <caption>{r.counts}</caption>
          <thead>
            <tr>
              <th scope="col">{r.outcome}</th>
              <th scope="col" className="num">
                {r.number}
              </th>
            </tr>
          </thead>
          <tbody>
            {countColumns.map((c) => (
              <tr key={c}>
                <th scope="row">{t.activity.runs[c]}</th>
                <td className="num">{formatNumber(run.counts[c])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>{r.apiCalls}</caption>
          <thead>
            <tr>
              <th scope="col">{r.connection}</th>
              <th scope="col" className="num">
                {r.calls}
              </th>
            </tr>
          </thead>
          <tbody>
            {calls.length === 0 && (
              <tr>
                <td colSpan={2}>{r.noCalls}</td>
              </tr>
            )}
            {calls.map(([connection, n]) => (
              <tr key={connection}>
                <th scope="row">{connection}</th>
                <td className="num">{formatNumber(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <QueryState query={records}>
        {({ items, next }) => (
          <>
            <RecordsTable caption={r.records} items={items} />
            {next && <p className="muted">{r.newestOnly(items.length)}</p>}
          </>
        )}
      </QueryState>
    </>
  );
}
