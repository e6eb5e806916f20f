import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema.gen';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { Table } from '../../components/table';
import { formatDateTime } from '../../format';
import { useCan } from '../../session';
import { t } from '../../texts';
import { PairScopeField, scopeText } from './access-fields';

const s = t.settings.notifications;

type Settings = Schemas['NotificationSettings'];
type Recipient = Settings['recipients'][number];
type Body = paths['/api/notifications']['put']['requestBody']['content']['application/json'];
type RecipientBody = NonNullable<Body['recipients']>[number];
const severities = ['info', 'warning', 'critical'] as const;
type Severity = (typeof severities)[number];

/**
 * A recipient as the PUT takes it back: a webhook without its URL and secret, which the API keeps
 * (it never shows them, so the page cannot send them back).
 */
function asBody(r: Recipient): RecipientBody {
  return {
    name: r.name,
    minSeverity: r.minSeverity,
    ...(r.email ? { email: r.email } : {}),
    ...(r.webhook ? { webhook: { format: r.webhook.format } } : {}),
    ...(r.pairs ? { pairs: r.pairs } : {}),
  };
}

function bodyOf(settings: Settings, recipients: RecipientBody[]): Body {
  return {
    enabled: settings.enabled,
    digestMinutes: settings.digestMinutes,
    quietHours: settings.quietHours,
    recipients,
  };
}

function useSave() {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: Body) => must(api.PUT('/api/notifications', { body })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['notifications'] });
    },
  });
}

/** Who hears of what; owners change it, everyone else reads it. Deliveries for operators and owners. */
export function NotificationsSection() {
  const operator = useCan('operator');
  const settings = useQuery({
    queryKey: ['notifications'],
    queryFn: () => must(api.GET('/api/notifications')),
  });
  return (
    <>
      <QueryState query={settings}>
        {(data) => (
          <>
            <General settings={data} />
            <Recipients settings={data} />
          </>
        )}
      </QueryState>
      {operator && <Deliveries />}
    </>
  );
}

function General({ settings }: { settings: Settings }) {
  const owner = useCan('owner');
  const save = useSave();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [minutes, setMinutes] = useState(String(settings.digestMinutes));
  const [quiet, setQuiet] = useState(settings.quietHours !== null);
  const [from, setFrom] = useState(settings.quietHours?.from ?? '22:00');
  const [to, setTo] = useState(settings.quietHours?.to ?? '07:00');
  const [except, setExcept] = useState<Severity | ''>(settings.quietHours?.except ?? 'critical');
  const q = settings.quietHours;
  if (!owner)
    return (
      <section className="card" aria-labelledby="notifications-general">
        <h2 id="notifications-general">{s.heading}</h2>
        <p>{s.intro}</p>
        <p>{s.generalText(settings.enabled, settings.digestMinutes)}</p>
        <p>{q ? s.quietText(q.from, q.to, q.timeZone, q.except ?? null) : s.quietNone}</p>
      </section>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      ...bodyOf(settings, settings.recipients.map(asBody)),
      enabled,
      digestMinutes: Number(minutes),
      quietHours: quiet
        ? { from, to, timeZone: q?.timeZone ?? 'Europe/Amsterdam', ...(except ? { except } : {}) }
        : null,
    });
  };
  return (
    <section className="card" aria-labelledby="notifications-general">
      <h2 id="notifications-general">{s.heading}</h2>
      <p>{s.intro}</p>
      <form className="settings-form" onSubmit={submit} aria-labelledby="notifications-general">
        <label className="inline">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{' '}
          {s.enabled}
        </label>
        <label>
          {s.digestMinutes}
          <input
            type="number"
            min={5}
            max={10080}
            step={1}
            required
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        </label>
        <fieldset>
          <legend>{s.quietHours}</legend>
          <label className="inline">
            <input type="checkbox" checked={quiet} onChange={(e) => setQuiet(e.target.checked)} />{' '}
            {s.quietHours}
          </label>
          {quiet && (
            <>
              <label>
                {s.quietFrom}
                <input type="time" required value={from} onChange={(e) => setFrom(e.target.value)} />
              </label>
              <label>
                {s.quietTo}
                <input type="time" required value={to} onChange={(e) => setTo(e.target.value)} />
              </label>
              <label>
                {s.quietExcept}
                <select value={except} onChange={(e) => setExcept(e.target.value as Severity | '')}>
                  <option value="">{s.quietNever}</option>
                  {severities.map((v) => (
                    <option key={v} value={v}>
                      {s.severities[v]}
                    </option>
                  ))}
                </select>
              </label>
            </>
          )}
        </fieldset>
        <button type="submit" className="primary" disabled={save.isPending}>
          {s.save}
        </button>
        <span role="status">{save.isSuccess ? s.saved : ''}</span>
        {save.isError && <p role="alert">{save.error.message}</p>}
      </form>
    </section>
  );
}

function channelText(r: Recipient): string {
  if (r.email) return r.email;
  if (r.webhook)
    return s.webhookText(r.webhook.url, s.formats[r.webhook.format] ?? r.webhook.format, r.webhook.hasSecret);
  return '';
}

function Recipients({ settings }: { settings: Settings }) {
  const owner = useCan('owner');
  const [editing, setEditing] = useState<string | null>(null);
  const others = (name: string) => settings.recipients.filter((r) => r.name !== name).map(asBody);
  return (
    <section className="card" aria-labelledby="notifications-recipients">
      <h2 id="notifications-recipients">{s.recipients}</h2>
      {settings.recipients.length === 0 ? (
        <p>{s.noRecipients}</p>
      ) : (
        <Table
          caption={s.recipientsCaption}
          columns={[
            s.columns.name,
            s.columns.channel,
            s.columns.minSeverity,
            s.columns.pairs,
            ...(owner ? [s.columns.actions] : []),
          ]}
        >
          {settings.recipients.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td>{channelText(r)}</td>
              <td>{s.severities[r.minSeverity] ?? r.minSeverity}</td>
              <td>{scopeText(r.pairs ?? null)}</td>
              {owner && (
                <td>
                  <ActionButton
                    role="owner"
                    label={s.sendTestNamed(r.name)}
                    done={s.testQueued}
                    action={() => must(api.POST('/api/notifications/test', { body: { recipient: r.name } }))}
                  >
                    {s.sendTest}
                  </ActionButton>{' '}
                  <button type="button" aria-label={s.editNamed(r.name)} onClick={() => setEditing(r.name)}>
                    {s.edit}
                  </button>{' '}
                  <ActionButton
                    role="owner"
                    label={s.removeNamed(r.name)}
                    done={s.removed}
                    action={() =>
                      must(api.PUT('/api/notifications', { body: bodyOf(settings, others(r.name)) }))
                    }
                  >
                    {s.remove}
                  </ActionButton>
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      {owner && (
        <RecipientForm
          key={editing ?? ''}
          settings={settings}
          editing={settings.recipients.find((r) => r.name === editing) ?? null}
          onDone={() => setEditing(null)}
        />
      )}
    </section>
  );
}

/** Add a recipient, or change the one being edited (its webhook URL and secret kept when left empty). */
function RecipientForm({
  settings,
  editing,
  onDone,
}: {
  settings: Settings;
  editing: Recipient | null;
  onDone: () => void;
}) {
  const save = useSave();
  const [name, setName] = useState(editing?.name ?? '');
  const [kind, setKind] = useState<'email' | 'webhook'>(editing?.webhook ? 'webhook' : 'email');
  const [email, setEmail] = useState(editing?.email ?? '');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<'json' | 'slack' | 'teams'>(editing?.webhook?.format ?? 'json');
  const [secret, setSecret] = useState('');
  const [minSeverity, setMinSeverity] = useState<Severity>(editing?.minSeverity ?? 'warning');
  const [pairs, setPairs] = useState<string[] | null>(editing?.pairs ?? null);
  const keeps = editing?.webhook !== undefined && kind === 'webhook';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const recipient: RecipientBody = {
      name,
      minSeverity,
      ...(kind === 'email'
        ? { email }
        : { webhook: { format, ...(url ? { url } : {}), ...(secret ? { secret } : {}) } }),
      ...(pairs ? { pairs } : {}),
    };
    const rest = settings.recipients.filter((r) => r.name !== editing?.name).map(asBody);
    save.mutate(bodyOf(settings, [...rest, recipient]), {
      onSuccess: () => {
        setName('');
        setEmail('');
        setUrl('');
        setSecret('');
        onDone();
      },
    });
  };
  const headingId = 'notifications-recipient-form';
  return (
    <form className="settings-form" onSubmit={submit} aria-labelledby={headingId}>
      <h3 id={headingId}>{editing ? s.editing(editing.name) : s.add}</h3>
      <label>
        {s.name}
        <input
          required
          maxLength={100}
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        {s.kind}
        <select value={kind} onChange={(e) => setKind(e.target.value as 'email' | 'webhook')}>
          <option value="email">{s.kindEmail}</option>
          <option value="webhook">{s.kindWebhook}</option>
        </select>
      </label>
      {kind === 'email' ? (
        <label>
          {s.email}
          <input
            type="email"
            required
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
      ) : (
        <>
          <label>
            {keeps ? s.urlKeep : s.url}
            <input
              type="url"
              required={!keeps}
              autoComplete="off"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </label>
          <label>
            {s.format}
            <select value={format} onChange={(e) => setFormat(e.target.value as 'json' | 'slack' | 'teams')}>
              {(['json', 'slack', 'teams'] as const).map((f) => (
                <option key={f} value={f}>
                  {s.formats[f]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {keeps ? s.secretKeep : s.secret}
            <input
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          </label>
        </>
      )}
      <label>
        {s.minSeverity}
        <select value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as Severity)}>
          {severities.map((v) => (
            <option key={v} value={v}>
              {s.severities[v]}
            </option>
          ))}
        </select>
      </label>
      <PairScopeField value={pairs} onChange={setPairs} />
      <button type="submit" className="primary" disabled={save.isPending}>
        {editing ? s.submitEdit : s.submitAdd}
      </button>
      {editing && (
        <button type="button" onClick={onDone}>
          {s.cancel}
        </button>
      )}
      <span role="status">{save.isSuccess ? s.saved : ''}</span>
      {save.isError && <p role="alert">{save.error.message}</p>}
    </form>
  );
}

function Deliveries() {
  const deliveries = useQuery({
    queryKey: ['notifications', 'deliveries'],
    queryFn: () => must(api.GET('/api/notifications/deliveries', { params: { query: { limit: 20 } } })),
  });
  const c = s.deliveryColumns;
  return (
    <section className="card" aria-labelledby="notifications-deliveries">
      <h2 id="notifications-deliveries">{s.deliveries}</h2>
      <QueryState query={deliveries}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{s.noDeliveries}</p>
          ) : (
            <Table
              caption={s.deliveriesCaption}
              columns={[
                c.created,
                c.recipient,
                c.subject,
                c.state,
                { header: c.attempts, numeric: true },
                c.lastError,
                c.nextAttempt,
              ]}
            >
              {items.map((d) => (
                <tr
                  key={d.id}
                  className={d.state === 'failed' || d.lastError ? 'delivery-failed' : undefined}
                >
                  <td>{formatDateTime(d.createdAt)}</td>
                  <td>{d.address ? `${d.recipient} (${d.address})` : d.recipient}</td>
                  <td>{d.subject}</td>
                  <td>{s.states[d.state] ?? d.state}</td>
                  <td className="num">{d.attempts}</td>
                  <td>{d.lastError ?? ''}</td>
                  <td>{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : ''}</td>
                </tr>
              ))}
            </Table>
          )
        }
      </QueryState>
    </section>
  );
}
