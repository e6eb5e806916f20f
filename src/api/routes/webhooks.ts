import { receiveWebhook } from '../../engine/receive-webhook.js';
import type { ApiRoute } from '../route-kit.js';

/**
 * `POST /webhooks/<app segment>/<connection id>`, e.g. `/webhooks/exact/acme-exact`: the callback
 * a provider delivers webhooks to. The body is kept as the exact text that arrived, since the
 * signature covers its bytes (Exact reference 6.4). 200 for the probe and for every accepted
 * delivery, at once (the run is queued, not awaited), and for a repeat of one (`duplicate: true`,
 * so the provider stops retrying; it starts nothing); 401 bad signature, 400 unreadable or of an
 * event outside the accepted window (`webhook.stale`, `webhook.from_future`), 404 no such connection.
 */
export const webhooksRoute: ApiRoute = (server, ctx) => {
  void server.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, parsed) => parsed(null, body));
    scope.post<{ Params: { segment: string; connectionId: string } }>(
      '/webhooks/:segment/:connectionId',
      {
        config: { access: 'public' },
        schema: {
          summary: 'A webhook delivery (Exact Online calls this; checked by its signature)',
          tags: ['callbacks'],
          security: [],
        },
      },
      async (req, reply) => {
        const outcome = await receiveWebhook(ctx.app.engine, ctx.queue, {
          segment: req.params.segment,
          connectionId: req.params.connectionId,
          rawBody: typeof req.body === 'string' ? req.body : '',
        });
        return reply.status(200).send(outcome);
      },
    );
    done();
  });
};
