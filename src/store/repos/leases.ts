import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Take the lease `key` for `owner` until `expiresAt`, if nobody holds it or the holder's lease has
 * run out. One statement (an upsert whose update only happens on an expired row), so of several
 * processes asking at once exactly one gets it.
 */
export async function tryAcquireLease(
  db: Kysely<Database>,
  key: string,
  owner: string,
  now: string,
  expiresAt: string,
): Promise<boolean> {
  const res = await db
    .insertInto('leases')
    .values({ key, owner, acquired_at: now, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ owner, acquired_at: now, expires_at: expiresAt })
        .where('leases.expires_at', '<=', now),
    )
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Give the lease back, if it is still ours. */
export async function releaseLease(db: Kysely<Database>, key: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('key', '=', key).where('owner', '=', owner).execute();
}

/** Extend the lease to `expiresAt` if it is still ours; false when it is not (it ran out and was taken). */
export async function renewLease(
  db: Kysely<Database>,
  key: string,
  owner: string,
  expiresAt: string,
): Promise<boolean> {
  const res = await db
    .updateTable('leases')
    .set({ expires_at: expiresAt })
    .where('key', '=', key)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
