import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { formatDateTime } from '../../format';
import { t } from '../../texts';

const a = t.dashboard.attention;

/** The pair's events nobody acknowledged yet, newest first; an operator acknowledges them here. */
export function Attention({
  pairId,
  attention,
}: {
  pairId: string;
  attention: Schemas['PairDashboard']['attention'];
}) {
  const headingId = `attention-${pairId}`;
  return (
    <section aria-labelledby={headingId} className="attention">
      <h3 id={headingId}>{a.heading}</h3>
      {attention.total === 0 ? (
        <p className="muted">{a.none}</p>
      ) : (
        <>
          <ul>
            {attention.items.map((e) => (
              <li key={e.id} className={`severity-${e.severity}`}>
                <span className="severity">{a.severities[e.severity] ?? e.severity}</span>{' '}
                <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time> <span>{e.message}</span>{' '}
                <ActionButton
                  role="operator"
                  label={a.acknowledgeLabel(e.message)}
                  done={a.acknowledged}
                  action={() =>
                    must(api.POST('/api/events/{id}/acknowledge', { params: { path: { id: e.id } } }))
                  }
                >
                  {a.acknowledge}
                </ActionButton>
              </li>
            ))}
          </ul>
          {attention.total > attention.items.length && (
            <p className="muted">{a.more(attention.items.length, attention.total)}</p>
          )}
        </>
      )}
    </section>
  );
}
