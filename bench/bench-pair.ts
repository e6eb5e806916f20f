import { Writable } from 'node:stream';
import type { AsperionRate } from '../src/connectors/asperion/rate-governor.js';
import { createLogger } from '../src/core/logging.js';
import type { Pair } from '../src/testing/flow-test-pair.js';

/** A call to the Exact sandbox's control API (`/__sandbox/<path>`); its JSON answer, if any. */
export async function exactControl(
  pair: Pair,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${pair.fx.url}/__sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /__sandbox/${path}: ${res.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/**
 * A test pair made ready to measure: warnings only (and dropped: the harness would keep every log
 * line in memory), Exact's call limits lifted with a request log large enough to count every call,
 * and the connection's own limit on Asperion calls lifted (the Asperion sandbox has none by default).
 */
export async function benchReady(pair: Pair): Promise<void> {
  const { h } = pair.fx;
  h.deps.logger = createLogger({
    level: 'warn',
    secrets: h.deps.secrets,
    destination: new Writable({ write: (_c, _e, done) => done() }),
  });
  await exactControl(pair, 'PUT', 'settings', {
    minutelyLimit: 1_000_000_000,
    dailyLimit: 1_000_000_000,
    errorsPerHour: 0,
    requestLogSize: 10_000_000,
  });
  await setAsperionRate(pair, { requests: 1_000_000, windowSeconds: 1 });
}

/** The connection's own limit on Asperion calls; the next run's client takes it. */
export async function setAsperionRate(pair: Pair, rate: AsperionRate): Promise<void> {
  const { h } = pair.fx;
  const connection = await h.store.db
    .selectFrom('connections')
    .select('settings')
    .where('id', '=', 'asperion')
    .executeTakeFirstOrThrow();
  const settings = JSON.parse(connection.settings) as Record<string, unknown>;
  await h.store.db
    .updateTable('connections')
    .set({ settings: JSON.stringify({ ...settings, rateLimit: rate }) })
    .where('id', '=', 'asperion')
    .execute();
}
