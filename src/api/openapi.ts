import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ApiRoute, ApiServer } from './route-kit.js';
import { sessionCookieName } from './auth/session-cookie.js';

/** The groups the reference lists operations under, in order. */
export const apiTags = [
  { name: 'session', description: 'Signing in and out, first setup' },
  { name: 'pairs', description: 'Pairs: an Exact division with an Asperion administration' },
  { name: 'connections', description: 'Connections, their authorization (OAuth) and tenant' },
  { name: 'flows', description: 'Flows: enable, disable, settings, schedule' },
  { name: 'runs', description: 'Runs: list, show, start, cancel' },
  { name: 'records', description: 'The activity log: records and their timelines' },
  { name: 'dead-letters', description: 'Records that could not be handled, and their replay' },
  { name: 'mappings', description: 'Versioned mappings, their diffs and previews' },
  { name: 'checks', description: 'Mapping checks and dry runs' },
  { name: 'budget', description: 'API budget per Exact division' },
  { name: 'events', description: 'What needs attention' },
  { name: 'alerts', description: 'Problems Koppel noticed, open while they last, and acknowledging them' },
  { name: 'notifications', description: 'Who hears of alerts, test messages, and what was sent' },
  { name: 'settings', description: 'Installation settings and the workspace file' },
  { name: 'users', description: 'Users, API tokens and the audit log' },
  { name: 'meta', description: 'Health, status and this document' },
  { name: 'callbacks', description: 'Called by Exact Online and Asperion, not by people' },
] as const;

/**
 * The OpenAPI 3.1 document is generated from the zod schemas the routes validate with, so it
 * cannot drift from what the server accepts. `/api/openapi.json` serves it, `/api/docs` renders it.
 */
export async function registerOpenApi(server: ApiServer): Promise<void> {
  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Koppel API',
        version: '1',
        description:
          'Everything Koppel does, over HTTP. Sign in for a session cookie (`POST /api/session`; ' +
          'state-changing requests then send the `X-CSRF-Token` it answers) or send an API token ' +
          '(`koppel tokens create`) as `Authorization: Bearer …`. Errors always have the `Error` shape.',
      },
      tags: [...apiTags],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName },
          apiToken: { type: 'http', scheme: 'bearer', description: 'A token from `koppel tokens create`' },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await server.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}

export const openApiRoute: ApiRoute = (server) => {
  server.get(
    '/api/openapi.json',
    {
      config: { access: 'viewer' },
      schema: { summary: 'This API as an OpenAPI 3.1 document', tags: ['meta'] },
    },
    () => server.swagger(),
  );
};
