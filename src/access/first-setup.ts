import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { countUsers, getUserByEmail } from '../store/repos/users.js';
import type { Database } from '../store/schema.js';
import { createOneTimeLink, linkUrl } from './one-time-links.js';
import { addUser } from './users.js';

/**
 * On a start with no user yet: a one-time link that makes the first owner. Every such start prints
 * a new one (the last one printed is the one to use); once an owner exists, none is made.
 */
export async function firstSetupLink(
  db: Kysely<Database>,
  clock: Clock,
  baseUrl: string,
): Promise<{ url: string; expiresAt: Date } | undefined> {
  if ((await countUsers(db)) > 0) return undefined;
  const link = await createOneTimeLink(db, clock, { purpose: 'setup', role: 'owner' });
  return { url: linkUrl(baseUrl, 'setup', link.token), expiresAt: link.expiresAt };
}

/** The demo's owner, and a one-time link that signs them in (the demo opens in one click). */
export async function demoSignInLink(
  db: Kysely<Database>,
  clock: Clock,
  baseUrl: string,
  email: string,
): Promise<string> {
  const user =
    (await getUserByEmail(db, email)) ??
    (await addUser(db, clock, { email, name: 'Demo owner', role: 'owner' }));
  const link = await createOneTimeLink(db, clock, { purpose: 'signin', userId: user.id });
  return linkUrl(baseUrl, 'signin', link.token);
}
