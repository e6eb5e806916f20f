import { KoppelError } from '../core/errors.js';

/**
 * Who is asking, and what they may do.
 *
 * Roles, each including the ones before it:
 * - viewer: reads everything in its pairs;
 * - operator: also starts and cancels runs, replays dead letters, acknowledges events;
 * - owner: also changes configuration, mappings, connections, users and API tokens.
 *
 * A pair scope limits a user or token to some pairs; outside it a pair does not exist for them
 * (404, not 403, so a scope does not even reveal which pairs there are). Null scope: every pair.
 */
export const roles = ['viewer', 'operator', 'owner'] as const;
export type Role = (typeof roles)[number];

export const actorKinds = ['user', 'token', 'cli', 'system'] as const;
export type ActorKind = (typeof actorKinds)[number];

export interface Principal {
  kind: ActorKind;
  /** The user's or token's id; null for the CLI and the system. */
  id: string | null;
  /** For people and the audit log: an e-mail address, a token's name, `cli (alice)`. */
  name: string;
  role: Role;
  pairScope: readonly string[] | null;
  /** The browser session the request came with, if any. */
  sessionId?: string | undefined;
}

export function hasRole(principal: Pick<Principal, 'role'>, needed: Role): boolean {
  return roles.indexOf(principal.role) >= roles.indexOf(needed);
}

export function canSeePair(principal: Pick<Principal, 'pairScope'>, pairId: string): boolean {
  return principal.pairScope === null || principal.pairScope.includes(pairId);
}

/** Throws `auth.forbidden` (403) unless the principal has at least `needed`. */
export function requireRole(principal: Principal, needed: Role): void {
  if (!hasRole(principal, needed))
    throw new KoppelError(`This needs the ${needed} role; ${principal.name} is ${principal.role}`, {
      code: 'auth.forbidden',
      kind: 'forbidden',
      details: { needed, role: principal.role },
    });
}

/**
 * Throws `auth.scope_too_narrow` (403) for a principal limited to some pairs: installation-wide
 * things (making or deleting a pair, installation settings, users) need one that sees every pair.
 */
export function requireUnscoped(principal: Principal, what: string): void {
  if (principal.pairScope !== null)
    throw new KoppelError(`${what} needs access to every pair; ${principal.name} is limited to some`, {
      code: 'auth.scope_too_narrow',
      kind: 'forbidden',
    });
}

/** The shell user of a CLI command: every configured pair, owner rights (they own the data folder). */
export function cliPrincipal(osUser: string): Principal {
  return { kind: 'cli', id: null, name: `cli (${osUser})`, role: 'owner', pairScope: null };
}

export const systemPrincipal: Principal = {
  kind: 'system',
  id: null,
  name: 'koppel',
  role: 'owner',
  pairScope: null,
};

export function parseScope(text: string | null): string[] | null {
  return text === null ? null : (JSON.parse(text) as string[]);
}

export function scopeText(scope: readonly string[] | null | undefined): string | null {
  return scope === null || scope === undefined ? null : JSON.stringify([...new Set(scope)].sort());
}
