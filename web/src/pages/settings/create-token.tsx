import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must } from '../../api/client';
import { t } from '../../texts';
import { PairScopeField, RoleField, type Role } from './access-fields';
import { OneTimeSecret } from './one-time-secret';

const s = t.settings.tokens;

/** Create an API token; its secret is in the answer only, so it is shown here once. */
export function CreateToken() {
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [scope, setScope] = useState<string[] | null>(null);
  const [days, setDays] = useState('');
  const create = useMutation({
    mutationFn: () =>
      must(
        api.POST('/api/tokens', {
          body: { name, role, pairScope: scope, ...(days ? { expiresInDays: Number(days) } : {}) },
        }),
      ),
    onSuccess: async () => {
      setName('');
      setDays('');
      await queries.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card">
      <h2 id="token-heading">{s.create}</h2>
      <p>{s.intro}</p>
      <form className="settings-form" onSubmit={submit} aria-labelledby="token-heading">
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
        <RoleField label={s.role} value={role} onChange={setRole} />
        <label>
          {s.expires}
          <input
            type="number"
            min={1}
            max={3650}
            step={1}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </label>
        <PairScopeField value={scope} onChange={setScope} />
        <button type="submit" className="primary" disabled={create.isPending}>
          {s.submit}
        </button>
        {create.isError && <p role="alert">{create.error.message}</p>}
      </form>
      {create.data && (
        <OneTimeSecret
          label={s.secretLabel}
          explanation={s.secretOnce(create.data.apiToken.name)}
          value={create.data.token}
          onDismiss={() => create.reset()}
        />
      )}
    </section>
  );
}
