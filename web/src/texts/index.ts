import { activity } from './activity';
import { common } from './common';
import { dashboard } from './dashboard';
import { deadLetters } from './dead-letters';
import { mappings } from './mappings';
import { settings } from './settings';
import { setupWizard } from './setup-wizard';

/** The app's English texts, one module per page. */
export const t = { ...common, dashboard, activity, deadLetters, mappings, settings, setupWizard };
