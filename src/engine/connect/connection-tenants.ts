import { tokensFromCredentials } from '../../connectors/kit/token-lease.js';
import { tenantOf } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { changeConnection } from './configure-connection.js';
import {
  appOf,
  connectionRow,
  credentialsOf,
  grantReach,
  notAuthorized,
  oauthOf,
  type ConnectionRow,
} from './connection-access.js';

export interface TenantChoice {
  id: number;
  name: string;
  /** The provider's current one for the user (Exact's CurrentDivision). */
  current: boolean;
  /** The one the connection works in. */
  selected: boolean;
}

/** A connection with a stored token pair, or `connection.not_authorized`. */
async function authorizedRow(deps: EngineDeps, connectionId: string): Promise<ConnectionRow> {
  const row = await connectionRow(deps, connectionId);
  oauthOf(deps, row);
  if (!tokensFromCredentials(credentialsOf(deps, row))) throw notAuthorized(connectionId);
  return row;
}

/** The tenants (Exact divisions, Asperion administrations) the connection's grant reaches, by id. */
export async function listConnectionTenants(deps: EngineDeps, connectionId: string): Promise<TenantChoice[]> {
  const row = await authorizedRow(deps, connectionId);
  const selected = tenantOf(appOf(deps, row), JSON.parse(row.settings) as Record<string, unknown>);
  const reach = await grantReach(deps, row);
  return reach.tenants.map((t) => ({
    id: t.id,
    name: t.name,
    current: t.current === true,
    selected: t.id === selected,
  }));
}

/** Set the connection's tenant to one its grant reaches (see changeConnection). */
export async function chooseTenant(deps: EngineDeps, connectionId: string, tenantId: number): Promise<void> {
  const row = await authorizedRow(deps, connectionId);
  await changeConnection(deps, connectionId, { settings: { [oauthOf(deps, row).tenantSetting]: tenantId } });
}
