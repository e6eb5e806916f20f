import { Link } from 'wouter';
import type { Schemas } from '../../api/client';
import { formatDateTime } from '../../format';
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
    <table className="records">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{a.records.record}</th>
          <th scope="col">{a.records.flow}</th>
          <th scope="col">{a.records.state}</th>
          <th scope="col">{a.records.error}</th>
          <th scope="col">{a.records.at}</th>
        </tr>
      </thead>
      <tbody>
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
      </tbody>
    </table>
  );
}
