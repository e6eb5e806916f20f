import { z } from 'zod';
import { KoppelError } from '../core/errors.js';
import type { AppDescriptor, ConnectorContext, FlowKind, FlowRegistry, SourcePage } from '../engine/types.js';
import type { SourceItem, TargetItem } from './loopback-server.js';

/**
 * Test-only flow kind over the loopback server: items from its source to its target, with the
 * same error translation a real connector makes (401 → auth, 429 → rate_limited with
 * Retry-After, 5xx and network failures → transient, 4xx → invalid).
 */
const settingsSchema = z
  .object({
    pageSize: z.number().int().positive().default(50),
    skipInactive: z.boolean().default(false),
    /** Offer `findByNaturalKeys` (one call for many keys); off, recovery looks keys up one by one. */
    batchLookup: z.boolean().default(true),
    reread: z
      .boolean()
      .default(false)
      .describe(
        'Offer `reread`: a replay with the current mapping reads the items as the source has them now',
      ),
  })
  .passthrough();

async function call(ctx: ConnectorContext, method: string, path: string, body?: unknown): Promise<unknown> {
  const base = String(ctx.settings.baseUrl);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (ctx.credentials.token) headers.authorization = `Bearer ${ctx.credentials.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const template = path.replace(/\/T\d+$/, '/{id}').replace(/\?.*$/, '');
  let res: Response;
  try {
    res = await ctx.fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new KoppelError(`${method} ${template} failed: ${(cause as Error).message}`, {
      code: 'loopback.network',
      kind: 'transient',
      cause,
    });
  }
  const text = await res.text();
  if (res.ok) return text ? (JSON.parse(text) as unknown) : null;
  const providerText = (() => {
    try {
      return String((JSON.parse(text) as { error?: unknown }).error ?? '');
    } catch {
      return '';
    }
  })();
  const message = `${method} ${template} answered ${res.status}: ${providerText}`;
  if (res.status === 401) throw new KoppelError(message, { code: 'loopback.unauthorized', kind: 'auth' });
  if (res.status === 429) {
    const retryAfter = Number(res.headers.get('retry-after') ?? '1');
    throw new KoppelError(message, {
      code: 'loopback.rate_limited',
      kind: 'rate_limited',
      retryAfterMs: retryAfter * 1000,
    });
  }
  if (res.status >= 500)
    throw new KoppelError(message, { code: `loopback.http_${res.status}`, kind: 'transient' });
  if (res.status === 404) throw new KoppelError(message, { code: 'loopback.not_found', kind: 'not_found' });
  throw new KoppelError(message, { code: `loopback.http_${res.status}`, kind: 'invalid' });
}

export const loopbackItemsKind: FlowKind<SourceItem, Record<string, unknown>> = {
  kind: 'loopback-items',
  title: 'Loopback items (test)',
  sourceApp: 'loopback-source',
  targetApp: 'loopback-target',
  entity: 'Item',
  settingsSchema,
  defaultMapping: {
    fields: {
      name: { source: 'name', required: true },
      price: { expr: '$money(price)' },
      email: { source: 'email' },
      iban: { source: 'iban' },
      description: { source: 'description', overwrite: false },
      group: { source: 'group', valueMap: 'groups' },
    },
    valueMaps: { groups: { entries: { A: 'Group A', B: 'Group B' }, fallback: 'Other' } },
  },
  open(ctx) {
    const settings = settingsSchema.parse(ctx.settings);
    return {
      async *read(cursor): AsyncIterable<SourcePage<SourceItem>> {
        let after = cursor ?? '0';
        for (;;) {
          const page = (await call(
            ctx.source,
            'GET',
            `/source/items?after=${after}&limit=${settings.pageSize}`,
          )) as {
            items: SourceItem[];
            last: number;
          };
          if (page.items.length === 0) return;
          after = String(page.last);
          yield { records: page.items, cursor: after };
          if (page.items.length < settings.pageSize) return;
        }
      },
      sourceId: (item) => item.id,
      searchKeys: (item) => [item.email as string | undefined, item.name as string | undefined],
      describe: (item) =>
        `loopback item ${item.id}${typeof item.name === 'string' && item.name ? ` "${item.name}"` : ''}`,
      ...(settings.reread
        ? {
            async reread(items: SourceItem[]) {
              const ids = items.map((i) => encodeURIComponent(i.id)).join(',');
              return ((await call(ctx.source, 'GET', `/source/items?ids=${ids}`)) as { items: SourceItem[] })
                .items;
            },
          }
        : {}),
      naturalKey: (item) => `koppel:${ctx.flowId}:${item.id}`,
      filter: (item) =>
        settings.skipInactive && item.active === false ? { send: false, reason: 'inactive' } : { send: true },
      withNaturalKey: (payload, key) => ({ ...payload, reference: key }),
      target: {
        async create(payload) {
          const item = (await call(ctx.target, 'POST', '/target/items', payload)) as TargetItem;
          return {
            targetId: item.id,
            request: { method: 'POST', url: '/target/items', status: 201 },
            response: item,
          };
        },
        async update(id, payload) {
          const item = (await call(ctx.target, 'PUT', `/target/items/${id}`, payload)) as TargetItem;
          return {
            targetId: item.id,
            request: { method: 'PUT', url: '/target/items/{id}', status: 200 },
            response: item,
          };
        },
        async findByNaturalKey(key) {
          const res = (await call(
            ctx.target,
            'GET',
            `/target/items?reference=${encodeURIComponent(key)}`,
          )) as { items: TargetItem[] };
          const item = res.items[0];
          return item ? { targetId: item.id, record: item } : null;
        },
        get: (id) => call(ctx.target, 'GET', `/target/items/${id}`),
        ...(settings.batchLookup
          ? {
              async findByNaturalKeys(keys: readonly string[]) {
                const res = (await call(
                  ctx.target,
                  'GET',
                  `/target/items?references=${keys.map(encodeURIComponent).join(',')}`,
                )) as { items: TargetItem[] };
                return new Map(
                  res.items.map((item) => [item.reference, { targetId: item.id, record: item }]),
                );
              },
            }
          : {}),
      },
    };
  },
};

const loopbackApps: AppDescriptor[] = [
  {
    app: 'loopback-source',
    title: 'Loopback source',
    credentialFields: [],
    settingsSchema: z.object({ baseUrl: z.string() }).passthrough(),
  },
  {
    app: 'loopback-target',
    title: 'Loopback target',
    credentialFields: ['token'],
    settingsSchema: z.object({ baseUrl: z.string() }).passthrough(),
  },
];

export const loopbackRegistry: FlowRegistry = {
  kinds: new Map([[loopbackItemsKind.kind, loopbackItemsKind as unknown as FlowKind]]),
  apps: new Map(loopbackApps.map((a) => [a.app, a])),
};
