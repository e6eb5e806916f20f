import { afterEach, describe, expect, it } from 'vitest';
import { exactFetch } from '../connectors/exact-online/exact-fetch.js';
import { governorFor } from '../connectors/exact-online/rate-governor.js';
import { CallCounter, connectorContext } from '../engine/connector-context.js';
import { defaultExactClientId } from '../sandboxes/exact-online/credentials.js';
import { startTestSandbox, type TestSandbox } from '../sandboxes/exact-online/test-sandbox.js';
import { upsertConnection } from '../store/repos/connections.js';
import { upsertPair } from '../store/repos/pairs.js';
import { testDialects } from '../testing/databases.js';
import { createEngineHarness, type EngineHarness } from '../testing/engine-harness.js';
import { loopbackRegistry } from '../testing/loopback-flow.js';
import { runKoppel } from '../testing/run-koppel.js';

const division = 3215711;

describe.each(testDialects)('koppel budget on %s', (dialect) => {
  let h: EngineHarness;
  let sandbox: TestSandbox;
  afterEach(async () => {
    await sandbox?.close();
    await h?.close();
  });

  const koppel = (...args: string[]) =>
    runKoppel(h, args, { registry: loopbackRegistry, clock: sandbox.clock });

  async function setUp() {
    sandbox = await startTestSandbox('demo', '2026-03-10T09:00:30.000Z');
    h = await createEngineHarness(dialect);
    h.deps.clock = sandbox.clock;
    const at = sandbox.clock.now().toISOString();
    await upsertPair(h.store.db, { id: 'p2', name: 'No Exact here' }, at);
    await upsertConnection(
      h.store.db,
      {
        id: 'exact',
        pairId: 'p1',
        app: 'exact-online',
        name: 'Exact',
        settings: { baseUrl: sandbox.url, clientId: defaultExactClientId, division },
        encryptedCredentials: null,
        credentialRefs: {},
      },
      at,
    );
  }

  /** Calls through the division's governor, as a run would: 6 good ones and one 404. */
  async function spend() {
    const token = await sandbox.token();
    const row = await h.store.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', 'exact')
      .executeTakeFirstOrThrow();
    const ctx = connectorContext(h.deps, row, new CallCounter(), new AbortController().signal);
    const governor = governorFor(defaultExactClientId, division, sandbox.clock, ctx.budget);
    const paths = [
      ...Array.from({ length: 6 }, () => 'vat/VATCodes'),
      "crm/Accounts(guid'00000000-0000-0000-0000-000000000001')",
    ];
    for (const path of paths) {
      const res = await exactFetch(ctx, governor, {
        method: 'GET',
        url: `${sandbox.url}/api/v1/${division}/${path}`,
        endpoint: `/api/v1/{division}/${path.replace(/\(.*\)/, '({id})')}`,
        accessToken: token,
      });
      await res.body?.cancel();
    }
  }

  it('shows minute and day used, left and reset, and errors of the last hour, per division', async () => {
    await setUp();
    const before = await koppel('budget');
    expect(before.code).toBe(0);
    expect(before.out).toMatch(/p1\s+3215711\s+-\s+-\s+-\s+-\s+-\s+-\s+-\s+never/);

    await spend();
    const after = await koppel('budget');
    expect(after.code).toBe(0);
    expect(after.out.split('\n')[0]).toMatch(/^pair\s+division\s+minute used\s+minute left\s+minute reset/);
    expect(after.out).toMatch(
      /p1\s+3215711\s+7\s+53\s+2026-03-10T09:01:00Z\s+7\s+4993\s+2026-03-11T00:00:00Z\s+1\s+2026-03-10T09:00:30Z/,
    );

    // Once the minute has turned, the last seen minute shows as fresh; the day keeps its count.
    sandbox.clock.advance(60_000);
    const later = await koppel('budget', '--pair', 'p1');
    expect(later.out).toMatch(
      /p1\s+3215711\s+0\s+60\s+2026-03-10T09:02:00Z\s+7\s+4993\s+2026-03-11T00:00:00Z\s+1/,
    );
  });

  it('says so for a pair without Exact, and refuses a pair that does not exist', async () => {
    await setUp();
    const none = await koppel('budget', '--pair', 'p2');
    expect(none.code).toBe(0);
    expect(none.out).toBe('No Exact Online divisions in pair p2.\n');
    const unknown = await koppel('budget', '--pair', 'nope');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toContain('--pair: no pair "nope"');
  });
});
