import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { t } from '../../texts';

const c = t.setupWizard.connect;

/** The division or administration to work in, by name, among those the authorization reaches. */
export function TenantChoice({ connection }: { connection: Schemas['Connection'] }) {
  const setting = connection.tenant?.setting ?? 'division';
  const noun = c.tenant[setting] ?? setting;
  const tenants = useQuery({
    queryKey: ['tenants', connection.id, connection.authorizedAt],
    queryFn: () =>
      must(api.GET('/api/connections/{id}/tenants', { params: { path: { id: connection.id } } })),
    refetchInterval: false,
  });
  const [chosen, setChosen] = useState<number | null>(null);
  return (
    <QueryState query={tenants}>
      {({ items }) => {
        const value = chosen ?? connection.tenant?.id ?? items.find((x) => x.current)?.id ?? items[0]?.id;
        const choose = () =>
          must(
            api.PATCH('/api/connections/{id}', {
              params: { path: { id: connection.id } },
              body: { [setting]: value },
            }),
          );
        return (
          <div className="tenant-choice">
            <label>
              {c.chooseTenant(noun)}
              <select value={value ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
                {items.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>{' '}
            <ActionButton role="owner" primary action={choose} done={t.setupWizard.saved}>
              {c.choose}
            </ActionButton>
          </div>
        );
      }}
    </QueryState>
  );
}
