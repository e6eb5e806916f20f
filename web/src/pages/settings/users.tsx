import { useQuery } from '@tanstack/react-query';
import { api, must } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { Table } from '../../components/table';
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
          <Table
            caption={s.caption}
            columns={[
              s.columns.user,
              s.columns.role,
              s.columns.pairs,
              s.columns.state,
              s.columns.lastSignIn,
              s.columns.actions,
            ]}
          >
            {items.map((u) => (
              <UserRow key={u.id} user={u} />
            ))}
          </Table>
        )}
      </QueryState>
    </>
  );
}
