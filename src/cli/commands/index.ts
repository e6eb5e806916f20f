import type { CliCommand } from '../main.js';
import { applyCommand } from './apply.js';
import { exportCommand } from './export.js';
import { flowsCommand } from './flows.js';
import { migrateCommand } from './migrate.js';
import { pairsCommand } from './pairs.js';

/** Every command, in the order `koppel --help` lists them. */
export const commands: CliCommand[] = [
  applyCommand,
  exportCommand,
  pairsCommand,
  flowsCommand,
  migrateCommand,
];
