import { asperionApp } from './connectors/asperion/app.js';
import { exactOnlineApp } from './connectors/exact-online/app.js';
import type { FlowRegistry } from './engine/types.js';

/** The apps and flow kinds this installation knows. Flow kinds arrive with the flows issues. */
export const productRegistry: FlowRegistry = {
  kinds: new Map(),
  apps: new Map([exactOnlineApp, asperionApp].map((a) => [a.app, a])),
};
