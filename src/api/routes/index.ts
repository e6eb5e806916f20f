import type { ApiRoute } from '../route-kit.js';
import { checkPairRoute } from './check-pair.js';
import { deadLettersRoute } from './dead-letters.js';
import { dryRunFlowRoute } from './dry-run-flow.js';
import { healthRoute } from './health.js';
import { mappingPreviewRoute } from './mapping-preview.js';
import { mappingsRoute } from './mappings.js';
import { pagesRoute } from './pages.js';
import { replayDeadLettersRoute } from './replay-dead-letters.js';
import { runFlowRoute } from './run-flow.js';
import { sessionRoute } from './session.js';
import { settingsRoute } from './settings.js';
import { setupRoute } from './setup.js';
import { statusPageRoute } from './status-page.js';
import { statusRoute } from './status.js';
import { webhooksRoute } from './webhooks.js';
import { workspaceRoute } from './workspace.js';

/** Every route of the main listener. */
export const apiRoutes: ApiRoute[] = [
  healthRoute,
  sessionRoute,
  setupRoute,
  pagesRoute,
  statusRoute,
  runFlowRoute,
  deadLettersRoute,
  replayDeadLettersRoute,
  mappingsRoute,
  mappingPreviewRoute,
  checkPairRoute,
  dryRunFlowRoute,
  settingsRoute,
  workspaceRoute,
  statusPageRoute,
  webhooksRoute,
];

/** What the webhook listener serves: only routes that outsiders call and that check them themselves. */
export const webhookListenerRoutes: ApiRoute[] = [healthRoute, webhooksRoute];
