import { useQuery } from '@tanstack/react-query';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { ConnectionForm } from './connection-form';
import { TenantChoice } from './tenant-choice';
import { NextStep, WizardFrame } from './wizard-steps';

const c = t.setupWizard.connect;

/** The id the wizard gives a pair's connection to an app: one per app and pair. */
export const connectionIdOf = (pairId: string, app: string) =>
  `${pairId}-${app === 'exact-online' ? 'exact' : app}`;

/** Connect one system: register Koppel with it, save the app's details, consent, choose the tenant. */
export function ConnectionStep({ pairId, app }: { pairId: string; app: 'exact-online' | 'asperion' }) {
  const step = app === 'exact-online' ? 'exact' : 'asperion';
  const appName = c.names[app] ?? app;
  const apps = useQuery({ queryKey: ['apps'], queryFn: () => must(api.GET('/api/apps')) });
  const connections = useQuery({
    queryKey: ['connections', pairId],
    queryFn: () => must(api.GET('/api/connections', { params: { query: { pair: pairId } } })),
  });
  const descriptor = apps.data?.items.find((a) => a.name === app);
  return (
    <WizardFrame step={step} pairId={pairId}>
      <p>{c.intro(appName)}</p>
      {descriptor?.redirectUri && (
        <section aria-labelledby="wizard-register" className="card">
          <h2 id="wizard-register">{c.register}</h2>
          <p>{c.registerSteps(appName)}</p>
          <p>
            <label>
              {c.redirectUri}
              <input readOnly className="wide" value={descriptor.redirectUri} />
            </label>
          </p>
        </section>
      )}
      <QueryState query={connections}>
        {({ items }) => {
          const connection = items.find((x) => x.app === app);
          if (!connection)
            return descriptor ? (
              <ConnectionForm pairId={pairId} app={descriptor} id={connectionIdOf(pairId, app)} />
            ) : null;
          return <ConnectionState connection={connection} appName={appName} />;
        }}
      </QueryState>
      <NextStep step={step} pairId={pairId} />
    </WizardFrame>
  );
}

function ConnectionState({ connection, appName }: { connection: Schemas['Connection']; appName: string }) {
  const connect = async () => {
    const started = await must(
      api.POST('/api/connections/{id}/authorize', { params: { path: { id: connection.id } } }),
    );
    window.location.assign(started.authorizeUrl);
  };
  const authorized = connection.status === 'active' || connection.status === 'needs_tenant';
  const owner = useCan('owner');
  return (
    <section aria-labelledby="wizard-connection" className="card">
      <h2 id="wizard-connection">{connection.name}</h2>
      <dl className="facts">
        <dt>{c.status}</dt>
        <dd>{c.statuses[connection.status] ?? connection.status}</dd>
        {connection.account && (
          <>
            <dt>{c.account}</dt>
            <dd>{connection.account}</dd>
          </>
        )}
        {connection.tenant?.id != null && (
          <>
            <dt>{c.tenant[connection.tenant.setting] ?? connection.tenant.setting}</dt>
            <dd>{connection.tenant.name ?? connection.tenant.id}</dd>
          </>
        )}
      </dl>
      {connection.why && <p>{connection.why}</p>}
      <p className="muted">{c.connectHint(appName)}</p>
      <ActionButton role="owner" primary={!authorized} action={connect}>
        {authorized ? c.connectAgain : c.connect}
      </ActionButton>
      {owner && authorized && connection.tenant && <TenantChoice connection={connection} />}
    </section>
  );
}
