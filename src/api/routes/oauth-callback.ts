import { z } from 'zod';
import { finishAuthorization } from '../../engine/connect/finish-authorization.js';
import { oauthCallbackPage } from '../pages/oauth-callback-page.js';
import { sendPage } from '../pages/html.js';
import type { ApiRoute } from '../route-kit.js';
import { answerConnection, subscribeWebhooksIfActive } from './connection-answer.js';

const callbackQuery = z
  .object({
    code: z.string().max(4096).optional(),
    state: z.string().max(512).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
  })
  // Providers add their own parameters (scope, session_state, iss); they change nothing here.
  .loose();

/**
 * `GET /oauth/callback?code&state`: where Exact Online and Asperion send the browser back after
 * the consent. Public (the provider's redirect carries no credentials of ours), checked by its
 * single-use `state`; answers a page saying what was connected or what to do.
 */
export const oauthCallbackRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/oauth/callback',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Where the provider sends the browser back after the consent (checked by its state)',
        description:
          'Exchanges the code for a token pair and answers an HTML page saying what was connected, or why not (400 for an unknown, used or expired state, a refused consent or code; 403 when the browser is signed in as another user than the one who started the authorization).',
        tags: ['callbacks'],
        security: [],
        querystring: callbackQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const outcome = await finishAuthorization(ctx.app.engine, {
        state: q.state,
        code: q.code,
        error: q.error,
        errorDescription: q.error_description,
        browserUserId: req.principal?.kind === 'user' ? req.principal.id : null,
        ip: req.ip,
      });
      if (outcome.outcome === 'connected' && outcome.connectionId)
        await subscribeWebhooksIfActive(ctx, await answerConnection(ctx, outcome.connectionId));
      return sendPage(reply.status(outcome.httpStatus), oauthCallbackPage(outcome, { webApp: true }));
    },
  );
};
