import { Link } from 'wouter';
import type { Schemas } from '../../api/client';
import { formatDateTime } from '../../format';
import { Table } from '../../components/table';
import { t } from '../../texts';

const a = t.activity;

export function recordStateText(state: string): string {
  return a.recordStates[state] ?? state;
}

/** The CSS class that colours a state: good, bad or in between. */
export function stateClass(state: string): string {
  if (state === 'dead_lettered' || state === 'failed') return 'state-failed';
  if (state === 'created' || state === 'updated' || state === 'succeeded') return 'state-succeeded';
  if (state === 'partial') return 'state-partial';
  return '';
}

/** Records as a table: each one by the name people know it by, linking to its timeline. */
export function RecordsTable({ caption, items }: { caption: string; items: Schemas['RecordListItem'][] }) {
  return (
    <Table
      caption={caption}
      className="records"
      columns={[a.records.record, a.records.flow, a.records.state, a.records.error, a.records.at]}
    >
      {items.map((r) => (
        <tr key={r.id}>
          <td>
            <Link href={`/records/${r.id}`}>{r.label ?? r.sourceId}</Link>
          </td>
          <td>{r.flowId}</td>
          <td className={stateClass(r.state)}>
            {recordStateText(r.state)}
            {r.operation ? ` (${r.operation})` : ''}
            {r.deadLetter?.state === 'open' ? `, ${a.records.deadLetter}` : ''}
          </td>
          <td>{r.error?.message ?? r.skipReason ?? ''}</td>
          <td>{formatDateTime(r.createdAt)}</td>
        </tr>
      ))}
    </Table>
  );
}
