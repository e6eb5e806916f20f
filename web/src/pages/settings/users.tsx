import { useQuery } from '@tanstack/react-query';
import { api, must } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { t } from '../../texts';
import { InviteUser } from './invite-user';
import { UserRow } from './user-row';

const s = t.settings.users;

/** Everyone who can sign in, and inviting someone new. */
export function UsersSection() {
  const users = useQuery({ queryKey: ['users'], queryFn: () => must(api.GET('/api/users')) });
  return (
    <>
      <InviteUser />
      <QueryState query={users}>
        {({ items }) => (
          <table>
            <caption>{s.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{s.columns.user}</th>
                <th scope="col">{s.columns.role}</th>
                <th scope="col">{s.columns.pairs}</th>
                <th scope="col">{s.columns.state}</th>
                <th scope="col">{s.columns.lastSignIn}</th>
                <th scope="col">{s.columns.actions}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <UserRow key={u.id} user={u} />
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </>
  );
}
