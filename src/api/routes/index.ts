import type { ApiRoute } from '../route-kit.js';
import { connectionAuthorizationRoute } from './connection-authorization.js';
import { connectionChangeRoute } from './connection-change.js';
import { connectionTenantsRoute } from './connection-tenants.js';
import { connectionsRoute } from './connections.js';
import { healthRoute } from './health.js';
import { oauthCallbackRoute } from './oauth-callback.js';
import { pagesRoute } from './pages.js';
import { runFlowRoute } from './run-flow.js';
import { sessionRoute } from './session.js';
import { setupRoute } from './setup.js';
import { statusPageRoute } from './status-page.js';
import { statusRoute } from './status.js';
import { webhooksRoute } from './webhooks.js';

/** Every route of the main listener. */
export const apiRoutes: ApiRoute[] = [
  healthRoute,
  sessionRoute,
  setupRoute,
  pagesRoute,
  statusRoute,
  runFlowRoute,
  statusPageRoute,
  webhooksRoute,
  connectionsRoute,
  connectionChangeRoute,
  connectionAuthorizationRoute,
  connectionTenantsRoute,
  oauthCallbackRoute,
];

/** What the webhook listener serves: only routes that outsiders call and that check them themselves. */
export const webhookListenerRoutes: ApiRoute[] = [healthRoute, webhooksRoute, oauthCallbackRoute];
