import { Link } from 'wouter';
import type { Schemas } from '../../api/client';
import { formatDateTime, formatNumber } from '../../format';
import { t } from '../../texts';
import { DayChart } from './day-chart';
import { ReconcileFact } from './reconcile-fact';

const d = t.dashboard;
type DashboardFlow = Schemas['PairDashboard']['flows'][number];

function lastRunText(run: Schemas['RunSummary']): string {
  const c = run.counts;
  return d.lastRun(
    t.runStates[run.state] ?? run.state,
    formatDateTime(run.finishedAt ?? run.startedAt ?? run.createdAt),
    c.created,
    c.updated,
    c.failed + c.deadLettered,
  );
}

function nextRunText(flow: DashboardFlow): string {
  if (!flow.enabled) return d.switchedOff;
  if (flow.nextRunAt) return formatDateTime(flow.nextRunAt);
  return flow.schedule === null ? d.noSchedule : '';
}

/** One flow: what it moved per day, how it last ran, when it runs next, what failed. */
export function FlowCard({ flow }: { flow: DashboardFlow }) {
  const headingId = `flow-${flow.id}`;
  return (
    <article aria-labelledby={headingId} className="flow-card">
      <h4 id={headingId}>
        {d.flowHeading(flow.id, flow.kind)}
        {!flow.enabled && <span className="muted"> · {d.disabled}</span>}
      </h4>
      <DayChart flowId={flow.id} days={flow.days} />
      <dl className="facts">
        <div>
          <dt>{d.facts.lastRun}</dt>
          <dd className={flow.lastRun ? `state-${flow.lastRun.state}` : undefined}>
            {flow.lastRun ? lastRunText(flow.lastRun) : t.never}
          </dd>
        </div>
        <div>
          <dt>{d.facts.nextRun}</dt>
          <dd>{nextRunText(flow)}</dd>
        </div>
        {flow.waitingFor && (
          <div>
            <dt>{d.facts.waiting}</dt>
            <dd className="error">{flow.waitingFor}</dd>
          </div>
        )}
        <div>
          <dt>{d.facts.failedRuns}</dt>
          <dd className="num">{formatNumber(flow.failedRuns)}</dd>
        </div>
        <div>
          <dt>{d.facts.openDeadLetters}</dt>
          <dd className="num">
            {formatNumber(flow.openDeadLetters)}
            {flow.openDeadLetters > 0 && (
              <>
                {' '}
                <Link href="/dead-letters">{d.seeDeadLetters}</Link>
              </>
            )}
          </dd>
        </div>
        <ReconcileFact flowId={flow.id} />
      </dl>
    </article>
  );
}
