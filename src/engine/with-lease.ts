import { randomBytes } from 'node:crypto';
import { KoppelError } from '../core/errors.js';
import { releaseLease, renewLease, tryAcquireLease } from '../store/repos/leases.js';
import type { Store } from '../store/database.js';
import type { EngineDeps } from './deps.js';

/**
 * How long a lease outlives its holder: a holder renews it every third of this while it works, so
 * it can be short; a process that was killed holding it blocks others no longer than this, about
 * as long as its flow job's lease, so a run taken over from a dead process does not wait longer
 * for its credentials than for its job.
 */
export const leaseTtlMs = 15_000;

export interface LeaseOptions {
  /** How long the lease stays ours after our last renewal (a crash); default leaseTtlMs. */
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
  const ttlMs = options.ttlMs ?? leaseTtlMs;
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
  const done = new AbortController();
  const renewing = keepLease(deps, key, owner, ttlMs, done.signal);
  try {
    return await fn();
  } finally {
    done.abort();
    await renewing;
    await releaseLease(deps.store.db, key, owner);
  }
}

/** How often the renewal looks at the clock (real time); the write happens only every third of the TTL. */
const renewalBeatMs = 250;

/**
 * Renew the lease every third of its time-to-live (on the injected clock) until `stop` aborts, so a
 * slow holder keeps it. The loop waits on a short real-time beat and reads the clock, instead of
 * sleeping on the clock: a clock whose time moves when someone sleeps on it must not be moved by a
 * holder waiting in the background.
 */
async function keepLease(
  deps: EngineDeps,
  key: string,
  owner: string,
  ttlMs: number,
  stop: AbortSignal,
): Promise<void> {
  const everyMs = Math.max(1, Math.floor(ttlMs / 3));
  let renewedAt = deps.clock.now().getTime();
  for (;;) {
    await beat(renewalBeatMs, stop);
    if (stop.aborted) return;
    const now = deps.clock.now().getTime();
    if (now - renewedAt < everyMs) continue;
    try {
      const expiresAt = new Date(now + ttlMs).toISOString();
      // Lost (it ran out and another took it): nothing to renew; the holder's work is not undone.
      if (!(await renewLease(deps.store.db, key, owner, expiresAt))) return;
      renewedAt = now;
    } catch (e) {
      // Tried again at the next beat; the lease is still good until it runs out.
      deps.logger.warn({ err: e, lease: key }, 'Renewing a lease failed; will try again');
    }
  }
}

function beat(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    // A lease held by a process that is otherwise done must not keep it alive.
    timer.unref();
    stop.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });
}
