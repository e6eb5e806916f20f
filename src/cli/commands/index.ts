import type { CliCommand } from '../main.js';
import { alertsCommand } from './alerts.js';
import { applyCommand } from './apply.js';
import { demoCommand } from './demo.js';
import { checkCommand } from './check.js';
import { connectCommand } from './connect.js';
import { connectionsCommand } from './connections.js';
import { cursorCommand } from './cursor.js';
import { debtorsCommand } from './debtors.js';
import { disconnectCommand } from './disconnect.js';
import { budgetCommand } from './budget.js';
import { exportCommand } from './export.js';
import { flowsCommand } from './flows.js';
import { mappingPreviewCommand } from './mapping-preview.js';
import { migrateCommand } from './migrate.js';
import { notifyCommand } from './notify.js';
import { pairsCommand } from './pairs.js';
import { purgeCommand } from './purge.js';
import { recordsCommand } from './records.js';
import { reconcileCommand } from './reconcile.js';
import { replayCommand } from './replay.js';
import { resumeCommand } from './resume.js';
import { runsCommand } from './runs.js';
import { sandboxCommand } from './sandbox.js';
import { secretsCommand } from './secrets.js';
import { startCommand } from './start.js';
import { syncCommand } from './sync.js';
import { tokensCommand } from './tokens.js';
import { usersCommand } from './users.js';
import { tenantsCommand } from './tenants.js';
import { workersCommand } from './workers.js';

/** Every command, in the order `koppel --help` lists them. */
export const commands: CliCommand[] = [
  demoCommand,
  startCommand,
  syncCommand,
  checkCommand,
  reconcileCommand,
  applyCommand,
  exportCommand,
  pairsCommand,
  connectionsCommand,
  connectCommand,
  tenantsCommand,
  resumeCommand,
  disconnectCommand,
  flowsCommand,
  runsCommand,
  workersCommand,
  cursorCommand,
  debtorsCommand,
  budgetCommand,
  alertsCommand,
  notifyCommand,
  recordsCommand,
  replayCommand,
  purgeCommand,
  mappingPreviewCommand,
  usersCommand,
  tokensCommand,
  sandboxCommand,
  migrateCommand,
  secretsCommand,
];
