import type { ApiRoute } from '../route-kit.js';
import { auditRoute } from './audit.js';
import { healthRoute } from './health.js';
import { pagesRoute } from './pages.js';
import { runFlowRoute } from './run-flow.js';
import { sessionRoute } from './session.js';
import { setupRoute } from './setup.js';
import { statusPageRoute } from './status-page.js';
import { statusRoute } from './status.js';
import { tokensRoute } from './tokens.js';
import { usersRoute } from './users.js';
import { webhooksRoute } from './webhooks.js';

/** Every route of the main listener. */
export const apiRoutes: ApiRoute[] = [
  healthRoute,
  sessionRoute,
  setupRoute,
  pagesRoute,
  usersRoute,
  tokensRoute,
  auditRoute,
  statusRoute,
  runFlowRoute,
  statusPageRoute,
  webhooksRoute,
];

/** What the webhook listener serves: only routes that outsiders call and that check them themselves. */
export const webhookListenerRoutes: ApiRoute[] = [healthRoute, webhooksRoute];
