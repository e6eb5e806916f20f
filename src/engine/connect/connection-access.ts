import type { Selectable } from 'kysely';
import type { AppDescriptor, AppOAuth, GrantReach } from '../../connectors/kit/app-descriptor.js';
import type { ConnectorContext } from '../../connectors/kit/connector-context.js';
import { KoppelError, toKoppelError } from '../../core/errors.js';
import type { ConnectionTable } from '../../store/schema.js';
import { authorizeHint } from '../connection-readiness.js';
import { CallCounter, connectorContext } from '../connector-context.js';
import type { EngineDeps } from '../deps.js';
import { pauseConnection, pauseReason } from '../pause-connection.js';

export type ConnectionRow = Selectable<ConnectionTable>;

/** Calls made while connecting (a code exchange, a tenant listing) give up after this long. */
const providerTimeoutMs = 60_000;

export async function connectionRow(deps: EngineDeps, id: string): Promise<ConnectionRow> {
  const row = await deps.store.db
    .selectFrom('connections')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row)
    throw new KoppelError(`No connection "${id}"`, { code: 'connection.not_found', kind: 'not_found' });
  return row;
}

export function appOf(deps: EngineDeps, row: Pick<ConnectionRow, 'id' | 'app'>): AppDescriptor {
  const app = deps.registry.apps.get(row.app);
  if (!app)
    throw new KoppelError(
      `Connection ${row.id} is of app "${row.app}", which this installation does not know`,
      {
        code: 'connection.unknown_app',
        kind: 'invalid',
      },
    );
  return app;
}

/** The app's OAuth capability; an app without one has nothing to authorize. */
export function oauthOf(
  deps: EngineDeps,
  row: Pick<ConnectionRow, 'id' | 'app'>,
): AppOAuth & { title: string } {
  const app = appOf(deps, row);
  if (!app.oauth)
    throw new KoppelError(
      `Connection ${row.id} (${app.title}) is not authorized through OAuth; it works as configured`,
      {
        code: 'connection.no_oauth',
        kind: 'invalid',
      },
    );
  return { ...app.oauth, title: app.title };
}

/** The decrypted credentials, registered so no log line or message can show them. */
export function credentialsOf(
  deps: EngineDeps,
  row: Pick<ConnectionRow, 'credentials'>,
): Record<string, string> {
  const credentials = row.credentials ? deps.box.decryptJson(row.credentials) : {};
  for (const value of Object.values(credentials)) deps.secrets.add(value);
  return credentials;
}

/** A connector context for one call outside a run (connecting, listing tenants). */
export function contextFor(deps: EngineDeps, row: ConnectionRow): ConnectorContext {
  return connectorContext(deps, row, new CallCounter(), AbortSignal.timeout(providerTimeoutMs));
}

/**
 * What the connection's stored grant reaches. A grant that is gone pauses the connection (as a run
 * would); any refusal of the provider is answered as a conflict, not as the caller's own `auth`
 * failure: the caller's credentials are fine, the connection's are not.
 */
export async function grantReach(deps: EngineDeps, row: ConnectionRow): Promise<GrantReach> {
  const oauth = oauthOf(deps, row);
  try {
    return await oauth.reach(contextFor(deps, row));
  } catch (e) {
    const error = toKoppelError(e);
    if (error.kind !== 'auth') throw error;
    const gone = error.code === 'oauth.reauthorization_required';
    if (gone) await pauseConnection(deps, row.id, error, { pairId: row.pair_id, flowId: null, runId: null });
    throw new KoppelError(deps.secrets.scrub(gone ? pauseReason(row.id, error) : error.message), {
      code: gone ? 'connection.authorization_lost' : 'connection.provider_refused',
      kind: 'conflict',
      details: { connectionId: row.id },
    });
  }
}

/** Refuses a connection that holds no token pair yet, saying how to authorize it. */
export function notAuthorized(id: string): KoppelError {
  return new KoppelError(`Connection ${id} is not authorized yet; ${authorizeHint(id)}`, {
    code: 'connection.not_authorized',
    kind: 'conflict',
    details: { connectionId: id },
  });
}
