import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, must } from '../../api/client';
import { PageTitle } from '../../components/layout';
import { QueryState } from '../../components/query-state';
import { formatNumber } from '../../format';
import { Table } from '../../components/table';
import { t } from '../../texts';

const m = t.mappings;

/** Every flow the person may see, with the mapping version its runs use. */
export function FlowList() {
  const flows = useQuery({ queryKey: ['flows'], queryFn: () => must(api.GET('/api/flows')) });
  const pairs = useQuery({ queryKey: ['pairs'], queryFn: () => must(api.GET('/api/pairs')) });
  const pairName = (id: string) => pairs.data?.items.find((p) => p.id === id)?.name ?? id;
  return (
    <>
      <PageTitle>{m.title}</PageTitle>
      <p>{m.intro}</p>
      <QueryState query={flows}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{m.noFlows}</p>
          ) : (
            <Table
              caption={m.flowsCaption}
              columns={[
                m.columns.flow,
                m.columns.pair,
                m.columns.kind,
                m.columns.version,
                { header: m.columns.deadLetters, numeric: true },
              ]}
            >
              {items.map((f) => (
                <tr key={f.id}>
                  <th scope="row">
                    <Link href={`/${encodeURIComponent(f.id)}`}>{f.id}</Link>
                  </th>
                  <td>{pairName(f.pairId)}</td>
                  <td>{f.kind}</td>
                  <td>{f.mappingVersion ?? m.defaultVersion}</td>
                  <td className="num">{formatNumber(f.openDeadLetters)}</td>
                </tr>
              ))}
            </Table>
          )
        }
      </QueryState>
    </>
  );
}
