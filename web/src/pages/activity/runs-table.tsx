import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema.gen';
import { formatDateTime, formatDuration, formatNumber } from '../../format';
import { t } from '../../texts';
import { FlowOptions } from './flow-options';
import { stateClass } from './records-table';

const r = t.activity.runs;
type RunState = NonNullable<paths['/api/runs']['get']['parameters']['query']>['state'];

/** The counts a run table shows, in the order a run goes through them. */
export const countColumns = [
  'read',
  'created',
  'updated',
  'unchanged',
  'skipped',
  'failed',
  'deadLettered',
] as const satisfies ReadonlyArray<keyof Schemas['RunCounts'] & keyof typeof r>;

export function runStateText(state: string): string {
  return t.runStates[state] ?? state;
}

/** The runs of every pair the reader may see, newest first, with their counts; older ones on request. */
export function RunsSection() {
  const [state, setState] = useState<RunState>(undefined);
  const [flow, setFlow] = useState('');
  const [pages, setPages] = useState<Array<string | undefined>>([undefined]);
  return (
    <section aria-labelledby="runs" className="card">
      <h2 id="runs">{r.heading}</h2>
      <div className="filters">
        <label>
          {r.filterFlow}
          <select
            value={flow}
            onChange={(e) => {
              setFlow(e.target.value);
              setPages([undefined]);
            }}
          >
            <FlowOptions any={r.anyFlow} />
          </select>
        </label>
        <label>
          {r.filterState}
          <select
            value={state ?? ''}
            onChange={(e) => {
              setState((e.target.value || undefined) as RunState);
              setPages([undefined]);
            }}
          >
            <option value="">{r.anyState}</option>
            {Object.entries(t.runStates).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="runs">
        <caption>{r.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{r.run}</th>
            <th scope="col">{r.flow}</th>
            <th scope="col">{r.trigger}</th>
            <th scope="col">{r.state}</th>
            {countColumns.map((c) => (
              <th scope="col" className="num" key={c}>
                {r[c]}
              </th>
            ))}
            <th scope="col" className="num">
              {r.duration}
            </th>
          </tr>
        </thead>
        {pages.map((before, i) => (
          <RunsPage
            key={before ?? 'first'}
            state={state}
            flow={flow}
            before={before}
            onOlder={i === pages.length - 1 ? (next) => setPages([...pages, next]) : undefined}
          />
        ))}
      </table>
    </section>
  );
}

function RunsPage({
  state,
  flow,
  before,
  onOlder,
}: {
  state: RunState;
  flow: string;
  before: string | undefined;
  onOlder: ((next: string) => void) | undefined;
}) {
  const runs = useQuery({
    queryKey: ['runs', state, flow, before],
    queryFn: () =>
      must(
        api.GET('/api/runs', {
          params: {
            query: {
              limit: 10,
              ...(state ? { state } : {}),
              ...(flow ? { flow } : {}),
              ...(before ? { before } : {}),
            },
          },
        }),
      ),
  });
  const span = countColumns.length + 5;
  if (!runs.data)
    return (
      <tbody>
        <tr>
          <td colSpan={span}>
            {runs.isError ? (
              <span role="alert">
                {t.errorPrefix}
                {runs.error.message}
              </span>
            ) : (
              <span aria-busy="true">{t.loading}</span>
            )}
          </td>
        </tr>
      </tbody>
    );
  const { items, next } = runs.data;
  return (
    <tbody>
      {items.length === 0 && !before && (
        <tr>
          <td colSpan={span}>{r.none}</td>
        </tr>
      )}
      {items.map((run) => (
        <tr key={run.id}>
          <td>
            <Link href={`/runs/${run.id}`}>{formatDateTime(run.startedAt ?? run.createdAt)}</Link>
          </td>
          <td>{run.flowId}</td>
          <td>{t.activity.triggers[run.trigger] ?? run.trigger}</td>
          <td className={stateClass(run.state)}>{runStateText(run.state)}</td>
          {countColumns.map((c) => (
            <td className="num" key={c}>
              {formatNumber(run.counts[c])}
            </td>
          ))}
          <td className="num">{formatDuration(run.durationMs)}</td>
        </tr>
      ))}
      {next && onOlder && (
        <tr>
          <td colSpan={span}>
            <button type="button" onClick={() => onOlder(next)}>
              {r.older}
            </button>
          </td>
        </tr>
      )}
    </tbody>
  );
}
