import { useQuery } from '@tanstack/react-query';
import { api, must } from '../../api/client';
import { formatDateTime, formatNumber } from '../../format';
import { t } from '../../texts';

const d = t.dashboard;

/**
 * The flow's newest stored reconciliation: whether the books agreed, and its CSV for signing off.
 * Nothing for a flow that was never reconciled (its kind may not reconcile at all).
 */
export function ReconcileFact({ flowId }: { flowId: string }) {
  const reports = useQuery({
    queryKey: ['reconcile-reports', flowId],
    queryFn: () =>
      must(
        api.GET('/api/flows/{id}/reconcile-reports', {
          params: { path: { id: flowId }, query: { limit: 1 } },
        }),
      ),
  });
  const newest = reports.data?.items[0];
  if (!newest) return null;
  const period = d.reconcilePeriod(newest.period.from, newest.period.to);
  const when = formatDateTime(newest.finishedAt ?? newest.startedAt);
  const text =
    newest.outcome === 'differ'
      ? d.reconcileDiffer(formatNumber(newest.differences), period, when)
      : newest.outcome === 'agree'
        ? d.reconcileAgree(period, when)
        : newest.outcome === 'failed'
          ? d.reconcileFailed(period, when)
          : d.reconcileRunning(period);
  return (
    <div>
      <dt>{d.facts.reconcile}</dt>
      <dd className={newest.outcome === 'differ' || newest.outcome === 'failed' ? 'error' : undefined}>
        {text}
        {(newest.outcome === 'differ' || newest.outcome === 'agree') && (
          <>
            {' '}
            <a href={`/api/reconcile-reports/${encodeURIComponent(newest.id)}?format=csv`} download>
              {d.reconcileCsv}
            </a>
          </>
        )}
      </dd>
    </div>
  );
}
