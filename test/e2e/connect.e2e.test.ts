import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/access/api-tokens.js';
import { systemPrincipal } from '../../src/access/principal.js';
import { systemClock } from '../../src/core/clock.js';
import { SecretBox } from '../../src/core/secret-box.js';
import { asperionSandbox } from '../../src/sandboxes/asperion/asperion-sandbox.js';
import {
  defaultClientId as asperionClientId,
  defaultClientSecret as asperionClientSecret,
  defaultPassword,
  defaultUsername,
} from '../../src/sandboxes/asperion/credentials.js';
import {
  defaultExactClientId,
  defaultExactClientSecret,
} from '../../src/sandboxes/exact-online/credentials.js';
import { exactOnlineSandbox } from '../../src/sandboxes/exact-online/descriptor.js';
import type { RunningSandbox } from '../../src/sandboxes/types.js';
import { ApiClient } from '../../src/testing/api-harness.js';
import { submitConsent } from '../../src/testing/consent-form.js';
import { createTestDatabase, testDialects, type TestDatabase } from '../../src/testing/databases.js';
import { freePort } from '../../src/testing/webhook-receiver.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the test reads the APIs' JSON as it comes */

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'src/testing/koppel-entry.ts');
const division = 3215711;

/** A fresh installation's workspace: both connections without tokens and without tenant. */
function workspaceYaml(exactUrl: string, asperionUrl: string): string {
  return `version: 1
pairs:
  - id: acme
    name: Acme BV
    connections:
      - id: acme-exact
        app: exact-online
        name: Exact Online
        settings: { baseUrl: '${exactUrl}', clientId: '${defaultExactClientId}' }
        credentials:
          clientSecret: \${env:ACME_EXACT_CLIENT_SECRET}
      - id: acme-asperion
        app: asperion
        name: Asperion
        settings: { apiBaseUrl: '${asperionUrl}', identityBaseUrl: '${asperionUrl}', clientId: '${asperionClientId}' }
        credentials:
          clientSecret: \${env:ACME_ASPERION_CLIENT_SECRET}
    flows:
      - id: acme-orders
        kind: orders
        source: acme-exact
        target: acme-asperion
        enabled: true
        schedule: '* * * * *'
`;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

interface Process {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

describe.each(testDialects)(
  'connecting real accounts, as processes against both sandboxes (%s)',
  (dialect) => {
    let tdb: TestDatabase | undefined;
    let exact: RunningSandbox | undefined;
    let asperion: RunningSandbox | undefined;
    const children: ChildProcess[] = [];
    let dir: string | undefined;
    afterEach(async () => {
      for (const child of children) child.kill('SIGKILL');
      await exact?.close();
      await asperion?.close();
      await tdb?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('connects a fresh installation through both consent pages, runs orders, survives a restart, pauses only the connection whose refresh token died or was spent elsewhere, and is resumed by a new koppel connect', async () => {
      tdb = await createTestDatabase(dialect);
      const sandbox = { host: '127.0.0.1', port: 0, clock: systemClock };
      exact = await exactOnlineSandbox.start({ ...sandbox, seed: 'reference' });
      asperion = await asperionSandbox.start({ ...sandbox, seed: 'demo' });
      const exactUrl = exact.url;
      const asperionUrl = asperion.url;
      // Three runs of one invoice each stay far below Exact's 60 calls a minute, but not with the
      // tenant listings and retries of a busy machine: room, so the test waits on nothing but Koppel.
      await fetch(`${exactUrl}/__sandbox/settings`, {
        method: 'PUT',
        body: JSON.stringify({ minutelyLimit: 10_000 }),
      });

      // The test's own access to the sandboxes, to add orders in Exact and read invoices in Asperion.
      const mint = async (url: string, body: unknown) =>
        (
          (await (
            await fetch(`${url}/__sandbox/tokens`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            })
          ).json()) as { access_token: string }
        ).access_token;
      let exactToken = await mint(exactUrl, { divisions: [division] });
      const exactApi = async (method: string, apiPath: string, body?: unknown) => {
        const res = await fetch(`${exactUrl}/api/v1/${division}/${apiPath}`, {
          method,
          headers: {
            authorization: `Bearer ${exactToken}`,
            accept: 'application/json',
            'content-type': 'application/json',
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
        const { d } = (await res.json()) as { d: any };
        // A `$top` answer may be a bare-array `d` (reference 4.2).
        return Array.isArray(d) ? { results: d } : d;
      };
      const [customer] = (
        await exactApi('GET', "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C'&$top=1")
      ).results;
      const [item] = (await exactApi('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"))
        .results;
      const addInvoice = async (n: number) =>
        exactApi('POST', 'salesinvoice/SalesInvoices', {
          Journal: '70',
          OrderedBy: customer.ID,
          Description: `E2E order ${n}`,
          SalesInvoiceLines: [{ Item: item.ID, Quantity: n, UnitPrice: 10, VATCode: 'VH' }],
        });
      const asperionInvoices = async (): Promise<any[]> => {
        // A token of the sandbox's own, minted now: the sandbox clock may have moved a month.
        const token = await mint(asperionUrl, {});
        const res = await fetch(`${asperionUrl}/v1/salesinvoiceswithlines?pageSize=100`, {
          headers: { authorization: `Bearer ${token}`, 'x-tenant-id': '1', accept: 'application/json' },
        });
        return ((await res.json()) as { _data: any[] })._data;
      };
      const seeded = (await asperionInvoices()).length;

      dir = mkdtempSync(path.join(tmpdir(), 'koppel-connect-e2e-'));
      const file = path.join(dir, 'workspace.yaml');
      writeFileSync(file, workspaceYaml(exactUrl, asperionUrl));
      const port = await freePort();
      const env = {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([k]) => !k.startsWith('KOPPEL_') && k !== 'DATABASE_URL'),
        ),
        ...tdb.env,
        KOPPEL_PORT: String(port),
        KOPPEL_LOG_LEVEL: 'warn',
        KOPPEL_SECRET_KEY: 'connect-e2e-secret-key-0123456789',
        KOPPEL_WORKSPACE: file,
        ACME_EXACT_CLIENT_SECRET: defaultExactClientSecret,
        ACME_ASPERION_CLIENT_SECRET: asperionClientSecret,
      };
      const koppel = (args: string[]): Process => {
        const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
          cwd: root,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        let text = '';
        child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
        return { child, output: () => text, exited: new Promise((resolve) => child.on('exit', resolve)) };
      };
      const startService = async () => {
        const service = koppel(['start']);
        await until('the service to listen', () =>
          /web app\s+http/.test(service.output()) ? true : undefined,
        );
        expect(service.output()).toContain('Applied workspace');
        return service;
      };
      const stopService = async (service: Process) => {
        service.child.kill('SIGINT');
        expect(await service.exited).toBe(0);
      };

      let service = await startService();
      // A new installation says at once what it waits for.
      expect(service.output()).toMatch(
        /waiting {6}acme-asperion: Not authorized yet; authorize it with `koppel connect acme-asperion` or POST \/api\/connections\/acme-asperion\/authorize\n {15}acme-exact: Not authorized yet/,
      );
      const url = `http://127.0.0.1:${port}`;
      const store = tdb.open();
      const { token } = await createApiToken(store.db, systemClock, systemPrincipal, {
        name: 'e2e',
        role: 'owner',
      });
      await store.close();
      const api = new ApiClient(url, token);
      const connection = async (id: string) => (await api.get(`/api/connections/${id}`)).body;
      expect((await api.get('/api/connections')).body.items.map((c: any) => [c.id, c.status])).toEqual([
        ['acme-asperion', 'needs_authorization'],
        ['acme-exact', 'needs_authorization'],
      ]);

      /** `koppel connect`: the consent page submitted as a browser would, the redirect followed. */
      const connect = async (id: string, args: string[], answers: Parameters<typeof submitConsent>[1]) => {
        const command = koppel(['connect', id, ...args]);
        const authorizeUrl = await until(
          'the consent URL',
          () => /give consent:\n\s+(\S+)/.exec(command.output())?.[1],
        );
        const redirectUri = /Redirect URI[^\n]*:\n\s+(\S+)/.exec(command.output())?.[1];
        const location = await submitConsent(authorizeUrl, answers);
        expect(location.startsWith(`${redirectUri}?`)).toBe(true);
        const page = await fetch(location);
        expect(page.status).toBe(200);
        const html = await page.text();
        const code = await command.exited;
        expect(code, command.output()).toBe(0);
        return { output: command.output(), html, redirectUri };
      };

      // Exact through the running service; every division granted, so one must be chosen.
      const exactConnect = await connect('acme-exact', [], { button: 'approve' });
      expect(exactConnect.redirectUri).toBe(`${url}/oauth/callback`);
      expect(exactConnect.output).toContain(
        'Authorized acme-exact at Exact Online as Sandra Sandbox (sandbox@koppel.test), but it reaches 3215711',
      );
      expect(exactConnect.output).toContain('koppel tenants acme-exact --choose <id>');
      // Asperion through a listener of koppel connect's own.
      const asperionConnect = await connect('acme-asperion', ['--port', '0'], {
        button: 'allow',
        fields: { username: defaultUsername, password: defaultPassword },
      });
      expect(asperionConnect.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      expect(asperionConnect.html).toContain('Authorized: choose the administration');
      expect(await connection('acme-exact')).toMatchObject({ status: 'needs_tenant' });

      // The flow runs every minute, but not before both its connections are active.
      expect((await api.get('/api/status')).body.runs).toEqual([]);

      // The division and the administration, chosen through the API.
      const divisions = (await api.get('/api/connections/acme-exact/tenants')).body.items;
      expect(divisions.map((d: any) => d.id)).toEqual([3215711, 3215712, 3215713]);
      const administrations = (await api.get('/api/connections/acme-asperion/tenants')).body.items;
      expect(administrations.map((a: any) => a.id)).toEqual([1, 2]);
      expect((await api.patch('/api/connections/acme-exact', { division })).body).toMatchObject({
        status: 'active',
      });
      expect((await api.patch('/api/connections/acme-asperion', { administrationId: 1 })).body).toMatchObject(
        {
          status: 'active',
          tenant: { id: 1, name: administrations[0].name },
        },
      );

      const runOrders = async (expected: number) => {
        expect((await api.post('/api/flows/acme-orders/runs')).status).toBe(202);
        await until(`${expected} new invoices in Asperion`, async () =>
          (await asperionInvoices()).length >= seeded + expected ? true : undefined,
        );
      };
      await addInvoice(1);
      await runOrders(1);
      const authorizedAt = (await connection('acme-exact')).authorizedAt;

      // Exact gives a new refresh token with every refresh and refuses the one before (reference
      // 2.2). Eleven minutes on at Exact its access token has died, so the next run refreshes.
      const exactRefreshToken = async () => {
        const s = tdb!.open();
        try {
          const r = await s.db
            .selectFrom('connections')
            .select('credentials')
            .where('id', '=', 'acme-exact')
            .executeTakeFirstOrThrow();
          return SecretBox.fromText(env.KOPPEL_SECRET_KEY).decryptJson(r.credentials!)['refreshToken'];
        } finally {
          await s.close();
        }
      };
      const advanceExact = async () => {
        await fetch(`${exactUrl}/__sandbox/clock/advance`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ms: 11 * 60_000 }),
        });
        exactToken = await mint(exactUrl, { divisions: [division] });
      };
      const consented = await exactRefreshToken();
      await advanceExact();
      await addInvoice(2);
      await runOrders(2);
      const rotated = await exactRefreshToken();
      expect(rotated).toBeDefined();
      expect(rotated).not.toBe(consented);

      // Restarted with the workspace file still set: it is applied again and changes nothing it does
      // not own; the rotated refresh token stays, and is the one the next refresh uses.
      await stopService(service);
      service = await startService();
      expect(await connection('acme-exact')).toMatchObject({
        status: 'active',
        authorizedAt,
        tenant: { id: division },
      });
      expect(await connection('acme-asperion')).toMatchObject({ status: 'active', tenant: { id: 1 } });
      expect(await exactRefreshToken()).toBe(rotated);
      await advanceExact();
      await addInvoice(3);
      await runOrders(3);
      expect(await connection('acme-exact')).toMatchObject({ status: 'active', why: null });
      expect(await exactRefreshToken()).not.toBe(rotated);

      // A month on at Asperion: the access token and the refresh token have both died.
      await fetch(`${asperionUrl}/__sandbox/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seconds: 31 * 86_400 }),
      });
      await addInvoice(4);
      expect((await api.post('/api/flows/acme-orders/runs')).status).toBe(202);
      const paused = await until('the Asperion connection to pause', async () => {
        const c = await connection('acme-asperion');
        return c.status === 'paused' ? c : undefined;
      });
      expect(paused.why).toBe(
        'Asperion refused the refresh token (invalid_grant: Unknown, used or expired refresh token); authorize again with `koppel connect acme-asperion` or POST /api/connections/acme-asperion/authorize',
      );
      expect((await connection('acme-exact')).status).toBe('active');
      const sync = koppel(['sync', 'acme-orders']);
      expect(await sync.exited).toBe(4);
      expect(sync.output()).toContain(
        'Flow acme-orders cannot run: connection acme-asperion is paused: Asperion refused the refresh token',
      );
      expect((await asperionInvoices()).length).toBe(seeded + 3);

      // A new authorization resumes it, and the waiting invoice moves.
      const again = await connect('acme-asperion', ['--port', '0'], {
        button: 'allow',
        fields: { username: defaultUsername, password: defaultPassword },
      });
      expect(again.output).toContain('Connected acme-asperion to Asperion, administration 1');
      expect(again.output).toContain('it was paused and is active again');
      expect(await connection('acme-asperion')).toMatchObject({ status: 'active', why: null });
      await runOrders(4);

      // Exact's single-use refresh token spent elsewhere (a copy of the installation, a script that
      // refreshed with it): ten minutes on, Exact refuses Koppel's access token, and the refresh
      // that follows is refused as an old refresh token. Only the Exact connection pauses.
      const stored = tdb.open();
      const row = await stored.db
        .selectFrom('connections')
        .select('credentials')
        .where('id', '=', 'acme-exact')
        .executeTakeFirstOrThrow();
      await stored.close();
      const spent = SecretBox.fromText(env.KOPPEL_SECRET_KEY).decryptJson(row.credentials!)['refreshToken']!;
      await fetch(`${exactUrl}/__sandbox/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms: 11 * 60_000 }),
      });
      exactToken = await mint(exactUrl, { divisions: [division] });
      const elsewhere = await fetch(`${exactUrl}/api/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: spent,
          client_id: defaultExactClientId,
          client_secret: defaultExactClientSecret,
        }),
      });
      expect(elsewhere.status).toBe(200);
      await addInvoice(5);
      expect((await api.post('/api/flows/acme-orders/runs')).status).toBe(202);
      const exactPaused = await until('the Exact connection to pause', async () => {
        const c = await connection('acme-exact');
        return c.status === 'paused' ? c : undefined;
      });
      expect(exactPaused.why).toContain('Exact Online refused the refresh token');
      expect(exactPaused.why).toContain('Old refresh token used');
      expect(exactPaused.why).toContain('koppel connect acme-exact');
      expect((await connection('acme-asperion')).status).toBe('active');
      expect((await asperionInvoices()).length).toBe(seeded + 4);

      // A new consent through the running service resumes it in the division it had; the order moves.
      const exactAgain = await connect('acme-exact', [], { button: 'approve' });
      expect(exactAgain.output).toContain('it was paused and is active again');
      expect(await connection('acme-exact')).toMatchObject({
        status: 'active',
        why: null,
        tenant: { id: division },
      });
      await runOrders(5);
      await stopService(service);
    }, 300_000);
  },
);
