import type { CliCommand } from '../main.js';
import { mappingPreviewCommand } from './mapping-preview.js';
import { migrateCommand } from './migrate.js';

/** Every command, in the order `koppel --help` lists them. */
export const commands: CliCommand[] = [migrateCommand, mappingPreviewCommand];
