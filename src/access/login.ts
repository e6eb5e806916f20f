import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { clearThrottle, getThrottle, putThrottle } from '../store/repos/login-throttle.js';
import { getUserByEmail, updateUser, type UserRow } from '../store/repos/users.js';
import type { Database } from '../store/schema.js';
import { verifyAgainstDecoy, verifyPassword } from './passwords.js';

/**
 * Login throttling, per account and per client address, kept in the database so that every
 * process behind a load balancer counts the same failures. An account is blocked after 5 failed
 * attempts within 15 minutes, an address after 20 (an office shares one), each for 15 minutes from
 * its last failure. While blocked, even the right password is refused, so guessing learns nothing.
 */
export const loginThrottle = {
  windowMs: 15 * 60_000,
  blockMs: 15 * 60_000,
  accountFailures: 5,
  addressFailures: 20,
} as const;

const refused = () =>
  new KoppelError('Unknown e-mail address or wrong password', { code: 'auth.login_failed', kind: 'auth' });

export async function login(
  db: Kysely<Database>,
  clock: Clock,
  attempt: { email: string; password: string; ip: string },
): Promise<UserRow> {
  const email = attempt.email.trim().toLowerCase();
  const keys = [
    { key: `account:${email}`, limit: loginThrottle.accountFailures },
    { key: `address:${attempt.ip}`, limit: loginThrottle.addressFailures },
  ];
  const now = clock.now();
  for (const { key } of keys) {
    const row = await getThrottle(db, key);
    if (row?.blocked_until && new Date(row.blocked_until) > now) {
      const waitMs = new Date(row.blocked_until).getTime() - now.getTime();
      throw new KoppelError(
        `Too many failed sign-ins; try again in ${Math.ceil(waitMs / 60_000)} minute(s)`,
        {
          code: 'auth.throttled',
          kind: 'rate_limited',
          retryAfterMs: waitMs,
        },
      );
    }
  }
  const user = await getUserByEmail(db, email);
  const ok =
    user && user.password_hash && !user.disabled_at
      ? await verifyPassword(user.password_hash, attempt.password)
      : await verifyAgainstDecoy(attempt.password);
  if (!ok || !user) {
    for (const { key, limit } of keys) await countFailure(db, key, limit, clock.now());
    throw refused();
  }
  await clearThrottle(db, keys[0]!.key);
  await updateUser(db, user.id, { last_login_at: now.toISOString() });
  return user;
}

async function countFailure(db: Kysely<Database>, key: string, limit: number, now: Date): Promise<void> {
  const row = await getThrottle(db, key);
  const fresh = !row || now.getTime() - new Date(row.window_started_at).getTime() > loginThrottle.windowMs;
  const failures = fresh ? 1 : row.failures + 1;
  await putThrottle(db, {
    key,
    failures,
    window_started_at: fresh ? now.toISOString() : row.window_started_at,
    blocked_until: failures >= limit ? new Date(now.getTime() + loginThrottle.blockMs).toISOString() : null,
    updated_at: now.toISOString(),
  });
}
