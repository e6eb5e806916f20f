import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/testing/api-harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/koppel.js');

describe('npm start (koppel demo)', () => {
  it('moves the demo orders into the Asperion sandbox, says where to look, and stops on Ctrl-C', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'koppel-demo-'));
    try {
      const child = spawn(process.execPath, [bin, 'demo'], {
        env: { ...process.env, KOPPEL_DATA_DIR: dataDir, KOPPEL_PORT: '0', KOPPEL_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const until = Date.now() + 160_000;
      while (!/web app\s+(http:\/\/\S+)\//.test(out) && Date.now() < until && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 200));
      const url = /web app\s+(http:\/\/\S+)\//.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const ordersRun = out.slice(out.indexOf('First run of demo-orders:'));
      // Partial: the demo's Exact customers include companies that share an e-mail address with
      // another of another legal form; their orders wait, as ambiguous, for a person to choose.
      const created = Number(/Run \S+: (?:succeeded|partial)\. read \d+, created (\d+)/.exec(ordersRun)?.[1]);
      expect(created, out).toBeGreaterThan(100);
      expect(out).toContain(path.join(dataDir, 'demo'));

      // Every command the demo hints at works as printed (KOPPEL_DATA_DIR=… npx koppel …).
      const hints = [...out.matchAll(/KOPPEL_DATA_DIR=(\S+) npx koppel (.+)$/gm)];
      expect(hints.length, out).toBeGreaterThanOrEqual(2);
      for (const [, hintedDir, args] of hints) {
        const hinted = spawnSync(process.execPath, [bin, ...args!.trim().split(/\s+/)], {
          env: { ...process.env, KOPPEL_DATA_DIR: hintedDir!, KOPPEL_LOG_LEVEL: 'warn' },
          cwd: process.cwd(),
          encoding: 'utf8',
        });
        expect(hinted.status, `koppel ${args}: ${hinted.stderr}`).toBe(0);
        expect(hinted.stdout.trim(), `koppel ${args}`).not.toBe('');
      }

      // What the run says it created is in the Asperion sandbox, read through Asperion's API.
      const asperionUrl = /Asperion sandbox\s+(http:\/\/\S+)/.exec(out)?.[1];
      const token = (await (await fetch(`${asperionUrl}/__sandbox/tokens`, { method: 'POST' })).json()) as {
        access_token: string;
      };
      const invoices = (await (
        await fetch(`${asperionUrl}/v1/salesinvoiceswithlines?metaOnly=true`, {
          headers: {
            authorization: `Bearer ${token.access_token}`,
            'x-tenant-id': '1',
            accept: 'application/json',
          },
        })
      ).json()) as { _meta: { totalCount: number } };
      expect(invoices._meta.totalCount).toBeGreaterThanOrEqual(created);

      // The demo prints a one-time link that signs its owner in; without it the API is closed.
      expect((await fetch(`${url}/api/status`)).status).toBe(401);
      const signIn = new URL(/sign in\s+(http:\/\/\S+)/.exec(out)?.[1] ?? '');
      const owner = new ApiClient(url!);
      expect(
        (await owner.post('/api/session/link', { token: signIn.searchParams.get('token') })).status,
      ).toBe(200);
      const status = (await owner.get('/api/status')).body as unknown;
      // Every flow kind runs in the demo.
      for (const flow of ['demo-orders', 'demo-customers', 'demo-products', 'demo-stock'])
        expect(JSON.stringify(status)).toContain(flow);

      // A new invoice in the Exact sandbox reaches Asperion through the webhook, not the schedule.
      expect(out).toContain(`webhooks     Exact sandbox → ${url}/webhooks/exact/demo-exact`);
      const exactUrl = /Exact Online sandbox\s+(http:\/\/\S+)/.exec(out)?.[1];
      const exactToken = (
        (await (
          await fetch(`${exactUrl}/__sandbox/tokens`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ divisions: [3215711] }),
          })
        ).json()) as { access_token: string }
      ).access_token;
      const exact = async (method: string, path: string, body?: unknown) => {
        const { d } = (await (
          await fetch(`${exactUrl}/api/v1/3215711/${path}`, {
            method,
            headers: {
              authorization: `Bearer ${exactToken}`,
              accept: 'application/json',
              'content-type': 'application/json',
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          })
        ).json()) as {
          d:
            | Array<Record<string, string>>
            | ({ results: Array<Record<string, string>> } & Record<string, string>);
        };
        // A `$top` answer may be a bare-array `d` (reference 4.2).
        return (Array.isArray(d) ? { results: d } : d) as { results: Array<Record<string, string>> } & Record<
          string,
          string
        >;
      };
      const [customer] = (
        await exact('GET', "crm/Accounts?$select=ID&$filter=Country eq 'NL' and Status eq 'C'&$top=1")
      ).results;
      const [item] = (await exact('GET', "logistics/Items?$select=ID&$filter=Code ne 'VERZEND'&$top=1"))
        .results;
      const invoice = await exact('POST', 'salesinvoice/SalesInvoices', {
        Journal: '70',
        OrderedBy: customer?.ID,
        SalesInvoiceLines: [{ Item: item?.ID, Quantity: 1, UnitPrice: 10, VATCode: 'VH' }],
      });
      let webhookRun: unknown;
      while (webhookRun === undefined && Date.now() < until) {
        const { runs } = (await owner.get('/api/status')).body as {
          runs: Array<{ flowId: string; trigger: string; state: string; counts: { created?: number } }>;
        };
        webhookRun = runs.find(
          (r) =>
            r.flowId === 'demo-orders' &&
            r.trigger === 'webhook' &&
            r.state === 'succeeded' &&
            r.counts.created,
        );
        if (webhookRun === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      expect(webhookRun, `no webhook run for invoice ${invoice.InvoiceID}\n${out}`).toBeDefined();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('Stopped.');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
