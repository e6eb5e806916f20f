import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { formatDateTime } from '../../format';
import { Table } from '../../components/table';
import { t } from '../../texts';

const s = t.settings.audit;
const pageSize = 50;

/** Who changed what, when and from where: the audit log, a page at a time, newest first. */
export function AuditSection() {
  // The `next` of each page read so far, to go further back; empty: the newest page.
  const [pages, setPages] = useState<string[]>([]);
  const before = pages.at(-1);
  const audit = useQuery({
    queryKey: ['audit', before],
    queryFn: () =>
      must(api.GET('/api/audit', { params: { query: { limit: pageSize, ...(before ? { before } : {}) } } })),
  });
  return (
    <QueryState query={audit}>
      {({ items, next }) =>
        items.length === 0 ? (
          <p>{s.none}</p>
        ) : (
          <>
            <Table
              caption={s.caption}
              columns={[
                s.columns.at,
                s.columns.who,
                s.columns.action,
                s.columns.target,
                s.columns.pair,
                s.columns.ip,
                s.columns.details,
              ]}
            >
              {items.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">{formatDateTime(e.at)}</td>
                  <td>{e.actor.name}</td>
                  <td>{e.action}</td>
                  <td>{e.target.id ? `${e.target.kind} ${e.target.id}` : e.target.kind}</td>
                  <td>{e.pairId ?? ''}</td>
                  <td>{e.ip ?? ''}</td>
                  <td>{Object.keys(e.details).length > 0 && <code>{JSON.stringify(e.details)}</code>}</td>
                </tr>
              ))}
            </Table>
            {pages.length > 0 && (
              <button type="button" onClick={() => setPages([])}>
                {s.newest}
              </button>
            )}{' '}
            {next && (
              <button type="button" onClick={() => setPages([...pages, next])}>
                {s.older}
              </button>
            )}
          </>
        )
      }
    </QueryState>
  );
}
