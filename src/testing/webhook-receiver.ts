import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, with the body exactly as sent. */
export interface ReceivedCall {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

/**
 * Test-only: a webhook callback on a loopback port. It records every request and answers with
 * `status` (a function of the call number, so a test can fail the first attempts), or never
 * answers when `status` returns null.
 */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  status: (callNumber: number) => number | null = () => 200;
  private server: Server | undefined;

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('receiver is not listening');
    return `http://127.0.0.1:${address.port}/exact/webhook`;
  }

  /** Deliveries only (the subscription probe has an empty body). */
  get deliveries(): ReceivedCall[] {
    return this.calls.filter((c) => c.body !== '');
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.calls.push({
          method: req.method ?? '',
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const status = this.status(this.calls.length);
        if (status !== null) res.writeHead(status).end();
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

/** A loopback port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback URL nothing listens on (a port that was free a moment ago). */
export async function unreachableUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}/exact/webhook`;
}
