import { randomBytes } from 'node:crypto';
import { KoppelError } from '../core/errors.js';
import { releaseLease, tryAcquireLease } from '../store/repos/leases.js';
import type { Store } from '../store/database.js';
import type { EngineDeps } from './deps.js';

export interface LeaseOptions {
  /** How long the lease is ours if we never give it back (a crash). */
  ttlMs?: number;
  /** How long to wait for it before giving up with a transient error. */
  waitMs?: number;
}

/** Callers on one store queue up here first, so only one of them at a time polls the database. */
const localQueues = new WeakMap<Store, Map<string, Promise<unknown>>>();
const processOwner = `${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * Run `fn` while holding the named lease: one holder at a time across every process that shares
 * the database (e.g. one token refresh per connection). A holder that dies loses the lease when
 * its time-to-live runs out.
 */
export async function withLease<T>(
  deps: EngineDeps,
  key: string,
  fn: () => Promise<T>,
  options: LeaseOptions = {},
): Promise<T> {
  let queues = localQueues.get(deps.store);
  if (!queues) localQueues.set(deps.store, (queues = new Map()));
  const previous = queues.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => holdLease(deps, key, fn, options));
  queues.set(key, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === mine) queues.delete(key);
  }
}

async function holdLease<T>(
  deps: EngineDeps,
  key: string,
  fn: () => Promise<T>,
  options: LeaseOptions,
): Promise<T> {
  const ttlMs = options.ttlMs ?? 60_000;
  const waitMs = options.waitMs ?? 60_000;
  const owner = `${processOwner}-${randomBytes(3).toString('hex')}`;
  const started = deps.clock.now().getTime();
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    const now = deps.clock.now();
    const acquired = await tryAcquireLease(
      deps.store.db,
      key,
      owner,
      now.toISOString(),
      new Date(now.getTime() + ttlMs).toISOString(),
    );
    if (acquired) break;
    if (now.getTime() - started >= waitMs) {
      throw new KoppelError(`Timed out waiting for the lock "${key}"`, {
        code: 'engine.lease_timeout',
        kind: 'transient',
      });
    }
    await deps.clock.sleep(delay);
  }
  try {
    return await fn();
  } finally {
    await releaseLease(deps.store.db, key, owner);
  }
}
