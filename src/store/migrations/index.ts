import type { Migration } from 'kysely';
import * as core from './0001-core.js';
import * as engine from './0002-engine.js';
import * as jobs from './0003-jobs.js';
import * as workspace from './0004-workspace.js';
import * as leases from './0005-leases.js';
import * as apiBudgets from './0006-api-budgets.js';
import * as access from './0007-access.js';
import * as pairMemory from './0008-pair-memory.js';
import * as linksByTarget from './0009-links-by-target.js';
import * as deadLetterNotices from './0010-dead-letter-notices.js';
import * as deadLetterDetails from './0011-dead-letter-details.js';
import * as alerts from './0012-alerts.js';
import * as workers from './0013-workers.js';
import * as recordRuns from './0014-record-runs.js';

/** Numbered migrations, in order. One list serves SQLite and Postgres. */
export const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-engine': engine,
  '0003-jobs': jobs,
  '0004-workspace': workspace,
  '0005-leases': leases,
  '0006-api-budgets': apiBudgets,
  '0007-access': access,
  '0008-pair-memory': pairMemory,
  '0009-links-by-target': linksByTarget,
  '0010-dead-letter-notices': deadLetterNotices,
  '0011-dead-letter-details': deadLetterDetails,
  '0012-alerts': alerts,
  '0013-workers': workers,
  '0014-record-runs': recordRuns,
};
