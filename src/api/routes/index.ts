import type { ApiRoute } from '../route-kit.js';
import { alertAcknowledgePageRoute } from './alert-acknowledge-page.js';
import { alertsRoute } from './alerts.js';
import { auditRoute } from './audit.js';
import { budgetRoute } from './budget.js';
import { eventsRoute } from './events.js';
import { flowChangesRoute } from './flow-changes.js';
import { flowKindsRoute } from './flow-kinds.js';
import { flowsRoute } from './flows.js';
import { healthRoute } from './health.js';
import { jobsRoute } from './jobs.js';
import { connectionAuthorizationRoute } from './connection-authorization.js';
import { connectionChangeRoute } from './connection-change.js';
import { connectionTenantsRoute } from './connection-tenants.js';
import { connectionsRoute } from './connections.js';
import { notificationDeliveriesRoute } from './notification-deliveries.js';
import { notificationsRoute } from './notifications.js';
import { oauthCallbackRoute } from './oauth-callback.js';
import { pagesRoute } from './pages.js';
import { pairDashboardRoute } from './pair-dashboard.js';
import { pairsRoute } from './pairs.js';
import { purgeRoute } from './purge.js';
import { readinessRoute } from './readiness.js';
import { metricsRoute } from './metrics.js';
import { recordsRoute } from './records.js';
import { checkPairRoute } from './check-pair.js';
import { deadLetterGroupsRoute } from './dead-letter-groups.js';
import { deadLettersRoute } from './dead-letters.js';
import { debtorChoicesRoute } from './debtor-choices.js';
import { dryRunFlowRoute } from './dry-run-flow.js';
import { reconcileFlowRoute } from './reconcile-flow.js';
import { reconcileReportsRoute } from './reconcile-reports.js';
import { mappingDiffRoute } from './mapping-diff.js';
import { mappingPreviewRoute } from './mapping-preview.js';
import { mappingRollbackRoute } from './mapping-rollback.js';
import { mappingsRoute } from './mappings.js';
import { replayDeadLettersRoute } from './replay-dead-letters.js';
import { runFlowRoute } from './run-flow.js';
import { runsRoute } from './runs.js';
import { sessionRoute } from './session.js';
import { settingsRoute } from './settings.js';
import { setupRoute } from './setup.js';
import { statusRoute } from './status.js';
import { tokensRoute } from './tokens.js';
import { usersRoute } from './users.js';
import { webAppRoute } from './web-app.js';
import { webhooksRoute } from './webhooks.js';
import { workersRoute } from './workers.js';
import { workspaceRoute } from './workspace.js';

/** Every route of the main listener. */
export const apiRoutes: ApiRoute[] = [
  healthRoute,
  readinessRoute,
  metricsRoute,
  sessionRoute,
  setupRoute,
  pagesRoute,
  usersRoute,
  tokensRoute,
  auditRoute,
  statusRoute,
  pairsRoute,
  pairDashboardRoute,
  flowKindsRoute,
  flowsRoute,
  flowChangesRoute,
  debtorChoicesRoute,
  runFlowRoute,
  runsRoute,
  jobsRoute,
  workersRoute,
  recordsRoute,
  eventsRoute,
  alertsRoute,
  alertAcknowledgePageRoute,
  notificationsRoute,
  notificationDeliveriesRoute,
  budgetRoute,
  deadLetterGroupsRoute,
  deadLettersRoute,
  replayDeadLettersRoute,
  mappingsRoute,
  mappingPreviewRoute,
  mappingDiffRoute,
  mappingRollbackRoute,
  checkPairRoute,
  dryRunFlowRoute,
  reconcileFlowRoute,
  reconcileReportsRoute,
  settingsRoute,
  workspaceRoute,
  purgeRoute,
  webAppRoute,
  webhooksRoute,
  connectionsRoute,
  connectionChangeRoute,
  connectionAuthorizationRoute,
  connectionTenantsRoute,
  oauthCallbackRoute,
];

/** What the webhook listener serves: only routes that outsiders call and that check them themselves. */
export const webhookListenerRoutes: ApiRoute[] = [healthRoute, webhooksRoute, oauthCallbackRoute];
