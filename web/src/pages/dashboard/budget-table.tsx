import type { Schemas } from '../../api/client';
import { formatDateTime, formatNumber } from '../../format';
import { t } from '../../texts';

const b = t.dashboard.budget;
type Window = NonNullable<NonNullable<Schemas['Budget']['budget']>['minute']>;

/** Used and left of one window, a meter of the share used, and when it starts again. */
function WindowCell({ window, label }: { window: Window | null | undefined; label: string }) {
  if (!window) return <td className="muted">{b.notSeen}</td>;
  const limit = window.used + window.left;
  return (
    <td className="budget-window">
      <meter
        min={0}
        max={Math.max(1, limit)}
        value={window.used}
        low={limit * 0.7}
        high={limit * 0.9}
        aria-label={label}
      />
      <span className="num">{b.use(window.used, window.left)}</span>{' '}
      <span className="muted">{b.resets(formatDateTime(window.resetAt))}</span>
    </td>
  );
}

/** The Exact API budget of each division the pair works in, as every process last saw it. */
export function BudgetTable({
  budget,
  connections,
}: {
  budget: Schemas['Budget'][];
  connections: Schemas['Connection'][];
}) {
  if (budget.length === 0) return <p className="muted">{b.none}</p>;
  const nameOf = (row: Schemas['Budget']) => {
    const tenant = connections.find((c) => c.id === row.connectionId)?.tenant;
    return tenant?.name ? `${tenant.name} (${row.division})` : row.division;
  };
  return (
    <table className="budget">
      <caption>{b.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{b.division}</th>
          <th scope="col">{b.minute}</th>
          <th scope="col">{b.day}</th>
          <th scope="col" className="num">
            {b.errors}
          </th>
          <th scope="col">{b.seen}</th>
        </tr>
      </thead>
      <tbody>
        {budget.map((row) => (
          <tr key={`${row.clientId}/${row.division}`}>
            <th scope="row">{nameOf(row)}</th>
            <WindowCell window={row.budget?.minute} label={b.meter(b.minute, nameOf(row))} />
            <WindowCell window={row.budget?.day} label={b.meter(b.day, nameOf(row))} />
            <td className="num">{row.budget ? formatNumber(row.budget.errorsLastHour) : ''}</td>
            <td>{row.budget ? formatDateTime(row.budget.updatedAt) : b.notSeen}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
