import type { Schemas } from '../../api/client';
import { formatNumber } from '../../format';
import { t } from '../../texts';

const d = t.setupWizard.test;

/** A value as it would be written: text as is, nothing (a create) as empty, anything else as JSON. */
const shown = (v: unknown) => (v == null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** What a run would do, record by record, with the fields it would write next to what is there now. */
export function DryRunReport({ report }: { report: Schemas['DryRun'] }) {
  const { counts } = report;
  const acting = report.records.filter((r) => r.decision !== 'unchanged');
  return (
    <div className="dry-run">
      <p role="status">
        {d.counts(counts.read, counts.create, counts.update, counts.fail)}
        {report.truncated ? ` ${d.truncated}` : ''}
      </p>
      {report.stoppedBy && (
        <p role="alert">
          {d.stoppedBy}
          {report.stoppedBy.message}
        </p>
      )}
      {acting.length === 0 && <p>{d.nothing}</p>}
      {acting.map((r) => (
        <table key={r.sourceId} className="diff">
          <caption>
            {`${d.record} ${r.label ?? r.sourceId}: ${r.decision}`}
            <span className="muted"> — {r.error?.message ?? r.reason}</span>
          </caption>
          <thead>
            <tr>
              <th scope="col">{d.field}</th>
              <th scope="col">{d.before}</th>
              <th scope="col">{d.after}</th>
            </tr>
          </thead>
          <tbody>
            {r.changes.map((c) => (
              <tr key={c.path}>
                <th scope="row">
                  <code>{c.path}</code>
                </th>
                <td className={typeof c.before === 'number' ? 'num' : undefined}>
                  {typeof c.before === 'number' ? formatNumber(c.before) : shown(c.before)}
                </td>
                <td className={typeof c.after === 'number' ? 'num' : undefined}>
                  {typeof c.after === 'number' ? formatNumber(c.after) : shown(c.after)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
