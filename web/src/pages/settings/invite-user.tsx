import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must } from '../../api/client';
import { formatDateTime } from '../../format';
import { t } from '../../texts';
import { PairScopeField, RoleField, type Role } from './access-fields';
import { OneTimeSecret } from './one-time-secret';

const s = t.settings.users;

/** Invite a user: the API answers a one-time link, shown here once for the owner to hand over. */
export function InviteUser() {
  const queries = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [scope, setScope] = useState<string[] | null>(null);
  const invite = useMutation({
    mutationFn: () =>
      must(
        api.POST('/api/users', {
          body: { email, role, pairScope: scope, ...(name.trim() ? { name: name.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      setEmail('');
      setName('');
      await queries.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  return (
    <section className="card">
      <h2 id="invite-heading">{s.invite}</h2>
      <form className="settings-form" onSubmit={submit} aria-labelledby="invite-heading">
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
        <label>
          {s.name}
          <input autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <RoleField label={s.role} value={role} onChange={setRole} />
        <PairScopeField value={scope} onChange={setScope} />
        <button type="submit" className="primary" disabled={invite.isPending}>
          {s.submit}
        </button>
        {invite.isError && <p role="alert">{invite.error.message}</p>}
      </form>
      {invite.data && (
        <OneTimeSecret
          label={s.linkLabel}
          explanation={s.linkOnce(invite.data.user.email, formatDateTime(invite.data.setupLink.expiresAt))}
          value={invite.data.setupLink.url}
          onDismiss={() => invite.reset()}
        />
      )}
    </section>
  );
}
