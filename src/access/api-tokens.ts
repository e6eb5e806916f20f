import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import {
  getApiTokenByHash,
  insertApiToken,
  markApiTokenUsed,
  type ApiTokenRow,
} from '../store/repos/api-tokens.js';
import type { Database } from '../store/schema.js';
import { hasRole, parseScope, scopeText, type Principal, type Role } from './principal.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

/** Tokens start with this, so a leaked one is recognisable in a log or a secret scanner. */
export const apiTokenPrefix = 'kpl_';

export interface NewApiToken {
  name: string;
  role: Role;
  pairScope?: readonly string[] | null | undefined;
  expiresAt?: Date | null | undefined;
}

/**
 * Create an API token for automation. The token is answered once and never again: only its hash
 * is stored. A token never has more than whoever made it: not a higher role, not a wider scope.
 */
export async function createApiToken(
  db: Kysely<Database>,
  clock: Clock,
  creator: Principal,
  spec: NewApiToken,
): Promise<{ token: string; row: ApiTokenRow }> {
  if (!hasRole(creator, spec.role))
    throw new KoppelError(`A ${creator.role} cannot make a token with the ${spec.role} role`, {
      code: 'auth.forbidden',
      kind: 'forbidden',
    });
  const scope = narrowScope(creator.pairScope, spec.pairScope ?? null);
  const now = clock.now();
  const { token, hash } = newSecretToken(apiTokenPrefix);
  const row: ApiTokenRow = {
    id: newId('tok', now),
    name: spec.name,
    token_hash: hash,
    role: spec.role,
    pair_scope: scopeText(scope),
    created_by: creator.id ?? creator.name,
    created_at: now.toISOString(),
    last_used_at: null,
    expires_at: spec.expiresAt ? spec.expiresAt.toISOString() : null,
    revoked_at: null,
  };
  await insertApiToken(db, row);
  return { token, row };
}

/** The principal behind a bearer token, or null when it is unknown, revoked or expired. */
export async function resolveApiToken(
  db: Kysely<Database>,
  clock: Clock,
  token: string,
): Promise<Principal | null> {
  if (!token.startsWith(apiTokenPrefix)) return null;
  const row = await getApiTokenByHash(db, hashSecretToken(token));
  const now = clock.now();
  if (!row || row.revoked_at || (row.expires_at && new Date(row.expires_at) <= now)) return null;
  // Last use is for people deciding which tokens to revoke; a minute's precision is enough.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000)
    await markApiTokenUsed(db, row.id, now.toISOString());
  return {
    kind: 'token',
    id: row.id,
    name: `token ${row.name}`,
    role: row.role as Role,
    pairScope: parseScope(row.pair_scope),
  };
}

/** The scope asked for, which must lie within the creator's; null (every pair) only for the unscoped. */
export function narrowScope(
  creator: readonly string[] | null,
  asked: readonly string[] | null,
): readonly string[] | null {
  if (creator === null) return asked;
  if (asked === null) return creator;
  const outside = asked.filter((p) => !creator.includes(p));
  if (outside.length > 0)
    throw new KoppelError(`Pairs outside your own scope: ${outside.join(', ')}`, {
      code: 'auth.scope_exceeded',
      kind: 'forbidden',
    });
  return asked;
}
