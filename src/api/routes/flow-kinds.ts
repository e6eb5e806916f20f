import { z } from 'zod';
import type { ZodType } from 'zod';
import { redirectUriOf } from '../../engine/connect/start-authorization.js';
import { responses, type ApiRoute } from '../route-kit.js';

const jsonSchema = z
  .record(z.string(), z.unknown())
  .describe('JSON Schema (2020-12) of the settings as written: defaults and a description per field');

const flowKindBody = z
  .object({
    name: z.string().describe('The `kind` of a flow, e.g. orders'),
    title: z.string(),
    sourceApp: z.string(),
    targetApp: z.string(),
    direction: z.string().describe('e.g. Exact Online → Asperion'),
    entity: z.string().describe('What one record is, e.g. SalesOrder'),
    settingsSchema: jsonSchema,
    defaultMapping: z
      .record(z.string(), z.unknown())
      .describe('The mapping a flow uses until it has its own'),
    webhooks: z.boolean().describe('Runs start within seconds of a change in the source (webhooks)'),
  })
  .meta({ id: 'FlowKind' });

const appBody = z
  .object({
    name: z.string().describe('The `app` of a connection, e.g. exact-online'),
    title: z.string(),
    credentialFields: z.array(z.string()).describe('Stored encrypted; never answered by the API'),
    settingsSchema: jsonSchema,
    redirectUri: z
      .string()
      .nullable()
      .describe(
        'For OAuth apps: the redirect URI to register with the provider before a connection exists; null for others',
      ),
    endpointChoices: z
      .array(z.object({ label: z.string(), settings: z.record(z.string(), z.string()) }))
      .describe(
        'Other places it can be reached besides its own address, with their settings (the demo offers its sandboxes)',
      ),
  })
  .meta({ id: 'App' });

/** Settings as a person writes them (defaults may be left out), for forms generated from them. */
function settingsJsonSchema(schema: ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** What flows and connections this installation can have, with their settings' schemas. */
export const flowKindsRoute: ApiRoute = (server, ctx) => {
  const { registry } = ctx.app;
  const titleOf = (app: string) => registry.apps.get(app)?.title ?? app;

  server.get(
    '/api/flow-kinds',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List the flow kinds',
        description: 'Each kind with its settings as JSON Schema and its default mapping, for forms.',
        tags: ['flows'],
        response: responses({ 200: z.object({ items: z.array(flowKindBody) }) }),
      },
    },
    () => ({
      items: [...registry.kinds.values()].map((k) => ({
        name: k.kind,
        title: k.title,
        sourceApp: k.sourceApp,
        targetApp: k.targetApp,
        direction: `${titleOf(k.sourceApp)} → ${titleOf(k.targetApp)}`,
        entity: k.entity,
        settingsSchema: settingsJsonSchema(k.settingsSchema),
        defaultMapping: k.defaultMapping as unknown as Record<string, unknown>,
        webhooks: k.webhookTopics !== undefined && registry.apps.get(k.sourceApp)?.webhooks !== undefined,
      })),
    }),
  );

  server.get(
    '/api/apps',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'List the apps connections can be made to',
        description: 'Each app with its credential field names and its settings as JSON Schema.',
        tags: ['connections'],
        response: responses({ 200: z.object({ items: z.array(appBody) }) }),
      },
    },
    () => ({
      items: [...registry.apps.values()].map((a) => ({
        name: a.app,
        title: a.title,
        credentialFields: [...a.credentialFields],
        settingsSchema: settingsJsonSchema(a.settingsSchema),
        redirectUri: a.oauth ? redirectUriOf(ctx.baseUrl()) : null,
        endpointChoices: (ctx.endpointChoices ?? [])
          .filter((c) => c.app === a.app)
          .map((c) => ({ label: c.label, settings: { ...c.settings } })),
      })),
    }),
  );
};
