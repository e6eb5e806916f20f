import { Link } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { t } from '../../texts';

const h = t.dashboard.health;
type Connection = Schemas['Connection'];

function tokenAge(seconds: number | null): string {
  if (seconds === null) return h.noToken;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours === 0) return h.ageMinutes(minutes);
  if (hours < 24) return h.ageHours(hours, minutes);
  return h.ageDays(Math.floor(hours / 24), hours % 24);
}

/** Send the browser to the provider's consent page; it comes back to the app afterwards. */
async function reconnect(id: string): Promise<void> {
  const started = await must(api.POST('/api/connections/{id}/authorize', { params: { path: { id } } }));
  window.location.assign(started.authorizeUrl);
}

/** The one thing that makes a connection that is not active work again, for those who may do it. */
function Fix({ connection: c }: { connection: Connection }) {
  if (c.status === 'needs_tenant') return <Link href="/setup-wizard">{h.chooseTenant}</Link>;
  if (c.status === 'active') return null;
  return (
    <>
      {c.status === 'paused' && (
        <ActionButton
          role="owner"
          label={h.resumeLabel(c.name)}
          done={h.resumed}
          action={() => must(api.POST('/api/connections/{id}/resume', { params: { path: { id: c.id } } }))}
        >
          {h.resume}
        </ActionButton>
      )}
      <ActionButton role="owner" label={h.reconnectLabel(c.name)} action={() => reconnect(c.id)}>
        {h.reconnect}
      </ActionButton>
    </>
  );
}

/** Each connection's status, why it is not working and how old its token pair is. */
export function ConnectionHealth({ connections }: { connections: Connection[] }) {
  return (
    <table className="health">
      <caption>{h.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{h.connection}</th>
          <th scope="col">{h.app}</th>
          <th scope="col">{h.status}</th>
          <th scope="col" className="num">
            {h.tokenAge}
          </th>
          <th scope="col">{h.action}</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => (
          <tr key={c.id}>
            <th scope="row">{c.name}</th>
            <td>{c.appTitle}</td>
            <td className={c.status === 'active' ? 'state-succeeded' : 'state-failed'}>
              {h.statuses[c.status] ?? c.status}
              {c.why && <div className="why">{c.why}</div>}
            </td>
            <td className="num">{tokenAge(c.tokenAgeSeconds)}</td>
            <td>
              <Fix connection={c} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
