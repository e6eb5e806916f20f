import type { CliCommand } from '../main.js';
import { migrateCommand } from './migrate.js';

/** Every command, in the order `koppel --help` lists them. */
export const commands: CliCommand[] = [migrateCommand];
