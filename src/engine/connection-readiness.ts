import type { Kysely } from 'kysely';
import type { AppDescriptor } from '../connectors/kit/app-descriptor.js';
import { tokensFromCredentials } from '../connectors/kit/token-lease.js';
import { KoppelError } from '../core/errors.js';
import type { Database } from '../store/schema.js';

/**
 * What a connection can do now:
 * - `active`: flows run on it;
 * - `paused`: its authorization was lost (a refused refresh token, a revoked grant); a new
 *   authorization or `resume` brings it back;
 * - `needs_authorization`: an OAuth app's connection without a usable token pair yet;
 * - `needs_tenant`: authorized, but no tenant (division, administration) chosen, or the chosen one
 *   is not reachable with the authorization.
 * Flows run only while both their connections are `active`.
 */
export const connectionStatuses = ['active', 'paused', 'needs_authorization', 'needs_tenant'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/** The credential fields of a token pair (src/connectors/kit/token-lease.ts stores them so). */
export const tokenCredentialFields: readonly string[] = [
  'accessToken',
  'refreshToken',
  'accessTokenExpiresAt',
  'tokensIssuedAt',
];

/** The tenant in a connection's settings, or null (none chosen, or an app without tenants). */
export function tenantOf(app: AppDescriptor | undefined, settings: Record<string, unknown>): number | null {
  const setting = app?.oauth?.tenantSetting;
  const value = setting === undefined ? undefined : settings[setting];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/**
 * The status a connection's configuration gives it, pause aside: apps without OAuth are usable as
 * configured; an OAuth app needs a token pair and then a tenant.
 */
export function readinessOf(
  app: AppDescriptor | undefined,
  settings: Record<string, unknown>,
  credentials: Record<string, string>,
): Exclude<ConnectionStatus, 'paused'> {
  if (!app?.oauth) return 'active';
  if (!tokensFromCredentials(credentials)) return 'needs_authorization';
  return tenantOf(app, settings) === null ? 'needs_tenant' : 'active';
}

/** How to authorize a connection, for sentences that end in what to do. */
export const authorizeHint = (id: string) =>
  `authorize it with \`koppel connect ${id}\` or POST /api/connections/${id}/authorize`;

/** How to choose a connection's tenant. */
export function chooseTenantHint(id: string, app: AppDescriptor | undefined): string {
  const setting = app?.oauth?.tenantSetting ?? 'tenant';
  return `choose one with \`koppel tenants ${id} --choose <id>\` or PATCH /api/connections/${id} {"${setting}": …}`;
}

/**
 * One sentence: why a connection cannot be used and what to do about it; null when it is active.
 * A paused connection's reason already says both (src/engine/pause-connection.ts).
 */
export function whyNotReady(
  connection: { id: string; status: string; pausedReason: string | null },
  app: AppDescriptor | undefined,
): string | null {
  const { id } = connection;
  switch (connection.status) {
    case 'active':
      return null;
    case 'paused':
      return connection.pausedReason ?? `Its authorization was lost; ${authorizeHint(id)}`;
    case 'needs_authorization':
      return `Not authorized yet; ${authorizeHint(id)}`;
    case 'needs_tenant':
      return `No ${app?.oauth?.tenantNoun ?? 'tenant'} chosen; ${chooseTenantHint(id, app)}`;
    default:
      return `Its status is ${connection.status}`;
  }
}

/**
 * Why a flow cannot run now: the first of its connections that is not active, as a
 * `connection.not_ready` error naming it and what to do; null when both are active.
 */
export async function flowNotReady(
  db: Kysely<Database>,
  apps: ReadonlyMap<string, AppDescriptor>,
  flowId: string,
): Promise<KoppelError | null> {
  const flow = await db
    .selectFrom('flows')
    .select(['source_connection_id', 'target_connection_id'])
    .where('id', '=', flowId)
    .executeTakeFirst();
  if (!flow) return null;
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'app', 'status', 'paused_reason'])
    .where('id', 'in', [flow.source_connection_id, flow.target_connection_id])
    .execute();
  for (const id of [flow.source_connection_id, flow.target_connection_id]) {
    const row = rows.find((r) => r.id === id);
    if (row && row.status !== 'active') return connectionNotReady(flowId, row, apps.get(row.app));
  }
  return null;
}

/** Refuses (kind conflict: the configuration has to change, not the request) a flow that cannot run. */
export async function assertFlowConnectionsReady(
  db: Kysely<Database>,
  apps: ReadonlyMap<string, AppDescriptor>,
  flowId: string,
): Promise<void> {
  const refusal = await flowNotReady(db, apps, flowId);
  if (refusal) throw refusal;
}

/** `connection.not_ready`: flow X cannot run because connection Y is …; and what to do. */
export function connectionNotReady(
  flowId: string,
  connection: { id: string; status: string; paused_reason: string | null },
  app: AppDescriptor | undefined,
): KoppelError {
  const { id, status } = connection;
  const state =
    status === 'paused'
      ? `is paused: ${whyNotReady({ id, status, pausedReason: connection.paused_reason }, app) ?? ''}`
      : status === 'needs_authorization'
        ? `is not authorized yet; ${authorizeHint(id)}`
        : status === 'needs_tenant'
          ? `has no ${app?.oauth?.tenantNoun ?? 'tenant'} chosen; ${chooseTenantHint(id, app)}`
          : `is ${status}`;
  return new KoppelError(`Flow ${flowId} cannot run: connection ${id} ${state}`, {
    code: 'connection.not_ready',
    kind: 'conflict',
    details: { flowId, connectionId: id, status },
  });
}
