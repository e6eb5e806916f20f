import { useQuery } from '@tanstack/react-query';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { formatDateTime } from '../../format';
import { Table } from '../../components/table';
import { t } from '../../texts';
import { scopeText } from './access-fields';
import { CreateToken } from './create-token';

const s = t.settings.tokens;

/** API tokens: creating one, and every token made so far with when it was last used. */
export function TokensSection() {
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => must(api.GET('/api/tokens')) });
  return (
    <>
      <CreateToken />
      <QueryState query={tokens}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{s.none}</p>
          ) : (
            <Table
              caption={s.caption}
              columns={[
                s.columns.name,
                s.columns.role,
                s.columns.pairs,
                s.columns.created,
                s.columns.lastUsed,
                s.columns.expires,
                s.columns.state,
                s.columns.actions,
              ]}
            >
              {items.map((token) => (
                <TokenRow key={token.id} token={token} />
              ))}
            </Table>
          )
        }
      </QueryState>
    </>
  );
}

function TokenRow({ token }: { token: Schemas['ApiToken'] }) {
  const expired = token.expiresAt !== null && new Date(token.expiresAt) <= new Date();
  const state = token.revokedAt ? s.revoked(formatDateTime(token.revokedAt)) : expired ? s.expired : s.active;
  return (
    <tr>
      <th scope="row">{token.name}</th>
      <td>{t.roles[token.role] ?? token.role}</td>
      <td>{scopeText(token.pairScope)}</td>
      <td>{formatDateTime(token.createdAt)}</td>
      <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : t.never}</td>
      <td>{token.expiresAt ? formatDateTime(token.expiresAt) : t.never}</td>
      <td>{state}</td>
      <td>
        {!token.revokedAt && (
          <ActionButton
            role="owner"
            label={s.revokeNamed(token.name)}
            done={s.revokedDone}
            action={() => must(api.DELETE('/api/tokens/{id}', { params: { path: { id: token.id } } }))}
          >
            {s.revoke}
          </ActionButton>
        )}
      </td>
    </tr>
  );
}
