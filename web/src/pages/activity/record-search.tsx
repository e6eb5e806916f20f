import { useQuery } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, must } from '../../api/client';
import type { paths } from '../../api/schema.gen';
import { QueryState } from '../../components/query-state';
import { t } from '../../texts';
import { FlowOptions } from './flow-options';
import { RecordsTable } from './records-table';

const s = t.activity.search;
type RecordsQuery = NonNullable<paths['/api/records']['get']['parameters']['query']>;

/** What the search form sends: the fields people fill in, kept in the address so a link to it works. */
const fields = ['q', 'flow', 'state', 'error'] as const;

/**
 * The search of the activity log: by what people know a record by, its state, its error. The
 * search lives in the address (`?q=&flow=&state=&error=&before=`), so a search can be linked to and the
 * back button goes to the previous one.
 */
export function RecordSearch() {
  const [params, setParams] = useSearchParams();
  const query = Object.fromEntries(
    [...fields, 'before'].flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])),
  ) as RecordsQuery;
  const records = useQuery({
    queryKey: ['records', query],
    queryFn: () => must(api.GET('/api/records', { params: { query: { ...query, limit: 25 } } })),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setParams(
      Object.fromEntries(
        fields.flatMap((k) => {
          const value = String(form.get(k) ?? '').trim();
          return value ? [[k, value]] : [];
        }),
      ),
    );
  };
  const link = (before: string | null) => {
    const next = new URLSearchParams(params);
    if (before) next.set('before', before);
    else next.delete('before');
    return `?${next.toString()}`;
  };
  return (
    <section aria-labelledby="record-search" className="card">
      <h2 id="record-search">{s.heading}</h2>
      <form
        role="search"
        aria-labelledby="record-search"
        className="record-search"
        onSubmit={submit}
        key={params.toString()}
      >
        <label>
          {s.q}
          <input name="q" type="search" size={36} defaultValue={params.get('q') ?? ''} />
        </label>
        <label>
          {s.flow}
          <select name="flow" defaultValue={params.get('flow') ?? ''}>
            <FlowOptions any={s.anyFlow} />
          </select>
        </label>
        <label>
          {s.state}
          <select name="state" defaultValue={params.get('state') ?? ''}>
            <option value="">{s.anyState}</option>
            {Object.entries(t.activity.recordStates).map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
        <label>
          {s.error}
          <input name="error" type="search" size={24} defaultValue={params.get('error') ?? ''} />
        </label>
        <button type="submit" className="primary">
          {s.submit}
        </button>
        <Link href="~/activity">{s.clear}</Link>
      </form>
      <QueryState query={records}>
        {({ items, next }) => (
          <>
            {items.length === 0 ? (
              <p role="status">{s.nothing}</p>
            ) : (
              <RecordsTable caption={query.q ? s.resultsFor(query.q) : s.results} items={items} />
            )}
            <p className="pager">
              {query.before && <Link href={link(null)}>{s.newest}</Link>}
              {next && <Link href={link(next)}>{s.older}</Link>}
            </p>
          </>
        )}
      </QueryState>
    </section>
  );
}
