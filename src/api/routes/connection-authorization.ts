import { z } from 'zod';
import { forgetAuthorization } from '../../engine/connect/forget-authorization.js';
import { resumeConnection } from '../../engine/connect/resume-connection.js';
import { redirectUriOf, startAuthorization } from '../../engine/connect/start-authorization.js';
import { audit, principalOf, responses, type ApiRoute } from '../route-kit.js';
import {
  answerConnection,
  connectionBody,
  connectionInScope,
  connectionParams,
  subscribeWebhooksIfActive,
} from './connection-answer.js';

const startedBody = z
  .object({
    authorizeUrl: z.string().describe('The provider’s consent page: open it in a browser'),
    redirectUri: z
      .string()
      .describe(
        'Where the provider sends the browser back (`<public URL>/oauth/callback`); register it with the app',
      ),
    expiresAt: z.string().describe('The authorization must be finished before this time (10 minutes)'),
  })
  .meta({ id: 'AuthorizationStarted' });

/** A connection's authorization: start one (OAuth consent), forget it (disconnect), resume after a pause. */
export const connectionAuthorizationRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/connections/:id/authorize',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Start authorizing a connection at its provider (OAuth)',
        description:
          'Answers the provider’s consent URL with a single-use `state` bound to this connection and to you, valid 10 minutes. After the consent the provider sends the browser to `/oauth/callback`, which stores the token pair; the connection becomes `active`, or `needs_tenant` when a division or administration must be chosen. A paused connection is resumed by it.',
        tags: ['connections'],
        params: connectionParams,
        response: responses({ 200: startedBody }),
      },
    },
    async (req) => {
      const connection = await connectionInScope(ctx, req, req.params.id);
      const started = await startAuthorization(ctx.app.engine, {
        connectionId: connection.id,
        redirectUri: redirectUriOf(ctx.baseUrl()),
        actor: principalOf(req),
      });
      await audit(ctx, req, {
        action: 'connection.authorize_start',
        target: { kind: 'connection', id: connection.id },
        pairId: connection.pairId,
        details: { redirectUri: started.redirectUri },
      });
      return {
        authorizeUrl: started.authorizeUrl,
        redirectUri: started.redirectUri,
        expiresAt: started.expiresAt,
      };
    },
  );

  server.delete(
    '/api/connections/:id/authorization',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Disconnect: forget the connection’s token pair',
        description:
          'The connection becomes `needs_authorization` and its flows wait; its client and webhook secrets and its tenant stay.',
        tags: ['connections'],
        params: connectionParams,
        response: responses({ 204: z.null().describe('Forgotten') }),
      },
    },
    async (req, reply) => {
      const connection = await connectionInScope(ctx, req, req.params.id);
      await forgetAuthorization(ctx.app.engine, connection.id);
      await audit(ctx, req, {
        action: 'connection.disconnect',
        target: { kind: 'connection', id: connection.id },
        pairId: connection.pairId,
      });
      return reply.status(204).send(null);
    },
  );

  server.post(
    '/api/connections/:id/resume',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Resume a paused connection that still holds a token pair',
        description:
          'Without a token pair it must be authorized again instead (409). A new authorization resumes a paused connection by itself.',
        tags: ['connections'],
        params: connectionParams,
        response: responses({ 200: connectionBody }),
      },
    },
    async (req) => {
      const connection = await connectionInScope(ctx, req, req.params.id);
      const { resumed } = await resumeConnection(ctx.app.engine, connection.id);
      if (resumed)
        await audit(ctx, req, {
          action: 'connection.resume',
          target: { kind: 'connection', id: connection.id },
          pairId: connection.pairId,
        });
      const view = await answerConnection(ctx, connection.id);
      if (resumed) await subscribeWebhooksIfActive(ctx, view);
      return view;
    },
  );
};
