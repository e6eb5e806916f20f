import type { FastifyRequest } from 'fastify';
import type { SandboxState } from '../state/sandbox-state.js';
import type { PackageName, ResourceDescriptor } from '../resources/resource-descriptor.js';
import { msg } from './messages.js';
import { ProblemError } from './problem-error.js';

/**
 * Bearer auth and administration choice for every /v1 request (§1.3, §1.4, §6.1, §6.2). Missing,
 * unknown and expired tokens get 401 so a client's refresh-and-retry path runs.
 */
export function authenticateAndPickTenant(request: FastifyRequest, state: SandboxState): void {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1] === undefined ? undefined : state.tokens.accessTokens.get(match[1]);
  if (!token) throw unauthorized('missingToken', 'invalid_token');
  if (token.expiresAt <= state.clock.now().getTime()) throw unauthorized('expiredToken', 'invalid_token');
  const user = state.users.find((u) => u.username === token.username);
  if (!user) throw unauthorized('missingToken', 'invalid_token');
  request.sandbox.user = user;

  const raw = tenantHeader(request, state.settings.tenantHeaderNames);
  if (raw === undefined) {
    if (state.settings.missingTenantHeader === 'reject') {
      throw new ProblemError({
        status: state.settings.validationStatus,
        title: msg('validationTitle'),
        errors: { [state.settings.tenantHeaderNames[0] ?? 'X-Tenant-Id']: [msg('tenantRequired')] },
      });
    }
    request.sandbox.data = state.administrations.get(user.defaultAdministrationId);
    return;
  }
  if (!/^\d+$/.test(raw.trim())) {
    throw new ProblemError({
      status: state.settings.validationStatus,
      title: msg('validationTitle'),
      errors: { [state.settings.tenantHeaderNames[0] ?? 'X-Tenant-Id']: [msg('badTenant')] },
    });
  }
  const id = Number(raw.trim());
  const data = state.administrations.get(id);
  if (!data || !user.administrationIds.includes(id)) {
    const status = state.settings.unknownTenantStatus;
    throw new ProblemError({
      status,
      title: msg(status === 403 ? 'forbiddenTitle' : 'notFoundTitle'),
      detail: msg('unknownTenant', { id }),
    });
  }
  request.sandbox.data = data;
}

/** Header names compare case-insensitively (HTTP); the first configured name that is present wins. */
function tenantHeader(request: FastifyRequest, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = request.headers[name.toLowerCase()];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== '') return first;
  }
  return undefined;
}

/** The API only exposes what the administration's subscription includes (§2.11). */
export function requirePackage(
  request: FastifyRequest,
  resource: Pick<ResourceDescriptor, 'packages'>,
  state: SandboxState,
): void {
  const packages = request.sandbox.data?.administration.packages;
  if (!packages) return;
  if (resource.packages.some((p) => packages[p])) return;
  const wanted: PackageName = resource.packages[0] ?? 'inBalance';
  const status = state.settings.missingPackageStatus;
  throw new ProblemError({
    status,
    title: msg(status === 403 ? 'forbiddenTitle' : 'notFoundTitle'),
    detail: msg('missingPackage', { package: resource.packages.join(' / ') || wanted }),
  });
}

function unauthorized(key: 'missingToken' | 'expiredToken', error: string): ProblemError {
  return new ProblemError({
    status: 401,
    title: msg('unauthorizedTitle'),
    detail: msg(key),
    headers: { 'www-authenticate': `Bearer error="${error}"` },
  });
}
