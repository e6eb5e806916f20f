import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, must } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { formatDateTime } from '../../format';
import { t } from '../../texts';

const a = t.dashboard.alerts;

/** Open alerts of the pairs the reader may see, newest first, each with where to fix it. */
export function AlertsPanel() {
  const alerts = useQuery({
    queryKey: ['alerts', 'open'],
    queryFn: () => must(api.GET('/api/alerts', { params: { query: { state: 'open', limit: 50 } } })),
    refetchInterval: 30_000,
  });
  return (
    <section aria-labelledby="alerts-heading" className="card alerts attention">
      <h2 id="alerts-heading">{a.heading}</h2>
      <QueryState query={alerts}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">{a.none}</p>
          ) : (
            <ul>
              {items.map((alert) => (
                <li key={alert.id} className={`severity-${alert.severity}`}>
                  <span className="severity">{a.severities[alert.severity] ?? alert.severity}</span>{' '}
                  <strong>{alert.title}</strong> {a.since}{' '}
                  <time dateTime={alert.openedAt}>{formatDateTime(alert.openedAt)}</time>
                  {alert.count > 0 && <> · {a.documents(alert.count)}</>}
                  {alert.why && <div className="why">{alert.why}</div>}
                  <div>
                    <Link
                      href={alert.fix.webPath}
                      aria-label={a.fixLabel(alert.fix.action || a.fix, alert.title)}
                    >
                      {alert.fix.action || a.fix}
                    </Link>{' '}
                    {alert.acknowledgedAt ? (
                      <span className="muted">
                        {a.acknowledgedBy(formatDateTime(alert.acknowledgedAt), alert.acknowledgedBy)}
                      </span>
                    ) : (
                      <ActionButton
                        role="operator"
                        label={a.acknowledgeLabel(alert.title)}
                        done={a.acknowledged}
                        action={() =>
                          must(
                            api.POST('/api/alerts/{id}/acknowledge', { params: { path: { id: alert.id } } }),
                          )
                        }
                      >
                        {a.acknowledge}
                      </ActionButton>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}
