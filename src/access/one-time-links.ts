import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import {
  getOneTimeLink,
  insertOneTimeLink,
  useOneTimeLink,
  type OneTimeLinkRow,
} from '../store/repos/one-time-links.js';
import type { Database } from '../store/schema.js';
import type { Role } from './principal.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

/**
 * One-time links: `setup` makes the first owner of an installation with no users, `password` lets
 * an invited (or reset) user choose a password, `signin` opens a session without one (the demo).
 * Each works once, before it expires; only the hash of its token is stored.
 */
export const linkPurposes = ['setup', 'password', 'signin'] as const;
export type LinkPurpose = (typeof linkPurposes)[number];

const lifetimeHours: Record<LinkPurpose, number> = { setup: 24, password: 72, signin: 24 };

/** The page each link opens, under the installation's base URL. */
export const linkPaths: Record<LinkPurpose, string> = {
  setup: '/setup',
  password: '/setup',
  signin: '/signin',
};

export async function createOneTimeLink(
  db: Kysely<Database>,
  clock: Clock,
  spec: { purpose: LinkPurpose; userId?: string | null; role?: Role | null; createdBy?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const now = clock.now();
  const { token, hash } = newSecretToken();
  const expiresAt = new Date(now.getTime() + lifetimeHours[spec.purpose] * 3_600_000);
  await insertOneTimeLink(db, {
    id: hash,
    purpose: spec.purpose,
    user_id: spec.userId ?? null,
    role: spec.role ?? null,
    created_by: spec.createdBy ?? null,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    used_at: null,
  });
  return { token, expiresAt };
}

/** `<base>/setup?token=…` */
export function linkUrl(baseUrl: string, purpose: LinkPurpose, token: string): string {
  return `${baseUrl}${linkPaths[purpose]}?token=${encodeURIComponent(token)}`;
}

const unusable = () =>
  new KoppelError('This link is unknown, already used or expired; ask for a new one', {
    code: 'auth.link_invalid',
    kind: 'auth',
  });

/** What a link is for, without using it (the page shows whom it is for). */
export async function peekOneTimeLink(
  db: Kysely<Database>,
  clock: Clock,
  token: string,
  purposes: readonly LinkPurpose[],
): Promise<OneTimeLinkRow> {
  const row = await getOneTimeLink(db, hashSecretToken(token));
  if (
    !row ||
    row.used_at ||
    new Date(row.expires_at) <= clock.now() ||
    !purposes.includes(row.purpose as LinkPurpose)
  )
    throw unusable();
  return row;
}

/** Use a link once: of two requests with the same link, one gets it and the other an error. */
export async function consumeOneTimeLink(
  db: Kysely<Database>,
  clock: Clock,
  token: string,
  purposes: readonly LinkPurpose[],
): Promise<OneTimeLinkRow> {
  const row = await peekOneTimeLink(db, clock, token, purposes);
  if (!(await useOneTimeLink(db, row.id, clock.now().toISOString()))) throw unusable();
  return row;
}
