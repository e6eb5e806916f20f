import type { AppDescriptor } from '../../connectors/kit/app-descriptor.js';
import { tokensFromCredentials } from '../../connectors/kit/token-lease.js';
import { KoppelError } from '../../core/errors.js';
import { getConnection, upsertConnection, updateConnection } from '../../store/repos/connections.js';
import { getPair } from '../../store/repos/pairs.js';
import { readinessOf, tenantOf, tokenCredentialFields } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { withLease } from '../with-lease.js';
import { appOf, connectionRow, credentialsOf, grantReach, notAuthorized } from './connection-access.js';
import { describeTenants } from './describe-tenants.js';

/** Credentials people may set: every field of the app but the token pair, which comes from an authorization. */
export function settableCredentialFields(app: AppDescriptor): string[] {
  return app.credentialFields.filter((f) => !tokenCredentialFields.includes(f));
}

function checkSettings(app: AppDescriptor, settings: Record<string, unknown>): void {
  const parsed = app.settingsSchema.safeParse(settings);
  if (parsed.success) return;
  const issues = parsed.error.issues.map((i) => ({
    field: `settings${i.path.length ? '.' : ''}${i.path.map(String).join('.')}`,
    message: i.message,
  }));
  throw new KoppelError(
    `Invalid ${app.title} settings: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    { code: 'connection.invalid_settings', kind: 'invalid', details: { issues } },
  );
}

function checkCredentialFields(app: AppDescriptor, fields: readonly string[]): void {
  const settable = settableCredentialFields(app);
  const wrong = fields.filter((f) => !settable.includes(f));
  if (wrong.length === 0) return;
  const tokens = wrong.some((f) => tokenCredentialFields.includes(f));
  throw new KoppelError(
    `${app.title} connections take the credentials ${settable.join(', ') || '(none)'}, not ${wrong.join(', ')}${tokens ? ' (tokens come from authorizing the connection)' : ''}`,
    { code: 'connection.bad_credentials', kind: 'invalid', details: { fields: wrong, settable } },
  );
}

export interface NewConnection {
  id: string;
  pairId: string;
  app: string;
  name: string;
  settings: Record<string, unknown>;
  /** Non-token credentials (a client secret, a webhook secret), stored encrypted. */
  credentials: Record<string, string>;
}

/**
 * A new connection in a pair. An OAuth app's connection starts `needs_authorization` (its token
 * pair comes from `koppel connect` or the API), any other app's `active`.
 */
export async function createConnection(deps: EngineDeps, input: NewConnection): Promise<void> {
  const db = deps.store.db;
  if (!(await getPair(db, input.pairId)))
    throw new KoppelError(`No pair "${input.pairId}"`, { code: 'pair.not_found', kind: 'not_found' });
  if (await getConnection(db, input.id))
    throw new KoppelError(`A connection "${input.id}" exists already; ids are unique in the installation`, {
      code: 'connection.exists',
      kind: 'conflict',
    });
  const app = deps.registry.apps.get(input.app);
  if (!app)
    throw new KoppelError(
      `Unknown app "${input.app}"; this installation knows ${[...deps.registry.apps.keys()].join(', ')}`,
      { code: 'connection.unknown_app', kind: 'invalid', details: { field: 'app' } },
    );
  checkSettings(app, input.settings);
  checkCredentialFields(app, Object.keys(input.credentials));
  for (const value of Object.values(input.credentials)) deps.secrets.add(value);
  const at = deps.clock.now().toISOString();
  await upsertConnection(
    db,
    {
      id: input.id,
      pairId: input.pairId,
      app: input.app,
      name: input.name,
      settings: input.settings,
      encryptedCredentials:
        Object.keys(input.credentials).length > 0 ? deps.box.encryptJson(input.credentials) : null,
      credentialRefs: {},
    },
    at,
    readinessOf(app, input.settings, input.credentials),
  );
}

export interface ConnectionChange {
  name?: string | undefined;
  /** Settings to set; null removes one. Merged over the stored settings and checked as a whole. */
  settings?: Record<string, unknown> | undefined;
  /** Non-token credentials to set; null removes one. Write-only. */
  credentials?: Record<string, string | null> | undefined;
}

/**
 * Change a connection's name, settings and non-token credentials. A new tenant (`division`,
 * `administrationId`) must be one the connection's grant reaches (else `connection.tenant_unreachable`
 * with the ids it does reach); choosing one makes a connection that waited for it active. A paused
 * connection stays paused. Answers the names of what changed (never a value).
 */
export async function changeConnection(
  deps: EngineDeps,
  connectionId: string,
  change: ConnectionChange,
): Promise<string[]> {
  const row = await connectionRow(deps, connectionId);
  const app = appOf(deps, row);
  const stored = JSON.parse(row.settings) as Record<string, unknown>;
  const settings = { ...stored };
  for (const [key, value] of Object.entries(change.settings ?? {}))
    if (value === null) delete settings[key];
    else settings[key] = value;
  checkSettings(app, settings);
  checkCredentialFields(app, Object.keys(change.credentials ?? {}));

  const tenant = tenantOf(app, settings);
  const tenantChanged = app.oauth !== undefined && tenant !== tenantOf(app, stored);
  let tenantName = row.tenant_name;
  if (tenantChanged && tenant === null) tenantName = null;
  // The same tenant again is checked too while the connection waits for one: it may be the one
  // its last authorization did not reach.
  if (app.oauth && tenant !== null && (tenantChanged || row.status === 'needs_tenant')) {
    if (!tokensFromCredentials(credentialsOf(deps, row))) throw notAuthorized(connectionId);
    const reach = await grantReach(deps, row);
    const found = reach.tenants.find((t) => t.id === tenant);
    if (!found)
      throw new KoppelError(
        `${app.title} ${app.oauth.tenantNoun} ${tenant} is not one connection ${connectionId} can reach; choose one of ${describeTenants(reach.tenants) || 'none (authorize again and grant one)'}`,
        {
          code: 'connection.tenant_unreachable',
          kind: 'invalid',
          details: { field: app.oauth.tenantSetting, tenantIds: reach.tenants.map((t) => t.id) },
        },
      );
    tenantName = found.name;
  }

  const changed = [
    ...(change.name !== undefined && change.name !== row.name ? ['name'] : []),
    ...Object.keys(change.settings ?? {}).map((k) => `settings.${k}`),
    ...Object.keys(change.credentials ?? {}).map((k) => `credentials.${k}`),
  ];
  await withLease(deps, `credentials:${connectionId}`, async () => {
    const fresh = await connectionRow(deps, connectionId);
    const credentials = credentialsOf(deps, fresh);
    for (const [field, value] of Object.entries(change.credentials ?? {}))
      if (value === null) delete credentials[field];
      else {
        deps.secrets.add(value);
        credentials[field] = value;
      }
    const status = fresh.status === 'paused' ? 'paused' : readinessOf(app, settings, credentials);
    await updateConnection(
      deps.store.db,
      connectionId,
      {
        ...(change.name === undefined ? {} : { name: change.name }),
        settings,
        ...(change.credentials === undefined
          ? {}
          : {
              encryptedCredentials:
                Object.keys(credentials).length > 0 ? deps.box.encryptJson(credentials) : null,
            }),
        status,
        tenantName,
      },
      deps.clock.now().toISOString(),
    );
  });
  return changed;
}
