import { systemClock } from '../src/core/clock.js';
import { createLogger } from '../src/core/logging.js';
import { SecretRegistry } from '../src/core/secret-registry.js';
import { AsperionClient } from '../src/connectors/asperion/asperion-client.js';
import { withKoppelReference } from '../src/connectors/asperion/koppel-reference.js';
import { defaultAsperionRate } from '../src/connectors/asperion/rate-governor.js';
import type { SalesInvoiceInput } from '../src/connectors/asperion/resource-types.js';
import type { ConnectorContext } from '../src/connectors/kit/connector-context.js';
import { tokensToCredentials } from '../src/connectors/kit/token-lease.js';
import { createAsperionServer } from '../src/sandboxes/asperion/asperion-server.js';
import { defaultClientId, defaultClientSecret } from '../src/sandboxes/asperion/credentials.js';

/**
 * 1,000 sales invoices created through the Asperion client against the Asperion sandbox over loopback
 * HTTP, then read back a page of 100 at a time. The client's rate governor is set far above its
 * default here (BENCH_ASPERION_RATE calls a second), so the figures show the client and the sandbox,
 * not the self-imposed rate; what the default rate would make of the same calls is printed beside.
 */
const total = Number(process.env.BENCH_RECORDS ?? 1_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ratePerSecond = Number(process.env.BENCH_ASPERION_RATE ?? 10_000);
const pageSize = 100;

export async function asperionBench(): Promise<void> {
  const { app } = createAsperionServer({ clock: systemClock, seed: 'demo' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  try {
    const minted = (await (await fetch(`${url}/__sandbox/tokens`, jsonPost({}))).json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
    };
    let calls = 0;
    const ctx = memoryContext(
      tokensToCredentials({
        accessToken: minted.access_token,
        refreshToken: minted.refresh_token,
        issuedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + minted.expires_in * 1000).toISOString(),
      }),
      () => calls++,
    );
    const client = new AsperionClient(ctx, {
      app: { identityBaseUrl: url, clientId: defaultClientId, clientSecret: defaultClientSecret },
      apiBaseUrl: url,
      administrationId: 1,
      rate: { requests: ratePerSecond, windowSeconds: 1 },
    });
    const date = new Date().toISOString().slice(0, 10);
    const invoice = (n: number): SalesInvoiceInput => ({
      date,
      journalId: '70',
      debtorCustomerNumber: String((n % 11) + 1),
      description: withKoppelReference(`Benchmark ${n}`, `bench-${n}`),
      lines: [
        { description: 'Brood', amount: BigInt(100 + (n % 900)), ledgerAccountId: 8000, vatCode: 'H21' },
        { description: 'Banket', amount: BigInt(50 + (n % 50)), ledgerAccountId: 8010, vatCode: 'L9' },
      ],
    });

    process.stdout.write(
      `asperion: ${total.toLocaleString('en')} sales invoices, ${concurrency} concurrent creates, governor ${ratePerSecond}/s, reads in pages of ${pageSize}\n`,
    );
    let started = performance.now();
    let next = 0;
    let expectedTotal = 0n;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const created = await client.salesInvoices.create(invoice(next++));
          expectedTotal += created.amountInclVat;
        }
      }),
    );
    const create = { calls, ms: performance.now() - started };

    calls = 0;
    started = performance.now();
    const rows = await client.salesInvoices.list(
      { Description: '[koppel:bench-', Description_comparison: 'Contains' },
      pageSize,
    );
    const read = { calls, ms: performance.now() - started };
    let readTotal = 0n;
    for (const r of rows) readTotal += r.amountInclVat;
    if (rows.length !== total || readTotal !== expectedTotal)
      throw new Error(
        `read back ${rows.length} invoices totalling ${readTotal}, expected ${total} and ${expectedTotal}`,
      );

    const per100 = (x: { calls: number; ms: number }) => ({
      calls: (x.calls * 100) / total,
      ms: (x.ms * 100) / total,
    });
    const c100 = per100(create);
    const r100 = per100(read);
    const atDefault = (n: number) => (n / defaultAsperionRate.requests) * defaultAsperionRate.windowSeconds;
    process.stdout.write(
      `  create: ${create.calls} calls, ${(create.ms / 1000).toFixed(2)} s; per 100 records: ${c100.calls.toFixed(1)} calls, ${c100.ms.toFixed(0)} ms (at the default governor rate of ${defaultAsperionRate.requests}/${defaultAsperionRate.windowSeconds} s: ${atDefault(c100.calls).toFixed(0)} s)\n`,
    );
    process.stdout.write(
      `  read:   ${read.calls} calls, ${(read.ms / 1000).toFixed(2)} s; per 100 records: ${r100.calls.toFixed(1)} calls, ${r100.ms.toFixed(0)} ms\n`,
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'asperion',
        records: total,
        concurrency,
        governor_rate_per_s: ratePerSecond,
        create_calls: create.calls,
        create_ms: Math.round(create.ms),
        create_calls_per_100: c100.calls,
        create_ms_per_100: Math.round(c100.ms),
        read_calls: read.calls,
        read_ms: Math.round(read.ms),
        read_calls_per_100: r100.calls,
        read_ms_per_100: Math.round(r100.ms),
      }) + '\n',
    );
  } finally {
    await app.close();
  }
}

function jsonPost(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A connection held in memory: the benchmark needs no store, only a context for the client. */
function memoryContext(initial: Record<string, string>, onCall: () => void): ConnectorContext {
  let credentials = initial;
  let lock: Promise<unknown> = Promise.resolve();
  const secrets = new SecretRegistry();
  return {
    connectionId: 'bench-asperion',
    app: 'asperion',
    settings: {},
    credentials,
    saveCredentials: (next) => Promise.resolve(void (credentials = next)),
    readCredentials: () => Promise.resolve(credentials),
    withCredentialLock: <T>(fn: () => Promise<T>) => {
      const run = lock.then(fn);
      lock = run.catch(() => undefined);
      return run;
    },
    fetch: (input, init) => {
      onCall();
      return fetch(input, init);
    },
    clock: systemClock,
    logger: createLogger({ level: 'warn', secrets }),
    signal: new AbortController().signal,
  };
}
