import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultClientId as asperionClientId,
  defaultClientSecret as asperionSecret,
  defaultPassword,
  defaultUsername,
} from '../sandboxes/asperion/credentials.js';
import {
  startTestSandbox as startAsperion,
  type TestSandbox as AsperionSandbox,
} from '../sandboxes/asperion/testing/test-sandbox.js';
import { defaultExactClientId, defaultExactClientSecret } from '../sandboxes/exact-online/credentials.js';
import {
  startTestSandbox as startExact,
  type TestSandbox as ExactSandbox,
} from '../sandboxes/exact-online/test-sandbox.js';
import { upsertFlow } from '../store/repos/flows.js';
import { upsertPair } from '../store/repos/pairs.js';
import { startApiHarness, type ApiHarness } from '../testing/api-harness.js';
import { submitConsent, type ConsentAnswers } from '../testing/consent-form.js';
import { testDialects } from '../testing/databases.js';
import { harnessSecretKey } from '../testing/engine-harness.js';
import { freePort } from '../testing/webhook-receiver.js';
import { runCli } from './main.js';

describe.each(testDialects)('koppel connect, tenants, connections, disconnect and resume (%s)', (dialect) => {
  let h: ApiHarness;
  let exact: ExactSandbox;
  let asperion: AsperionSandbox;

  beforeAll(async () => {
    exact = await startExact('empty');
    asperion = await startAsperion({ seed: 'empty' });
    h = await startApiHarness(dialect, {
      configure: (app) => upsertPair(app.store.db, { id: 'p1', name: 'Pair one' }, new Date().toISOString()),
    });
    const owner = await h.withToken('owner');
    for (const id of ['cli-exact', 'cli-refused'])
      await owner.post('/api/connections', {
        pairId: 'p1',
        id,
        app: 'exact-online',
        name: 'Exact Online sandbox',
        settings: { baseUrl: exact.url, clientId: defaultExactClientId },
        credentials: { clientSecret: defaultExactClientSecret },
      });
    await owner.post('/api/connections', {
      pairId: 'p1',
      id: 'cli-asperion',
      app: 'asperion',
      name: 'Asperion sandbox',
      settings: { apiBaseUrl: asperion.url, identityBaseUrl: asperion.url, clientId: asperionClientId },
      credentials: { clientSecret: asperionSecret },
    });
  });
  afterAll(async () => {
    await h?.close();
    await exact?.close();
    await asperion?.close();
  });

  /** `koppel …` in this process on the harness's database, with the service's environment. */
  function koppel(args: string[], env: Record<string, string> = {}) {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = runCli(['node', 'koppel', ...args], {
      env: {
        ...h.tdb.env,
        KOPPEL_SECRET_KEY: harnessSecretKey,
        KOPPEL_HOST: '127.0.0.1',
        KOPPEL_PORT: new URL(h.url).port,
        KOPPEL_LOG_LEVEL: 'silent',
        ...env,
      },
      out,
      err,
    });
    return { code, stdout: () => stdout, stderr: () => stderr };
  }

  /** `koppel connect`, with the consent page answered and the browser sent back. */
  async function connect(args: string[], answers: ConsentAnswers) {
    const command = koppel(['connect', ...args]);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /give consent:\n\s+(\S+)/.exec(command.stdout())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 25));
    }
    expect(url, command.stdout() + command.stderr()).toBeDefined();
    const page = await fetch(await submitConsent(url!, answers));
    return {
      code: await command.code,
      stdout: command.stdout(),
      stderr: command.stderr(),
      page: await page.text(),
    };
  }

  it('authorizes through the running service and says what was connected', async () => {
    const result = await connect(['cli-exact'], { button: 'approve', checkboxes: { division: ['3215712'] } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Redirect URI (register it with the app in Exact’s App Center):\n  ${h.url}/oauth/callback\n`,
    );
    expect(result.stdout).toMatch(
      /Connected cli-exact to Exact Online as Sandra Sandbox \(sandbox@koppel\.test\), division 3215712 \(.+\)\.\n$/,
    );
    expect(result.stderr).toContain('Waiting for the browser to come back');
  });

  it('exits as an authorization failure when consent is refused', async () => {
    const result = await connect(['cli-refused'], { button: 'deny' });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(
      'koppel: Consent was refused at Exact Online, so connection cli-refused is not authorized; to try again, authorize it with `koppel connect cli-refused`',
    );
  });

  it('receives the callback on a listener of its own with --port, then lists and chooses the administration', async () => {
    const result = await connect(['cli-asperion', '--port', '0'], {
      button: 'allow',
      fields: { username: defaultUsername, password: defaultPassword },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Redirect URI[^\n]*:\n {2}http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\n/);
    expect(result.stdout).toContain('Authorized cli-asperion at Asperion, but it reaches 1 ');
    expect(result.stdout).toContain('choose one with `koppel tenants cli-asperion --choose <id>`');
    expect(result.page).toContain('Authorized: choose the administration');

    const tenants = koppel(['tenants', 'cli-asperion']);
    expect(await tenants.code).toBe(0);
    expect(tenants.stdout()).toMatch(/^ID\s+NAME\s+CURRENT\s+SELECTED\n[- ]+\n1\s+\S.*\n2\s+\S.*\n/);
    expect(tenants.stdout()).toContain('Choose one with: koppel tenants cli-asperion --choose <id>');
    expect(await koppel(['tenants', 'cli-asperion', '--choose', '3']).code).toBe(2);
    const chosen = koppel(['tenants', 'cli-asperion', '--choose', '2']);
    expect(await chosen.code).toBe(0);
    expect(chosen.stdout()).toMatch(/^cli-asperion works in 2 \(.+\); its status is active\.\n$/);
  });

  it('lists connections with their status and what to do, disconnects, and refuses to resume what is not paused', async () => {
    const list = koppel(['connections', '--pair', 'p1']);
    expect(await list.code).toBe(0);
    expect(list.stdout()).toMatch(/cli-exact\s+p1\s+exact-online\s+active\s+3215712 /);
    expect(list.stdout()).toMatch(
      /cli-refused\s+p1\s+exact-online\s+needs_authorization\s+Not authorized yet; authorize it with `koppel connect cli-refused`/,
    );
    const disconnect = koppel(['disconnect', 'cli-exact']);
    expect(await disconnect.code).toBe(0);
    expect(disconnect.stdout()).toContain('Authorize it again with: koppel connect cli-exact');
    const after = koppel(['connections', '--json']);
    expect(await after.code).toBe(0);
    const items = (
      JSON.parse(after.stdout()) as { items: Array<{ id: string; status: string; credentialsSet: string[] }> }
    ).items;
    expect(items.find((c) => c.id === 'cli-exact')).toMatchObject({
      status: 'needs_authorization',
      credentialsSet: ['clientSecret'],
    });
    const resume = koppel(['resume', 'cli-exact']);
    expect(await resume.code).toBe(4);
    expect(resume.stderr()).toContain('Connection cli-exact is not paused: Not authorized yet');
  });

  it('refuses to sync a flow whose connection waits, saying which and what to do', async () => {
    await upsertFlow(
      h.app.store.db,
      {
        id: 'cli-orders',
        pairId: 'p1',
        kind: 'orders',
        sourceConnectionId: 'cli-exact',
        targetConnectionId: 'cli-asperion',
        enabled: true,
        schedule: null,
        priority: 100,
        settings: {},
        mappingVersion: null,
      },
      new Date().toISOString(),
    );
    const sync = koppel(['sync', 'cli-orders']);
    expect(await sync.code).toBe(4);
    expect(sync.stderr()).toContain(
      'koppel: Flow cli-orders cannot run: connection cli-exact is not authorized yet; authorize it with `koppel connect cli-exact` or POST /api/connections/cli-exact/authorize (connection.not_ready)',
    );
    expect(
      await h.app.store.db.selectFrom('runs').select('id').where('flow_id', '=', 'cli-orders').execute(),
    ).toEqual([]);
  });

  it('says when there is no service to receive the browser, when nothing comes back in time, and when the connection is unknown', async () => {
    const noService = koppel(['connect', 'cli-refused'], { KOPPEL_PORT: String(await freePort()) });
    expect(await noService.code).toBe(7);
    expect(noService.stderr()).toMatch(
      /No Koppel service answers at http:\/\/127\.0\.0\.1:\d+; start it with `koppel start`, or receive the callback here with --port <n>/,
    );
    const late = koppel(['connect', 'cli-refused', '--timeout', '1']);
    expect(await late.code).toBe(7);
    expect(late.stderr()).toContain('No answer from the browser within 1 seconds');
    expect(await koppel(['connect', 'nope']).code).toBe(3);
  });
});
