import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test-only: a small source and target served over loopback HTTP, with fault injection, so the
 * engine is proven over real HTTP before the Exact Online and Asperion connectors exist.
 *
 * Source: GET /source/items?after=<seq>&limit=<n> → { items, last } in change order;
 *         GET /source/items?ids=<id>,<id>… → { items } (the items as they are now).
 * Target: POST /target/items, PUT /target/items/:id, GET /target/items/:id,
 *         GET /target/items?reference=<key> → { items },
 *         GET /target/items?references=<key>,<key>… → { items } (many keys in one call).
 */
export interface SourceItem {
  id: string;
  seq: number;
  [field: string]: unknown;
}

export interface TargetItem {
  id: string;
  reference: string;
  [field: string]: unknown;
}

export interface Faults {
  /** The next N creates store the record, then answer 500 (the caller cannot know it worked). */
  createStoredThen500?: number;
  /** The next N creates answer 503 without storing. */
  create503?: number;
  /** The next N target calls answer 429 with this Retry-After (seconds). */
  rateLimited?: { count: number; retryAfterSeconds: number };
  /** Every target call answers 401 while set. */
  unauthorized?: boolean;
  /** Creates whose payload name matches answer 422 with a field error. */
  rejectName?: string;
  /** After storing create number N (1-based, counted from when this is set), SIGKILL this pid without answering. */
  killAfterCreate?: { nth: number; pid: number };
  /** Every source read answers 503 while set. */
  sourceDown?: boolean;
  /** Every create waits this long before it is stored and answered (a slow target). */
  createDelayMs?: number;
  /** Awaited as each create arrives, before anything else: something another process does meanwhile. */
  onCreate?: () => Promise<void>;
}

export class LoopbackServer {
  readonly source: SourceItem[] = [];
  readonly target = new Map<string, TargetItem>();
  faults: Faults = {};
  readonly calls = { sourceReads: 0, creates: 0, updates: 0, lookups: 0, batchLookups: 0, gets: 0 };
  readonly requests: Array<{ method: string; path: string; authorization: string | undefined }> = [];
  private server: Server | undefined;
  private seq = 0;
  private nextTargetId = 1;
  private createsSinceKillArmed = 0;

  /** Token the target requires in `Authorization: Bearer …`. */
  constructor(readonly token = 'loopback-target-token-0123456789') {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('loopback server is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => send(res, 500, { error: String(e) }));
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

  /** Add or change a source record; it moves to the end of the change order. */
  put(item: Omit<SourceItem, 'seq'>): SourceItem {
    const existing = this.source.findIndex((s) => s.id === item.id);
    if (existing >= 0) this.source.splice(existing, 1);
    const stored = { ...item, seq: ++this.seq } as SourceItem;
    this.source.push(stored);
    return stored;
  }

  armKill(nth: number, pid: number): void {
    this.createsSinceKillArmed = 0;
    this.faults.killAfterCreate = { nth, pid };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loopback');
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      authorization: req.headers.authorization,
    });
    if (url.pathname === '/source/items' && req.method === 'GET') return this.readSource(url, res);
    if (!url.pathname.startsWith('/target/items')) return send(res, 404, { error: 'no such path' });
    if (req.headers.authorization !== `Bearer ${this.token}` || this.faults.unauthorized) {
      return send(res, 401, { error: 'invalid_token' });
    }
    const rl = this.faults.rateLimited;
    if (rl && rl.count > 0) {
      rl.count--;
      return send(res, 429, { error: 'too many requests' }, { 'retry-after': String(rl.retryAfterSeconds) });
    }
    const id = url.pathname.split('/')[3];
    if (req.method === 'POST' && !id) return this.create(await body(req), res);
    if (req.method === 'PUT' && id) return this.update(id, await body(req), res);
    if (req.method === 'GET' && id) {
      this.calls.gets++;
      const item = this.target.get(id);
      return item ? send(res, 200, item) : send(res, 404, { error: 'not found' });
    }
    if (req.method === 'GET' && url.searchParams.has('references')) {
      this.calls.batchLookups++;
      const wanted = new Set(url.searchParams.get('references')!.split(','));
      return send(res, 200, { items: [...this.target.values()].filter((t) => wanted.has(t.reference)) });
    }
    if (req.method === 'GET') {
      this.calls.lookups++;
      const reference = url.searchParams.get('reference');
      return send(res, 200, { items: [...this.target.values()].filter((t) => t.reference === reference) });
    }
    return send(res, 405, { error: 'method not allowed' });
  }

  private readSource(url: URL, res: ServerResponse): void {
    this.calls.sourceReads++;
    if (this.faults.sourceDown) return send(res, 503, { error: 'source unavailable' });
    const ids = url.searchParams.get('ids');
    if (ids !== null) {
      const wanted = new Set(ids.split(','));
      return send(res, 200, { items: this.source.filter((s) => wanted.has(s.id)) });
    }
    const after = Number(url.searchParams.get('after') ?? '0');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const items = this.source.filter((s) => s.seq > after).slice(0, limit);
    send(res, 200, { items, last: items.length ? items[items.length - 1]!.seq : after });
  }

  private async create(payload: Record<string, unknown>, res: ServerResponse): Promise<void> {
    this.calls.creates++;
    const f = this.faults;
    await f.onCreate?.();
    if (f.createDelayMs) await new Promise((resolve) => setTimeout(resolve, f.createDelayMs));
    if (f.create503 && f.create503 > 0) {
      f.create503--;
      return send(res, 503, { error: 'try again' });
    }
    if (f.rejectName !== undefined && payload.name === f.rejectName) {
      return send(res, 422, { error: 'validation failed', fields: { name: 'not allowed' } });
    }
    if (typeof payload.reference !== 'string') return send(res, 400, { error: 'reference is required' });
    const item: TargetItem = { ...payload, id: `T${this.nextTargetId++}`, reference: payload.reference };
    this.target.set(item.id, item);
    if (f.killAfterCreate && ++this.createsSinceKillArmed >= f.killAfterCreate.nth) {
      const pid = f.killAfterCreate.pid;
      delete f.killAfterCreate;
      process.kill(pid, 'SIGKILL');
      res.socket?.destroy();
      return;
    }
    if (f.createStoredThen500 && f.createStoredThen500 > 0) {
      f.createStoredThen500--;
      return send(res, 500, { error: 'internal error' });
    }
    send(res, 201, item);
  }

  private update(id: string, payload: Record<string, unknown>, res: ServerResponse): void {
    this.calls.updates++;
    const item = this.target.get(id);
    if (!item) return send(res, 404, { error: 'not found' });
    const updated = { ...item, ...payload, id, reference: item.reference };
    this.target.set(id, updated);
    send(res, 200, updated);
  }
}

function send(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
}
