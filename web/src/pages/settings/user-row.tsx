import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { formatDateTime } from '../../format';
import { usePrincipal } from '../../session';
import { t } from '../../texts';
import { PairScopeField, RoleField, scopeText } from './access-fields';
import { OneTimeSecret } from './one-time-secret';

const s = t.settings.users;
type User = Schemas['User'];

/** One user: what they may do, and the owner's ways to change that, renew their link or remove them. */
export function UserRow({ user }: { user: User }) {
  const me = usePrincipal().id === user.id;
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: ['users'] });
  const newLink = useMutation({
    mutationFn: () => must(api.POST('/api/users/{id}/setup-link', { params: { path: { id: user.id } } })),
  });
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => must(api.DELETE('/api/users/{id}', { params: { path: { id: user.id } } })),
    onSuccess: refresh,
  });
  const state = user.disabled ? s.disabled : user.hasPassword ? s.active : s.waiting;
  return (
    <tr>
      <th scope="row">
        {user.name !== user.email && user.name ? `${user.name}, ` : ''}
        {user.email}
        {me ? s.you : ''}
      </th>
      <td>{t.roles[user.role] ?? user.role}</td>
      <td>{scopeText(user.pairScope)}</td>
      <td>{state}</td>
      <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : t.never}</td>
      <td>
        <ChangeUser user={user} />
        <button type="button" aria-label={s.newLinkFor(user.email)} onClick={() => newLink.mutate()}>
          {s.newLink}
        </button>{' '}
        {!confirming && (
          <button type="button" aria-label={s.removeUser(user.email)} onClick={() => setConfirming(true)}>
            {s.remove}
          </button>
        )}
        {confirming && (
          <span role="group" aria-label={s.confirmRemove(user.email)}>
            {s.confirmRemove(user.email)}{' '}
            <button type="button" className="primary" onClick={() => remove.mutate()}>
              {s.yesRemove}
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              {s.keep}
            </button>
          </span>
        )}
        {(remove.isError || newLink.isError) && (
          <p role="alert">{(remove.error ?? newLink.error)?.message}</p>
        )}
        {newLink.data && (
          <OneTimeSecret
            label={s.linkLabel}
            explanation={s.linkOnce(user.email, formatDateTime(newLink.data.expiresAt))}
            value={newLink.data.url}
            onDismiss={() => newLink.reset()}
          />
        )}
      </td>
    </tr>
  );
}

/** Role, pairs and whether the user may sign in at all; saving ends their sessions (the API does). */
function ChangeUser({ user }: { user: User }) {
  const queries = useQueryClient();
  const [role, setRole] = useState(user.role);
  const [scope, setScope] = useState(user.pairScope);
  const [disabled, setDisabled] = useState(user.disabled);
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PATCH('/api/users/{id}', {
          params: { path: { id: user.id } },
          // Only what changed: a change of role, pairs or disabling ends the user's sessions.
          body: {
            ...(role !== user.role ? { role } : {}),
            ...(JSON.stringify(scope) !== JSON.stringify(user.pairScope) ? { pairScope: scope } : {}),
            ...(disabled !== user.disabled ? { disabled } : {}),
          },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['users'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <details>
      <summary aria-label={s.changeOf(user.email)}>{s.change}</summary>
      <form onSubmit={submit} aria-label={s.changeOf(user.email)}>
        <RoleField label={s.roleOf(user.email)} value={role} onChange={setRole} />
        <PairScopeField value={scope} onChange={setScope} />
        <label className="inline">
          <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} />{' '}
          {s.disable}
        </label>
        <span>
          <button type="submit" className="primary" disabled={save.isPending}>
            {s.save}
          </button>{' '}
          <span role="status">{save.isSuccess ? s.saved : ''}</span>
        </span>
        {save.isError && <p role="alert">{save.error.message}</p>}
      </form>
    </details>
  );
}
