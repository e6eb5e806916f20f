import type { CliCommand } from '../main.js';
import { mappingPreviewCommand } from './mapping-preview.js';
import { migrateCommand } from './migrate.js';
import { purgeCommand } from './purge.js';
import { recordsCommand } from './records.js';
import { replayCommand } from './replay.js';
import { runsCommand } from './runs.js';

/** Every command, in the order `koppel --help` lists them. */
export const commands: CliCommand[] = [
  migrateCommand,
  runsCommand,
  recordsCommand,
  replayCommand,
  purgeCommand,
  mappingPreviewCommand,
];
