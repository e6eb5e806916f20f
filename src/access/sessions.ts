import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { deleteSession, getSession, insertSession, touchSession } from '../store/repos/sessions.js';
import { getUserById } from '../store/repos/users.js';
import type { Database } from '../store/schema.js';
import { parseScope, type Principal, type Role } from './principal.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

/** Last-seen times are written at most this often, so reading pages is not a write per request. */
const touchEveryMs = 60_000;

/** A new browser session for a user; the token goes into the cookie, only its hash is stored. */
export async function startSession(
  db: Kysely<Database>,
  clock: Clock,
  policy: SessionPolicy,
  user: { id: string },
  client: { ip?: string | undefined; userAgent?: string | undefined },
): Promise<{ token: string; id: string; expiresAt: Date }> {
  const now = clock.now();
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(now.getTime() + policy.maxHours * 3_600_000);
  await insertSession(db, {
    id: hash,
    user_id: user.id,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    ip: client.ip ?? null,
    user_agent: client.userAgent?.slice(0, 300) ?? null,
  });
  return { token, id: hash, expiresAt };
}

/**
 * The user behind a session cookie, or null when the session is unknown, idle too long, past its
 * absolute end, or its user is disabled or gone (an ended session is deleted on the way).
 */
export async function resolveSession(
  db: Kysely<Database>,
  clock: Clock,
  policy: SessionPolicy,
  token: string,
): Promise<Principal | null> {
  const id = hashSecretToken(token);
  const session = await getSession(db, id);
  if (!session) return null;
  const now = clock.now().getTime();
  const idleEnd = new Date(session.last_seen_at).getTime() + policy.idleMinutes * 60_000;
  const user = await getUserById(db, session.user_id);
  if (!user || user.disabled_at || now >= new Date(session.expires_at).getTime() || now >= idleEnd) {
    await deleteSession(db, id);
    return null;
  }
  if (now - new Date(session.last_seen_at).getTime() >= touchEveryMs)
    await touchSession(db, id, new Date(now).toISOString());
  return {
    kind: 'user',
    id: user.id,
    name: user.email,
    role: user.role as Role,
    pairScope: parseScope(user.pair_scope),
    sessionId: id,
  };
}

export async function endSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}
