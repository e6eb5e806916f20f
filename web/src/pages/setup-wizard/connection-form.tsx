import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { useCan } from '../../session';
import { t } from '../../texts';

const c = t.setupWizard.connect;

interface Property {
  format?: string;
  default?: unknown;
}

/**
 * The details a connection needs before its consent: the app's addresses (its own defaults filled
 * in, so only a sandbox or another country changes them), the client id, and the secrets, which
 * are stored encrypted and never shown again.
 */
export function ConnectionForm({ pairId, app, id }: { pairId: string; app: Schemas['App']; id: string }) {
  const properties = (app.settingsSchema['properties'] ?? {}) as Record<string, Property>;
  const settingKeys = Object.keys(properties).filter(
    (k) => properties[k]?.format === 'uri' || k === 'clientId',
  );
  const secretKeys = app.credentialFields.filter((k) => c.fields[k] !== undefined);
  const defaults = Object.fromEntries(
    settingKeys.map((k) => [
      k,
      typeof properties[k]?.default === 'string' ? String(properties[k].default) : '',
    ]),
  );
  const [values, setValues] = useState<Record<string, string>>(defaults);
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: () => {
      const settings = Object.fromEntries(settingKeys.map((k) => [k, values[k] ?? '']));
      const credentials = Object.fromEntries(
        secretKeys.flatMap((k) => (values[k] ? [[k, values[k]] as const] : [])),
      );
      return must(
        api.POST('/api/connections', {
          body: { pairId, id, app: app.name, name: c.names[app.name] ?? app.title, settings, credentials },
        }),
      );
    },
    onSuccess: () => queries.invalidateQueries(),
  });
  if (!useCan('owner')) return null;
  const field = (key: string, secret: boolean) => (
    <label key={key}>
      {c.fields[key] ?? key}
      <input
        className="wide"
        type={secret ? 'password' : properties[key]?.format === 'uri' ? 'url' : 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        required={key !== 'webhookSecret'}
        value={values[key] ?? ''}
        onChange={(e) => setValues({ ...values, [key]: e.target.value })}
      />
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="wizard-connection-form" className="card">
      <h2 id="wizard-connection-form">{c.settings}</h2>
      <form className="stack" onSubmit={submit}>
        {app.endpointChoices.length > 0 && (
          <label>
            {c.where}
            <select
              onChange={(e) => {
                const choice = app.endpointChoices[Number(e.target.value)];
                setValues({ ...values, ...defaults, ...choice?.settings });
              }}
            >
              <option value="">{c.ownAddress(c.names[app.name] ?? app.title)}</option>
              {app.endpointChoices.map((choice, i) => (
                <option key={choice.label} value={i}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {settingKeys.map((k) => field(k, false))}
        {secretKeys.map((k) => field(k, true))}
        <div>
          <button type="submit" className="primary" disabled={save.isPending}>
            {c.create}
          </button>
        </div>
        {save.isError && <p role="alert">{save.error.message}</p>}
      </form>
    </section>
  );
}
