import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, with the body exactly as sent. */
export interface NotificationCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether Koppel-Signature checked out against the receiver's secret (false without one). */
  signatureValid: boolean;
  /** The status the receiver answered. */
  status: number;
}

/**
 * Verifies a `Koppel-Signature: t=<unix>,v1=<hex>` header the way the README tells a receiver to:
 * HMAC-SHA256 of `<t>.<body>` under the shared secret, compared in constant time.
 */
export function verifyKoppelSignature(secret: string, header: string | undefined, body: string): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Test-only: the receiving end of notification webhooks (Koppel's JSON, Slack or Teams) on a
 * loopback port. It checks signatures with `secret` and answers `respond(callNumber)`, so a test
 * can fail the first attempts or refuse outright.
 */
export class NotificationWebhookReceiver {
  readonly calls: NotificationCall[] = [];
  respond: (callNumber: number) => { status: number; headers?: Record<string, string> } = () => ({
    status: 200,
  });
  private server: Server | undefined;

  constructor(readonly secret?: string) {}

  url(pathname = '/hooks/koppel'): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('receiver is not listening');
    return `http://127.0.0.1:${address.port}${pathname}`;
  }

  /** Answers `status` to the first `n` calls, then 200. */
  failFirst(n: number, status = 500, headers?: Record<string, string>): this {
    this.respond = (i) => (i <= n ? { status, ...(headers ? { headers } : {}) } : { status: 200 });
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signature = req.headers['koppel-signature'];
        const answer = this.respond(this.calls.length + 1);
        this.calls.push({
          path: req.url ?? '',
          headers: req.headers,
          body,
          signatureValid:
            this.secret !== undefined &&
            verifyKoppelSignature(this.secret, typeof signature === 'string' ? signature : undefined, body),
          status: answer.status,
        });
        res.writeHead(answer.status, answer.headers).end(answer.status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
