import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** Test-only: a self-signed certificate for 127.0.0.1 and localhost, made by the openssl CLI. */
export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate as a file, for KOPPEL_SMTP_CA_FILE. */
  caFile: string;
  remove(): void;
}

export function createTestCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'koppel-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    caFile: certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One message the inbox accepted. */
export interface ReceivedMail {
  parsed: ParsedMail;
  /** The message as it crossed the wire (headers and body). */
  raw: string;
  /** Whether the session was encrypted (TLS from the start, or after STARTTLS). */
  secure: boolean;
  user: string | undefined;
  to: string[];
}

export interface SmtpInboxOptions {
  /** `implicit`: TLS from the first byte (smtps); `starttls`: plain, upgraded when the client asks. */
  tls: 'implicit' | 'starttls' | 'none';
  certificate?: TestCertificate | undefined;
  /** When set, AUTH is required and only this user and password pass. */
  auth?: { user: string; password: string } | undefined;
  /** Recipients refused with 550 (a mailbox that does not exist). */
  refuse?: string[] | undefined;
}

/**
 * Test-only: an SMTP server on a loopback port that keeps what it receives. `stop()` and
 * `start()` again on the same port stand for a mail server that is down for a while.
 */
export class SmtpInbox {
  readonly messages: ReceivedMail[] = [];
  /** Every AUTH attempt's user and whether it passed. */
  readonly logins: Array<{ user: string; ok: boolean }> = [];
  private server: SMTPServer | undefined;
  private boundPort = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: SmtpInboxOptions) {}

  get port(): number {
    return this.boundPort;
  }

  /** The KOPPEL_SMTP_URL of this inbox, with the given credentials. */
  url(credentials?: { user: string; password: string }): string {
    const scheme = this.options.tls === 'implicit' ? 'smtps' : 'smtp';
    const auth = credentials
      ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`
      : '';
    return `${scheme}://${auth}127.0.0.1:${this.boundPort}`;
  }

  async start(): Promise<this> {
    const { tls, certificate, auth, refuse } = this.options;
    const server = new SMTPServer({
      secure: tls === 'implicit',
      ...(tls !== 'none' && certificate ? { key: certificate.key, cert: certificate.cert } : {}),
      // Without TLS, STARTTLS is refused outright (hiding it would still answer it) and a login in
      // clear is allowed, to see whether the client would send one.
      disabledCommands: [...(auth === undefined ? ['AUTH'] : []), ...(tls === 'none' ? ['STARTTLS'] : [])],
      allowInsecureAuth: tls === 'none',
      authOptional: auth === undefined,
      logger: false,
      closeTimeout: 100,
      onAuth: (a, _session, callback) => {
        const ok = auth !== undefined && a.username === auth.user && a.password === auth.password;
        this.logins.push({ user: a.username ?? '', ok });
        if (ok) callback(null, { user: a.username });
        else callback(new Error('Invalid username or password'));
      },
      onRcptTo: (address, _session, callback) => {
        if (refuse?.includes(address.address)) {
          const error = new Error('Mailbox does not exist') as Error & { responseCode: number };
          error.responseCode = 550;
          callback(error);
        } else callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            this.messages.push({
              parsed,
              raw,
              secure: session.secure,
              user: typeof session.user === 'string' ? session.user : undefined,
              to: session.envelope.rcptTo.map((r) => r.address),
            });
            for (const w of this.waiters.splice(0)) w();
            callback();
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => resolve());
    });
    server.on('error', () => undefined);
    this.server = server;
    this.boundPort = (server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once at least `n` messages have arrived. */
  async waitFor(n: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} messages, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.messages;
  }
}
